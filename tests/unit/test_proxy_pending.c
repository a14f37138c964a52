/*
 * test_proxy_pending.c - the worker's table of dbd requests in flight:
 * take by id, expiry in deadline order, growth, and removal of entries
 * whose probe runs overlap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "pending.h"

static int tasks[4000];

static void test_take(void **state)
{
    sp_pending *p = sp_pending_new();
    int slot = -1;
    (void)state;
    assert_non_null(p);
    assert_int_equal(sp_pending_add(p, 7, &tasks[0], 1, 100), 0);
    assert_int_equal(sp_pending_add(p, 8, &tasks[1], 0, 200), 0);
    assert_int_equal(sp_pending_add(p, 7, &tasks[2], 0, 300), -1);
    assert_int_equal(sp_pending_add(p, 0, &tasks[2], 0, 300), -1);
    assert_int_equal(sp_pending_count(p), 2);
    assert_ptr_equal(sp_pending_take(p, 7, &slot), &tasks[0]);
    assert_int_equal(slot, 1);
    assert_null(sp_pending_take(p, 7, &slot));
    assert_null(sp_pending_take(p, 9, &slot));
    assert_int_equal(sp_pending_count(p), 1);
    assert_int_equal(sp_pending_next_deadline(p), 200);
    sp_pending_destroy(&p);
    assert_null(p);
    sp_pending_destroy(&p);
}

static void test_expiry_order(void **state)
{
    sp_pending *p = sp_pending_new();
    uint64_t id = 0;
    int slot;
    (void)state;
    for (uint64_t i = 1; i <= 5; i++)
        assert_int_equal(sp_pending_add(p, i, &tasks[i], 0,
                                        (int64_t)i * 10), 0);
    assert_ptr_equal(sp_pending_take(p, 1, &slot), &tasks[1]);
    assert_ptr_equal(sp_pending_take(p, 3, &slot), &tasks[3]);
    /* 1 was taken: the next deadline is 2's. */
    assert_int_equal(sp_pending_next_deadline(p), 20);
    assert_null(sp_pending_take_expired(p, 19, &id, &slot));
    assert_ptr_equal(sp_pending_take_expired(p, 45, &id, &slot), &tasks[2]);
    assert_int_equal(id, 2);
    /* 3 is skipped: already taken. */
    assert_ptr_equal(sp_pending_take_expired(p, 45, &id, &slot), &tasks[4]);
    assert_int_equal(id, 4);
    assert_null(sp_pending_take_expired(p, 45, &id, &slot));
    assert_int_equal(sp_pending_next_deadline(p), 50);
    assert_ptr_equal(sp_pending_take_any(p, &id, &slot), &tasks[5]);
    assert_int_equal(id, 5);
    assert_null(sp_pending_take_any(p, &id, &slot));
    assert_int_equal(sp_pending_next_deadline(p), -1);
    sp_pending_destroy(&p);
}

/* Thousands of entries: growth of both structures, and every id found
 * after others around it were removed. */
static void test_many(void **state)
{
    sp_pending *p = sp_pending_new();
    uint64_t id;
    int slot;
    size_t n = sizeof tasks / sizeof tasks[0];
    (void)state;
    for (size_t i = 0; i < n; i++)
        assert_int_equal(sp_pending_add(p, (uint64_t)i * 64 + 1, &tasks[i],
                                        (int)(i % 2), (int64_t)i), 0);
    assert_int_equal(sp_pending_count(p), n);
    for (size_t i = 0; i < n; i += 2) {
        assert_ptr_equal(sp_pending_take(p, (uint64_t)i * 64 + 1, &slot),
                         &tasks[i]);
        assert_int_equal(slot, 0);
    }
    for (size_t i = 1; i < n; i += 2) {
        void *t = sp_pending_take_expired(p, (int64_t)n, &id, &slot);
        assert_ptr_equal(t, &tasks[i]);
        assert_int_equal(id, (uint64_t)i * 64 + 1);
        assert_int_equal(slot, 1);
    }
    assert_int_equal(sp_pending_count(p), 0);
    sp_pending_destroy(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_take),
        cmocka_unit_test(test_expiry_order),
        cmocka_unit_test(test_many),
    };
    return cmocka_run_group_tests_name("proxy_pending", tests, NULL, NULL);
}
