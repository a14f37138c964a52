/*
 * zap.c - the ZAP handler thread that applies the allow-list of client
 * keys (zap_allow.h) to dbd's CURVE sockets (zap.h); what their monitors
 * report is zap_watch.c's.
 */
#include "zap_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#define ZAP_ENDPOINT "inproc://zeromq.zap.01" /* fixed by RFC 27 */
#define CTL_ENDPOINT "inproc://dbd.zap.control"

int dbd_zap_check_config(const dbd_config *cfg, char *err, size_t errlen)
{
    char pub[DBD_CURVE_Z85_LEN + 1], sec[DBD_CURVE_Z85_LEN + 1];
    dbd_allow_list l;

    if (cfg->curve_key == NULL && cfg->clients == NULL)
        return 0;
    if (cfg->curve_key == NULL) {
        snprintf(err, errlen, "[dbd] clients is set but curve_key is not: "
                 "the allow-list applies to CURVE endpoints only");
        return -1;
    }
    if (cfg->clients == NULL) {
        snprintf(err, errlen, "[dbd] curve_key is set but clients is not: "
                 "name the file of allowed client keys");
        return -1;
    }
    if (dbd_curve_key_load(cfg->curve_key, pub, sec, err, errlen) != 0)
        return -1;
    explicit_bzero(sec, sizeof sec);
    if (dbd_allow_list_load(cfg->clients, &l, err, errlen) != 0)
        return -1;
    dbd_allow_list_free(&l);
    return 0;
}

dbd_zap *dbd_zap_new(void *zctx, const dbd_config *cfg, const dbd_log *log,
                     char *err, size_t errlen)
{
    dbd_zap *zap = NULL;
    char pub[DBD_CURVE_Z85_LEN + 1];
    int linger = 0;

    if (dbd_zap_check_config(cfg, err, errlen) != 0)
        return NULL;
    zap = calloc(1, sizeof *zap);
    if (zap == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    zap->zctx = zctx;
    zap->log = log;
    for (size_t i = 0; i < OPEN_SLOTS; i++)
        zap->open[i].fd = -1;
    if (pthread_mutex_init(&zap->mu, NULL) != 0) {
        snprintf(err, errlen, "cannot create a mutex");
        free(zap);
        return NULL;
    }
    if (dbd_curve_key_load(cfg->curve_key, pub, zap->secret, err, errlen) !=
            0 ||
        dbd_allow_list_load(cfg->clients, &zap->list, err, errlen) != 0)
        goto fail;
    /* Bound now: a CURVE socket bound before the handler would admit
     * clients without asking it. */
    zap->rep = zmq_socket(zctx, ZMQ_REP);
    if (zap->rep == NULL ||
        zmq_setsockopt(zap->rep, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_bind(zap->rep, ZAP_ENDPOINT) != 0) {
        snprintf(err, errlen, "cannot start the CURVE authentication "
                 "handler: %s", zmq_strerror(zmq_errno()));
        goto fail;
    }
    log_notice(log, "CURVE on tcp endpoints: dbd's public key %s, %zu "
               "client key%s from %s", pub, zap->list.n,
               zap->list.n == 1 ? "" : "s", cfg->clients);
    return zap;
fail:
    dbd_zap_destroy(&zap);
    return NULL;
}

int dbd_zap_secure(dbd_zap *zap, void *sock, const char *endpoint,
                   const char *domain, char *err, size_t errlen)
{
    static const int events = ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED |
                               ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
    int one = 1, linger = 0;
    char addr[64];
    watch *w = realloc(zap->watches, (zap->nwatches + 1) * sizeof *w);

    if (w == NULL) {
        snprintf(err, errlen, "%s: out of memory", endpoint);
        return -1;
    }
    zap->watches = w;
    w = &zap->watches[zap->nwatches];
    *w = (watch){0};
    snprintf(w->endpoint, sizeof w->endpoint, "%s", endpoint);
    snprintf(addr, sizeof addr, "inproc://dbd.zap.monitor.%zu",
             zap->nwatches);
    if (zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &one, sizeof one) != 0 ||
        /* The Z85 form: 40 characters and the NUL. */
        zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, zap->secret,
                       sizeof zap->secret) != 0 ||
        zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, domain, strlen(domain)) != 0) {
        snprintf(err, errlen, "%s: cannot set up CURVE: %s", endpoint,
                 zmq_strerror(zmq_errno()));
        return -1;
    }
    /* Not fatal: the library may lack the draft option (see the top). */
    (void)zmq_setsockopt(sock, ZMQ_ZAP_ENFORCE_DOMAIN, &one, sizeof one);
    if (zmq_socket_monitor(sock, addr, events) != 0) {
        snprintf(err, errlen, "%s: cannot watch its handshakes: %s",
                 endpoint, zmq_strerror(zmq_errno()));
        return -1;
    }
    w->pair = zmq_socket(zap->zctx, ZMQ_PAIR);
    if (w->pair == NULL ||
        zmq_setsockopt(w->pair, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_connect(w->pair, addr) != 0) {
        snprintf(err, errlen, "%s: cannot watch its handshakes: %s",
                 endpoint, zmq_strerror(zmq_errno()));
        if (w->pair != NULL)
            zmq_close(w->pair);
        w->pair = NULL;
        return -1;
    }
    zap->nwatches++;
    return 0;
}

