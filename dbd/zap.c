/*
 * zap.c - the ZAP handler thread that applies the allow-list of client
 * keys (zap_allow.h) to dbd's CURVE sockets, and watches their handshakes
 * (zap.h).
 */
#include "zap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <zmq.h>

#include "audit_json.h"
#include "clock.h"
#include "curve_key.h"
#include "zap_allow.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01" /* fixed by RFC 27 */
#define CTL_ENDPOINT "inproc://dbd.zap.control"
/* Handshakes still open that a refusal can be matched to (peer address by
 * descriptor); beyond that the oldest is forgotten. */
#define OPEN_SLOTS 256
#define ADDR_BYTES 80 /* "tcp://[IPv6]:port" and a NUL */
#define DETAIL_BYTES 160
/* A client refused again and again (ZeroMQ reconnects every 100 ms or so)
 * is logged and recorded once per QUIET_US for each address and reason,
 * so that it cannot flood the log and the trail; the next one that is
 * says how many were left out. */
#define QUIET_SLOTS 64
#define QUIET_US (60 * INT64_C(1000000))
/* ZAP_ENFORCE_DOMAIN is a draft option in libzmq 4.3: set when the library
 * knows it, so that a handshake with no handler bound (shutdown) fails
 * instead of passing; the handler is bound for the sockets' whole life
 * otherwise. */
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#endif

/* A socket's handshakes, as its monitor tells them. */
typedef struct watch {
    void *pair;                 /* receives the monitor's events */
    char endpoint[256];         /* the socket's own, for messages */
    bool pending;               /* a failure waits for its disconnect */
    uint16_t event;
    uint32_t value;
} watch;

typedef struct quiet {
    char key[ADDR_BYTES + DETAIL_BYTES]; /* "ADDRESS reason"; "" free */
    int64_t since_mono_us;      /* last logged */
    uint64_t held;              /* refusals not logged since */
} quiet;

typedef struct open_conn {
    int fd;                     /* -1: free */
    char addr[ADDR_BYTES];
} open_conn;

