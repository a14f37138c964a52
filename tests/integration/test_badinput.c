/*
 * test_badinput.c - hostile and broken requests against a running dbd (the
 * integration fixture: DBD_ENDPOINT, datasources sq, tx, sqraw, busy1,
 * dead).  Each case checks the exact status and that the message names
 * the problem; at the end dbd must still serve a normal query.  Prints TAP.
 *
 * Talks ZeroMQ and MessagePack directly (not through libdbdclient) so that
 * it can send what no client library would.  Rows it writes use keys
 * starting with "bi-".
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <msgpack.h>
#include <zmq.h>

#include "codec.h"
#include "request.h"
#include "result.h"

#define SLOW_SQL                                                              \
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c "           \
    "WHERE x<5000000) SELECT count(*) FROM c"
#define WAIT_MS 10000      /* for replies that must come */
#define SLOW_WAIT_MS 60000 /* for the slow statement (sanitizer builds) */

typedef struct tap {
    int n;
    int failed;
} tap;

typedef struct env {
    void *zctx;
    const char *endpoint;
    void *sock;       /* the main DEALER socket */
    uint64_t next_id;
    tap t;
} env;

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void report(tap *t, bool good, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report(tap *t, bool good, const char *name, const char *fmt, ...)
{
    va_list ap;
    t->n++;
    printf("%s %d - %s\n", good ? "ok" : "not ok", t->n, name);
    if (!good) {
        t->failed++;
        printf("# ");
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
    }
    fflush(stdout);
}

static void *new_socket(env *e)
{
    void *s = zmq_socket(e->zctx, ZMQ_DEALER);
    int linger = 0;
    if (s == NULL)
        return NULL;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(s, e->endpoint) != 0) {
        zmq_close(s);
        return NULL;
    }
    return s;
}

static int send_bytes(void *s, const void *data, size_t len)
{
    return zmq_send(s, data, len, 0) < 0 ? -1 : 0;
}

/*
 * Receives reply messages until the one for want_id is complete (other
 * ids are skipped).  NULL when nothing complete came within timeout_ms.
 */
static dbd_result *recv_reply(void *s, uint64_t want_id, int timeout_ms)
{
    int64_t end = mono_ms() + timeout_ms;
    dbd_result *r = NULL;

    for (;;) {
        zmq_pollitem_t it = {.socket = s, .events = ZMQ_POLLIN};
        zmq_msg_t msg;
        int64_t left = end - mono_ms();
        uint64_t id = 0;
        bool more = false;
        char err[256];

        if (left <= 0 || zmq_poll(&it, 1, (long)left) <= 0)
            break;
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, s, 0) < 0) {
            zmq_msg_close(&msg);
            break;
        }
        if (!dbd_reply_peek_id(zmq_msg_data(&msg), zmq_msg_size(&msg), &id) ||
            id != want_id) {
            zmq_msg_close(&msg);
            continue;
        }
        if (r == NULL && (r = dbd_result_new()) == NULL) {
            zmq_msg_close(&msg);
            break;
        }
        if (dbd_reply_decode(zmq_msg_data(&msg), zmq_msg_size(&msg), r, &id,
                             &more, err, sizeof err) != DBD_OK) {
            zmq_msg_close(&msg);
            dbd_result_destroy(&r);
            fprintf(stderr, "undecodable reply: %s\n", err);
            break;
        }
        zmq_msg_close(&msg);
        if (!more)
            return r;
    }
    dbd_result_destroy(&r);
    return NULL;
}

/* Sends req (its id assigned here) on s. */
static int send_req(env *e, void *s, dbd_request *req)
{
    dbd_buf buf;
    int rc;
    req->id = e->next_id++;
    dbd_buf_init(&buf);
    rc = dbd_request_encode(req, &buf);
    if (rc == 0)
        rc = send_bytes(s, buf.data, buf.len);
    dbd_buf_free(&buf);
    return rc;
}

static dbd_result *call_on(env *e, void *s, dbd_request *req, int timeout_ms)
{
    if (send_req(e, s, req) != 0)
        return NULL;
    return recv_reply(s, req->id, timeout_ms);
}

static dbd_result *call(env *e, dbd_request *req)
{
    return call_on(e, e->sock, req, WAIT_MS);
}

