/*
 * test_client_usage.c - one client's usage: the token bucket of its rate
 * (full at first, refilled at exactly rate per second, never above
 * burst), in-flight tickets (refused at max, closed once however often
 * closed, holding a reference until released) and reference counting
 * (the sanitizer's leak check proves the last unref frees).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "client_usage.h"

#define SEC INT64_C(1000000) /* microseconds */

/* The fake monotonic clock starts far from 0, as a real one does. */
#define T0 (INT64_C(86400) * SEC)

static dbd_client_usage *usage_new(void)
{
    dbd_client_usage *u = dbd_client_usage_new();
    assert_non_null(u);
    return u;
}

/* How many of n requests at now pass. */
static unsigned takes(dbd_client_usage *u, unsigned rate, unsigned burst,
                      int64_t now, unsigned n)
{
    unsigned passed = 0;
    for (unsigned i = 0; i < n; i++)
        passed += dbd_client_usage_take_token(u, rate, burst, now) ? 1 : 0;
    return passed;
}

static void test_new(void **state)
{
    dbd_client_usage *u = usage_new();
    (void)state;
    assert_int_equal(atomic_load(&u->refs), 1);
    assert_int_equal(atomic_load(&u->in_flight), 0);
    assert_int_equal(u->requests_total, 0);
    assert_int_equal(u->denied_total, 0);
    assert_int_equal(u->limited_total, 0);
    dbd_client_usage_unref(&u);
    assert_null(u);
}

static void test_bucket_starts_full(void **state)
{
    dbd_client_usage *u = usage_new();
    (void)state;
    /* burst at once, whatever the clock says, then nothing */
    assert_int_equal(takes(u, 4, 3, T0, 10), 3);
    assert_false(dbd_client_usage_take_token(u, 4, 3, T0));
    dbd_client_usage_unref(&u);

    u = usage_new();
    assert_int_equal(takes(u, 100, 100, 0, 1000), 100);
    dbd_client_usage_unref(&u);

    /* burst 1: one at a time */
    u = usage_new();
    assert_int_equal(takes(u, 1, 1, T0, 5), 1);
    dbd_client_usage_unref(&u);
}

static void test_bucket_refill(void **state)
{
    dbd_client_usage *u = usage_new();
    int64_t t = T0;
    (void)state;
    /* rate 4: a token every 250 ms (binary fractions, so exact) */
    assert_int_equal(takes(u, 4, 10, t, 10), 10);
    assert_false(dbd_client_usage_take_token(u, 4, 10, t));
    t += SEC / 8; /* half a token */
    assert_false(dbd_client_usage_take_token(u, 4, 10, t));
    t += SEC / 8; /* the other half: one */
    assert_true(dbd_client_usage_take_token(u, 4, 10, t));
    assert_false(dbd_client_usage_take_token(u, 4, 10, t));
    t += SEC / 4;
    assert_true(dbd_client_usage_take_token(u, 4, 10, t));
    /* one second: exactly rate more */
    t += SEC;
    assert_int_equal(takes(u, 4, 10, t, 10), 4);
    t += 2 * SEC;
    assert_int_equal(takes(u, 4, 10, t, 20), 8);
    /* the clock standing still refills nothing */
    assert_int_equal(takes(u, 4, 10, t, 5), 0);
    dbd_client_usage_unref(&u);

    /* refused requests spend no time twice: after any number of them,
     * one second still brings exactly rate */
    u = usage_new();
    t = T0;
    assert_int_equal(takes(u, 4, 10, t, 10), 10);
    assert_false(dbd_client_usage_take_token(u, 4, 10, t + SEC / 8));
    assert_false(dbd_client_usage_take_token(u, 4, 10, t + SEC * 3 / 16));
    assert_int_equal(takes(u, 4, 10, t + SEC, 10), 4);
    dbd_client_usage_unref(&u);

    /* a larger rate: exactly rate per second, not about that */
    u = usage_new();
    t = T0;
    assert_int_equal(takes(u, 1000, 5000, t, 6000), 5000);
    t += SEC;
    assert_int_equal(takes(u, 1000, 5000, t, 6000), 1000);
    t += SEC / 2;
    assert_int_equal(takes(u, 1000, 5000, t, 6000), 500);
    dbd_client_usage_unref(&u);

    /* rate 15625: a token every 64 us, so a microsecond is 1/64 (exact) */
    u = usage_new();
    t = T0;
    assert_true(dbd_client_usage_take_token(u, 15625, 1, t));
    t += 63; /* a microsecond short */
    assert_false(dbd_client_usage_take_token(u, 15625, 1, t));
    t += 1;
    assert_true(dbd_client_usage_take_token(u, 15625, 1, t));
    assert_false(dbd_client_usage_take_token(u, 15625, 1, t));
    dbd_client_usage_unref(&u);

    /* rate 1: a microsecond short of a second is no token */
    u = usage_new();
    assert_true(dbd_client_usage_take_token(u, 1, 1, T0));
    assert_false(dbd_client_usage_take_token(u, 1, 1, T0 + SEC - 1));
    dbd_client_usage_unref(&u);
}

