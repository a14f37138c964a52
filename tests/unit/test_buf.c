/* test_buf.c - the growable byte buffer: appends, NUL termination, number
 * text, truncation and sticky failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

static void test_init_is_empty(void **state)
{
    dbd_buf b;
    (void)state;
    dbd_buf_init(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_false(b.failed);
    assert_string_equal(dbd_buf_text(&b), "");
    /* Appending nothing allocates nothing. */
    assert_int_equal(dbd_buf_append(&b, NULL, 0), 0);
    assert_int_equal(dbd_buf_append_str(&b, ""), 0);
    assert_null(b.data);
    dbd_buf_free(&b);
    dbd_buf_free(NULL);
}

static void test_appends_are_nul_terminated(void **state)
{
    dbd_buf b;
    (void)state;
    dbd_buf_init(&b);
    assert_int_equal(dbd_buf_append(&b, "ab", 2), 0);
    assert_int_equal(b.len, 2);
    assert_int_equal(b.data[2], '\0');
    assert_int_equal(dbd_buf_append_str(&b, "cd"), 0);
    assert_int_equal(dbd_buf_append_char(&b, '='), 0);
    assert_int_equal(dbd_buf_append_uint(&b, 0), 0);
    assert_int_equal(dbd_buf_append_char(&b, ','), 0);
    assert_int_equal(dbd_buf_append_uint(&b, 18446744073709551615ULL), 0);
    assert_string_equal(b.data, "abcd=0,18446744073709551615");
    assert_int_equal(b.len, strlen("abcd=0,18446744073709551615"));
    assert_true(b.cap > b.len);
    assert_ptr_equal(dbd_buf_text(&b), b.data);
    dbd_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void test_growth_keeps_contents(void **state)
{
    dbd_buf b;
    (void)state;
    dbd_buf_init(&b);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(dbd_buf_append(&b, "0123456789", 10), 0);
    assert_int_equal(b.len, 10000);
    assert_true(b.cap >= b.len + 1);
    assert_memory_equal(b.data + 9990, "0123456789", 10);
    assert_int_equal(b.data[10000], '\0');
    /* Binary data: embedded NULs count in len. */
    dbd_buf_reset(&b);
    assert_int_equal(dbd_buf_append(&b, "a\0b", 3), 0);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b\0", 4);
    dbd_buf_free(&b);
}

static void test_reserve_then_write_in_place(void **state)
{
    dbd_buf b;
    (void)state;
    dbd_buf_init(&b);
    assert_int_equal(dbd_buf_reserve(&b, 5), 0);
    assert_non_null(b.data);
    assert_true(b.cap - b.len >= 6);
    assert_int_equal(b.len, 0);
    memcpy(b.data + b.len, "hello", 5);
    b.len += 5;
    b.data[b.len] = '\0';
    assert_int_equal(dbd_buf_append_char(&b, '!'), 0);
    assert_string_equal(dbd_buf_text(&b), "hello!");
    dbd_buf_free(&b);
}

static void test_reset_and_truncate(void **state)
{
    dbd_buf b;
    (void)state;
    dbd_buf_init(&b);
    assert_int_equal(dbd_buf_append_str(&b, "select 1"), 0);
    char *mem = b.data;
    dbd_buf_truncate(&b, 6);
    assert_int_equal(b.len, 6);
    assert_string_equal(b.data, "select");
    /* A length past the end changes nothing. */
    dbd_buf_truncate(&b, 100);
    assert_int_equal(b.len, 6);
    dbd_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_ptr_equal(b.data, mem); /* the memory is kept */
    assert_string_equal(dbd_buf_text(&b), "");
    dbd_buf_free(&b);
}

static void test_failure_is_sticky(void **state)
{
    dbd_buf b;
    (void)state;
    dbd_buf_init(&b);
    assert_int_equal(dbd_buf_append_str(&b, "keep"), 0);
    /* A size that cannot be allocated fails without touching the contents. */
    assert_int_equal(dbd_buf_reserve(&b, SIZE_MAX), -1);
    assert_true(b.failed);
    assert_string_equal(b.data, "keep");
    /* Every later append fails, even a small one. */
    assert_int_equal(dbd_buf_append_str(&b, "x"), -1);
    assert_int_equal(dbd_buf_append_char(&b, 'x'), -1);
    assert_int_equal(dbd_buf_append_uint(&b, 7), -1);
    assert_int_equal(dbd_buf_append(&b, NULL, 0), -1);
    assert_int_equal(dbd_buf_reserve(&b, 1), -1);
    assert_int_equal(b.len, 4);
    assert_string_equal(b.data, "keep");
    /* Truncating to a known-good length makes it usable again. */
    dbd_buf_truncate(&b, 4);
    assert_false(b.failed);
    assert_int_equal(dbd_buf_append_str(&b, "er"), 0);
    assert_string_equal(b.data, "keeper");
    /* So does reset. */
    assert_int_equal(dbd_buf_append(&b, "x", SIZE_MAX), -1);
    assert_true(b.failed);
    dbd_buf_reset(&b);
    assert_false(b.failed);
    assert_int_equal(dbd_buf_append_str(&b, "ok"), 0);
    assert_string_equal(b.data, "ok");
    dbd_buf_free(&b);
    assert_false(b.failed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_is_empty),
        cmocka_unit_test(test_appends_are_nul_terminated),
        cmocka_unit_test(test_growth_keeps_contents),
        cmocka_unit_test(test_reserve_then_write_in_place),
        cmocka_unit_test(test_reset_and_truncate),
        cmocka_unit_test(test_failure_is_sticky),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
