/*
 * test_client_curve.c - dbd_client_set_curve() against an in-test CURVE
 * server (a ROUTER on tcp://127.0.0.1 with a known key pair, answering
 * each request in a thread of its own, which also is the context's ZAP
 * handler): the right server key gets an answer; a wrong one, none, or a
 * client key the ZAP handler denies fail at once with a message that says
 * so; bad keys and a late call are refused; on ipc:// the keys are
 * accepted and unused.  The server counts failed handshakes, to show that
 * a client with keys never makes an attempt without them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dbdclient.h"

typedef struct server {
    void *ctx;
    void *router;
    void *zap;              /* the context's ZAP handler (REP) */
    void *monitor;          /* the ROUTER's failed handshakes (PAIR) */
    char endpoint[128];
    char public_z85[41];
    pthread_t thread;
    bool running;
    bool deny;              /* ZAP answers 400 instead of 200 */
    int answered;           /* requests answered */
    int zap_requests;       /* ZAP requests answered */
    int failed_handshakes;  /* seen by the ROUTER */
    int stop_after_ms;      /* the thread ends after this long idle */
} server;

/* Answers one ZAP request (RFC 27): frames version, request id, domain,
 * address, identity, mechanism, credentials; the reply echoes the first
 * two and gives the status. */
static void zap_answer(server *s)
{
    char frames[8][64];
    int n = 0, more = 1;
    size_t len = sizeof more;
    const char *status = s->deny ? "400" : "200";

    while (more && n < 8) {
        int got = zmq_recv(s->zap, frames[n], sizeof frames[n] - 1, 0);

        if (got < 0 || zmq_getsockopt(s->zap, ZMQ_RCVMORE, &more, &len) != 0)
            return;
        frames[n][got < (int)sizeof frames[n] - 1 ? got : 0] = '\0';
        n++;
    }
    if (n < 2)
        return;
    if (zmq_send(s->zap, "1.0", 3, ZMQ_SNDMORE) < 0 ||
        zmq_send(s->zap, frames[1], strlen(frames[1]), ZMQ_SNDMORE) < 0 ||
        zmq_send(s->zap, status, 3, ZMQ_SNDMORE) < 0 ||
        zmq_send(s->zap, "", 0, ZMQ_SNDMORE) < 0 ||
        zmq_send(s->zap, "test", 4, ZMQ_SNDMORE) < 0 ||
        zmq_send(s->zap, "", 0, 0) < 0)
        return;
    s->zap_requests++;
}

/* Answers a request on the ROUTER with an empty OK result. */
static bool router_answer(server *s)
{
    unsigned char ident[256], body[4096];
    dbd_request *req = NULL;
    dbd_result *r = NULL;
    dbd_buf buf;
    uint64_t id = 0;
    char err[128];
    bool ok = false;
    int ni, nb;

    ni = zmq_recv(s->router, ident, sizeof ident, 0);
    nb = ni > 0 ? zmq_recv(s->router, body, sizeof body, 0) : -1;
    if (nb < 0 || dbd_request_decode(body, (size_t)nb, &req, &id, err,
                                     sizeof err) != DBD_OK)
        return false;
    dbd_request_destroy(&req);
    dbd_buf_init(&buf);
    r = dbd_result_new();
    if (r != NULL && dbd_reply_encode(id, r, &buf) == 0 &&
        zmq_send(s->router, ident, (size_t)ni, ZMQ_SNDMORE) >= 0 &&
        zmq_send(s->router, buf.data, buf.len, 0) >= 0) {
        s->answered++;
        ok = true;
    }
    dbd_buf_free(&buf);
    dbd_result_destroy(&r);
    return ok;
}

static void *server_main(void *arg)
{
    server *s = arg;

    for (;;) {
        zmq_pollitem_t items[3] = {{s->router, 0, ZMQ_POLLIN, 0},
                                   {s->zap, 0, ZMQ_POLLIN, 0},
                                   {s->monitor, 0, ZMQ_POLLIN, 0}};

        if (zmq_poll(items, 3, s->stop_after_ms) < 1)
            break;
        if (items[1].revents & ZMQ_POLLIN)
            zap_answer(s);
        if (items[2].revents & ZMQ_POLLIN) {
            char frame[256];
            int more = 1;
            size_t len = sizeof more;

            /* An event is two frames; only failures were asked for. */
            while (more && zmq_recv(s->monitor, frame, sizeof frame, 0) >= 0 &&
                   zmq_getsockopt(s->monitor, ZMQ_RCVMORE, &more, &len) == 0)
                ;
            s->failed_handshakes++;
        }
        if ((items[0].revents & ZMQ_POLLIN) && !router_answer(s))
            break;
    }
    return NULL;
}

