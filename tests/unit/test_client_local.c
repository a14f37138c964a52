/*
 * test_client_local.c - libdbdclient against a fake dbd: a ROUTER socket
 * on an ipc:// endpoint in a private directory, driven by a script in a
 * thread of its own.  Covers reply matching by id, chunk reassembly,
 * timeouts, late and malformed replies, dbd_call() keeping other results,
 * an endpoint nobody listens on, and one where dbd appears later.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "dbdclient.h"

/* One request as the fake server saw it. */
typedef struct fake_msg {
    unsigned char ident[256];
    size_t ident_len;
    uint64_t id;
    char client[72];     /* the request's client name, "" when absent */
} fake_msg;

typedef struct fake {
    char dir[256];
    char endpoint[320];
    void *ctx;
    void *router;
    pthread_t thread;
    bool running;
    void (*script)(struct fake *f);
    int chunks;          /* chunk messages the script sent */
    char clients[4][72]; /* client names the script saw, for the test */
    char failure[256];   /* the script's first problem, "" if none */
} fake;

static int64_t now_ms(void)
{
    return dbd_now_usec() / 1000;
}

static void fake_fail(fake *f, const char *what)
{
    if (f->failure[0] == '\0')
        snprintf(f->failure, sizeof f->failure, "%s", what);
}

/* Receives one request (identity frame + body) within timeout_ms. */
static bool fake_recv(fake *f, fake_msg *m, int timeout_ms)
{
    zmq_pollitem_t item = {f->router, 0, ZMQ_POLLIN, 0};
    char body[1 << 16], err[128];
    dbd_request *req = NULL;
    int n;

    if (zmq_poll(&item, 1, timeout_ms) != 1)
        return false;
    n = zmq_recv(f->router, m->ident, sizeof m->ident, 0);
    if (n <= 0)
        return false;
    m->ident_len = (size_t)n;
    n = zmq_recv(f->router, body, sizeof body, 0);
    if (n < 0)
        return false;
    m->id = 0;
    m->client[0] = '\0';
    if (dbd_request_decode(body, (size_t)n, &req, &m->id, err, sizeof err) !=
        DBD_OK)
        fake_fail(f, err);
    else if (req->client != NULL)
        snprintf(m->client, sizeof m->client, "%s", req->client);
    dbd_request_destroy(&req);
    return true;
}

static void fake_send(fake *f, const fake_msg *m, const void *body,
                      size_t len)
{
    if (zmq_send(f->router, m->ident, m->ident_len, ZMQ_SNDMORE) < 0 ||
        zmq_send(f->router, body, len, 0) < 0)
        fake_fail(f, "send failed");
}

static void fake_send_result(fake *f, const fake_msg *m, const dbd_result *r)
{
    dbd_buf buf;

    dbd_buf_init(&buf);
    if (dbd_reply_encode(m->id, r, &buf) != 0)
        fake_fail(f, "encode failed");
    else
        fake_send(f, m, buf.data, buf.len);
    dbd_buf_free(&buf);
}

/* A reply whose affected count (id * 10) tells which request it answers. */
static void fake_reply(fake *f, const fake_msg *m)
{
    dbd_result *r = dbd_result_new();

    dbd_result_set_affected(r, (int64_t)m->id * 10);
    fake_send_result(f, m, r);
    dbd_result_destroy(&r);
}

static void *fake_main(void *arg)
{
    fake *f = arg;

    f->script(f);
    return NULL;
}

static void fake_start(fake *f, void (*script)(fake *))
{
    f->script = script;
    assert_int_equal(pthread_create(&f->thread, NULL, fake_main, f), 0);
    f->running = true;
}

/* Waits for the script and fails the test if it had a problem. */
static void fake_join(fake *f)
{
    if (f->running)
        pthread_join(f->thread, NULL);
    f->running = false;
    if (f->failure[0] != '\0')
        fail_msg("fake server: %s", f->failure);
}