/* The result has status want and its message contains every needle. */
static void expect(tap *t, const char *name, const dbd_result *r,
                   dbd_status want, const char *needle1, const char *needle2)
{
    const char *msg;
    if (r == NULL) {
        report(t, false, name, "got no reply, want %s",
               dbd_status_name(want));
        return;
    }
    msg = dbd_result_message(r);
    if (dbd_result_status(r) != want) {
        report(t, false, name, "got %s \"%s\", want %s",
               dbd_status_name(dbd_result_status(r)), msg,
               dbd_status_name(want));
        return;
    }
    if ((needle1 != NULL && strstr(msg, needle1) == NULL) ||
        (needle2 != NULL && strstr(msg, needle2) == NULL)) {
        report(t, false, name, "got message \"%s\", want one naming \"%s\"%s%s",
               msg, needle1 != NULL ? needle1 : "",
               needle2 != NULL ? " and " : "", needle2 != NULL ? needle2 : "");
        return;
    }
    report(t, true, name, " ");
}

/* Sends raw bytes as a request and expects a reply with want_id. */
static void expect_raw(env *e, const char *name, const void *data,
                       size_t len, uint64_t want_id, dbd_status want,
                       const char *needle1, const char *needle2)
{
    dbd_result *r = NULL;
    if (send_bytes(e->sock, data, len) == 0)
        r = recv_reply(e->sock, want_id, WAIT_MS);
    expect(&e->t, name, r, want, needle1, needle2);
    dbd_result_destroy(&r);
}

/* --- messages built by hand --- */

static void pack_str(msgpack_packer *pk, const char *s)
{
    msgpack_pack_str(pk, strlen(s));
    msgpack_pack_str_body(pk, s, strlen(s));
}

/* {v: version, id: id, op: op, ds: ds (when not NULL)} plus pad bytes. */
static void pack_head(msgpack_sbuffer *sb, unsigned version, uint64_t id,
                      const char *op, const char *ds, size_t pad)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 3 + (ds != NULL) + (pad > 0));
    pack_str(&pk, "v");
    msgpack_pack_unsigned_int(&pk, version);
    pack_str(&pk, "id");
    msgpack_pack_uint64(&pk, id);
    pack_str(&pk, "op");
    pack_str(&pk, op);
    if (ds != NULL) {
        pack_str(&pk, "ds");
        pack_str(&pk, ds);
    }
    if (pad > 0) {
        char *zeros = calloc(1, pad);
        pack_str(&pk, "pad");
        msgpack_pack_bin(&pk, pad);
        msgpack_pack_bin_body(&pk, zeros, pad);
        free(zeros);
    }
}

static void test_framing(env *e)
{
    static const unsigned char c1[] = {0xc1};
    static const unsigned char array[] = {0x93, 0x01, 0x02, 0x03};
    msgpack_sbuffer sb;
    dbd_request *req;
    dbd_buf buf;
    uint64_t id;

    expect_raw(e, "malformed MessagePack is BAD", c1, sizeof c1, 0, DBD_BAD,
               "MessagePack", NULL);

    req = dbd_request_new(DBD_OP_QUERY, "sq", "version");
    req->id = id = e->next_id++;
    dbd_buf_init(&buf);
    dbd_request_encode(req, &buf);
    expect_raw(e, "truncated message is BAD", buf.data, buf.len / 2, 0,
               DBD_BAD, "truncated", NULL);
    dbd_buf_free(&buf);
    dbd_request_destroy(&req);

    expect_raw(e, "empty message is BAD", "", 0, 0, DBD_BAD, "empty", NULL);
    expect_raw(e, "message that is not a map is BAD", array, sizeof array, 0,
               DBD_BAD, "not a map", "array");

    /* Over max_message (1 MiB) but under the hard cap: a clear BAD that
     * still carries the id. */
    msgpack_sbuffer_init(&sb);
    id = e->next_id++;
    pack_head(&sb, 1, id, "ping", NULL, 1024 * 1024 + 100);
    expect_raw(e, "oversize message (> 1 MiB) is BAD with its id", sb.data,
               sb.size, id, DBD_BAD, "max_message", NULL);
    msgpack_sbuffer_destroy(&sb);

    /* Two frames in one message. */
    msgpack_sbuffer_init(&sb);
    id = e->next_id++;
    pack_head(&sb, 1, id, "ping", NULL, 0);
    {
        dbd_result *r = NULL;
        if (zmq_send(e->sock, sb.data, sb.size, ZMQ_SNDMORE) >= 0 &&
            zmq_send(e->sock, sb.data, sb.size, 0) >= 0)
            r = recv_reply(e->sock, id, WAIT_MS);
        expect(&e->t, "multi-frame message is BAD", r, DBD_BAD, "frame",
               NULL);
        dbd_result_destroy(&r);
    }
    msgpack_sbuffer_destroy(&sb);
}