/* Frame i of a ZAP request as a string (cut to len - 1) into buf. */
static void frame_str(zmq_msg_t *f, char *buf, size_t len)
{
    size_t n = zmq_msg_size(f);
    if (n >= len)
        n = len - 1;
    memcpy(buf, zmq_msg_data(f), n);
    buf[n] = '\0';
}

#define ZAP_FRAMES 7 /* version, id, domain, address, identity, mechanism,
                        one credential (CURVE's public key) */

/* Under zap->mu: whether the key called name may subscribe to the
 * audit trail. */
static bool may_read_audit(const dbd_zap *zap, const char *name)
{
    if (!zap->readers_ruled)
        return true;
    for (size_t i = 0; i < zap->nreaders; i++)
        if (strcmp(zap->readers[i], name) == 0)
            return true;
    return false;
}

/* Answers one ZAP request (RFC 27): 200 and the key's name for a listed
 * key, 400 otherwise. */
static void answer_zap(dbd_zap *zap)
{
    zmq_msg_t f[ZAP_FRAMES + 1];
    size_t n = 0;
    bool more = true, ok = false;
    char version[8], mech[16], address[64], name[DBD_CURVE_NAME_MAX + 1];
    char domain[32];
    char z85[DBD_CURVE_Z85_LEN + 1] = "", client[ADDR_BYTES];
    char detail[DETAIL_BYTES];
    const char *code = "400", *text = "unknown CURVE key";

    name[0] = '\0';
    /* Every frame is read, so that the socket is ready for the reply; a
     * request with more than expected is malformed. */
    while (more) {
        zmq_msg_t extra, *m = n < ZAP_FRAMES + 1 ? &f[n] : &extra;
        zmq_msg_init(m);
        if (zmq_msg_recv(m, zap->rep, 0) < 0) {
            zmq_msg_close(m);
            break;
        }
        more = zmq_msg_more(m);
        if (m == &extra)
            zmq_msg_close(m);
        else
            n++;
    }
    if (n == 0)
        goto out; /* nothing was read: nothing to answer */
    if (n < 6) {
        /* Answered all the same: REP must reply before its next read. */
        log_errx(zap->log, "malformed ZAP request (%zu frames)", n);
        code = "500";
        text = "malformed request";
        goto reply;
    }
    frame_str(&f[0], version, sizeof version);
    frame_str(&f[2], domain, sizeof domain);
    frame_str(&f[3], address, sizeof address);
    frame_str(&f[5], mech, sizeof mech);
    /* ZAP gives the IP address alone; an IPv6 one is bracketed as in an
     * endpoint. */
    snprintf(client, sizeof client, strchr(address, ':') != NULL
                                        ? "tcp://[%s]" : "tcp://%s",
             address);
    if (strcmp(version, "1.0") != 0 || n != ZAP_FRAMES ||
        strcmp(mech, "CURVE") != 0 || zmq_msg_size(&f[6]) != DBD_ALLOW_KEY_BYTES) {
        text = "not a CURVE request";
        snprintf(detail, sizeof detail, "handshake failed: mechanism %s",
                 mech);
        dbd_zap_refused(zap, client, address, detail);
    } else {
        const unsigned char *key = zmq_msg_data(&f[6]);
        if (zmq_z85_encode(z85, key, DBD_ALLOW_KEY_BYTES) == NULL)
            z85[0] = '\0';
        if (pthread_mutex_lock(&zap->mu) == 0) {
            const char *found = dbd_allow_list_find(&zap->list, key);
            if (found != NULL) {
                /* Copied: a reload may free the list once unlocked. */
                snprintf(name, sizeof name, "%s", found);
                ok = true;
            }
            if (ok && strcmp(domain, DBD_ZAP_AUDIT_DOMAIN) == 0 &&
                !may_read_audit(zap, name))
                ok = false;
            pthread_mutex_unlock(&zap->mu);
        }
        if (ok) {
            code = "200";
            text = "OK";
            log_info(zap->log, "client %s admitted with key \"%s\"", client,
                     name);
        } else if (name[0] != '\0') {
            snprintf(detail, sizeof detail, "key \"%s\" may not read the "
                     "audit trail (no admin audit in [client %s])", name,
                     name);
            text = "not an audit reader";
            dbd_zap_refused(zap, client, address, detail);
            name[0] = '\0';
        } else {
            snprintf(detail, sizeof detail, "unknown CURVE key %s", z85);
            dbd_zap_refused(zap, client, address, detail);
        }
    }
reply:
    /* The reply: version, request id, status code and text, user id,
     * metadata (none). */
    if (zmq_send(zap->rep, "1.0", 3, ZMQ_SNDMORE) < 0 ||
        zmq_send(zap->rep, n > 1 ? zmq_msg_data(&f[1]) : "",
                 n > 1 ? zmq_msg_size(&f[1]) : 0, ZMQ_SNDMORE) < 0 ||
        zmq_send(zap->rep, code, 3, ZMQ_SNDMORE) < 0 ||
        zmq_send(zap->rep, text, strlen(text), ZMQ_SNDMORE) < 0 ||
        zmq_send(zap->rep, name, strlen(name), ZMQ_SNDMORE) < 0 ||
        zmq_send(zap->rep, "", 0, 0) < 0)
        log_errx(zap->log, "cannot answer a ZAP request: %s",
                 zmq_strerror(zmq_errno()));
out:
    for (size_t i = 0; i < n && i < ZAP_FRAMES + 1; i++)
        zmq_msg_close(&f[i]);
}

static void *zap_main(void *arg)
{
    dbd_zap *zap = arg;
    size_t nitems = zap->nwatches + 2;
    zmq_pollitem_t *items = calloc(nitems, sizeof *items);

    if (items == NULL) {
        log_errx(zap->log, "CURVE authentication handler: out of memory; "
                 "every CURVE client is refused");
        goto out;
    }
    items[0] = (zmq_pollitem_t){.socket = zap->ctl_thread, .events = ZMQ_POLLIN};
    items[1] = (zmq_pollitem_t){.socket = zap->rep, .events = ZMQ_POLLIN};
    for (size_t i = 0; i < zap->nwatches; i++)
        items[2 + i] = (zmq_pollitem_t){.socket = zap->watches[i].pair,
                                        .events = ZMQ_POLLIN};
    for (;;) {
        if (zmq_poll(items, (int)nitems, -1) < 0) {
            if (zmq_errno() == EINTR)
                continue;
            log_errx(zap->log, "CURVE authentication handler: %s",
                     zmq_strerror(zmq_errno()));
            break;
        }
        if (items[0].revents & ZMQ_POLLIN)
            break; /* stop */
        if (items[1].revents & ZMQ_POLLIN)
            answer_zap(zap);
        for (size_t i = 0; i < zap->nwatches; i++)
            if (items[2 + i].revents & ZMQ_POLLIN)
                dbd_zap_watch_event(zap, &zap->watches[i]);
    }
    /* A failure still waiting for its disconnect is not lost. */
    for (size_t i = 0; i < zap->nwatches; i++)
        if (zap->watches[i].pending)
            dbd_zap_report_failure(zap, &zap->watches[i], NULL);
out:
    free(items);
    return NULL;
}

int dbd_zap_start(dbd_zap *zap, dbd_audit *audit, char *err, size_t errlen)
{
    int linger = 0;

    zap->audit = audit;
    zap->ctl_main = zmq_socket(zap->zctx, ZMQ_PAIR);
    zap->ctl_thread = zmq_socket(zap->zctx, ZMQ_PAIR);
    if (zap->ctl_main == NULL || zap->ctl_thread == NULL ||
        zmq_setsockopt(zap->ctl_main, ZMQ_LINGER, &linger, sizeof linger) !=
            0 ||
        zmq_setsockopt(zap->ctl_thread, ZMQ_LINGER, &linger,
                       sizeof linger) != 0 ||
        zmq_bind(zap->ctl_main, CTL_ENDPOINT) != 0 ||
        zmq_connect(zap->ctl_thread, CTL_ENDPOINT) != 0) {
        snprintf(err, errlen, "cannot start the CURVE authentication "
                 "handler: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    /* Its sockets move to the thread: pthread_create is the barrier
     * ZeroMQ asks for. */
    if (pthread_create(&zap->thread, NULL, zap_main, zap) != 0) {
        snprintf(err, errlen, "cannot start the CURVE authentication "
                 "handler thread");
        return -1;
    }
    zap->started = true;
    return 0;
}

int dbd_zap_reload(dbd_zap *zap, const char *path, char *err, size_t errlen)
{
    dbd_allow_list next, old;

    if (dbd_allow_list_load(path, &next, err, errlen) != 0)
        return -1;
    if (pthread_mutex_lock(&zap->mu) != 0) {
        snprintf(err, errlen, "%s: cannot lock the allow-list", path);
        dbd_allow_list_free(&next);
        return -1;
    }
    old = zap->list;
    zap->list = next;
    pthread_mutex_unlock(&zap->mu);
    dbd_allow_list_free(&old);
    log_notice(zap->log, "reload: %zu client key%s from %s", next.n,
               next.n == 1 ? "" : "s", path);
    return 0;
}

int dbd_zap_set_audit_readers(dbd_zap *zap, bool ruled,
                              const char *const *names, size_t n)
{
    char(*next)[DBD_CURVE_NAME_MAX + 1] = calloc(n > 0 ? n : 1,
                                                 sizeof *next);
    char(*old)[DBD_CURVE_NAME_MAX + 1];

    if (next == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        snprintf(next[i], sizeof next[i], "%s", names[i]);
    if (pthread_mutex_lock(&zap->mu) != 0) {
        free(next);
        return -1;
    }
    old = zap->readers;
    zap->readers = next;
    zap->nreaders = n;
    zap->readers_ruled = ruled;
    pthread_mutex_unlock(&zap->mu);
    free(old);
    return 0;
}

void dbd_zap_destroy(dbd_zap **pz)
{
    dbd_zap *zap;
    if (pz == NULL || *pz == NULL)
        return;
    zap = *pz;
    if (zap->started) {
        /* A blocking send: the thread's end is connected, so it queues. */
        if (zmq_send(zap->ctl_main, "", 0, 0) < 0)
            log_errx(zap->log, "cannot stop the CURVE authentication "
                     "handler: %s", zmq_strerror(zmq_errno()));
        else
            pthread_join(zap->thread, NULL);
    }
    for (size_t i = 0; i < zap->nwatches; i++)
        zmq_close(zap->watches[i].pair);
    free(zap->watches);
    if (zap->ctl_main != NULL)
        zmq_close(zap->ctl_main);
    if (zap->ctl_thread != NULL)
        zmq_close(zap->ctl_thread);
    if (zap->rep != NULL)
        zmq_close(zap->rep);
    dbd_allow_list_free(&zap->list);
    free(zap->readers);
    explicit_bzero(zap->secret, sizeof zap->secret);
    pthread_mutex_destroy(&zap->mu);
    free(zap);
    *pz = NULL;
}
