/*
 * client_io.c - how a dbd_client moves requests out and replies in:
 * flushing the outbox, matching replies to pending requests by id,
 * merging chunks, and completing requests that failed or expired.
 */
#include "client_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <zmq.h>

static void complete(dbd_client *c, client_req *r)
{
    dbd_buf_free(&r->wire);
    r->done = true;
    c->stats.completed++;
    req_list_push(&c->ready, r);
}

void client_fail(dbd_client *c, client_req *r, dbd_status st,
                 const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    dbd_result *fresh = dbd_result_new();

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Rows or columns of a partial reply must not survive an error. */
    if (fresh != NULL) {
        dbd_result_destroy(&r->res);
        r->res = fresh;
    } else {
        dbd_result_clear_rows(r->res);
    }
    if (dbd_result_set_status(r->res, st, msg) != 0)
        dbd_result_set_status(r->res, st, NULL);
    if (st == DBD_TIMEOUT)
        c->stats.timeouts++;
    else if (st == DBD_UNAVAILABLE)
        c->stats.unavailable++;
    complete(c, r);
}

void client_fail_outbox(dbd_client *c)
{
    client_req *r;

    while ((r = req_list_pop(&c->outbox)) != NULL) {
        req_table_remove(&c->pending, r);
        client_fail(c, r, DBD_UNAVAILABLE, "cannot reach dbd at %s: %s",
                    c->endpoint, c->down_reason);
    }
}

void client_flush(dbd_client *c)
{
    client_req *r;
    bool events_read = false;

    while ((r = c->outbox.head) != NULL) {
        if (zmq_send(c->sock, r->wire.data, r->wire.len, ZMQ_DONTWAIT) < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN && !events_read) {
                /* The state may be stale: read the events (which fail the
                 * outbox when the connection is down), then try again. */
                events_read = true;
                client_conn_events(c);
                continue;
            }
            if (errno == EAGAIN && c->state != CONN_DOWN)
                return; /* connecting, or the queue is full: retry later */
            if (errno != EAGAIN)
                snprintf(c->down_reason, sizeof c->down_reason,
                         "cannot send: %s", zmq_strerror(errno));
            client_fail_outbox(c);
            return;
        }
        req_list_unlink(&c->outbox, r);
        dbd_buf_free(&r->wire);
        r->sent = true;
        c->stats.sent++;
    }
}

/* One reply message (or chunk of one). */
static void handle_reply(dbd_client *c, const void *data, size_t len)
{
    uint64_t id = 0, decoded_id = 0;
    bool more = false;
    char err[256] = "";
    client_req *r;

    c->stats.chunks++;
    if (!dbd_reply_peek_id(data, len, &id)) {
        c->stats.malformed++;
        return;
    }
    r = req_table_find(&c->pending, id);
    if (r == NULL || !r->sent) {
        c->stats.late++; /* timed out already, or never ours */
        return;
    }
    r->reply_bytes += len;
    if (r->reply_bytes > c->max_reply) {
        c->stats.malformed++;
        req_table_remove(&c->pending, r);
        client_fail(c, r, DBD_BAD,
                    "reply larger than the client's limit of %zu bytes",
                    c->max_reply);
        return;
    }
    if (dbd_reply_decode(data, len, r->res, &decoded_id, &more, err,
                         sizeof err) != DBD_OK) {
        /* A chunk lost means the rows are incomplete: fail the request
         * rather than hand out a partial result. */
        c->stats.malformed++;
        req_table_remove(&c->pending, r);
        client_fail(c, r, DBD_BAD, "malformed reply from dbd: %s", err);
        return;
    }
    if (more)
        return;
    /* A stream that ends in an error invalidates the rows sent before. */
    if (dbd_result_status(r->res) != DBD_OK)
        dbd_result_clear_rows(r->res);
    req_table_remove(&c->pending, r);
    complete(c, r);
}

/* Drops the rest of a multi-part message: replies are single frames. */
static void skip_frames(dbd_client *c)
{
    int more = 1;
    size_t len = sizeof more;

    while (zmq_getsockopt(c->sock, ZMQ_RCVMORE, &more, &len) == 0 && more) {
        zmq_msg_t msg;

        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, c->sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&msg);
            return;
        }
        zmq_msg_close(&msg);
    }
}

int client_receive(dbd_client *c)
{
    for (;;) {
        zmq_msg_t msg;

        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, c->sock, ZMQ_DONTWAIT) < 0) {
            int e = errno;

            zmq_msg_close(&msg);
            if (e == EAGAIN)
                return 0;
            if (e == EINTR)
                continue;
            return -1;
        }
        if (zmq_msg_more(&msg)) {
            c->stats.malformed++;
            zmq_msg_close(&msg);
            skip_frames(c);
            continue;
        }
        handle_reply(c, zmq_msg_data(&msg), zmq_msg_size(&msg));
        zmq_msg_close(&msg);
    }
}

void client_expire(dbd_client *c, int64_t now)
{
    req_list expired = {0};
    client_req *r;

    req_table_take_expired(&c->pending, now, &c->outbox, &expired);
    while ((r = req_list_pop(&expired)) != NULL) {
        if (r->sent)
            client_fail(c, r, DBD_TIMEOUT, "no reply from dbd within %d ms",
                        r->timeout_ms);
        else
            client_fail(c, r, DBD_UNAVAILABLE,
                        "could not send to dbd at %s within %d ms%s",
                        c->endpoint, r->timeout_ms,
                        c->state == CONN_UP ? "" : ": not connected");
    }
}

int client_pump(dbd_client *c)
{
    client_conn_events_due(c, dbd_now_usec());
    client_flush(c);
    /* Receiving last: when it reports EAGAIN, ZMQ_FD is armed again. */
    if (client_receive(c) != 0)
        return -1;
    client_expire(c, dbd_now_usec());
    return 0;
}