static void test_bucket_capped(void **state)
{
    dbd_client_usage *u = usage_new();
    int64_t t = T0;
    (void)state;
    assert_int_equal(takes(u, 4, 3, t, 3), 3);
    /* an hour idle fills up to burst, not to rate * 3600 */
    t += 3600 * SEC;
    assert_int_equal(takes(u, 4, 3, t, 100), 3);
    /* one spent after a full bucket: the refill stops at burst again */
    t += 10 * SEC;
    assert_true(dbd_client_usage_take_token(u, 4, 3, t));
    t += 10 * SEC;
    assert_int_equal(takes(u, 4, 3, t, 100), 3);
    dbd_client_usage_unref(&u);

    /* a refill just above burst is cut to burst too */
    u = usage_new();
    t = T0;
    assert_int_equal(takes(u, 4, 3, t, 3), 3);
    t += SEC; /* 4 tokens' worth */
    assert_int_equal(takes(u, 4, 3, t, 10), 3);
    dbd_client_usage_unref(&u);

    /* burst above rate: the room above the rate is burst */
    u = usage_new();
    t = T0;
    assert_int_equal(takes(u, 2, 50, t, 100), 50);
    t += SEC;
    assert_int_equal(takes(u, 2, 50, t, 100), 2);
    t += 100 * SEC;
    assert_int_equal(takes(u, 2, 50, t, 100), 50);
    dbd_client_usage_unref(&u);
}

static void test_ref_unref(void **state)
{
    dbd_client_usage *u = usage_new();
    dbd_client_usage *a, *b;
    (void)state;
    a = dbd_client_usage_ref(u);
    assert_ptr_equal(a, u);
    b = dbd_client_usage_ref(u);
    assert_ptr_equal(b, u);
    assert_int_equal(atomic_load(&u->refs), 3);
    dbd_client_usage_unref(&a);
    assert_null(a);
    assert_int_equal(atomic_load(&u->refs), 2);
    dbd_client_usage_unref(&u);
    assert_null(u);
    /* still alive through b */
    assert_int_equal(atomic_load(&b->refs), 1);
    b->requests_total++;
    dbd_client_usage_unref(&b); /* the last: frees (else a leak report) */
    assert_null(b);
    dbd_client_usage_unref(&b); /* *pu NULL is fine */
    dbd_client_usage_unref(NULL);
}