static int setup(void **state)
{
    server *s = calloc(1, sizeof *s);
    char secret[41];
    size_t len;
    int zero = 0, one = 1;

    if (s == NULL)
        return -1;
    if (!zmq_has("curve") || zmq_curve_keypair(s->public_z85, secret) != 0)
        return -1;
    s->ctx = zmq_ctx_new();
    s->zap = s->ctx != NULL ? zmq_socket(s->ctx, ZMQ_REP) : NULL;
    /* The ZAP handler must be bound before the ROUTER sees a client. */
    if (s->zap == NULL ||
        zmq_setsockopt(s->zap, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        zmq_bind(s->zap, "inproc://zeromq.zap.01") != 0)
        return -1;
    s->router = zmq_socket(s->ctx, ZMQ_ROUTER);
    len = sizeof s->endpoint;
    if (s->router == NULL ||
        zmq_setsockopt(s->router, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        zmq_setsockopt(s->router, ZMQ_CURVE_SERVER, &one, sizeof one) != 0 ||
        zmq_setsockopt(s->router, ZMQ_CURVE_SECRETKEY, secret, 41) != 0 ||
        zmq_setsockopt(s->router, ZMQ_ZAP_DOMAIN, "dbd", 3) != 0 ||
        zmq_socket_monitor(s->router, "inproc://test-monitor",
                           ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) != 0 ||
        (s->monitor = zmq_socket(s->ctx, ZMQ_PAIR)) == NULL ||
        zmq_setsockopt(s->monitor, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        zmq_connect(s->monitor, "inproc://test-monitor") != 0 ||
        zmq_bind(s->router, "tcp://127.0.0.1:*") != 0 ||
        zmq_getsockopt(s->router, ZMQ_LAST_ENDPOINT, s->endpoint, &len) != 0)
        return -1;
    s->stop_after_ms = 1500;
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    server *s = *state;

    if (s->running)
        pthread_join(s->thread, NULL);
    zmq_socket_monitor(s->router, NULL, 0);
    zmq_close(s->monitor);
    zmq_close(s->router);
    zmq_close(s->zap);
    zmq_ctx_term(s->ctx);
    free(s);
    return 0;
}

static void server_start(server *s)
{
    assert_int_equal(pthread_create(&s->thread, NULL, server_main, s), 0);
    s->running = true;
}

static dbd_client *client(const char *endpoint)
{
    char err[256] = "";
    dbd_client *c = dbd_client_new(endpoint, err, sizeof err);

    if (c == NULL)
        fail_msg("dbd_client_new: %s", err);
    return c;
}

/* The status of one ping through c; its message into msg. */
static dbd_status ping(dbd_client *c, int timeout_ms, char *msg, size_t len)
{
    dbd_request *req = dbd_request_new(DBD_OP_PING, NULL, NULL);
    dbd_result *r;
    dbd_status st;

    assert_non_null(req);
    r = dbd_call(c, req, timeout_ms);
    assert_non_null(r);
    st = dbd_result_status(r);
    snprintf(msg, len, "%s", dbd_result_message(r));
    dbd_result_destroy(&r);
    dbd_request_destroy(&req);
    return st;
}

/* A ping that must fail UNAVAILABLE with a message ending in want. */
static void ping_refused(const server *s, dbd_client *c, const char *want)
{
    char msg[256], full[400];
    dbd_status st = ping(c, 2000, msg, sizeof msg);

    snprintf(full, sizeof full, "cannot reach dbd at %s: %s", s->endpoint,
             want);
    if (st != DBD_UNAVAILABLE || strcmp(msg, full) != 0)
        fail_msg("got %s \"%s\", want UNAVAILABLE \"%s\"",
                 dbd_status_name(st), msg, full);
}

static void test_right_server_key(void **state)
{
    server *s = *state;
    char pub[41], sec[41], msg[256];
    dbd_client *c = client(s->endpoint);

    assert_int_equal(zmq_curve_keypair(pub, sec), 0);
    assert_int_equal(dbd_client_set_curve(c, s->public_z85, pub, sec), 0);
    server_start(s);
    assert_int_equal(ping(c, 3000, msg, sizeof msg), DBD_OK);
    assert_int_equal(ping(c, 3000, msg, sizeof msg), DBD_OK);
    dbd_client_destroy(&c);
    pthread_join(s->thread, NULL);
    s->running = false;
    assert_int_equal(s->answered, 2);
    assert_int_equal(s->zap_requests, 1);
    /* The keys applied from the first attempt: none went out without. */
    assert_int_equal(s->failed_handshakes, 0);
}

static void test_wrong_server_key(void **state)
{
    server *s = *state;
    char pub[41], sec[41], other[41], other_sec[41];
    dbd_client *c = client(s->endpoint);

    assert_int_equal(zmq_curve_keypair(pub, sec), 0);
    assert_int_equal(zmq_curve_keypair(other, other_sec), 0);
    assert_int_equal(dbd_client_set_curve(c, other, pub, sec), 0);
    server_start(s);
    ping_refused(s, c, "CURVE handshake failed (wrong server key, or dbd "
                 "does not use CURVE here?)");
    dbd_client_destroy(&c);
    pthread_join(s->thread, NULL);
    s->running = false;
    assert_int_equal(s->answered, 0);
}

static void test_no_curve(void **state)
{
    server *s = *state;
    dbd_client *c = client(s->endpoint);

    server_start(s);
    ping_refused(s, c, "ZeroMQ handshake failed (does dbd want CURVE "
                 "keys?)");
    dbd_client_destroy(&c);
    pthread_join(s->thread, NULL);
    s->running = false;
    assert_int_equal(s->answered, 0);
    if (s->failed_handshakes < 1)
        fail_msg("got %d failed handshakes at the server, want at least 1",
                 s->failed_handshakes);
}

static void test_key_denied(void **state)
{
    server *s = *state;
    char pub[41], sec[41];
    dbd_client *c = client(s->endpoint);

    s->deny = true;
    assert_int_equal(zmq_curve_keypair(pub, sec), 0);
    assert_int_equal(dbd_client_set_curve(c, s->public_z85, pub, sec), 0);
    server_start(s);
    ping_refused(s, c, "authentication failed (dbd does not know this "
                 "client's key)");
    dbd_client_destroy(&c);
    pthread_join(s->thread, NULL);
    s->running = false;
    assert_int_equal(s->answered, 0);
    if (s->zap_requests < 1)
        fail_msg("got %d ZAP requests, want at least 1", s->zap_requests);
}

static void test_refused(void **state)
{
    server *s = *state;
    char pub[41], sec[41], bad[41], msg[256];
    dbd_client *c = client(s->endpoint);
    dbd_client *ipc = client("ipc://nowhere/dbd.sock");

    assert_int_equal(zmq_curve_keypair(pub, sec), 0);
    memcpy(bad, pub, sizeof bad);
    bad[0] = '"';
    assert_int_equal(dbd_client_set_curve(NULL, s->public_z85, pub, sec), -1);
    assert_int_equal(dbd_client_set_curve(c, NULL, pub, sec), -1);
    assert_int_equal(dbd_client_set_curve(c, s->public_z85, bad, sec), -1);
    assert_int_equal(dbd_client_set_curve(c, s->public_z85, pub, bad), -1);
    assert_int_equal(dbd_client_set_curve(c, bad, pub, sec), -1);
    assert_int_equal(dbd_client_set_curve(c, s->public_z85, pub, "short"),
                     -1);
    /* Still usable after refusals, and the keys take after them. */
    assert_int_equal(dbd_client_set_curve(c, s->public_z85, pub, sec), 0);
    server_start(s);
    assert_int_equal(ping(c, 3000, msg, sizeof msg), DBD_OK);
    /* After a request: refused, the connection stays. */
    assert_int_equal(dbd_client_set_curve(c, s->public_z85, pub, sec), -1);
    assert_int_equal(ping(c, 3000, msg, sizeof msg), DBD_OK);
    /* ipc: accepted, not used; bad keys still refused. */
    assert_int_equal(dbd_client_set_curve(ipc, s->public_z85, pub, sec), 0);
    assert_int_equal(dbd_client_set_curve(ipc, bad, pub, sec), -1);
    dbd_client_destroy(&ipc);
    dbd_client_destroy(&c);
    pthread_join(s->thread, NULL);
    s->running = false;
    assert_int_equal(s->answered, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_right_server_key, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wrong_server_key, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_no_curve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_denied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
    };

    if (!zmq_has("curve")) {
        /* TAP: nothing to test without CURVE support. */
        printf("1..0 # SKIP this ZeroMQ has no CURVE support\n");
        return 0;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
