/*
 * zap_watch.c - what the ZAP handler learns besides ZAP requests: the
 * socket monitors' events (failed handshakes, which ZAP never sees: a
 * plain-text client, a wrong server key), and the reporting of every
 * refusal to the log and the audit trail, with a flood kept down.
 */
#include "zap_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <zmq.h>

#include "audit_json.h"
#include "clock.h"

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
void dbd_zap_refused(dbd_zap *zap, const char *client, const char *peer,
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
void dbd_zap_report_failure(dbd_zap *zap, watch *w, const char *addr)
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
    dbd_zap_refused(zap, client, ip, detail);
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
void dbd_zap_watch_event(dbd_zap *zap, watch *w)
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
            dbd_zap_report_failure(zap, w, c != NULL ? c->addr : NULL);
        if (c != NULL)
            c->fd = -1;
    } else {
        if (w->pending)
            dbd_zap_report_failure(zap, w, NULL);
        w->pending = true;
        w->event = event;
        w->value = value;
    }
out:
    zmq_msg_close(&ep);
    zmq_msg_close(&ev);
}