static int setup(void **state)
{
    fake *f = calloc(1, sizeof *f);
    const char *tmp = getenv("TMPDIR");
    int zero = 0;

    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof f->dir, "%s/dbd-client-test.XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : P_tmpdir);
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->endpoint, sizeof f->endpoint, "ipc://%s/dbd.sock", f->dir);
    f->ctx = zmq_ctx_new();
    f->router = zmq_socket(f->ctx, ZMQ_ROUTER);
    /* No HWM: a ROUTER silently drops what exceeds it. */
    if (f->router == NULL ||
        zmq_setsockopt(f->router, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        zmq_setsockopt(f->router, ZMQ_SNDHWM, &zero, sizeof zero) != 0 ||
        zmq_setsockopt(f->router, ZMQ_RCVHWM, &zero, sizeof zero) != 0 ||
        zmq_bind(f->router, f->endpoint) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fake *f = *state;
    char path[512];

    if (f->running)
        pthread_join(f->thread, NULL);
    zmq_close(f->router);
    zmq_ctx_term(f->ctx);
    snprintf(path, sizeof path, "%s/dbd.sock", f->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/later.sock", f->dir);
    unlink(path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static dbd_client *client(const char *endpoint)
{
    char err[256] = "";
    dbd_client *c = dbd_client_new(endpoint, err, sizeof err);

    if (c == NULL)
        fail_msg("dbd_client_new: %s", err);
    return c;
}

static uint64_t send_ping(dbd_client *c, int timeout_ms)
{
    dbd_request *req = dbd_request_new(DBD_OP_PING, NULL, NULL);
    char err[256] = "";
    uint64_t id = 0;

    assert_non_null(req);
    if (dbd_client_send(c, req, timeout_ms, &id, err, sizeof err) != 0)
        fail_msg("dbd_client_send: %s", err);
    dbd_request_destroy(&req);
    return id;
}

static dbd_result *call_ping(dbd_client *c, int timeout_ms, uint64_t *id)
{
    dbd_request *req = dbd_request_new(DBD_OP_PING, NULL, NULL);
    dbd_result *r;

    assert_non_null(req);
    r = dbd_call(c, req, timeout_ms);
    assert_non_null(r);
    if (id != NULL)
        *id = req->id;
    dbd_request_destroy(&req);
    return r;
}

/*
 * The non-blocking loop a real caller writes: poll the fd with the
 * client's own timeout, then collect until 0.  Stops after want results or
 * max_ms.  No cap on the poll timeout, so a missed wake-up shows as a
 * slow test.
 */
static size_t collect_until(dbd_client *c, size_t want, uint64_t *ids,
                            dbd_result **res, int max_ms)
{
    int64_t end = now_ms() + max_ms;
    size_t n = 0;

    while (n < want && now_ms() < end) {
        struct pollfd p = {dbd_client_fd(c), POLLIN, 0};
        int t = dbd_client_timeout_ms(c);
        int left = (int)(end - now_ms());

        if (t < 0 || t > left)
            t = left > 0 ? left : 0;
        assert_true(poll(&p, 1, t) >= 0);
        while (n < want) {
            int rc = dbd_client_collect(c, &ids[n], &res[n]);

            assert_true(rc >= 0);
            if (rc == 0)
                break;
            n++;
        }
    }
    return n;
}

/* --- replies out of order ------------------------------------------------ */

static void script_reverse3(fake *f)
{
    fake_msg m[3];

    for (int i = 0; i < 3; i++)
        if (!fake_recv(f, &m[i], 5000)) {
            fake_fail(f, "request missing");
            return;
        }
    for (int i = 2; i >= 0; i--)
        fake_reply(f, &m[i]);
}

static void test_out_of_order(void **state)
{
    fake *f = *state;
    dbd_client *c = client(f->endpoint);
    uint64_t sent[3], got[3];
    dbd_result *res[3];
    int64_t t0 = now_ms();

    fake_start(f, script_reverse3);
    for (int i = 0; i < 3; i++)
        sent[i] = send_ping(c, 10000);
    assert_int_equal(sent[0] + 1, sent[1]);
    assert_int_equal(dbd_client_pending(c), 3);
    assert_int_equal(collect_until(c, 3, got, res, 9000), 3);
    /* Well before the deadline: a missed wake-up would wait for it. */
    assert_true(now_ms() - t0 < 5000);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(got[i], sent[2 - i]);
        assert_int_equal(dbd_result_status(res[i]), DBD_OK);
        assert_int_equal(dbd_result_affected(res[i]), (int64_t)got[i] * 10);
        dbd_result_destroy(&res[i]);
    }
    assert_int_equal(dbd_client_pending(c), 0);
    assert_int_equal(dbd_client_timeout_ms(c), -1);
    dbd_client_destroy(&c);
    assert_null(c);
    fake_join(f);
}

/* --- many in flight, answered in a scrambled order ------------------------ */

#define MANY 2000

static void script_scrambled(fake *f)
{
    fake_msg *m = calloc(MANY, sizeof *m);

    for (int i = 0; m != NULL && i < MANY; i++)
        if (!fake_recv(f, &m[i], 5000)) {
            fake_fail(f, "request missing");
            goto out;
        }
    /* 7919 is prime, so i * 7919 % MANY visits every index once. */
    for (int i = 0; m != NULL && i < MANY; i++)
        fake_reply(f, &m[(size_t)i * 7919 % MANY]);
out:
    free(m);
}

static void test_many_in_flight(void **state)
{
    fake *f = *state;
    dbd_client *c = client(f->endpoint);
    uint64_t *ids = calloc(MANY, sizeof *ids), first;
    dbd_result **res = calloc(MANY, sizeof *res);
    unsigned char *seen = calloc(MANY, 1);

    assert_non_null(ids);
    assert_non_null(res);
    assert_non_null(seen);
    fake_start(f, script_scrambled);
    first = send_ping(c, 20000);
    for (int i = 1; i < MANY; i++)
        send_ping(c, 20000);
    assert_int_equal(collect_until(c, MANY, ids, res, 20000), MANY);
    for (int i = 0; i < MANY; i++) {
        uint64_t k = ids[i] - first;

        assert_true(k < MANY);
        assert_int_equal(seen[k], 0);
        seen[k] = 1;
        assert_int_equal(dbd_result_affected(res[i]), (int64_t)ids[i] * 10);
        dbd_result_destroy(&res[i]);
    }
    assert_int_equal(dbd_client_pending(c), 0);
    dbd_client_destroy(&c);
    free(ids);
    free(res);
    free(seen);
    fake_join(f);
}

/* --- chunked replies -------------------------------------------------------- */

#define CHUNK_ROWS 1000

static int flush_chunk(void *ctx, const void *data, size_t len, bool more)
{
    void **args = ctx;
    fake *f = args[0];

    if (more)
        f->chunks++;
    fake_send(f, args[1], data, len);
    return 0;
}

/* Streams CHUNK_ROWS rows (n, "row-n") in small chunks, ending in st. */
static void stream_rows(fake *f, const fake_msg *m, dbd_status st,
                        const char *msg)
{
    void *args[2] = {f, (void *)m};
    dbd_reply_writer *w = dbd_reply_writer_new(m->id, 256, flush_chunk, args);
    const char *names[2] = {"n", "s"};
    dbd_type types[2] = {DBD_TYPE_INT, DBD_TYPE_STRING};
    char text[32];

    if (w == NULL || dbd_reply_writer_columns(w, 2, names, types) != 0) {
        fake_fail(f, "writer");
        goto out;
    }
    for (int i = 0; i < CHUNK_ROWS; i++) {
        dbd_value row[2];

        snprintf(text, sizeof text, "row-%d", i);
        row[0] = dbd_int(i);
        row[1] = dbd_string(text, strlen(text));
        if (dbd_reply_writer_row(w, row) != 0) {
            fake_fail(f, "writer row");
            goto out;
        }
    }
    if (dbd_reply_writer_finish(w, st, msg, -1, 0) != 0)
        fake_fail(f, "writer finish");
out:
    dbd_reply_writer_destroy(&w);
}

static void script_chunked(fake *f)
{
    fake_msg m;

    if (!fake_recv(f, &m, 5000))
        fake_fail(f, "request missing");
    else
        stream_rows(f, &m, DBD_OK, NULL);
}

static void test_chunked(void **state)
{
    fake *f = *state;
    dbd_client *c = client(f->endpoint);
    dbd_result *r;
    char want[32];

    fake_start(f, script_chunked);
    r = call_ping(c, 5000, NULL);
    fake_join(f);
    assert_true(f->chunks > 10);
    assert_int_equal(dbd_result_status(r), DBD_OK);
    assert_int_equal(dbd_result_ncols(r), 2);
    assert_string_equal(dbd_result_col_name(r, 1), "s");
    assert_int_equal(dbd_result_nrows(r), CHUNK_ROWS);
    for (size_t i = 0; i < CHUNK_ROWS; i++) {
        int64_t n = -1;
        const char *s = NULL;
        size_t len = 0;

        assert_int_equal(dbd_result_get_int64(r, i, 0, &n), 0);
        assert_int_equal(n, (int64_t)i);
        assert_int_equal(dbd_result_get_string(r, i, 1, &s, &len), 0);
        snprintf(want, sizeof want, "row-%zu", i);
        assert_int_equal(len, strlen(want));
        assert_memory_equal(s, want, len);
    }
    dbd_result_destroy(&r);
    dbd_client_destroy(&c);
}

static void script_chunked_error(fake *f)
{
    fake_msg m;

    if (!fake_recv(f, &m, 5000))
        fake_fail(f, "request missing");
    else
        stream_rows(f, &m, DBD_INTERNAL, "disk on fire");
}

static void test_chunked_error(void **state)
{
    fake *f = *state;
    dbd_client *c = client(f->endpoint);
    dbd_result *r;

    fake_start(f, script_chunked_error);
    r = call_ping(c, 5000, NULL);
    fake_join(f);
    assert_true(f->chunks > 10);
    assert_int_equal(dbd_result_status(r), DBD_INTERNAL);
    assert_string_equal(dbd_result_message(r), "disk on fire");
    assert_int_equal(dbd_result_nrows(r), 0);
    dbd_result_destroy(&r);
    dbd_client_destroy(&c);
}

/* --- timeouts and late replies -------------------------------------------------- */

static void script_silent(fake *f)
{
    fake_msg m;

    if (!fake_recv(f, &m, 5000))
        fake_fail(f, "request missing");
    /* ... and never answer. */
}

static void test_timeout(void **state)
{
    fake *f = *state;
    dbd_client *c = client(f->endpoint);
    dbd_client_stats st;
    dbd_result *r;
    int64_t t0, elapsed;

    assert_int_equal(dbd_client_timeout_ms(c), -1);
    fake_start(f, script_silent);
    t0 = now_ms();
    r = call_ping(c, 150, NULL);
    elapsed = now_ms() - t0;
    assert_int_equal(dbd_result_status(r), DBD_TIMEOUT);
    assert_true(elapsed >= 149);
    assert_true(elapsed < 5000);
    assert_int_equal(dbd_client_pending(c), 0);
    dbd_client_get_stats(c, &st);
    assert_int_equal(st.timeouts, 1);
    assert_int_equal(st.sent, 1);
    dbd_result_destroy(&r);
    fake_join(f);

    /* timeout_ms() follows the pending deadline. */
    send_ping(c, 5000);
    assert_true(dbd_client_timeout_ms(c) > 4000);
    assert_true(dbd_client_timeout_ms(c) <= 5000);
    assert_int_equal(dbd_client_pending(c), 1);
    dbd_client_destroy(&c); /* with a request pending: no leak */
}

static void script_late(fake *f)
{
    fake_msg m;

    if (!fake_recv(f, &m, 5000)) {
        fake_fail(f, "request missing");
        return;
    }
    usleep(400 * 1000);
    fake_reply(f, &m); /* long after the client gave up */
    if (!fake_recv(f, &m, 5000)) {
        fake_fail(f, "second request missing");
        return;
    }
    fake_reply(f, &m);
}

static void test_late_reply_dropped(void **state)
{
    fake *f = *state;
    dbd_client *c = client(f->endpoint);
    dbd_client_stats st;
    dbd_result *r, *res[1] = {NULL};
    uint64_t ids[1], id2 = 0;

    fake_start(f, script_late);
    r = call_ping(c, 100, NULL);
    assert_int_equal(dbd_result_status(r), DBD_TIMEOUT);
    dbd_result_destroy(&r);
    /* The late reply arrives meanwhile; nothing may come of it. */
    assert_int_equal(collect_until(c, 1, ids, res, 700), 0);
    dbd_client_get_stats(c, &st);
    assert_int_equal(st.late, 1);
    r = call_ping(c, 3000, &id2);
    assert_int_equal(dbd_result_status(r), DBD_OK);
    assert_int_equal(dbd_result_affected(r), (int64_t)id2 * 10);
    dbd_result_destroy(&r);
    dbd_client_destroy(&c);
    fake_join(f);
}

/* --- malformed replies ------------------------------------------------------------ */

static void script_malformed(fake *f)
{
    static const char array[] = "\x93\x01\x02\x03"; /* no map, no id */
    static const char junk[] = "not msgpack at all";
    unsigned char bad[32];
    size_t n = 0;
    fake_msg m;

    if (!fake_recv(f, &m, 5000)) {
        fake_fail(f, "request missing");
        return;
    }
    fake_send(f, &m, array, sizeof array - 1);
    fake_send(f, &m, junk, sizeof junk - 1);
    if (zmq_send(f->router, m.ident, m.ident_len, ZMQ_SNDMORE) < 0 ||
        zmq_send(f->router, "a", 1, ZMQ_SNDMORE) < 0 ||
        zmq_send(f->router, "b", 1, 0) < 0)
        fake_fail(f, "multi-part send");
    fake_reply(f, &m);

    if (!fake_recv(f, &m, 5000)) {
        fake_fail(f, "second request missing");
        return;
    }
    /* {"v": 1, "id": ID, "st": "oops"}: names a pending id, st is bad. */
    bad[n++] = 0x83;
    bad[n++] = 0xa1, bad[n++] = 'v', bad[n++] = 0x01;
    bad[n++] = 0xa2, bad[n++] = 'i', bad[n++] = 'd', bad[n++] = 0xcf;
    for (int i = 7; i >= 0; i--)
        bad[n++] = (unsigned char)(m.id >> (8 * i));
    bad[n++] = 0xa2, bad[n++] = 's', bad[n++] = 't';
    bad[n++] = 0xa4, bad[n++] = 'o', bad[n++] = 'o', bad[n++] = 'p',
    bad[n++] = 's';
    fake_send(f, &m, bad, n);
}

static void test_malformed(void **state)
{
    fake *f = *state;
    dbd_client *c = client(f->endpoint);
    dbd_client_stats st;
    dbd_result *r;
    uint64_t id = 0;

    fake_start(f, script_malformed);
    r = call_ping(c, 3000, &id);
    assert_int_equal(dbd_result_status(r), DBD_OK);
    assert_int_equal(dbd_result_affected(r), (int64_t)id * 10);
    dbd_result_destroy(&r);
    dbd_client_get_stats(c, &st);
    assert_int_equal(st.malformed, 3);

    r = call_ping(c, 3000, NULL);
    assert_int_equal(dbd_result_status(r), DBD_BAD);
    assert_non_null(strstr(dbd_result_message(r), "malformed reply"));
    dbd_result_destroy(&r);
    dbd_client_get_stats(c, &st);
    assert_int_equal(st.malformed, 4);
    assert_int_equal(st.late, 0);
    dbd_client_destroy(&c);
    fake_join(f);
}

static void script_big(fake *f)
{
    dbd_result *r = dbd_result_new();
    const char *names[1] = {"s"};
    dbd_type types[1] = {DBD_TYPE_STRING};
    char text[100];
    fake_msg m;

    memset(text, 'x', sizeof text);
    dbd_result_set_columns(r, 1, names, types);
    for (int i = 0; i < 50; i++) {
        dbd_value v = dbd_string(text, sizeof text);

        dbd_result_add_row(r, &v);
    }
    if (!fake_recv(f, &m, 5000))
        fake_fail(f, "request missing");
    else
        fake_send_result(f, &m, r);
    dbd_result_destroy(&r);
}

static void test_reply_too_large(void **state)
{
    fake *f = *state;
    dbd_client *c = client(f->endpoint);
    dbd_result *r;

    dbd_client_set_max_reply(c, 1000);
    fake_start(f, script_big);
    r = call_ping(c, 3000, NULL);
    assert_int_equal(dbd_result_status(r), DBD_BAD);
    assert_non_null(strstr(dbd_result_message(r), "larger than"));
    assert_int_equal(dbd_result_nrows(r), 0);
    dbd_result_destroy(&r);
    dbd_client_destroy(&c);
    fake_join(f);
}

/* --- dbd_call() keeps the other results for collect() ---------------------- */

static void script_call_mix(fake *f)
{
    fake_msg m[3];

    for (int i = 0; i < 3; i++)
        if (!fake_recv(f, &m[i], 5000)) {
            fake_fail(f, "request missing");
            return;
        }
    fake_reply(f, &m[1]);
    fake_reply(f, &m[2]);
    usleep(100 * 1000);
    fake_reply(f, &m[0]);
}

static void test_call_keeps_others(void **state)
{
    fake *f = *state;
    dbd_client *c = client(f->endpoint);
    uint64_t a, b, cid = 0, got[2];
    dbd_result *r, *res[2];

    fake_start(f, script_call_mix);
    a = send_ping(c, 5000);
    b = send_ping(c, 5000);
    r = call_ping(c, 5000, &cid);
    assert_int_equal(dbd_result_status(r), DBD_OK);
    assert_int_equal(dbd_result_affected(r), (int64_t)cid * 10);
    dbd_result_destroy(&r);
    assert_int_equal(dbd_client_pending(c), 2);
    assert_int_equal(collect_until(c, 2, got, res, 3000), 2);
    assert_int_equal(got[0], b);
    assert_int_equal(got[1], a);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(dbd_result_affected(res[i]), (int64_t)got[i] * 10);
        dbd_result_destroy(&res[i]);
    }
    dbd_client_destroy(&c);
    fake_join(f);
}

/* --- the client's name ---------------------------------------------------- */

static void script_names(fake *f)
{
    fake_msg m;

    for (int i = 0; i < 4; i++) {
        if (!fake_recv(f, &m, 5000)) {
            fake_fail(f, "request missing");
            return;
        }
        memcpy(f->clients[i], m.client, sizeof m.client);
        fake_reply(f, &m);
    }
}

/* The client's name goes with requests that have none of their own and
 * is only lent to them: the caller's request is left as it was. */
static void test_client_name(void **state)
{
    fake *f = *state;
    dbd_client *c = client(f->endpoint);
    dbd_request *req;
    dbd_result *r, *res[1] = {NULL};
    char err[256] = "";
    uint64_t id = 0, got[1];

    fake_start(f, script_names);
    assert_int_equal(dbd_client_set_name(c, "tester w1"), 0);
    assert_int_equal(dbd_client_set_name(c, "bad\nname"), -1);
    assert_int_equal(dbd_client_set_name(c, ""), -1);
    assert_int_equal(dbd_client_set_name(NULL, "x"), -1);
    r = call_ping(c, 5000, NULL);                 /* 1: the client's name */
    assert_int_equal(dbd_result_status(r), DBD_OK);
    dbd_result_destroy(&r);

    req = dbd_request_new(DBD_OP_PING, NULL, NULL); /* 2: its own name */
    assert_non_null(req);
    assert_int_equal(dbd_request_set_client(req, "own"), 0);
    r = dbd_call(c, req, 5000);
    assert_non_null(r);
    assert_int_equal(dbd_result_status(r), DBD_OK);
    assert_string_equal(req->client, "own");
    dbd_result_destroy(&r);
    dbd_request_destroy(&req);

    req = dbd_request_new(DBD_OP_PING, NULL, NULL); /* 3: non-blocking */
    assert_non_null(req);
    if (dbd_client_send(c, req, 5000, &id, err, sizeof err) != 0)
        fail_msg("dbd_client_send: %s", err);
    assert_null(req->client);
    dbd_request_destroy(&req);
    assert_int_equal(collect_until(c, 1, got, res, 5000), 1);
    assert_int_equal(got[0], id);
    dbd_result_destroy(&res[0]);

    assert_int_equal(dbd_client_set_name(c, NULL), 0); /* 4: none */
    r = call_ping(c, 5000, NULL);
    assert_int_equal(dbd_result_status(r), DBD_OK);
    dbd_result_destroy(&r);
    dbd_client_destroy(&c);
    fake_join(f);
    assert_string_equal(f->clients[0], "tester w1");
    assert_string_equal(f->clients[1], "own");
    assert_string_equal(f->clients[2], "tester w1");
    assert_string_equal(f->clients[3], "");
}

/* --- nobody listening --------------------------------------------------------- */

static void test_no_daemon(void **state)
{
    fake *f = *state;
    char endpoint[400];
    dbd_client *c;
    dbd_result *r, *res[1] = {NULL};
    uint64_t id = 0, got[1];
    int64_t t0;

    snprintf(endpoint, sizeof endpoint, "ipc://%s/nobody.sock", f->dir);
    c = client(endpoint);
    /* UNAVAILABLE from the failed connection attempt, not the deadline. */
    t0 = now_ms();
    r = call_ping(c, 10000, NULL);
    assert_int_equal(dbd_result_status(r), DBD_UNAVAILABLE);
    assert_non_null(strstr(dbd_result_message(r), "nobody.sock"));
    assert_true(now_ms() - t0 < 5000);
    dbd_result_destroy(&r);

    /* The same through the non-blocking API. */
    t0 = now_ms();
    id = send_ping(c, 10000);
    assert_int_equal(collect_until(c, 1, got, res, 9000), 1);
    assert_int_equal(got[0], id);
    assert_int_equal(dbd_result_status(res[0]), DBD_UNAVAILABLE);
    assert_true(now_ms() - t0 < 5000);
    dbd_result_destroy(&res[0]);
    assert_int_equal(dbd_client_pending(c), 0);
    dbd_client_destroy(&c);
}

static void script_one(fake *f)
{
    fake_msg m;

    if (!fake_recv(f, &m, 8000))
        fake_fail(f, "request missing");
    else
        fake_reply(f, &m);
}

/* A daemon that appears later is found without a new client. */
static void test_daemon_later(void **state)
{
    fake *f = *state;
    char endpoint[400];
    dbd_client *c;
    dbd_result *r;
    uint64_t id = 0;
    int tries = 0;

    snprintf(endpoint, sizeof endpoint, "ipc://%s/later.sock", f->dir);
    c = client(endpoint);
    r = call_ping(c, 2000, NULL);
    assert_int_equal(dbd_result_status(r), DBD_UNAVAILABLE);
    dbd_result_destroy(&r);

    assert_int_equal(zmq_bind(f->router, endpoint), 0);
    fake_start(f, script_one);
    for (;;) {
        r = call_ping(c, 2000, &id);
        if (dbd_result_status(r) != DBD_UNAVAILABLE || ++tries == 50)
            break;
        dbd_result_destroy(&r);
        usleep(100 * 1000);
    }
    assert_int_equal(dbd_result_status(r), DBD_OK);
    assert_int_equal(dbd_result_affected(r), (int64_t)id * 10);
    dbd_result_destroy(&r);
    dbd_client_destroy(&c);
    fake_join(f);
}

static void test_bad_endpoint(void **state)
{
    char err[256] = "";
    dbd_client *c;

    (void)state;
    c = dbd_client_new("nonsense", err, sizeof err);
    assert_null(c);
    assert_non_null(strstr(err, "nonsense"));
    c = dbd_client_new("", err, sizeof err);
    assert_null(c);
    dbd_client_destroy(&c); /* accepts NULL */
    dbd_client_destroy(NULL);
    assert_true(dbd_now_usec() > INT64_C(1600000000) * 1000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_out_of_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_in_flight, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chunked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chunked_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_late_reply_dropped, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reply_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_call_keeps_others, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_client_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_daemon, setup, teardown),
        cmocka_unit_test_setup_teardown(test_daemon_later, setup, teardown),
        cmocka_unit_test(test_bad_endpoint),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
