/* test_ident.c - the identifier rule every table and column name passes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ident.h"

typedef struct ident_case {
    const char *name;
    bool valid;
} ident_case;

static const ident_case cases[] = {
    {"", false},
    {"a", true},
    {"_", true},
    {"Z", true},
    {"_1", true},
    {"location", true},
    {"user_agent", true},
    {"A_b9", true},
    {"9a", false},
    {"0", false},
    {"subscriber; DROP TABLE location", false},
    {"a\"b", false},
    {"a`b", false},
    {"a'b", false},
    {"a b", false},
    {"a-b", false},
    {"a.b", false},
    {"a/*", false},
    {"a--", false},
    {" a", false},
    {"a\n", false},
    {"\xc3\xa9", false},    /* é in UTF-8 */
    {"a\xc3\xa9", false},
    {"a\xff", false},
};

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool got = dbd_ident_valid(cases[i].name, strlen(cases[i].name));
        if (got != cases[i].valid)
            fail_msg("case %zu \"%s\": got %d, want %d", i, cases[i].name,
                     got, cases[i].valid);
    }
}

static void test_lengths(void **state)
{
    (void)state;
    char buf[201];
    memset(buf, 'a', sizeof(buf) - 1);
    buf[200] = '\0';
    assert_true(dbd_ident_valid(buf, 63));
    assert_true(dbd_ident_valid(buf, 64));
    assert_true(dbd_ident_valid(buf, DBD_IDENT_MAX));
    assert_false(dbd_ident_valid(buf, 65));
    assert_false(dbd_ident_valid(buf, 200));
    buf[63] = '9'; /* a digit is fine after the first character */
    assert_true(dbd_ident_valid(buf, 64));
}

static void test_len_is_authoritative(void **state)
{
    (void)state;
    /* Only len bytes count: a valid prefix of a bad name is valid... */
    assert_true(dbd_ident_valid("ab;drop", 2));
    /* ...and an embedded NUL is not part of any identifier. */
    assert_false(dbd_ident_valid("a\0b", 3));
    assert_false(dbd_ident_valid("abc", 0));
    assert_false(dbd_ident_valid(NULL, 0));
    assert_false(dbd_ident_valid(NULL, 3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_len_is_authoritative),
    };
    return cmocka_run_group_tests_name("ident", tests, NULL, NULL);
}
