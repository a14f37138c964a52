/*
 * client_conn.c - the DEALER socket of a dbd_client and what it knows about
 * its connection.
 *
 * Why ZMQ_IMMEDIATE plus a monitor: by default a DEALER queues messages for
 * a peer that may never come, so a request to a daemon that is not running
 * could only end at its deadline as TIMEOUT, and would be delivered late,
 * long after the caller gave up, should the daemon appear.  With
 * ZMQ_IMMEDIATE the socket refuses (EAGAIN) to queue while no connection is
 * complete; the monitor tells a connection still being set up (keep the
 * request in the outbox and retry) from one that failed (answer
 * UNAVAILABLE at once).  So a client of a stopped daemon gets "cannot reach
 * dbd" within milliseconds, and one whose connection hangs gets UNAVAILABLE
 * at the deadline - never an endless wait.
 *
 * A tcp:// client connects with its first request rather than in
 * dbd_client_new(), so that CURVE keys given in between
 * (dbd_client_set_curve()) apply to every attempt: a first attempt
 * without them would be refused, logged and audited by dbd for nothing.
 */
#include "client_priv.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <zmq.h>

/* Connection events the client reacts to. */
#define CONN_EVENTS                                                        \
    (ZMQ_EVENT_CONNECTED | ZMQ_EVENT_CONNECT_RETRIED |                     \
     ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED |              \
     ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |                                \
     ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)

static int set_int(void *sock, int option, int value)
{
    return zmq_setsockopt(sock, option, &value, sizeof value);
}

static void conn_down(dbd_client *c, const char *reason);

int client_conn_set_curve(dbd_client *c, const char *server,
                          const char *public, const char *secret)
{
    if (c->connected)
        return -1; /* ZeroMQ copies socket options when it connects */
    if (zmq_setsockopt(c->sock, ZMQ_CURVE_SERVERKEY, server, 41) != 0 ||
        zmq_setsockopt(c->sock, ZMQ_CURVE_PUBLICKEY, public, 41) != 0 ||
        zmq_setsockopt(c->sock, ZMQ_CURVE_SECRETKEY, secret, 41) != 0)
        return -1;
    c->curve = true;
    return 0;
}

/*
 * The syntax check zmq_connect() makes on a tcp:// address (libzmq 4.3,
 * socket_base.cpp), done here so that dbd_client_new() still refuses a
 * malformed endpoint at once although it connects later: host characters,
 * then ":PORT" starting with a digit.
 */
static bool tcp_address_valid(const char *addr)
{
    const unsigned char *p = (const unsigned char *)addr;
    const char *colon;

    if (isalnum(*p) || *p == '[' || *p == ':') {
        p++;
        while (isalnum(*p) || *p == '.' || *p == '-' || *p == ':' ||
               *p == '%' || *p == ';' || *p == '[' || *p == ']' ||
               *p == '_' || *p == '*')
            p++;
    }
    if (*p != '\0')
        return false;
    colon = strrchr(addr, ':');
    return colon != NULL && isdigit((unsigned char)colon[1]);
}

static bool is_tcp(const dbd_client *c)
{
    return strncmp(c->endpoint, "tcp://", 6) == 0;
}

int client_conn_connect(dbd_client *c)
{
    if (c->connected)
        return 0;
    if (zmq_connect(c->sock, c->endpoint) != 0) {
        char reason[sizeof c->down_reason];

        snprintf(reason, sizeof reason, "cannot connect: %s",
                 zmq_strerror(errno));
        conn_down(c, reason);
        return -1;
    }
    c->connected = true;
    return 0;
}

static int configure_dealer(void *sock)
{
    /* Never keep unsent requests when the client is destroyed. */
    if (set_int(sock, ZMQ_LINGER, 0) != 0)
        return -1;
    /* Queue only to completed connections (see the comment on top). */
    if (set_int(sock, ZMQ_IMMEDIATE, 1) != 0)
        return -1;
    /* Requests beyond this wait in the client's own outbox. */
    if (set_int(sock, ZMQ_SNDHWM, 10000) != 0)
        return -1;
    /* Replies are only what this client asked for; a receive limit would
     * make the daemon's ROUTER drop them and turn them into TIMEOUTs. */
    if (set_int(sock, ZMQ_RCVHWM, 0) != 0)
        return -1;
    /* Retry a lost daemon quickly, backing off to once a second. */
    if (set_int(sock, ZMQ_RECONNECT_IVL, 100) != 0)
        return -1;
    return set_int(sock, ZMQ_RECONNECT_IVL_MAX, 1000);
}

