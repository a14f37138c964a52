/* test_arena.c - the bump allocator: alignment, zeroing, growth, limits. */
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"

static bool aligned(const void *p)
{
    return (uintptr_t)p % alignof(max_align_t) == 0;
}

static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0)
            return false;
    return true;
}

static void test_new_destroy(void **state)
{
    (void)state;
    dbd_arena *a = dbd_arena_new();
    assert_non_null(a);
    assert_int_equal(dbd_arena_used(a), 0);
    dbd_arena_destroy(&a);
    assert_null(a);
    dbd_arena_destroy(&a);   /* NULL is fine */
    dbd_arena_destroy(NULL);
    assert_int_equal(dbd_arena_used(NULL), 0);
    assert_null(dbd_arena_alloc(NULL, 8));
}

static void test_alignment_and_zero(void **state)
{
    (void)state;
    dbd_arena *a = dbd_arena_new();
    assert_non_null(a);
    /* Odd sizes, small and large, in one arena. */
    static const size_t sizes[] = {1, 3, 7, 8, 9, 15, 16, 17, 100, 511,
                                   512, 513, 4000, 70000, 1, 2, 300000, 5};
    unsigned char *prev = NULL;
    size_t prev_size = 0;
    for (int round = 0; round < 50; round++) {
        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            unsigned char *p = dbd_arena_alloc(a, sizes[i]);
            assert_non_null(p);
            assert_true(aligned(p));
            assert_true(all_zero(p, sizes[i]));
            /* Writing the whole block must not disturb the previous one
             * (ASan also checks the bounds). */
            memset(p, 0xA5, sizes[i]);
            if (prev != NULL)
                for (size_t j = 0; j < prev_size; j++)
                    assert_int_equal(prev[j], 0xA5);
            prev = p;
            prev_size = sizes[i];
        }
    }
    dbd_arena_destroy(&a);
}

static void test_zero_size(void **state)
{
    (void)state;
    dbd_arena *a = dbd_arena_new();
    assert_non_null(a);
    void *p = dbd_arena_alloc(a, 0);
    void *q = dbd_arena_alloc(a, 0);
    assert_non_null(p);
    assert_non_null(q);
    assert_ptr_not_equal(p, q);
    assert_non_null(dbd_arena_calloc(a, 0, 16));
    assert_non_null(dbd_arena_calloc(a, 16, 0));
    dbd_arena_destroy(&a);
}

static void test_overflow(void **state)
{
    (void)state;
    dbd_arena *a = dbd_arena_new();
    assert_non_null(a);
    assert_null(dbd_arena_alloc(a, SIZE_MAX));
    assert_null(dbd_arena_alloc(a, SIZE_MAX - 8));
    assert_null(dbd_arena_alloc(a, SIZE_MAX / 2 + 1));
    assert_null(dbd_arena_calloc(a, SIZE_MAX / 2, 3));
    assert_null(dbd_arena_calloc(a, (SIZE_MAX >> 4) + 1, 16));
    assert_null(dbd_arena_strndup(a, "x", SIZE_MAX));
    /* The arena still works afterwards. */
    int *p = dbd_arena_calloc(a, 4, sizeof(int));
    assert_non_null(p);
    assert_int_equal(p[3], 0);
    dbd_arena_destroy(&a);
}

static void test_strdup(void **state)
{
    (void)state;
    dbd_arena *a = dbd_arena_new();
    assert_non_null(a);
    char *s = dbd_arena_strdup(a, "location");
    assert_non_null(s);
    assert_string_equal(s, "location");
    char *t = dbd_arena_strndup(a, "abcdef", 3);
    assert_non_null(t);
    assert_string_equal(t, "abc");
    /* Bytes with NUL inside are copied whole, plus a terminator. */
    char *u = dbd_arena_strndup(a, "a\0b", 3);
    assert_non_null(u);
    assert_memory_equal(u, "a\0b\0", 4);
    char *e = dbd_arena_strndup(a, NULL, 0);
    assert_non_null(e);
    assert_string_equal(e, "");
    assert_null(dbd_arena_strndup(a, NULL, 1));
    assert_null(dbd_arena_strdup(a, NULL));
    dbd_arena_destroy(&a);
}

static void test_used(void **state)
{
    (void)state;
    dbd_arena *a = dbd_arena_new();
    assert_non_null(a);
    size_t total = 0;
    for (size_t n = 1; n < 3000; n += 37) {
        size_t before = dbd_arena_used(a);
        assert_non_null(dbd_arena_alloc(a, n));
        size_t grown = dbd_arena_used(a) - before;
        /* Counted with alignment padding, never less than asked. */
        assert_true(grown >= n);
        assert_true(grown < n + alignof(max_align_t));
        total += grown;
    }
    assert_int_equal(dbd_arena_used(a), total);
    dbd_arena_destroy(&a);
}

static void test_many_small(void **state)
{
    (void)state;
    /* Enough to need many blocks; every pointer stays valid. */
    enum { N = 100000 };
    dbd_arena *a = dbd_arena_new();
    assert_non_null(a);
    static uint32_t *ptrs[N];
    for (uint32_t i = 0; i < N; i++) {
        ptrs[i] = dbd_arena_alloc(a, sizeof(uint32_t) * (1 + i % 5));
        assert_non_null(ptrs[i]);
        *ptrs[i] = i;
    }
    for (uint32_t i = 0; i < N; i++)
        assert_int_equal(*ptrs[i], i);
    dbd_arena_destroy(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_destroy),
        cmocka_unit_test(test_alignment_and_zero),
        cmocka_unit_test(test_zero_size),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_strdup),
        cmocka_unit_test(test_used),
        cmocka_unit_test(test_many_small),
    };
    return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
