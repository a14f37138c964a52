/*
 * server.c - the front end's set-up, main loop and shutdown (server.h).
 *
 * Socket choices:
 *  - ROUTER_MANDATORY stays off: a reply to a client that has gone away is
 *    dropped by ZeroMQ without an error, which is all that can be done.
 *  - SNDHWM 0 (no limit) on the ROUTER sockets: with a limit, ZeroMQ would
 *    silently drop reply chunks to a slow client and corrupt its result.
 *    What a client can make dbd hold is bounded instead by the datasource
 *    queues, chunk_bytes and max_rows.
 *  - MAXMSGSIZE is 4 x max_message: a request up to max_message is served;
 *    one above it, up to the cap, is read and answered BAD, so the client
 *    learns why; only beyond the cap does ZeroMQ cut the connection without
 *    a reply (it drops the peer on an oversize message), which bounds the
 *    memory a peer can make dbd allocate.
 *
 * The main loop polls the ROUTER sockets' ZMQ_FD descriptors itself, with
 * the reply queue's (replyq.h) and the signal descriptor, instead of
 * calling zmq_poll(): zmq_poll() asks every socket for ZMQ_EVENTS on each
 * call, and each such question costs ZeroMQ two system calls (getpid() and
 * a poll() of the socket's mailbox), a dozen per wake-up in all.  ZMQ_FD
 * only says that something may have changed, so a socket is read until
 * EAGAIN (which re-arms its descriptor) whenever its descriptor fired, it
 * was left with messages (batch limit), or anything was sent on it (a send
 * may take the notice of a request that arrived meanwhile): unread[] marks
 * these, and the loop does not sleep while one is marked.
 */
#include "server_impl.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "clock.h"
#include "endpoint.h"
#include "privdrop.h"
#include "sigfd.h"
#include "zap.h"

#define MAX_BATCH_IN 256    /* requests read per socket per loop turn */
#define SWEEP_US 10000      /* queued-deadline check interval */
#define ROUTER_LINGER_MS 1000
/* Connections the kernel holds until dbd accepts them.  libzmq's default
 * of 100 refuses a burst of more, such as every proxy worker reconnecting
 * at once after a restart; the kernel caps it at net.core.somaxconn. */
#define ROUTER_BACKLOG 4096

