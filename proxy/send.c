/*
 * send.c - putting SIP messages on the wire: choosing the socket,
 * serialising, and the responses sipproxy itself sends (plain ones, dbd
 * failures, digest challenges).
 */
#include "wctx.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <sys/socket.h>

#include <osipparser2/osip_port.h>

#include "sipmsg.h"

bool sp_resolve(const sp_worker *w, const char *host, int port, sp_addr *out,
                char *err, size_t errlen)
{
    if (sp_addr_numeric(host, port, out))
        return true;
    if (!w->cfg->resolve_names) {
        /* A name chosen by whoever sent the datagram: resolving it would
         * block this worker as long as the sender's DNS likes. */
        snprintf(err, errlen, "host name \"%s\" not resolved "
                 "(resolve_names = no)", host != NULL ? host : "");
        return false;
    }
    return sp_addr_resolve(host, port, out, err, errlen);
}

void sp_warn_data(sp_worker *w, const char *fmt, ...)
{
    int64_t now = sp_now_mono_us();
    char msg[512];
    va_list ap;

    if (now - w->data_warn_us < 1000000) {
        w->data_warn_dropped++;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (w->data_warn_dropped > 0)
        log_warnx(w->log, "%s (and %u similar warnings not logged)", msg,
                  w->data_warn_dropped);
    else
        log_warnx(w->log, "%s", msg);
    w->data_warn_us = now;
    w->data_warn_dropped = 0;
}

/* w->socks are this worker's own: what it sends leaves from the right
 * listen address on a socket no other worker writes to. */
size_t sp_pick_socket(const sp_worker *w, int family, size_t preferred)
{
    if (preferred < w->nsocks && w->socks[preferred].family == family)
        return preferred;
    for (size_t i = 0; i < w->nsocks; i++)
        if (w->socks[i].family == family)
            return i;
    return preferred < w->nsocks ? preferred : 0;
}

int sp_send_msg(sp_worker *w, size_t sock, osip_message_t *m,
                const sp_addr *dst)
{
    char *buf = NULL;
    size_t len = 0;
    ssize_t n;
    int rc = -1;

    if (sip_serialize(m, &buf, &len) != 0) {
        log_warnx(w->log, "cannot serialise a SIP message");
        goto out;
    }
    do {
        n = sendto(w->socks[sock].fd, buf, len, 0,
                   (const struct sockaddr *)&dst->ss, dst->len);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        char ip[SP_ADDR_IP_MAX] = "?";
        int port = 0;
        sp_addr_ip(dst, ip, sizeof ip, &port);
        log_warn(w->log, "sendto %s port %d", ip, port);
        goto out;
    }
    if (log_enabled(w->log, LOG_DEBUG)) {
        char ip[SP_ADDR_IP_MAX] = "?";
        int port = 0;
        sp_addr_ip(dst, ip, sizeof ip, &port);
        log_debug(w->log, "sent %zu bytes to %s:%d:\n%.*s", len, ip, port,
                  (int)(len > 2000 ? 2000 : len), buf);
    }
    rc = 0;
out:
    if (buf != NULL)
        osip_free(buf);
    return rc;
}

/* Sends a response we built to the top Via's target (RFC 3261 18.2.2). */
static void send_response(sp_worker *w, const sp_task *t, osip_message_t *resp)
{
    osip_via_t *via = osip_list_get(&resp->vias, 0);
    const char *host = NULL;
    int port = 0;
    sp_addr dst;
    char err[256];

    if (!sip_via_target(via, &host, &port)) {
        log_info(w->log, "no usable Via to answer %s", t->src_ip);
        return;
    }
    if (!sp_resolve(w, host, port, &dst, err, sizeof err)) {
        /* An unresolvable Via (or a name we do not resolve): fall back to
         * where the request came from. */
        dst = t->src;
    }
    /* sp_send_msg logs its own failures; a lost response is the client's
     * retransmission to recover. */
    (void)sp_send_msg(w, sp_pick_socket(w, dst.ss.ss_family, t->sock), resp,
                      &dst);
}

static void respond(sp_worker *w, const sp_task *t, int code,
                    const char *reason, const sp_hdr *hdrs, size_t nhdrs,
                    const char *const *multi, size_t nmulti,
                    const char *multi_name)
{
    osip_message_t *resp;

    if (t->msg == NULL || MSG_IS_ACK(t->msg))
        return; /* an ACK is never answered */
    resp = sip_response_new(t->msg, code, reason,
                            w->cfg->server_header);
    if (resp == NULL) {
        log_errx(w->log, "out of memory building a %d response", code);
        return;
    }
    for (size_t i = 0; i < nhdrs; i++) {
        if (sip_add_header(resp, hdrs[i].name, hdrs[i].value) != 0) {
            log_errx(w->log, "out of memory building a %d response", code);
            goto out;
        }
    }
    for (size_t i = 0; i < nmulti; i++) {
        if (sip_add_header(resp, multi_name, multi[i]) != 0) {
            log_errx(w->log, "out of memory building a %d response", code);
            goto out;
        }
    }
    log_debug(w->log, "%s %s from %s:%d -> %d %s", t->msg->sip_method,
             t->msg->call_id != NULL ? t->msg->call_id->number : "-",
             t->src_ip, t->src_port, code,
             reason != NULL ? reason : sip_reason(code));
    send_response(w, t, resp);
out:
    osip_message_free(resp);
}

void sp_respond(sp_worker *w, const sp_task *t, int code, const char *reason,
                const sp_hdr *hdrs, size_t nhdrs)
{
    respond(w, t, code, reason, hdrs, nhdrs, NULL, 0, NULL);
}

void sp_respond_dbd_error(sp_worker *w, const sp_task *t, dbd_status st,
                          const sp_answer *a, const char *what)
{
    const char *msg = dbd_status_text(st);
    int64_t now = sp_now_mono_us();
    char retry[16];

    for (int i = 0; a != NULL && i < SP_TASK_SLOTS; i++)
        if (a->res[i] != NULL && a->st[i] == st)
            msg = dbd_result_message(a->res[i]);
    /* One warning a second at most: a dbd outage under load would
     * otherwise write a line per request. */
    if (now - w->dbd_warn_us >= 1000000) {
        if (w->dbd_warn_dropped > 0)
            log_warnx(w->log, "dbd %s failed: %s: %s (and %u similar failures "
                      "not logged)", what, dbd_status_name(st), msg,
                      w->dbd_warn_dropped);
        else
            log_warnx(w->log, "dbd %s failed: %s: %s", what,
                      dbd_status_name(st), msg);
        w->dbd_warn_us = now;
        w->dbd_warn_dropped = 0;
    } else {
        w->dbd_warn_dropped++;
    }
    if (st == DBD_UNAVAILABLE || st == DBD_BUSY || st == DBD_TIMEOUT) {
        sp_hdr h = {"Retry-After", retry};
        snprintf(retry, sizeof retry, "%u", w->cfg->retry_after_s);
        sp_respond(w, t, 503, NULL, &h, 1);
    } else {
        sp_respond(w, t, 500, NULL, NULL, 0);
    }
}

void sp_respond_challenge(sp_worker *w, const sp_task *t, bool proxy,
                          bool stale)
{
    char nonce[SIP_NONCE_LEN + 1];
    char values[SP_CONF_MAX_ALGS][512];
    const char *multi[SP_CONF_MAX_ALGS];
    size_t n = 0;

    sip_nonce_make(w->nonce_key, sp_now_real_us() / 1000000, t->src_ip,
                   nonce);
    for (size_t i = 0; i < w->cfg->nalgs; i++) {
        if (sip_auth_challenge(values[n], sizeof values[n], t->realm, nonce,
                               w->cfg->algs[i], stale) != 0) {
            log_warnx(w->log, "realm \"%s\" does not fit a challenge", t->realm);
            continue;
        }
        multi[n] = values[n];
        n++;
    }
    if (n == 0) {
        sp_respond(w, t, 500, NULL, NULL, 0);
        return;
    }
    respond(w, t, proxy ? 407 : 401, NULL, NULL, 0, multi, n,
            proxy ? "Proxy-Authenticate" : "WWW-Authenticate");
}