struct dbd_zap {
    void *zctx;
    const dbd_log *log;
    dbd_audit *audit;
    char secret[DBD_CURVE_Z85_LEN + 1];
    pthread_mutex_t mu;         /* guards list: reloads swap it */
    dbd_allow_list list;
    void *rep;                  /* ZAP requests */
    void *ctl_main, *ctl_thread; /* "stop" from the main thread */
    watch *watches;
    size_t nwatches;
    open_conn open[OPEN_SLOTS]; /* the thread's own */
    size_t open_next;
    quiet quiet[QUIET_SLOTS];   /* the thread's own */
    size_t quiet_next;
    pthread_t thread;
    bool started;
};

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
                   char *err, size_t errlen)
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
        zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, DBD_ZAP_DOMAIN,
                       strlen(DBD_ZAP_DOMAIN)) != 0) {
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

/* Whether a refusal of the address peer for detail is to be logged now
 * (see QUIET_US); *held is then the number left out before it. */
static bool speak_up(dbd_zap *zap, const char *peer, const char *detail,
                     uint64_t *held)
{
    char key[ADDR_BYTES + DETAIL_BYTES];
    int64_t now = now_mono_us();
    quiet *q = NULL;

    snprintf(key, sizeof key, "%s %s", peer, detail);
    for (size_t i = 0; i < QUIET_SLOTS && q == NULL; i++)
        if (strcmp(zap->quiet[i].key, key) == 0)
            q = &zap->quiet[i];
    if (q != NULL && now - q->since_mono_us < QUIET_US) {
        q->held++;
        return false;
    }
    if (q == NULL) {
        /* The oldest slot goes: what it held is forgotten. */
        q = &zap->quiet[zap->quiet_next];
        zap->quiet_next = (zap->quiet_next + 1) % QUIET_SLOTS;
        snprintf(q->key, sizeof q->key, "%s", key);
        q->held = 0;
    }
    *held = q->held;
    q->held = 0;
    q->since_mono_us = now;
    return true;
}

/* Logs one refused client and records it in the audit trail.  client is
 * its address as known ("tcp://..."), peer its IP address or NULL. */
static void refused(dbd_zap *zap, const char *client, const char *peer,
                    const char *why)
{
    dbd_audit_entry *e;
    dbd_audit_record r;
    int64_t ts = now_real_us();
    uint64_t held = 0;
    char detail[DETAIL_BYTES + 80];

    if (!speak_up(zap, peer != NULL ? peer : client, why, &held))
        return;
    if (held > 0)
        snprintf(detail, sizeof detail, "%s (and %" PRIu64 " more like it "
                 "in the last %d s, not logged)", why, held,
                 (int)(QUIET_US / 1000000));
    else
        snprintf(detail, sizeof detail, "%s", why);
    log_warnx(zap->log, "client %s refused: %s", client, detail);
    if (zap->audit == NULL)
        return;
    e = dbd_audit_entry_get(zap->audit);
    if (e == NULL) {
        log_errx(zap->log, "audit: no memory for the record of a refusal");
        return;
    }
    r = (dbd_audit_record){.ts_us = ts, .client = client, .peer = peer,
                           .host = -1, .op = "connect", .status = DBD_DENY,
                           .rows = -1, .detail = detail};
    if (dbd_audit_json_rest(&r, DBD_AUDIT_VALUES_NONE, NULL, 0,
                            dbd_audit_entry_rest(e)) != 0) {
        dbd_audit_entry_drop(zap->audit, e);
        log_errx(zap->log, "audit: no memory for the record of a refusal");
        return;
    }
    (void)dbd_audit_submit(zap->audit, e, ts, "", NULL); /* drops counted */
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

/* Answers one ZAP request (RFC 27): 200 and the key's name for a listed
 * key, 400 otherwise. */
static void answer_zap(dbd_zap *zap)
{
    zmq_msg_t f[ZAP_FRAMES + 1];
    size_t n = 0;
    bool more = true, ok = false;
    char version[8], mech[16], address[64], name[DBD_CURVE_NAME_MAX + 1];
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
        refused(zap, client, address, detail);
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
            pthread_mutex_unlock(&zap->mu);
        }
        if (ok) {
            code = "200";
            text = "OK";
            log_info(zap->log, "client %s admitted with key \"%s\"", client,
                     name);
        } else {
            snprintf(detail, sizeof detail, "unknown CURVE key %s", z85);
            refused(zap, client, address, detail);
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

/* The port of an address (0 for another family). */
static unsigned port_of(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)ss)->sin_port);
    if (ss->ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
    return 0;
}

/* The port an endpoint "tcp://HOST:PORT" names; 0 when it names none
 * (then it is not checked). */
static unsigned endpoint_port(const char *endpoint)
{
    const char *colon = strrchr(endpoint, ':');
    char *end;
    unsigned long port;

    if (colon == NULL)
        return 0;
    port = strtoul(colon + 1, &end, 10);
    return *end == '\0' && port <= 65535 ? (unsigned)port : 0;
}

/*
 * The peer address of descriptor fd, just accepted on w's socket, as
 * "tcp://IP:PORT" into buf; false when the descriptor is gone already.
 * The descriptor may have been closed and its number reused by then:
 * its local port must be w's, so that a file or a backend connection is
 * never taken for the client.  (A client accepted on the same endpoint in
 * that instant could still be; that is as far as the monitor allows.)
 */
static bool peer_of(const watch *w, int fd, char *buf, size_t len)
{
    struct sockaddr_storage ss, local;
    socklen_t sl = sizeof ss, ll = sizeof local;
    unsigned want = endpoint_port(w->endpoint);
    char ip[INET6_ADDRSTRLEN];

    if (getsockname(fd, (struct sockaddr *)&local, &ll) != 0 ||
        (want != 0 && port_of(&local) != want) ||
        getpeername(fd, (struct sockaddr *)&ss, &sl) != 0)
        return false;
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)&ss;
        if (inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof ip) == NULL)
            return false;
        snprintf(buf, len, "tcp://%s:%u", ip, (unsigned)ntohs(s4->sin_port));
        return true;
    }
    if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ss;
        if (inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof ip) == NULL)
            return false;
        snprintf(buf, len, "tcp://[%s]:%u", ip,
                 (unsigned)ntohs(s6->sin6_port));
        return true;
    }
    return false;
}