/* Far beyond max_message ZeroMQ drops the connection: no reply, but dbd
 * goes on serving. */
static void test_far_oversize(env *e)
{
    msgpack_sbuffer sb;
    void *s = new_socket(e);
    dbd_request *req;
    dbd_result *r = NULL;
    uint64_t id = e->next_id++;

    msgpack_sbuffer_init(&sb);
    pack_head(&sb, 1, id, "ping", NULL, 5 * 1024 * 1024);
    if (s != NULL && send_bytes(s, sb.data, sb.size) == 0)
        r = recv_reply(s, id, 1000);
    report(&e->t, r == NULL, "far oversize message (5 MiB) gets no reply",
           "got %s \"%s\", want none",
           r != NULL ? dbd_status_name(dbd_result_status(r)) : "",
           r != NULL ? dbd_result_message(r) : "");
    dbd_result_destroy(&r);
    msgpack_sbuffer_destroy(&sb);
    if (s != NULL)
        zmq_close(s);
    req = dbd_request_new(DBD_OP_PING, NULL, NULL);
    r = call(e, req);
    expect(&e->t, "ping after far oversize message", r, DBD_OK, NULL, NULL);
    dbd_result_destroy(&r);
    dbd_request_destroy(&req);
}

static void test_header_fields(env *e)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    uint64_t id;

    msgpack_sbuffer_init(&sb);
    id = e->next_id++;
    pack_head(&sb, 1, id, "frobnicate", "sq", 0);
    expect_raw(e, "unknown op is BAD", sb.data, sb.size, id, DBD_BAD,
               "frobnicate", "unknown");
    msgpack_sbuffer_clear(&sb);

    id = e->next_id++;
    pack_head(&sb, 99, id, "ping", NULL, 0);
    expect_raw(e, "protocol version 99 is BAD", sb.data, sb.size, id,
               DBD_BAD, "version 99", NULL);
    msgpack_sbuffer_clear(&sb);

    id = e->next_id++;
    pack_head(&sb, 1, id, "migrate", "sq", 0);
    expect_raw(e, "reserved op migrate is UNSUPPORTED", sb.data, sb.size, id,
               DBD_UNSUPPORTED, "migrate", NULL);
    msgpack_sbuffer_clear(&sb);

    id = e->next_id++;
    pack_head(&sb, 1, id, "swap", "sq", 0);
    expect_raw(e, "swap without url is BAD", sb.data, sb.size, id, DBD_BAD,
               "url: missing", NULL);
    msgpack_sbuffer_clear(&sb);

    /* insert into t_types with a map where a value belongs */
    id = e->next_id++;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 6);
    pack_str(&pk, "v");
    msgpack_pack_unsigned_int(&pk, 1);
    pack_str(&pk, "id");
    msgpack_pack_uint64(&pk, id);
    pack_str(&pk, "op");
    pack_str(&pk, "insert");
    pack_str(&pk, "ds");
    pack_str(&pk, "sq");
    pack_str(&pk, "table");
    pack_str(&pk, "t_types");
    pack_str(&pk, "values");
    msgpack_pack_map(&pk, 2);
    pack_str(&pk, "k");
    pack_str(&pk, "bi-maptype");
    pack_str(&pk, "s");
    msgpack_pack_map(&pk, 1);
    pack_str(&pk, "x");
    msgpack_pack_int(&pk, 1);
    expect_raw(e, "a map as a value is BAD", sb.data, sb.size, id, DBD_BAD,
               "values", "map");
    msgpack_sbuffer_destroy(&sb);
}

