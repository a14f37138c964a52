/*
 * worker.c - a worker's loop (see worker.h): poll() over the signalfd, the
 * dbd client's descriptor and the worker's own UDP sockets, with the
 * earliest dbd or pending deadline as the timeout; datagrams are parsed
 * and handed to the dispatcher, dbd results to the tasks waiting for them.
 */
#include "worker.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <osipparser2/osip_parser.h>
#include <osipparser2/osip_port.h>

#include "salvage.h"
#include "sigfd.h"
#include "sipmsg.h"
#include "wctx.h"

/* Datagrams read from one socket before looking at dbd again: keeps
 * results flowing under a flood. */
#define SP_READ_BATCH 64

static bool only_blanks(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (buf[i] != '\r' && buf[i] != '\n' && buf[i] != ' ' &&
            buf[i] != '\t' && buf[i] != '\0')
            return false;
    return true;
}

/* A request libosip2 refused: 400 when its core headers can be salvaged. */
static void unparsable(sp_worker *w, size_t sock, const char *buf, size_t len,
                       const sp_addr *src)
{
    osip_message_t *m = sip_salvage_request(buf, len);
    char ip[SP_ADDR_IP_MAX] = "?";
    int port = 0;
    const char *reason = NULL;
    sp_task *t;

    sp_addr_ip(src, ip, sizeof ip, &port);
    if (m == NULL) {
        log_info(w->log, "unparsable message from %s:%d dropped (%zu bytes)",
                 ip, port, len);
        return;
    }
    t = sp_task_new(m, src, sock);
    if (t == NULL) {
        osip_message_free(m);
        return;
    }
    log_info(w->log, "malformed %s from %s:%d: 400", m->sip_method, ip, port);
    if (sip_request_check(m, &reason) >= 0 &&
        sip_via_fix_received(m, t->src_ip, t->src_port) == 0)
        sp_respond(w, t, 400, "Bad Request - malformed message", NULL, 0);
    sp_task_destroy(&t);
}

static void handle_datagram(sp_worker *w, size_t sock, char *buf, size_t len,
                            const sp_addr *src)
{
    osip_message_t *m = NULL;
    sp_task *t;

    if (only_blanks(buf, len))
        return; /* keep-alive */
    buf[len] = '\0';
    if (log_enabled(w->log, LOG_DEBUG)) {
        char ip[SP_ADDR_IP_MAX] = "?";
        int port = 0;
        sp_addr_ip(src, ip, sizeof ip, &port);
        log_debug(w->log, "received %zu bytes from %s:%d:\n%.*s", len, ip,
                  port, (int)(len > 2000 ? 2000 : len), buf);
    }
    if (osip_message_init(&m) != 0)
        return;
    if (osip_message_parse(m, buf, len) != 0) {
        osip_message_free(m);
        unparsable(w, sock, buf, len, src);
        return;
    }
    if (MSG_IS_RESPONSE(m)) {
        sp_handle_response(w, m, sock);
        return;
    }
    t = sp_task_new(m, src, sock);
    if (t == NULL) {
        log_errx(w->log, "out of memory: request dropped");
        osip_message_free(m);
        return;
    }
    sp_task_start(w, t, sp_handle_request);
}

static void read_socket(sp_worker *w, size_t sock)
{
    for (int i = 0; i < SP_READ_BATCH; i++) {
        sp_addr src;
        ssize_t n;
        src.len = sizeof src.ss;
        n = recvfrom(w->socks[sock].fd, w->rxbuf, SP_RX_MAX, 0,
                     (struct sockaddr *)&src.ss, &src.len);
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                log_warn(w->log, "recvfrom on %s", w->socks[sock].text);
            return;
        }
        handle_datagram(w, sock, w->rxbuf, (size_t)n, &src);
    }
}

/* Hands every completed dbd result to its task; -1 when the client is
 * broken for good. */
static int collect(sp_worker *w)
{
    uint64_t id;
    dbd_result *res;
    int r;
    while ((r = dbd_client_collect(w->dbd, &id, &res)) == 1)
        sp_task_deliver(w, id, res, DBD_OK);
    if (r < 0) {
        log_errx(w->log, "the dbd connection failed");
        return -1;
    }
    return 0;
}

static void expire(sp_worker *w)
{
    int64_t now = sp_now_mono_us();
    uint64_t id;
    int slot;
    sp_task *t;
    while ((t = sp_pending_take_expired(w->pending, now, &id, &slot)) != NULL)
        sp_task_complete(w, t, slot, NULL, DBD_TIMEOUT);
}

static int min_timeout(int a, int b)
{
    if (a < 0)
        return b;
    if (b < 0)
        return a;
    return a < b ? a : b;
}

static int us_to_timeout(int64_t when_us, int64_t now_us)
{
    if (when_us <= 0)
        return -1;
    if (when_us <= now_us)
        return 0;
    return (int)((when_us - now_us + 999) / 1000 > 60000
                     ? 60000
                     : (when_us - now_us + 999) / 1000);
}