static void test_tickets(void **state)
{
    dbd_client_usage *u = usage_new();
    dbd_usage_ticket t1 = {0}, t2 = {0}, t3 = {0};
    (void)state;

    assert_true(dbd_usage_ticket_open(&t1, u, 2));
    assert_ptr_equal(t1.usage, u);
    assert_true(atomic_load(&t1.open));
    assert_int_equal(atomic_load(&u->in_flight), 1);
    assert_int_equal(atomic_load(&u->refs), 2);
    assert_true(dbd_usage_ticket_open(&t2, u, 2));
    assert_int_equal(atomic_load(&u->in_flight), 2);
    assert_int_equal(atomic_load(&u->refs), 3);

    /* at max: refused, nothing counted, no reference taken */
    assert_false(dbd_usage_ticket_open(&t3, u, 2));
    assert_null(t3.usage);
    assert_false(atomic_load(&t3.open));
    assert_int_equal(atomic_load(&u->in_flight), 2);
    assert_int_equal(atomic_load(&u->refs), 3);
    /* a refused ticket releases to nothing */
    dbd_usage_ticket_release(&t3);
    assert_int_equal(atomic_load(&u->in_flight), 2);
    assert_int_equal(atomic_load(&u->refs), 3);

    /* close uncounts once and keeps the reference */
    dbd_usage_ticket_close(&t1);
    assert_int_equal(atomic_load(&u->in_flight), 1);
    assert_false(atomic_load(&t1.open));
    assert_ptr_equal(t1.usage, u);
    assert_int_equal(atomic_load(&u->refs), 3);
    dbd_usage_ticket_close(&t1);
    dbd_usage_ticket_close(&t1);
    assert_int_equal(atomic_load(&u->in_flight), 1);

    /* room again */
    assert_true(dbd_usage_ticket_open(&t3, u, 2));
    assert_int_equal(atomic_load(&u->in_flight), 2);
    assert_int_equal(atomic_load(&u->refs), 4);
    assert_false(dbd_usage_ticket_open(&(dbd_usage_ticket){0}, u, 2));

    /* release of a closed ticket: the reference only */
    dbd_usage_ticket_release(&t1);
    assert_null(t1.usage);
    assert_int_equal(atomic_load(&u->in_flight), 2);
    assert_int_equal(atomic_load(&u->refs), 3);
    dbd_usage_ticket_release(&t1); /* twice is harmless */
    dbd_usage_ticket_close(&t1);
    assert_int_equal(atomic_load(&u->in_flight), 2);
    assert_int_equal(atomic_load(&u->refs), 3);

    /* release of an open ticket: closes it too */
    dbd_usage_ticket_release(&t2);
    assert_null(t2.usage);
    assert_int_equal(atomic_load(&u->in_flight), 1);
    assert_int_equal(atomic_load(&u->refs), 2);

    /* close, then release: counted down once */
    dbd_usage_ticket_close(&t3);
    dbd_usage_ticket_release(&t3);
    assert_int_equal(atomic_load(&u->in_flight), 0);
    assert_int_equal(atomic_load(&u->refs), 1);
    dbd_client_usage_unref(&u);
}

static void test_ticket_outlives_usage_owner(void **state)
{
    dbd_client_usage *u = usage_new();
    dbd_usage_ticket t = {0};
    (void)state;
    assert_true(dbd_usage_ticket_open(&t, u, 1));
    /* the rules that made the usage go (a reload); the job keeps it */
    dbd_client_usage_unref(&u);
    assert_int_equal(atomic_load(&t.usage->refs), 1);
    assert_int_equal(atomic_load(&t.usage->in_flight), 1);
    dbd_usage_ticket_close(&t);
    assert_int_equal(atomic_load(&t.usage->in_flight), 0);
    dbd_usage_ticket_release(&t); /* the last reference: frees */
    assert_null(t.usage);
}

static void test_tickets_no_limit(void **state)
{
    enum { N = 200 };
    dbd_client_usage *u = usage_new();
    dbd_usage_ticket t[N];
    (void)state;
    memset(t, 0, sizeof t);
    for (size_t i = 0; i < N; i++)
        assert_true(dbd_usage_ticket_open(&t[i], u, 0));
    assert_int_equal(atomic_load(&u->in_flight), N);
    assert_int_equal(atomic_load(&u->refs), N + 1);
    /* a max of N refuses one more */
    assert_false(dbd_usage_ticket_open(&(dbd_usage_ticket){0}, u, N));
    for (size_t i = 0; i < N; i++)
        dbd_usage_ticket_release(&t[i]);
    assert_int_equal(atomic_load(&u->in_flight), 0);
    assert_int_equal(atomic_load(&u->refs), 1);
    dbd_client_usage_unref(&u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new),
        cmocka_unit_test(test_bucket_starts_full),
        cmocka_unit_test(test_bucket_refill),
        cmocka_unit_test(test_bucket_capped),
        cmocka_unit_test(test_ref_unref),
        cmocka_unit_test(test_tickets),
        cmocka_unit_test(test_ticket_outlives_usage_owner),
        cmocka_unit_test(test_tickets_no_limit),
    };
    return cmocka_run_group_tests_name("client_usage", tests, NULL, NULL);
}