static void test_datasource_checks(env *e)
{
    dbd_request *req = dbd_request_new(DBD_OP_QUERY, "nosuch", "version");
    dbd_result *r = call(e, req);
    expect(&e->t, "unknown datasource is NOTFOUND", r, DBD_NOTFOUND,
           "\"nosuch\"", NULL);
    dbd_result_destroy(&r);
    dbd_request_destroy(&req);

    req = dbd_request_new(DBD_OP_RAW, "sq", NULL);
    dbd_op_set_raw(req, &req->op, "SELECT 1", 8);
    r = call(e, req);
    expect(&e->t, "raw on sq is DENY", r, DBD_DENY, "allow_raw", "\"sq\"");
    dbd_result_destroy(&r);
    dbd_request_destroy(&req);

    req = dbd_request_new(DBD_OP_RAW, "sqraw", NULL);
    dbd_op_set_raw(req, &req->op, "SELECT 1+1 AS two", 17);
    r = call(e, req);
    {
        int64_t v = 0;
        bool good = r != NULL && dbd_result_status(r) == DBD_OK &&
                    dbd_result_nrows(r) == 1 &&
                    dbd_result_get_int64(r, 0, 0, &v) == 0 && v == 2;
        report(&e->t, good, "raw on sqraw works", "got %s \"%s\" with %zu "
               "rows, value %" PRId64 ", want OK with one row, value 2",
               r != NULL ? dbd_status_name(dbd_result_status(r)) : "nothing",
               r != NULL ? dbd_result_message(r) : "",
               r != NULL ? dbd_result_nrows(r) : 0, v);
    }
    dbd_result_destroy(&r);
    dbd_request_destroy(&req);
}

static void test_identifiers(env *e)
{
    static const char *const bad[] = {
        "subscriber; DROP TABLE location", "a\"b", "a`b", "",
        NULL, /* 200 characters, filled in below */
    };
    char longname[201];
    char name[128];
    dbd_request *req;
    dbd_result *r;

    memset(longname, 'a', 200);
    longname[200] = '\0';
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *table = bad[i] != NULL ? bad[i] : longname;
        snprintf(name, sizeof name, "table name \"%.40s%s\" is BAD", table,
                 strlen(table) > 40 ? "..." : "");
        req = dbd_request_new(DBD_OP_QUERY, "sq", table);
        r = call(e, req);
        expect(&e->t, name, r, DBD_BAD, "table", "identifier");
        dbd_result_destroy(&r);
        dbd_request_destroy(&req);

        snprintf(name, sizeof name, "column name \"%.40s%s\" is BAD", table,
                 strlen(table) > 40 ? "..." : "");
        req = dbd_request_new(DBD_OP_QUERY, "sq", "location");
        {
            dbd_value v = dbd_string("x", 1);
            dbd_op_add_where(req, &req->op, table, DBD_CMP_EQ, &v);
        }
        r = call(e, req);
        expect(&e->t, name, r, DBD_BAD, "where", "identifier");
        dbd_result_destroy(&r);
        dbd_request_destroy(&req);
    }
    /* Nothing was dropped. */
    req = dbd_request_new(DBD_OP_QUERY, "sq", "location");
    r = call(e, req);
    expect(&e->t, "table location still exists", r, DBD_OK, NULL, NULL);
    dbd_result_destroy(&r);
    dbd_request_destroy(&req);
}

static dbd_result *query_key(env *e, const char *ds, const char *key)
{
    dbd_request *req = dbd_request_new(DBD_OP_QUERY, ds, "t_types");
    dbd_value k = dbd_string(key, strlen(key));
    dbd_result *r;
    dbd_op_add_where(req, &req->op, "k", DBD_CMP_EQ, &k);
    r = call(e, req);
    dbd_request_destroy(&req);
    return r;
}

static void delete_key(env *e, const char *ds, const char *key)
{
    dbd_request *req = dbd_request_new(DBD_OP_DELETE, ds, "t_types");
    dbd_value k = dbd_string(key, strlen(key));
    dbd_result *r;
    dbd_op_add_where(req, &req->op, "k", DBD_CMP_EQ, &k);
    r = call(e, req);
    dbd_result_destroy(&r);
    dbd_request_destroy(&req);
}