static int loop(sp_worker *w, int sigfd)
{
    size_t nfds = 2 + w->nsocks;
    struct pollfd *pfd = calloc(nfds, sizeof *pfd);
    int rc = EXIT_FAILURE;

    if (pfd == NULL) {
        log_errx(w->log, "out of memory");
        return rc;
    }
    pfd[0].fd = sigfd;
    pfd[1].fd = dbd_client_fd(w->dbd);
    for (size_t i = 0; i < nfds; i++) {
        pfd[i].events = POLLIN;
        if (i >= 2)
            pfd[i].fd = w->socks[i - 2].fd;
    }
    for (;;) {
        int64_t now = sp_now_mono_us();
        int timeout = dbd_client_timeout_ms(w->dbd), sig;

        timeout = min_timeout(timeout, us_to_timeout(
            sp_pending_next_deadline(w->pending), now));
        timeout = min_timeout(timeout, us_to_timeout(w->next_cleanup_us, now));
        if (w->ready != NULL)
            timeout = 0;
        if (poll(pfd, nfds, timeout) < 0 && errno != EINTR) {
            log_err(w->log, "poll");
            break;
        }
        if (pfd[0].revents != 0) {
            while ((sig = dbd_signals_read(sigfd)) > 0)
                if (sig == SIGTERM || sig == SIGINT) {
                    rc = EXIT_SUCCESS;
                    goto out;
                }
        }
        for (size_t i = 2; i < nfds; i++)
            if (pfd[i].revents & (POLLIN | POLLERR))
                read_socket(w, i - 2);
        /* ZMQ_FD is edge-triggered: always drain. */
        if (collect(w) != 0)
            break;
        expire(w);
        sp_task_run_ready(w);
        if (w->next_cleanup_us > 0 && sp_now_mono_us() >= w->next_cleanup_us) {
            w->next_cleanup_us = sp_now_mono_us() +
                                 (int64_t)w->cfg->cleanup_interval_s * 1000000;
            sp_cleanup_start(w);
        }
    }
out:
    free(pfd);
    return rc;
}

/*
 * Gives the worker's dbd client the CURVE keys of dbd_key and
 * dbd_server_key, when set (read with the configuration, before sipproxy
 * gave up root).  0, or -1 after logging why.
 */
static int set_curve(sp_worker *w)
{
    const sp_conf *cfg = w->cfg;

    if (cfg->dbd_curve_server[0] == '\0')
        return 0;
    if (dbd_client_set_curve(w->dbd, cfg->dbd_curve_server,
                             cfg->dbd_curve_public,
                             cfg->dbd_curve_secret) != 0) {
        log_errx(w->log, "worker %u: cannot use the CURVE keys with %s "
                 "(does this ZeroMQ support CURVE?)", w->index,
                 cfg->dbd_endpoint);
        return -1;
    }
    return 0;
}

int sp_worker_run(const sp_conf *cfg, const dbd_log *log,
                  const sp_socket *socks, size_t nsocks, unsigned index,
                  const sip_nonce_key *key)
{
    sp_worker w;
    char err[256], name[32];
    int sigfd = -1, rc = EXIT_FAILURE;

    memset(&w, 0, sizeof w);
    w.cfg = cfg;
    w.log = log;
    /* Only this worker's own sockets, one per listen address.  The other
     * workers' sockets stay open here but are never polled or written:
     * the master keeps every socket open anyway (so closing them would
     * not change where the kernel delivers), and main() closes the whole
     * array once, as for the master. */
    w.socks = sp_sockets_of(socks, nsocks, cfg, index);
    w.nsocks = cfg->nlisten;
    w.index = index;
    w.nonce_key = key;
    sip_branch_key_derive(&w.branch_key, key->bytes, sizeof key->bytes);
    if (w.socks == NULL) {
        log_errx(log, "worker %u: no sockets of its own", index);
        return EXIT_FAILURE;
    }
    /* Die with the master rather than serve on unsupervised. */
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() == 1) {
        log_errx(log, "worker %u: the master is gone", index);
        return EXIT_FAILURE;
    }
    sigfd = dbd_signals_open(false);
    if (sigfd < 0) {
        log_err(log, "worker %u: cannot set up signal handling", index);
        goto out;
    }
    if (parser_init() != 0) {
        log_errx(log, "worker %u: cannot initialise the SIP parser", index);
        goto out;
    }
    /* libosip2 writes its own parse errors to stderr; ours say enough. */
    sip_traces_off();
    w.dbd = dbd_client_new(cfg->dbd_endpoint, err, sizeof err);
    w.pending = sp_pending_new();
    w.rxbuf = malloc(SP_RX_MAX + 1);
    if (w.dbd == NULL || w.pending == NULL || w.rxbuf == NULL) {
        log_errx(log, "worker %u: %s", index,
                 w.dbd == NULL ? err : "out of memory");
        goto out;
    }
    if (set_curve(&w) != 0)
        goto out;
    dbd_client_set_timeout(w.dbd, (int)cfg->dbd_timeout_ms);
    /* The name dbd's audit trail records for this worker's requests. */
    snprintf(name, sizeof name, "sipproxy w%u", index);
    if (dbd_client_set_name(w.dbd, name) != 0) {
        log_errx(log, "worker %u: out of memory", index);
        goto out;
    }
    if (index == 0 && cfg->cleanup_interval_s > 0)
        w.next_cleanup_us = sp_now_mono_us() +
                            (int64_t)cfg->cleanup_interval_s * 1000000;
    rc = loop(&w, sigfd);
    sp_task_abort_all(&w);
out:
    free(w.rxbuf);
    sp_pending_destroy(&w.pending);
    dbd_client_destroy(&w.dbd);
    if (sigfd >= 0)
        close(sigfd);
    return rc;
}