int client_conn_open(dbd_client *c, char *err, size_t errlen)
{
    uint64_t serial = 0;
    char monitor_ep[64];
    size_t fdlen = sizeof c->fd;

    c->zctx = client_ctx_acquire(&serial, err, errlen);
    if (c->zctx == NULL)
        return -1;
    c->sock = zmq_socket(c->zctx, ZMQ_DEALER);
    if (c->sock == NULL || configure_dealer(c->sock) != 0)
        goto zmq_failed;

    /* The monitor must exist before connecting to see the first attempt. */
    snprintf(monitor_ep, sizeof monitor_ep,
             "inproc://dbd-client-monitor-%" PRIu64, serial);
    if (zmq_socket_monitor(c->sock, monitor_ep, CONN_EVENTS) != 0)
        goto zmq_failed;
    c->monitor = zmq_socket(c->zctx, ZMQ_PAIR);
    if (c->monitor == NULL || set_int(c->monitor, ZMQ_LINGER, 0) != 0)
        goto zmq_failed;
    /* ZeroMQ's I/O thread blocks when a monitor pipe is full; no limit on
     * this side makes the pipe unbounded (events are few and small and are
     * read on every call into the library). */
    if (set_int(c->monitor, ZMQ_RCVHWM, 0) != 0 ||
        zmq_connect(c->monitor, monitor_ep) != 0)
        goto zmq_failed;

    if (zmq_getsockopt(c->sock, ZMQ_FD, &c->fd, &fdlen) != 0)
        goto zmq_failed;
    /* A tcp:// endpoint connects with the first request, so that CURVE
     * keys given after dbd_client_new() apply from the first attempt (an
     * attempt without them would be refused by dbd, and logged and audited
     * there as a client without a key). */
    if (is_tcp(c)) {
        if (tcp_address_valid(c->endpoint + 6))
            return 0;
        errno = EINVAL;
    } else if (zmq_connect(c->sock, c->endpoint) == 0) {
        c->connected = true;
        return 0;
    }
    snprintf(err, errlen, "cannot use endpoint \"%s\": %s", c->endpoint,
             errno == EINVAL ? "invalid endpoint" : zmq_strerror(errno));
    return -1;

zmq_failed:
    snprintf(err, errlen, "cannot set up the ZeroMQ socket: %s",
             zmq_strerror(errno));
    return -1;
}

void client_conn_close(dbd_client *c)
{
    if (c->sock != NULL && c->monitor != NULL)
        zmq_socket_monitor(c->sock, NULL, 0);
    if (c->monitor != NULL)
        zmq_close(c->monitor);
    if (c->sock != NULL)
        zmq_close(c->sock);
    c->monitor = c->sock = NULL;
    c->fd = -1;
    if (c->zctx != NULL)
        client_ctx_release();
    c->zctx = NULL;
}

static void conn_down(dbd_client *c, const char *reason)
{
    c->state = CONN_DOWN;
    snprintf(c->down_reason, sizeof c->down_reason, "%s", reason);
}

/* Down because a handshake failed: the reason is kept through the
 * reconnection attempts that follow, which would otherwise report them as
 * refused connections and hide the cause. */
static void handshake_down(dbd_client *c, const char *reason)
{
    conn_down(c, reason);
    c->handshake_failed = true;
}

/* Why a handshake failed, as far as the client can tell: with CURVE on
 * one side only, or a wrong server key, ZeroMQ reports a protocol error or
 * just a closed connection, depending on timing. */
static const char *handshake_failure(const dbd_client *c)
{
    if (c->curve)
        return "CURVE handshake failed (wrong server key, or dbd does not "
               "use CURVE here?)";
    if (is_tcp(c))
        return "ZeroMQ handshake failed (does dbd want CURVE keys?)";
    return "ZeroMQ handshake failed";
}

static void conn_event(dbd_client *c, unsigned event)
{
    switch (event) {
    case ZMQ_EVENT_CONNECTED:
        c->handshaken = c->handshake_failed = false;
        c->state = CONN_UP;
        c->down_reason[0] = '\0';
        break;
    case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
        c->handshaken = true;
        c->handshake_failed = false;
        c->state = CONN_UP;
        c->down_reason[0] = '\0';
        break;
    case ZMQ_EVENT_CONNECT_RETRIED:
        if (c->handshake_failed)
            c->state = CONN_DOWN;
        else
            conn_down(c, "connection refused or no such socket (is dbd "
                      "running?)");
        break;
    case ZMQ_EVENT_DISCONNECTED:
        /* Closed before the handshake finished: see handshake_failure(). */
        if (c->handshaken)
            conn_down(c, "connection lost");
        else if (!c->handshake_failed) /* keep a more precise reason */
            handshake_down(c, handshake_failure(c));
        break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
        handshake_down(c, c->curve ? "authentication failed (dbd does not "
                                     "know this client's key)"
                                   : "authentication failed");
        break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
        handshake_down(c, handshake_failure(c));
        break;
    default:
        break;
    }
}

/* Reads one event (two frames: 16-bit event and 32-bit value, then the
 * endpoint); false when none is waiting. */
static bool read_event(dbd_client *c, unsigned *event)
{
    zmq_msg_t msg;
    bool more;
    uint16_t ev = 0;

    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, c->monitor, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&msg);
        return false;
    }
    if (zmq_msg_size(&msg) >= sizeof ev)
        memcpy(&ev, zmq_msg_data(&msg), sizeof ev);
    more = zmq_msg_more(&msg);
    zmq_msg_close(&msg);
    while (more) {
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, c->monitor, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&msg);
            break;
        }
        more = zmq_msg_more(&msg);
        zmq_msg_close(&msg);
    }
    *event = ev;
    return true;
}

void client_conn_events(dbd_client *c)
{
    unsigned event;

    c->events_due = dbd_now_usec() + CLIENT_EVENTS_US;
    while (read_event(c, &event))
        conn_event(c, event);
    if (c->state == CONN_DOWN && c->outbox.n > 0)
        client_fail_outbox(c);
}

void client_conn_events_due(dbd_client *c, int64_t now)
{
    if (c->outbox.n > 0 || now >= c->events_due)
        client_conn_events(c);
}