static int router_send(void *ctx, uint32_t sock, const void *ident,
                       size_t ident_len, const void *body, size_t len)
{
    dbd_server *srv = ctx;
    void *r;
    if (sock >= srv->nrouters)
        return -1;
    r = srv->routers[sock];
    srv->unread[sock] = true;
    if (zmq_send(r, ident, ident_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
        zmq_send(r, body, len, ZMQ_DONTWAIT) < 0)
        return -1;
    return 0;
}

dbd_datasource *dbd_server_find_ds(dbd_server *srv, const char *name)
{
    for (size_t i = 0; i < srv->nds; i++)
        if (strcmp(dbd_datasource_name(srv->ds[i]), name) == 0)
            return srv->ds[i];
    return NULL;
}

static void *new_router(dbd_server *srv, const char *endpoint,
                        const dbd_ipc_access *ipc, char *err, size_t errlen)
{
    void *r = zmq_socket(srv->zctx, ZMQ_ROUTER);
    int64_t maxmsg = (int64_t)srv->cfg->max_message * 4;
    int zero = 0, one = 1, linger = ROUTER_LINGER_MS,
        backlog = ROUTER_BACKLOG;

    if (r == NULL ||
        zmq_setsockopt(r, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) != 0 ||
        zmq_setsockopt(r, ZMQ_SNDHWM, &zero, sizeof zero) != 0 ||
        zmq_setsockopt(r, ZMQ_ROUTER_MANDATORY, &zero, sizeof zero) != 0 ||
        zmq_setsockopt(r, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_setsockopt(r, ZMQ_BACKLOG, &backlog, sizeof backlog) != 0 ||
        (strncmp(endpoint, "tcp://", 6) == 0 &&
         zmq_setsockopt(r, ZMQ_IPV6, &one, sizeof one) != 0)) {
        snprintf(err, errlen, "%s: cannot create socket: %s", endpoint,
                 zmq_strerror(zmq_errno()));
        if (r != NULL)
            zmq_close(r);
        return NULL;
    }
    /* With curve_key, tcp is CURVE; ipc stays plain (its file access
     * guards it). */
    if (srv->zap != NULL && strncmp(endpoint, "tcp://", 6) == 0 &&
        dbd_zap_secure(srv->zap, r, endpoint, DBD_ZAP_DOMAIN, err, errlen) !=
            0) {
        zmq_close(r);
        return NULL;
    }
    if (dbd_endpoint_bind(r, endpoint, ipc, srv->log, err, errlen) != 0) {
        zmq_close(r);
        return NULL;
    }
    return r;
}

dbd_server *dbd_server_new(const dbd_config *cfg, const char *config_path,
                           const dbd_log *log, int sigfd, char *err,
                           size_t errlen)
{
    dbd_server *srv = calloc(1, sizeof *srv);
    dbd_ipc_access ipc;
    dbd_privs privs;

    if (srv == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    srv->cfg = cfg;
    srv->config_path = config_path;
    srv->log = log;
    srv->sigfd = sigfd;
    srv->start_mono_us = now_mono_us();
    dbd_counters_init(&srv->counters);
    srv->outlet.send = router_send;
    srv->outlet.ctx = srv;
    srv->zctx = zmq_ctx_new();
    if (srv->zctx == NULL ||
        zmq_ctx_set(srv->zctx, ZMQ_IO_THREADS, cfg->io_threads) != 0) {
        snprintf(err, errlen, "cannot create ZeroMQ context: %s",
                 zmq_strerror(zmq_errno()));
        goto fail;
    }
    srv->replies = dbd_replyq_new();
    if (srv->replies == NULL) {
        snprintf(err, errlen, "cannot create the reply queue: %s",
                 strerror(errno));
        goto fail;
    }
    /* The ZAP handler is bound before any CURVE socket is. */
    if (cfg->curve_key != NULL || cfg->clients != NULL) {
        srv->zap = dbd_zap_new(srv->zctx, cfg, log, err, errlen);
        if (srv->zap == NULL)
            goto fail;
    }
    srv->routers = calloc(cfg->nendpoints, sizeof *srv->routers);
    srv->unread = calloc(cfg->nendpoints, sizeof *srv->unread);
    if (srv->routers == NULL || srv->unread == NULL) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    /* Names resolved once, before anything is bound. */
    if (dbd_ipc_access_init(&ipc, cfg, err, errlen) != 0 ||
        dbd_privs_resolve(cfg->user, cfg->group, &privs, err, errlen) != 0)
        goto fail;
    for (size_t i = 0; i < cfg->nendpoints; i++) {
        srv->routers[i] = new_router(srv, cfg->endpoints[i], &ipc, err,
                                     errlen);
        if (srv->routers[i] == NULL)
            goto fail;
        srv->nrouters++;
    }
    if (cfg->audit.file != NULL || cfg->audit.publish != NULL) {
        char *detail = dbd_config_describe(cfg, "dbd " PACKAGE_VERSION
                                                " started");
        srv->audit = dbd_audit_open(&cfg->audit, cfg->endpoints,
                                    cfg->nendpoints,
                                    detail != NULL ? detail : "dbd started",
                                    srv->zctx, srv->zap, srv->replies,
                                    log, err, errlen);
        free(detail);
        if (srv->audit == NULL)
            goto fail;
        srv->audit_bound = true;
    }
    /* Started once the trail exists: refusals are recorded in it. */
    if (srv->zap != NULL &&
        dbd_zap_start(srv->zap, srv->audit, err, errlen) != 0)
        goto fail;
    srv->env = (dbd_ds_env){
        .replies = srv->replies,
        .log = log,
        .global = &srv->counters,
        .chunk_bytes = cfg->chunk_bytes,
        .max_rows = cfg->max_rows,
    };
    srv->reg = dbd_registry_new(cfg->connector_dir, log);
    srv->ds_cap = cfg->nds > 0 ? cfg->nds : 1;
    srv->ds = calloc(srv->ds_cap, sizeof *srv->ds);
    if (srv->reg == NULL || srv->ds == NULL) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < cfg->nds; i++) {
        srv->ds[i] = dbd_datasource_new(&cfg->ds[i], srv->reg, &srv->env);
        if (srv->ds[i] == NULL) {
            snprintf(err, errlen, "datasource %s: out of memory",
                     cfg->ds[i].name);
            goto fail;
        }
        srv->nds++;
    }
    /* Root is needed only up to here: the sockets are bound, the audit
     * file is open and the connectors are loaded.  The workers and their
     * backend connections run as the configured user.  The audit socket
     * was bound owner-only (dbd_audit_open); it gets the access of the
     * other ipc sockets now.  The audit file root may have just made
     * goes to the user, who reopens it on SIGUSR1. */
    if ((cfg->audit.publish != NULL &&
         dbd_endpoint_set_access(cfg->audit.publish, &ipc, err, errlen) !=
             0) ||
        (cfg->audit.file != NULL &&
         dbd_privs_give(&privs, cfg->audit.file, err, errlen) != 0) ||
        dbd_privs_drop(&privs, err, errlen) != 0)
        goto fail;
    if (privs.active)
        log_notice(log, "running as %s:%s", privs.user, privs.group);
    for (size_t i = 0; i < srv->nds; i++) {
        int rc = dbd_datasource_start(srv->ds[i], &srv->workers_live);
        if (rc != 0) {
            snprintf(err, errlen, "datasource %s: cannot start its workers",
                     cfg->ds[i].name);
            goto fail;
        }
    }
    srv->clients = dbd_clients_new(cfg, cfg->endpoints, cfg->nendpoints, NULL);
    if (srv->clients == NULL ||
        dbd_clients_set_audit_readers(srv->clients, srv->zap) != 0) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < cfg->nendpoints; i++)
        log_notice(log, "listening on %s", cfg->endpoints[i]);
    dbd_clients_warn_gaps(srv->clients, cfg->endpoints, cfg->nendpoints,
                          srv->zap != NULL, log);
    if (dbd_clients_in_force(srv->clients))
        log_notice(log, "client rules in force for %zu client%s",
                   srv->clients->n, srv->clients->n == 1 ? "" : "s");
    log_notice(log, "dbd %s started with %zu datasource%s", PACKAGE_VERSION,
               srv->nds, srv->nds == 1 ? "" : "s");
    return srv;
fail:
    dbd_server_destroy(&srv);
    return NULL;
}

/* Answers a job the front end takes back from a queue. */
static void answer_job(dbd_server *srv, dbd_datasource *ds, dbd_job *job,
                       dbd_status st, const char *msg)
{
    dbd_reply_to to = dbd_reply_to_job(&srv->outlet, job, &srv->counters,
                                       dbd_datasource_counters(ds));
    dbd_reply_to_ds(&to, dbd_datasource_config(ds), -1);
    dbd_answer_status(&to, st, msg);
}

/* Jobs whose deadline passed while queued get TIMEOUT now rather than
 * when a worker frees up. */
static void sweep_expired(dbd_server *srv, int64_t now_mono)
{
    int64_t now_real;
    if (atomic_load(&srv->counters.queued) <= 0 ||
        now_mono - srv->last_sweep_mono_us < SWEEP_US)
        return;
    srv->last_sweep_mono_us = now_mono;
    now_real = now_real_us();
    for (size_t i = 0; i < srv->nds + srv->nclosing; i++) {
        dbd_datasource *ds = i < srv->nds ? srv->ds[i]
                                          : srv->closing[i - srv->nds];
        dbd_job *jobs = dbd_datasource_take_expired(ds, now_real);
        while (jobs != NULL) {
            dbd_job *job = jobs;
            char msg[256];
            jobs = job->next;
            snprintf(msg, sizeof msg, "deadline passed after %lld ms in the "
                     "queue of datasource \"%s\"; not executed",
                     (long long)((now_mono - job->arrival_mono_us) / 1000),
                     dbd_datasource_name(ds));
            answer_job(srv, ds, job, DBD_TIMEOUT, msg);
            dbd_job_destroy(&job);
        }
    }
}

/* Swaps waiting for their check, old backends draining, removed
 * datasources whose workers ended.  True while any of these remain, so
 * that the loop wakes up to look again. */
static bool housekeeping(dbd_server *srv, int64_t now_mono)
{
    bool pending = false;
    size_t kept = 0;

    if (srv->nswaps > 0)
        dbd_swaps_poll(srv, now_mono);
    for (size_t i = 0; i < srv->nds; i++)
        if (dbd_datasource_maintain(srv->ds[i], now_mono, &srv->outlet))
            pending = true;
    for (size_t i = 0; i < srv->nclosing; i++) {
        dbd_datasource *ds = srv->closing[i];
        dbd_datasource_maintain(ds, now_mono, &srv->outlet);
        if (dbd_datasource_idle(ds) && !srv->stop_issued) {
            log_info(srv->log, "datasource %s closed",
                     dbd_datasource_name(ds));
            dbd_datasource_destroy(&ds);
            continue;
        }
        srv->closing[kept++] = ds;
    }
    srv->nclosing = kept;
    return pending || kept > 0 || srv->nswaps > 0;
}

/* End of the drain: what is still queued is answered, workers stop. */
static void stop_all(dbd_server *srv, bool timed_out)
{
    char msg[256];
    snprintf(msg, sizeof msg, "dbd is shutting down: drain_timeout (%u ms) "
             "passed before this request could run",
             srv->cfg->drain_timeout_ms);
    dbd_swaps_cancel(srv);
    for (size_t i = 0; i < srv->nds + srv->nclosing; i++) {
        dbd_datasource *ds = i < srv->nds ? srv->ds[i]
                                          : srv->closing[i - srv->nds];
        dbd_job *jobs = dbd_datasource_stop(ds);
        while (jobs != NULL) {
            dbd_job *job = jobs;
            jobs = job->next;
            answer_job(srv, ds, job, DBD_TIMEOUT, msg);
            dbd_job_destroy(&job);
        }
    }
    srv->stop_issued = true;
    if (timed_out)
        log_warnx(srv->log, "drain timeout passed; %lld request(s) still "
                  "executing will be answered when they finish",
                  (long long)atomic_load(&srv->counters.in_flight));
}

static void handle_signals(dbd_server *srv)
{
    int sig;
    while ((sig = dbd_signals_read(srv->sigfd)) > 0) {
        if (sig == SIGUSR1) {
            if (srv->audit != NULL)
                dbd_audit_reopen(srv->audit);
            else
                log_notice(srv->log, "SIGUSR1 ignored: no audit file");
        } else if (sig == SIGHUP) {
            if (srv->shutting_down)
                log_notice(srv->log, "SIGHUP ignored: shutting down");
            else
                dbd_admin_reload(srv, NULL);
        } else if (!srv->shutting_down) {
            srv->shutting_down = true;
            srv->drain_deadline_mono_us =
                now_mono_us() + (int64_t)srv->cfg->drain_timeout_ms * 1000;
            log_notice(srv->log, "%s: shutting down (draining for up to %u "
                       "ms)", strsignal(sig), srv->cfg->drain_timeout_ms);
        } else {
            log_notice(srv->log, "%s: already shutting down", strsignal(sig));
        }
    }
    if (sig < 0)
        log_warn(srv->log, "reading signals");
}

/* ZeroMQ is done with a reply body (any thread). */
static void free_reply(void *data, void *hint)
{
    (void)data;
    dbd_reply_msg_free(hint);
}

/* Sends one reply from a worker on its ROUTER socket; the body goes
 * without a copy, ZeroMQ frees the message once sent. */
static void send_reply(dbd_server *srv, dbd_reply_msg *m)
{
    void *r = srv->routers[m->sock];
    zmq_msg_t body;

    srv->unread[m->sock] = true;
    if (zmq_send(r, m->data, m->ident_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
        log_debug(srv->log, "reply not sent: %s", zmq_strerror(zmq_errno()));
        dbd_reply_msg_free(m);
        return;
    }
    if (zmq_msg_init_data(&body, m->body, m->len, free_reply, m) != 0) {
        /* The identity went out alone: ZeroMQ drops an incomplete message. */
        log_errx(srv->log, "reply not sent: %s", zmq_strerror(zmq_errno()));
        dbd_reply_msg_free(m);
        return;
    }
    if (zmq_msg_send(&body, r, ZMQ_DONTWAIT) < 0) {
        log_debug(srv->log, "reply not sent: %s", zmq_strerror(zmq_errno()));
        zmq_msg_close(&body);
    }
}

/* Everything the workers queued: replies go out on their ROUTER socket,
 * exits are counted. */
static void forward_replies(dbd_server *srv)
{
    size_t exits = 0;
    dbd_reply_msg *m = dbd_replyq_take(srv->replies, &exits);

    srv->workers_live -= exits;
    while (m != NULL) {
        dbd_reply_msg *next = m->next;
        if (m->sock < srv->nrouters) {
            send_reply(srv, m);
        } else {
            log_errx(srv->log, "reply for unknown socket %" PRIu32, m->sock);
            dbd_reply_msg_free(m);
        }
        m = next;
    }
}

/* Whether ROUTER socket sock is a CURVE one (zap.h). */
static bool curve_socket(const dbd_server *srv, uint32_t sock)
{
    return strncmp(srv->cfg->endpoints[sock], "tcp://", 6) == 0;
}

/* Reads requests from ROUTER socket sock; true when it is empty. */
static bool receive_requests(dbd_server *srv, uint32_t sock)
{
    void *r = srv->routers[sock];
    for (int n = 0; n < MAX_BATCH_IN; n++) {
        zmq_msg_t ident, body, extra;
        int nframes = 0;
        bool more;

        zmq_msg_init(&ident);
        if (zmq_msg_recv(&ident, r, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&ident);
            return true;
        }
        zmq_msg_init(&body);
        if (zmq_msg_more(&ident)) {
            if (zmq_msg_recv(&body, r, 0) >= 0)
                nframes = 1;
            /* A request is one frame; count and drop any others. */
            more = nframes > 0 && zmq_msg_more(&body);
            while (more) {
                zmq_msg_init(&extra);
                more = false;
                if (zmq_msg_recv(&extra, r, 0) >= 0) {
                    nframes++;
                    more = zmq_msg_more(&extra);
                }
                zmq_msg_close(&extra);
            }
        }
        /* On a CURVE endpoint the ZAP handler gave the key's name as
         * the connection's user id. */
        if (nframes > 0)
            dbd_dispatch(srv, sock, zmq_msg_data(&ident), zmq_msg_size(&ident),
                         zmq_msg_data(&body), zmq_msg_size(&body), nframes,
                         srv->audit != NULL
                             ? zmq_msg_gets(&body, "Peer-Address")
                             : NULL,
                         srv->zap != NULL && curve_socket(srv, sock)
                             ? zmq_msg_gets(&body, "User-Id")
                             : NULL);
        zmq_msg_close(&body);
        zmq_msg_close(&ident);
    }
    return false;
}

static int poll_timeout(const dbd_server *srv, bool housekeeping_due)
{
    if (srv->stop_issued)
        return 1000; /* waiting for workers; their exit message wakes us */
    if (srv->shutting_down || housekeeping_due)
        return SWEEP_US / 1000;
    if (atomic_load(&srv->counters.queued) > 0)
        return SWEEP_US / 1000;
    return -1;
}

/* pfd[i].fd = the ZMQ_FD of socket s; 0 or -1 (logged). */
static int socket_fd(dbd_server *srv, void *s, struct pollfd *pfd)
{
    int fd = -1;
    size_t len = sizeof fd;

    if (zmq_getsockopt(s, ZMQ_FD, &fd, &len) != 0) {
        log_errx(srv->log, "cannot get a socket's descriptor: %s",
                 zmq_strerror(zmq_errno()));
        return -1;
    }
    pfd->fd = fd;
    pfd->events = POLLIN;
    return 0;
}

/* The loop (see the top of this file); pfd holds the signal descriptor,
 * the reply queue's, then the ROUTER sockets'. */
int dbd_server_run(dbd_server *srv)
{
    size_t nitems = srv->nrouters + 2;
    struct pollfd *pfd = calloc(nitems, sizeof *pfd);
    int rc = -1;

    if (pfd == NULL) {
        log_errx(srv->log, "out of memory");
        goto out;
    }
    pfd[0].fd = srv->sigfd;
    pfd[0].events = POLLIN;
    pfd[1].fd = dbd_replyq_fd(srv->replies);
    pfd[1].events = POLLIN;
    for (size_t i = 0; i < srv->nrouters; i++)
        if (socket_fd(srv, srv->routers[i], &pfd[2 + i]) != 0)
            goto out;
    /* Messages may have come before the first poll. */
    for (size_t i = 0; i < srv->nrouters; i++)
        srv->unread[i] = true;
    for (;;) {
        bool busy = false, due;
        int64_t now = now_mono_us();
        due = housekeeping(srv, now);
        if (srv->shutting_down && !srv->stop_issued) {
            /* queued first: a worker bumps in_flight before queued drops */
            bool idle = atomic_load(&srv->counters.queued) == 0 &&
                        atomic_load(&srv->counters.in_flight) == 0;
            if (idle || now >= srv->drain_deadline_mono_us)
                stop_all(srv, !idle);
        }
        if (srv->stop_issued && srv->workers_live == 0)
            break;
        for (size_t i = 0; i < srv->nrouters; i++)
            busy = busy || srv->unread[i];
        if (poll(pfd, nitems, busy ? 0 : poll_timeout(srv, due)) < 0) {
            if (errno == EINTR)
                continue;
            log_err(srv->log, "poll");
            goto out;
        }
        if (pfd[0].revents & POLLIN)
            handle_signals(srv);
        if (pfd[1].revents & POLLIN)
            forward_replies(srv);
        for (size_t i = 0; i < srv->nrouters; i++)
            if ((pfd[2 + i].revents & POLLIN) || srv->unread[i])
                srv->unread[i] = !receive_requests(srv, (uint32_t)i);
        sweep_expired(srv, now_mono_us());
    }
    /* sync = every: the last replies wait for their records. */
    if (srv->audit != NULL) {
        dbd_audit_flush(srv->audit);
        forward_replies(srv);
    }
    log_notice(srv->log, "all requests answered; stopping");
    rc = 0;
out:
    free(pfd);
    return rc;
}

void dbd_server_destroy(dbd_server **psrv)
{
    dbd_server *srv;
    if (psrv == NULL || *psrv == NULL)
        return;
    srv = *psrv;
    if (!srv->stop_issued && srv->ds != NULL)
        stop_all(srv, false);
    for (size_t i = 0; i < srv->nds; i++)
        dbd_datasource_destroy(&srv->ds[i]);
    free(srv->ds);
    for (size_t i = 0; i < srv->nclosing; i++)
        dbd_datasource_destroy(&srv->closing[i]);
    free(srv->closing);
    free(srv->swaps);
    dbd_clients_destroy(&srv->clients);
    /* The ZAP thread records refusals: it stops before the trail. */
    dbd_zap_destroy(&srv->zap);
    /* The workers are joined; the audit writer is the last to push. */
    dbd_audit_close(&srv->audit);
    dbd_replyq_destroy(&srv->replies);
    for (size_t i = 0; i < srv->nrouters; i++)
        zmq_close(srv->routers[i]);
    free(srv->routers);
    free(srv->unread);
    if (srv->zctx != NULL) {
        while (zmq_ctx_term(srv->zctx) != 0 && zmq_errno() == EINTR)
            ;
    }
    /* Connectors are unloaded only after every connection was closed. */
    dbd_registry_destroy(&srv->reg);
    for (size_t i = 0; i < srv->nrouters; i++)
        dbd_endpoint_cleanup(srv->cfg->endpoints[i]);
    if (srv->audit_bound && srv->cfg->audit.publish != NULL)
        dbd_endpoint_cleanup(srv->cfg->audit.publish);
    free(srv);
    *psrv = NULL;
}
