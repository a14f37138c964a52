/* test_status.c - the status table's names and the error-message helpers
 * dbd_errf() and dbd_failf(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "status.h"

static void test_names(void **state)
{
    dbd_status st;
    (void)state;
    assert_string_equal(dbd_status_name(DBD_OK), "OK");
    assert_string_equal(dbd_status_name(DBD_INTERNAL), "INTERNAL");
    assert_string_equal(dbd_status_name((dbd_status)99), "?");
    assert_true(dbd_status_from_name("notfound", &st));
    assert_int_equal(st, DBD_NOTFOUND);
    assert_false(dbd_status_from_name("nope", &st));
    assert_false(dbd_status_from_name(NULL, &st));
    assert_true(dbd_status_valid(10));
    assert_false(dbd_status_valid(11));
    assert_false(dbd_status_valid(-1));
}

static void test_failf_formats_and_returns_status(void **state)
{
    char msg[64];
    (void)state;
    memset(msg, 'x', sizeof msg);
    assert_int_equal(dbd_failf(DBD_BAD, msg, sizeof msg, "no column %s (%d)",
                               "contact", 3),
                     DBD_BAD);
    assert_string_equal(msg, "no column contact (3)");
    assert_int_equal(dbd_failf(DBD_OK, msg, sizeof msg, "%s", ""), DBD_OK);
    assert_string_equal(msg, "");
}

static void test_failf_cuts_to_size(void **state)
{
    char msg[8];
    (void)state;
    assert_int_equal(dbd_failf(DBD_CONFIG, msg, sizeof msg, "%s",
                               "a long message"),
                     DBD_CONFIG);
    assert_string_equal(msg, "a long ");
    dbd_errf(msg, 4, "%d", 123456);
    assert_string_equal(msg, "123");
}

static void test_no_room_writes_nothing(void **state)
{
    char msg[4] = "abc";
    (void)state;
    assert_int_equal(dbd_failf(DBD_UNAVAILABLE, NULL, 100, "x"),
                     DBD_UNAVAILABLE);
    assert_int_equal(dbd_failf(DBD_TIMEOUT, msg, 0, "x"), DBD_TIMEOUT);
    assert_string_equal(msg, "abc");
    dbd_errf(NULL, 10, "x");
    dbd_errf(msg, 0, "x");
    assert_string_equal(msg, "abc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_failf_formats_and_returns_status),
        cmocka_unit_test(test_failf_cuts_to_size),
        cmocka_unit_test(test_no_room_writes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