/* SQL text and NUL bytes in values are stored and read back exactly. */
static void test_value_roundtrip(env *e, const char *ds)
{
    static const char text[] = "x'); DROP TABLE t_types; --\0after NUL \"`";
    static const unsigned char blob[] = {0x00, 0xff, 0x27, 0x00, 0x3b, 0x0a};
    const char *key = strcmp(ds, "sq") == 0 ? "bi-nul-sq" : "bi-nul-tx";
    dbd_request *req = dbd_request_new(DBD_OP_INSERT, ds, "t_types");
    dbd_value v;
    dbd_result *r;
    char name[96];

    delete_key(e, ds, key);
    v = dbd_string(key, strlen(key));
    dbd_op_add_value(req, &req->op, "k", &v);
    v = dbd_string(text, sizeof text - 1);
    dbd_op_add_value(req, &req->op, "s", &v);
    v = dbd_blob(blob, sizeof blob);
    dbd_op_add_value(req, &req->op, "b", &v);
    r = call(e, req);
    snprintf(name, sizeof name, "insert of SQL text and NUL bytes on %s", ds);
    expect(&e->t, name, r, DBD_OK, NULL, NULL);
    dbd_result_destroy(&r);
    dbd_request_destroy(&req);

    r = query_key(e, ds, key);
    snprintf(name, sizeof name, "SQL text and NUL bytes read back exactly "
             "on %s", ds);
    {
        const char *s = NULL;
        const void *b = NULL;
        size_t slen = 0, blen = 0;
        long cs = r != NULL ? dbd_result_col_index(r, "s") : -1;
        long cb = r != NULL ? dbd_result_col_index(r, "b") : -1;
        bool good = r != NULL && dbd_result_status(r) == DBD_OK &&
                    dbd_result_nrows(r) == 1 && cs >= 0 && cb >= 0 &&
                    dbd_result_get_string(r, 0, (size_t)cs, &s, &slen) == 0 &&
                    dbd_result_get_blob(r, 0, (size_t)cb, &b, &blen) == 0 &&
                    slen == sizeof text - 1 && memcmp(s, text, slen) == 0 &&
                    blen == sizeof blob && memcmp(b, blob, blen) == 0;
        report(&e->t, good, name, "got %s \"%s\", %zu rows, string of %zu "
               "bytes, blob of %zu bytes; want OK, 1 row, %zu and %zu bytes "
               "equal to what was written",
               r != NULL ? dbd_status_name(dbd_result_status(r)) : "nothing",
               r != NULL ? dbd_result_message(r) : "",
               r != NULL ? dbd_result_nrows(r) : 0, slen, blen,
               sizeof text - 1, sizeof blob);
    }
    dbd_result_destroy(&r);
    delete_key(e, ds, key);
}

static void expect_absent(env *e, const char *name, const char *key)
{
    dbd_result *r = query_key(e, "sq", key);
    report(&e->t, r != NULL && dbd_result_status(r) == DBD_OK &&
                      dbd_result_nrows(r) == 0,
           name, "got %s with %zu rows, want OK with 0 rows",
           r != NULL ? dbd_status_name(dbd_result_status(r)) : "nothing",
           r != NULL ? dbd_result_nrows(r) : 0);
    dbd_result_destroy(&r);
}

static void test_deadline_passed(env *e)
{
    dbd_request *req = dbd_request_new(DBD_OP_INSERT, "sq", "t_types");
    dbd_value v = dbd_string("bi-deadline", 11);
    dbd_result *r;

    dbd_op_add_value(req, &req->op, "k", &v);
    req->deadline_usec = now_us() - 1000000;
    r = call(e, req);
    expect(&e->t, "request whose deadline passed is TIMEOUT", r, DBD_TIMEOUT,
           "deadline", NULL);
    dbd_result_destroy(&r);
    dbd_request_destroy(&req);
    expect_absent(e, "expired insert wrote nothing", "bi-deadline");
}

/*
 * busy1 has one connection and a queue of one.  A slow statement occupies
 * the connection; a request with a short timeout waits behind it and times
 * out unexecuted; then one request fills the queue and the next is BUSY.
 */
