/*
 * client.c - the public API of libdbdclient (dbdclient.h): creating a
 * client, sending requests, waiting for and collecting their results.
 *
 * Non-blocking use, spelled out (ZMQ_FD is edge-triggered: it signals
 * "something changed", not "a message is waiting"):
 *
 *     for (;;) {
 *         struct pollfd p = {dbd_client_fd(c), POLLIN, 0};
 *         poll(&p, 1, dbd_client_timeout_ms(c));  // compute right before
 *         while (dbd_client_collect(c, &id, &res) == 1)
 *             handle(id, res);                      // until it returns 0
 *     }
 *
 * Call collect after every wake-up, readable or timed out (timeouts
 * complete there).  dbd_client_timeout_ms() returns 0 when replies already
 * wait (it checks ZMQ_EVENTS), which covers the edge a send() may consume.
 */
#include "client_priv.h"

#include "curve_key.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

int64_t dbd_now_usec(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

dbd_client *dbd_client_new(const char *endpoint, char *err, size_t errlen)
{
    dbd_client *c = NULL;

    if (endpoint == NULL || endpoint[0] == '\0') {
        snprintf(err, errlen, "no endpoint given");
        return NULL;
    }
    c = calloc(1, sizeof *c);
    if (c == NULL)
        goto nomem;
    c->fd = -1;
    c->timeout_ms = DBD_DEFAULT_TIMEOUT_MS;
    c->max_reply = CLIENT_DEFAULT_MAX_REPLY;
    req_table_init(&c->pending);
    c->endpoint = strdup(endpoint);
    if (c->endpoint == NULL)
        goto nomem;
    if (client_conn_open(c, err, errlen) != 0)
        goto fail;
    return c;

nomem:
    snprintf(err, errlen, "out of memory");
fail:
    dbd_client_destroy(&c);
    return NULL;
}

void dbd_client_destroy(dbd_client **pc)
{
    dbd_client *c;

    if (pc == NULL || *pc == NULL)
        return;
    c = *pc;
    client_conn_close(c);
    /* Outbox entries belong to the pending table. */
    c->outbox = (req_list){0};
    req_table_free(&c->pending);
    req_list_free(&c->ready);
    free(c->endpoint);
    free(c->name);
    free(c);
    *pc = NULL;
}

void dbd_client_set_timeout(dbd_client *c, int timeout_ms)
{
    if (c != NULL && timeout_ms >= 0)
        c->timeout_ms = timeout_ms;
}

int dbd_client_set_name(dbd_client *c, const char *name)
{
    char *copy = NULL;

    if (c == NULL)
        return -1;
    if (name != NULL) {
        if (!dbd_request_client_valid(
                name, strnlen(name, DBD_REQUEST_CLIENT_MAX + 1)))
            return -1;
        copy = strdup(name);
        if (copy == NULL)
            return -1;
    }
    free(c->name);
    c->name = copy;
    return 0;
}

void dbd_client_set_max_reply(dbd_client *c, size_t bytes)
{
    if (c != NULL)
        c->max_reply = bytes > 0 ? bytes : CLIENT_DEFAULT_MAX_REPLY;
}

int dbd_client_set_curve(dbd_client *c, const char *server_public_z85,
                         const char *client_public_z85,
                         const char *client_secret_z85)
{
    if (c == NULL || !dbd_curve_z85_valid(server_public_z85) ||
        !dbd_curve_z85_valid(client_public_z85) ||
        !dbd_curve_z85_valid(client_secret_z85))
        return -1;
    if (strncmp(c->endpoint, "tcp://", 6) != 0)
        return 0; /* see dbdclient.h: CURVE is for tcp:// only */
    if (c->last_id != 0 || !zmq_has("curve"))
        return -1;
    return client_conn_set_curve(c, server_public_z85, client_public_z85,
                                 client_secret_z85);
}

/*
 * Encodes req, registers it as pending and hands it to the socket (or the
 * outbox).  On 0, *out is the request; it may already be complete (as
 * UNAVAILABLE) when dbd cannot be reached.  -1 only for bad arguments or
 * no memory.
 */
static int submit(dbd_client *c, dbd_request *req, int timeout_ms,
                  client_req **out, char *err, size_t errlen)
{
    client_req *r = NULL;
    bool lend_name;
    int rc = -1, enc;

    if (c == NULL || req == NULL) {
        snprintf(err, errlen, "no client or no request given");
        return -1;
    }
    if (timeout_ms < 0)
        timeout_ms = c->timeout_ms;
    /* malloc(): calloc() would skip glibc's per-thread cache */
    r = malloc(sizeof *r);
    if (r == NULL)
        goto nomem;
    *r = (client_req){0};
    dbd_buf_init(&r->wire);
    r->res = dbd_result_new();
    if (r->res == NULL)
        goto nomem;
    r->id = c->last_id + 1;
    r->timeout_ms = timeout_ms;
    r->deadline = timeout_ms > 0
                      ? dbd_now_usec() + (int64_t)timeout_ms * 1000
                      : CLIENT_NO_DEADLINE;
    req->id = r->id;
    req->deadline_usec = timeout_ms > 0 ? r->deadline : 0;
    if (req->version == 0)
        req->version = DBD_PROTOCOL_VERSION;
    /* The client's name is lent to the request for the encoding only, so
     * that nothing is copied and the request stays as the caller made it. */
    lend_name = req->client == NULL && c->name != NULL;
    if (lend_name)
        req->client = c->name;
    enc = dbd_request_encode(req, &r->wire);
    if (lend_name)
        req->client = NULL;
    if (enc != 0 || req_table_add(&c->pending, r) != 0)
        goto nomem;
    c->last_id = r->id;
    req_list_push(&c->outbox, r);
    /* On failure the connection is down: the flush fails r as
     * UNAVAILABLE, with the reason. */
    (void)client_conn_connect(c);
    client_flush(c);
    *out = r;
    r = NULL;
    rc = 0;
    goto out;

nomem:
    snprintf(err, errlen, "out of memory");
out:
    client_req_free(&r);
    return rc;
}

int dbd_client_send(dbd_client *c, dbd_request *req, int timeout_ms,
                    uint64_t *id, char *err, size_t errlen)
{
    client_req *r = NULL;

    if (submit(c, req, timeout_ms, &r, err, errlen) != 0)
        return -1;
    if (id != NULL)
        *id = r->id;
    return 0;
}

/* Milliseconds until deadline, rounded up so that a wake-up finds it
 * passed; -1 for none. */
static int ms_until(int64_t deadline, int64_t now)
{
    int64_t ms;

    if (deadline == CLIENT_NO_DEADLINE)
        return -1;
    if (deadline <= now)
        return 0;
    ms = (deadline - now + 999) / 1000;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

dbd_result *dbd_call(dbd_client *c, dbd_request *req, int timeout_ms)
{
    client_req *r = NULL;
    dbd_result *res = NULL;
    char err[128];

    if (submit(c, req, timeout_ms, &r, err, sizeof err) != 0)
        return NULL;
    while (!r->done) {
        zmq_pollitem_t items[2] = {
            {c->sock, 0, ZMQ_POLLIN, 0},
            {c->monitor, 0, ZMQ_POLLIN, 0},
        };

        if (client_pump(c) != 0) {
            snprintf(err, sizeof err, "%s", zmq_strerror(errno));
            goto broken;
        }
        if (r->done)
            break;
        /* Wake up when the outbox can move, too. */
        if (c->outbox.n > 0)
            items[0].events |= ZMQ_POLLOUT;
        if (zmq_poll(items, 2, ms_until(r->deadline, dbd_now_usec())) < 0 &&
            errno != EINTR) {
            snprintf(err, sizeof err, "%s", zmq_strerror(errno));
            goto broken;
        }
    }
    goto out;

broken:
    /* The socket is unusable: no reply can come any more. */
    if (!r->done) {
        if (!r->sent)
            req_list_unlink(&c->outbox, r);
        req_table_remove(&c->pending, r);
        client_fail(c, r, DBD_UNAVAILABLE, "client socket error: %s", err);
    }
out:
    req_list_unlink(&c->ready, r);
    res = r->res;
    r->res = NULL;
    client_req_free(&r);
    return res;
}

int dbd_client_fd(const dbd_client *c)
{
    return c != NULL ? c->fd : -1;
}

int dbd_client_collect(dbd_client *c, uint64_t *id, dbd_result **res)
{
    client_req *r;

    if (c == NULL || id == NULL || res == NULL)
        return -1;
    if (c->ready.n == 0 && client_pump(c) != 0)
        return -1;
    r = req_list_pop(&c->ready);
    if (r == NULL)
        return 0;
    *id = r->id;
    *res = r->res;
    r->res = NULL;
    client_req_free(&r);
    return 1;
}

int dbd_client_timeout_ms(const dbd_client *c)
{
    int events = 0;
    size_t len = sizeof events;
    int ms;

    if (c == NULL)
        return -1;
    if (c->ready.n > 0)
        return 0;
    if (zmq_getsockopt(c->sock, ZMQ_EVENTS, &events, &len) == 0 &&
        (events & ZMQ_POLLIN))
        return 0;
    if (c->pending.live == 0)
        return -1;
    ms = ms_until(c->pending.min_deadline, dbd_now_usec());
    /* Requests waiting for a connection: look at it again soon. */
    if (c->outbox.n > 0 && (ms < 0 || ms > CLIENT_RETRY_MS))
        ms = CLIENT_RETRY_MS;
    return ms;
}

size_t dbd_client_pending(const dbd_client *c)
{
    return c != NULL ? c->pending.live + c->ready.n : 0;
}

void dbd_client_get_stats(const dbd_client *c, dbd_client_stats *out)
{
    if (out == NULL)
        return;
    if (c == NULL)
        *out = (dbd_client_stats){0};
    else
        *out = c->stats;
}