/* What a failed handshake event means, for log and audit. */
static void describe_failure(uint16_t event, uint32_t value, char *buf,
                             size_t len)
{
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) {
        const char *what =
            value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH
                ? "mechanism mismatch (the client does not use CURVE)"
            : value == ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC
                ? "cryptographic error (the client uses another server "
                  "key)"
                : NULL;
        if (what != NULL)
            snprintf(buf, len, "handshake failed: %s", what);
        else
            snprintf(buf, len, "handshake failed: protocol error 0x%x",
                     (unsigned)value);
    } else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
        snprintf(buf, len, "handshake failed: authentication status %u",
                 (unsigned)value);
    } else {
        snprintf(buf, len, "handshake failed: %s", strerror((int)value));
    }
}

/* A failure whose connection is known (addr) or not (NULL). */
static void report_failure(dbd_zap *zap, watch *w, const char *addr)
{
    char detail[DETAIL_BYTES], client[ADDR_BYTES + 300], peer[ADDR_BYTES];
    const char *ip = NULL;

    w->pending = false;
    /* 400 is this handler's own refusal, recorded already. */
    if (w->event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH && w->value == 400)
        return;
    describe_failure(w->event, w->value, detail, sizeof detail);
    if (addr != NULL) {
        /* peer: the IP alone, as a request's record has it. */
        const char *s = addr + strlen("tcp://"), *colon = strrchr(s, ':');
        size_t n = colon != NULL ? (size_t)(colon - s) : strlen(s);
        if (n > 1 && s[0] == '[') {
            s++;
            n -= 2;
        }
        snprintf(peer, sizeof peer, "%.*s", (int)n, s);
        ip = peer;
        snprintf(client, sizeof client, "%s", addr);
    } else {
        snprintf(client, sizeof client, "unknown address on %s",
                 w->endpoint);
    }
    refused(zap, client, ip, detail);
}

/* The open-connection slot of fd, or NULL. */
static open_conn *find_open(dbd_zap *zap, int fd)
{
    for (size_t i = 0; i < OPEN_SLOTS; i++)
        if (zap->open[i].fd == fd)
            return &zap->open[i];
    return NULL;
}

/*
 * One monitor event.  A refused handshake comes as HANDSHAKE_FAILED_*,
 * which names no connection, then DISCONNECTED with its descriptor: the
 * failure waits for that to learn the address, taken at ACCEPTED (while
 * the descriptor is surely open; a connection dropped before the thread
 * looked at it stays without an address).
 */
static void watch_event(dbd_zap *zap, watch *w)
{
    zmq_msg_t ev, ep;
    uint16_t event;
    uint32_t value;
    open_conn *c;

    zmq_msg_init(&ev);
    zmq_msg_init(&ep);
    if (zmq_msg_recv(&ev, w->pair, 0) < 0)
        goto out;
    /* The second frame is the endpoint; read it even when unused. */
    if (!zmq_msg_more(&ev) || zmq_msg_recv(&ep, w->pair, 0) < 0 ||
        zmq_msg_size(&ev) != 6)
        goto out;
    memcpy(&event, zmq_msg_data(&ev), sizeof event);
    memcpy(&value, (const char *)zmq_msg_data(&ev) + 2, sizeof value);
    if (event == ZMQ_EVENT_ACCEPTED) {
        /* A slot left by a connection whose end was not seen is stale. */
        while ((c = find_open(zap, (int)value)) != NULL)
            c->fd = -1;
        c = &zap->open[zap->open_next];
        zap->open_next = (zap->open_next + 1) % OPEN_SLOTS;
        c->fd = (int)value;
        if (!peer_of(w, c->fd, c->addr, sizeof c->addr))
            c->fd = -1;
    } else if (event == ZMQ_EVENT_DISCONNECTED) {
        c = find_open(zap, (int)value);
        if (w->pending)
            report_failure(zap, w, c != NULL ? c->addr : NULL);
        if (c != NULL)
            c->fd = -1;
    } else {
        if (w->pending)
            report_failure(zap, w, NULL);
        w->pending = true;
        w->event = event;
        w->value = value;
    }
out:
    zmq_msg_close(&ep);
    zmq_msg_close(&ev);
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
                watch_event(zap, &zap->watches[i]);
    }
    /* A failure still waiting for its disconnect is not lost. */
    for (size_t i = 0; i < zap->nwatches; i++)
        if (zap->watches[i].pending)
            report_failure(zap, &zap->watches[i], NULL);
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
    explicit_bzero(zap->secret, sizeof zap->secret);
    pthread_mutex_destroy(&zap->mu);
    free(zap);
    *pz = NULL;
}