static void test_queue_limits(env *e)
{
    void *s_slow = new_socket(e), *s_short = new_socket(e);
    void *s_queued = new_socket(e), *s_busy = new_socket(e);
    dbd_request *slow = dbd_request_new(DBD_OP_RAW, "busy1", NULL);
    dbd_request *shortreq = dbd_request_new(DBD_OP_INSERT, "busy1", "t_types");
    dbd_request *queued = dbd_request_new(DBD_OP_RAW, "busy1", NULL);
    dbd_request *busy = dbd_request_new(DBD_OP_RAW, "busy1", NULL);
    dbd_value v = dbd_string("bi-stuck", 8);
    dbd_result *r;
    int64_t t0;

    dbd_op_set_raw(slow, &slow->op, SLOW_SQL, strlen(SLOW_SQL));
    slow->timeout_msec = SLOW_WAIT_MS;
    dbd_op_add_value(shortreq, &shortreq->op, "k", &v);
    shortreq->timeout_msec = 300;
    dbd_op_set_raw(queued, &queued->op, "SELECT 2", 8);
    queued->timeout_msec = SLOW_WAIT_MS;
    dbd_op_set_raw(busy, &busy->op, "SELECT 3", 8);
    busy->timeout_msec = SLOW_WAIT_MS;

    send_req(e, s_slow, slow);
    usleep(300 * 1000); /* the slow statement is running now */
    t0 = mono_ms();
    r = call_on(e, s_short, shortreq, WAIT_MS);
    expect(&e->t, "request queued behind a slow statement times out",
           r, DBD_TIMEOUT, "queue", "not executed");
    report(&e->t, mono_ms() - t0 < 2000, "the timeout came without waiting "
           "for the slow statement", "took %lld ms, want < 2000",
           (long long)(mono_ms() - t0));
    dbd_result_destroy(&r);

    send_req(e, s_queued, queued);
    usleep(200 * 1000);
    r = call_on(e, s_busy, busy, WAIT_MS);
    expect(&e->t, "a request beyond the queue is BUSY", r, DBD_BUSY,
           "busy1", "queue");
    dbd_result_destroy(&r);

    r = recv_reply(s_slow, slow->id, SLOW_WAIT_MS);
    expect(&e->t, "the slow statement completes", r, DBD_OK, NULL, NULL);
    dbd_result_destroy(&r);
    r = recv_reply(s_queued, queued->id, SLOW_WAIT_MS);
    {
        int64_t two = 0;
        bool good = r != NULL && dbd_result_status(r) == DBD_OK &&
                    dbd_result_get_int64(r, 0, 0, &two) == 0 && two == 2;
        report(&e->t, good, "the queued request runs after it", "got %s, "
               "value %" PRId64 ", want OK, value 2",
               r != NULL ? dbd_status_name(dbd_result_status(r)) : "nothing",
               two);
    }
    dbd_result_destroy(&r);
    expect_absent(e, "the timed-out insert was not executed", "bi-stuck");

    dbd_request_destroy(&slow);
    dbd_request_destroy(&shortreq);
    dbd_request_destroy(&queued);
    dbd_request_destroy(&busy);
    zmq_close(s_slow);
    zmq_close(s_short);
    zmq_close(s_queued);
    zmq_close(s_busy);
}

static void test_dead(env *e)
{
    dbd_request *req = dbd_request_new(DBD_OP_QUERY, "dead", "version");
    int64_t t0 = mono_ms();
    dbd_result *r = call(e, req);
    int64_t took = mono_ms() - t0;

    expect(&e->t, "dead datasource answers UNAVAILABLE", r, DBD_UNAVAILABLE,
           "\"dead\"", "down");
    report(&e->t, took < 1000, "... quickly", "took %lld ms, want < 1000",
           (long long)took);
    dbd_result_destroy(&r);
    dbd_request_destroy(&req);
}

static void test_still_serving(env *e)
{
    dbd_request *req = dbd_request_new(DBD_OP_QUERY, "sq", "version");
    dbd_result *r = call(e, req);
    report(&e->t, r != NULL && dbd_result_status(r) == DBD_OK &&
                      dbd_result_nrows(r) > 0,
           "a normal query still succeeds", "got %s \"%s\" with %zu rows, "
           "want OK with rows",
           r != NULL ? dbd_status_name(dbd_result_status(r)) : "nothing",
           r != NULL ? dbd_result_message(r) : "",
           r != NULL ? dbd_result_nrows(r) : 0);
    dbd_result_destroy(&r);
    dbd_request_destroy(&req);
}

int main(void)
{
    env e = {.next_id = 1000};

    e.endpoint = getenv("DBD_ENDPOINT");
    if (e.endpoint == NULL || *e.endpoint == '\0') {
        printf("1..0 # SKIP DBD_ENDPOINT is not set\n");
        return 0;
    }
    e.zctx = zmq_ctx_new();
    e.sock = e.zctx != NULL ? new_socket(&e) : NULL;
    if (e.sock == NULL) {
        printf("1..0 # SKIP cannot connect to %s\n", e.endpoint);
        return 1;
    }
    test_framing(&e);
    test_far_oversize(&e);
    test_header_fields(&e);
    test_datasource_checks(&e);
    test_identifiers(&e);
    test_value_roundtrip(&e, "sq");
    test_value_roundtrip(&e, "tx");
    test_deadline_passed(&e);
    test_queue_limits(&e);
    test_dead(&e);
    test_still_serving(&e);
    printf("1..%d\n", e.t.n);
    zmq_close(e.sock);
    zmq_ctx_term(e.zctx);
    return e.t.failed == 0 ? 0 : 1;
}
