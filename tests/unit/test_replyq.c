/*
 * test_replyq.c - the worker-to-front-end reply queue: messages come out
 * whole and in order, exits are counted, the descriptor is readable
 * exactly while something waits, and concurrent producers lose nothing.
 */
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "replyq.h"

#define THREADS 4
#define PER_THREAD 5000

static bool readable(const dbd_replyq *q)
{
    struct pollfd p = {.fd = dbd_replyq_fd(q), .events = POLLIN};
    int rc = poll(&p, 1, 0);
    assert_true(rc >= 0);
    return rc > 0 && (p.revents & POLLIN);
}

static void free_list(dbd_reply_msg *m)
{
    while (m != NULL) {
        dbd_reply_msg *next = m->next;
        dbd_reply_msg_free(m);
        m = next;
    }
}

static void test_order_and_exits(void **state)
{
    dbd_replyq *q = dbd_replyq_new();
    dbd_reply_msg *m;
    size_t exits = 0;
    char big[256];
    (void)state;

    assert_non_null(q);
    assert_false(readable(q));
    assert_null(dbd_replyq_take(q, &exits));
    assert_int_equal(exits, 0);

    assert_int_equal(dbd_replyq_push(q, 1, "id-a", 4, "first", 5), 0);
    assert_true(readable(q));
    assert_int_equal(dbd_replyq_push(q, 0, "b", 1, "second", 6), 0);
    dbd_replyq_exit(q);
    /* an identity longer than ZeroMQ's 255 bytes is refused */
    memset(big, 'x', sizeof big);
    assert_int_equal(dbd_replyq_push(q, 0, big, sizeof big, "x", 1), -1);

    m = dbd_replyq_take(q, &exits);
    assert_false(readable(q));
    assert_int_equal(exits, 1);
    assert_non_null(m);
    assert_int_equal(m->sock, 1);
    assert_int_equal(m->ident_len, 4);
    assert_memory_equal(m->data, "id-a", 4);
    assert_int_equal(m->len, 5);
    assert_memory_equal(m->body, "first", 5);
    assert_non_null(m->next);
    assert_int_equal(m->next->sock, 0);
    assert_memory_equal(m->next->data, "b", 1);
    assert_memory_equal(m->next->body, "second", 6);
    assert_null(m->next->next);
    free_list(m);

    /* exits add up until taken; a second take finds nothing */
    dbd_replyq_exit(q);
    dbd_replyq_exit(q);
    assert_true(readable(q));
    assert_null(dbd_replyq_take(q, &exits));
    assert_int_equal(exits, 3);
    assert_null(dbd_replyq_take(q, &exits));
    assert_int_equal(exits, 3);

    /* messages never taken are freed with the queue */
    assert_int_equal(dbd_replyq_push(q, 2, "", 0, "left", 4), 0);
    dbd_replyq_destroy(&q);
    assert_null(q);
    dbd_replyq_destroy(&q); /* NULL is fine */
}

typedef struct producer {
    dbd_replyq *q;
    uint32_t sock;
} producer;

static void *produce(void *arg)
{
    producer *p = arg;
    for (uint32_t i = 0; i < PER_THREAD; i++) {
        char body[16];
        int n = snprintf(body, sizeof body, "%u", (unsigned)i);
        if (dbd_replyq_push(p->q, p->sock, "c", 1, body, (size_t)n) != 0)
            return p; /* failure: reported by the caller */
    }
    dbd_replyq_exit(p->q);
    return NULL;
}

/* Producers push while the consumer takes whenever the descriptor says
 * so: every message arrives once, each producer's in its order. */
static void test_concurrent(void **state)
{
    dbd_replyq *q = dbd_replyq_new();
    pthread_t t[THREADS];
    producer p[THREADS];
    uint32_t next[THREADS] = {0};
    size_t exits = 0, got = 0;
    (void)state;

    assert_non_null(q);
    for (uint32_t i = 0; i < THREADS; i++) {
        p[i] = (producer){q, i};
        assert_int_equal(pthread_create(&t[i], NULL, produce, &p[i]), 0);
    }
    while (exits < THREADS) {
        struct pollfd pfd = {.fd = dbd_replyq_fd(q), .events = POLLIN};
        dbd_reply_msg *m;
        assert_true(poll(&pfd, 1, 10000) > 0); /* never a lost wake-up */
        m = dbd_replyq_take(q, &exits);
        for (dbd_reply_msg *i = m; i != NULL; i = i->next) {
            char want[16];
            int n;
            assert_true(i->sock < THREADS);
            n = snprintf(want, sizeof want, "%u", (unsigned)next[i->sock]++);
            assert_int_equal(i->len, (size_t)n);
            assert_memory_equal(i->body, want, (size_t)n);
            got++;
        }
        free_list(m);
    }
    for (int i = 0; i < THREADS; i++) {
        void *rv = &rv;
        assert_int_equal(pthread_join(t[i], &rv), 0);
        assert_null(rv);
    }
    assert_int_equal(got, THREADS * PER_THREAD);
    dbd_replyq_destroy(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_exits),
        cmocka_unit_test(test_concurrent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
