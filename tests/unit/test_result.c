/* test_result.c - building and reading results, getter conversions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "result.h"

static void test_empty(void **state)
{
    (void)state;
    dbd_result *r = dbd_result_new();
    assert_non_null(r);
    assert_int_equal(dbd_result_status(r), DBD_OK);
    assert_string_equal(dbd_result_message(r), "success");
    assert_int_equal(dbd_result_ncols(r), 0);
    assert_int_equal(dbd_result_nrows(r), 0);
    assert_int_equal(dbd_result_affected(r), -1);
    assert_int_equal(dbd_result_last_id(r), 0);
    assert_int_equal(dbd_result_nsubs(r), 0);
    assert_null(dbd_result_sub(r, 0));
    assert_null(dbd_result_col_name(r, 0));
    assert_int_equal(dbd_result_col_type(r, 0), DBD_TYPE_NULL);
    assert_int_equal(dbd_result_col_index(r, "id"), -1);
    assert_null(dbd_result_value(r, 0, 0));
    assert_true(dbd_result_is_null(r, 0, 0));
    int64_t i;
    assert_int_equal(dbd_result_get_int64(r, 0, 0, &i), -1);
    /* A row needs columns first. */
    dbd_value v = dbd_int(1);
    assert_int_equal(dbd_result_add_row(r, &v), -1);
    dbd_result_destroy(&r);
    assert_null(r);
    dbd_result_destroy(&r);
    dbd_result_destroy(NULL);
}

static void test_status(void **state)
{
    (void)state;
    dbd_result *r = dbd_result_new();
    assert_non_null(r);
    char msg[] = "no such table: foo";
    assert_int_equal(dbd_result_set_status(r, DBD_NOTFOUND, msg), 0);
    msg[0] = 'X';
    assert_int_equal(dbd_result_status(r), DBD_NOTFOUND);
    assert_string_equal(dbd_result_message(r), "no such table: foo");
    assert_int_equal(dbd_result_set_status(r, DBD_BUSY, NULL), 0);
    assert_string_equal(dbd_result_message(r),
                        "too many requests queued, retry later");
    assert_int_equal(dbd_result_set_status(r, DBD_STATUS_COUNT, "x"), -1);
    assert_int_equal(dbd_result_set_status(r, (dbd_status)-1, "x"), -1);
    assert_int_equal(dbd_result_status(r), DBD_BUSY);
    dbd_result_set_affected(r, 7);
    dbd_result_set_last_id(r, 12345678901LL);
    assert_int_equal(dbd_result_affected(r), 7);
    assert_int_equal(dbd_result_last_id(r), 12345678901LL);
    dbd_result_destroy(&r);
}

static void test_columns(void **state)
{
    (void)state;
    dbd_result *r = dbd_result_new();
    assert_non_null(r);
    char n0[] = "id";
    const char *names[] = {n0, "k", "b"};
    dbd_type types[] = {DBD_TYPE_INT, DBD_TYPE_STRING, DBD_TYPE_BLOB};
    const char *bad_names[] = {"a", NULL};
    dbd_type bad_types[] = {DBD_TYPE_INT, DBD_TYPE_COUNT};

    assert_int_equal(dbd_result_set_columns(r, 2, bad_names, types), -1);
    assert_int_equal(dbd_result_set_columns(r, 2, names, bad_types), -1);
    assert_int_equal(dbd_result_set_columns(r, 2, NULL, types), -1);
    assert_int_equal(dbd_result_ncols(r), 0);
    assert_int_equal(dbd_result_set_columns(r, 3, names, types), 0);
    n0[0] = 'X';
    assert_int_equal(dbd_result_ncols(r), 3);
    assert_string_equal(dbd_result_col_name(r, 0), "id");
    assert_string_equal(dbd_result_col_name(r, 2), "b");
    assert_null(dbd_result_col_name(r, 3));
    assert_int_equal(dbd_result_col_type(r, 1), DBD_TYPE_STRING);
    assert_int_equal(dbd_result_col_index(r, "k"), 1);
    assert_int_equal(dbd_result_col_index(r, "K"), -1);
    assert_int_equal(dbd_result_col_index(r, "Xd"), -1);
    assert_int_equal(dbd_result_col_index(r, NULL), -1);
    /* Once only. */
    assert_int_equal(dbd_result_set_columns(r, 1, names, types), -1);
    assert_int_equal(dbd_result_ncols(r), 3);
    dbd_result_destroy(&r);

    /* Zero columns is a valid column set. */
    r = dbd_result_new();
    assert_non_null(r);
    assert_int_equal(dbd_result_set_columns(r, 0, NULL, NULL), 0);
    assert_int_equal(dbd_result_add_row(r, NULL), 0);
    assert_int_equal(dbd_result_nrows(r), 1);
    assert_null(dbd_result_value(r, 0, 0));
    dbd_result_destroy(&r);
}

static dbd_result *three_columns(void)
{
    dbd_result *r = dbd_result_new();
    const char *names[] = {"i", "s", "b"};
    dbd_type types[] = {DBD_TYPE_INT, DBD_TYPE_STRING, DBD_TYPE_BLOB};
    if (r == NULL || dbd_result_set_columns(r, 3, names, types) < 0)
        fail_msg("setup failed");
    return r;
}

static void test_rows_copied(void **state)
{
    (void)state;
    enum { N = 100000 };
    dbd_result *r = three_columns();
    char text[32], bytes[3] = {'a', '\0', 'b'};
    for (int i = 0; i < N; i++) {
        int len = snprintf(text, sizeof(text), "row %d", i);
        bytes[2] = (char)i;
        dbd_value row[3] = {dbd_int(i), dbd_string(text, (size_t)len),
                            dbd_blob(bytes, 3)};
        if (i % 10 == 0)
            row[1] = dbd_null();
        assert_int_equal(dbd_result_add_row(r, row), 0);
    }
    memset(text, 'X', sizeof(text));
    assert_int_equal(dbd_result_nrows(r), N);
    for (int i = 0; i < N; i++) {
        int64_t iv = -1;
        assert_int_equal(dbd_result_get_int64(r, (size_t)i, 0, &iv), 0);
        assert_int_equal(iv, i);
        const char *s = NULL;
        size_t len = 0;
        if (i % 10 == 0) {
            assert_true(dbd_result_is_null(r, (size_t)i, 1));
            assert_int_equal(dbd_result_get_string(r, (size_t)i, 1, &s, &len),
                             -1);
        } else {
            char want[32];
            snprintf(want, sizeof(want), "row %d", i);
            assert_false(dbd_result_is_null(r, (size_t)i, 1));
            assert_int_equal(dbd_result_get_string(r, (size_t)i, 1, &s, &len),
                             0);
            assert_int_equal(len, strlen(want));
            assert_string_equal(s, want); /* NUL-terminated copy */
        }
        const void *p = NULL;
        assert_int_equal(dbd_result_get_blob(r, (size_t)i, 2, &p, &len), 0);
        assert_int_equal(len, 3);
        char want_bytes[4] = {'a', '\0', (char)i, '\0'};
        assert_memory_equal(p, want_bytes, 4);
    }
    const dbd_value *v = dbd_result_value(r, 5, 0);
    assert_non_null(v);
    assert_int_equal(v->type, DBD_TYPE_INT);
    assert_null(dbd_result_value(r, N, 0));
    assert_null(dbd_result_value(r, 0, 3));

    /* Bad values are refused and leave the row count alone. */
    dbd_value bad[3] = {dbd_int(1), dbd_string(NULL, 2), dbd_null()};
    assert_int_equal(dbd_result_add_row(r, bad), -1);
    bad[1].type = DBD_TYPE_COUNT;
    assert_int_equal(dbd_result_add_row(r, bad), -1);
    assert_int_equal(dbd_result_add_row(r, NULL), -1);
    assert_int_equal(dbd_result_nrows(r), N);

    dbd_result_clear_rows(r);
    assert_int_equal(dbd_result_nrows(r), 0);
    assert_int_equal(dbd_result_ncols(r), 3);
    assert_string_equal(dbd_result_col_name(r, 1), "s");
    assert_null(dbd_result_value(r, 0, 0));
    dbd_value again[3] = {dbd_int(-4), dbd_string("x", 1), dbd_null()};
    assert_int_equal(dbd_result_add_row(r, again), 0);
    assert_int_equal(dbd_result_nrows(r), 1);
    int64_t iv;
    assert_int_equal(dbd_result_get_int64(r, 0, 0, &iv), 0);
    assert_int_equal(iv, -4);
    dbd_result_destroy(&r);
}

/* One getter call on a one-cell result. */
enum getter { G_INT, G_DOUBLE, G_BOOL, G_DATETIME, G_STRING, G_BLOB };

typedef struct conv_case {
    dbd_value cell;
    enum getter getter;
    int rc;
    int64_t i;     /* G_INT, G_DATETIME, G_BOOL (0/1) */
    double d;      /* G_DOUBLE */
} conv_case;

#define S(lit) {.type = DBD_TYPE_STRING, .u.s = {lit, sizeof(lit) - 1}}

static const conv_case conv_cases[] = {
    /* int64 */
    {{.type = DBD_TYPE_INT, .u.i = 42}, G_INT, 0, 42, 0},
    {{.type = DBD_TYPE_INT, .u.i = INT64_MIN}, G_INT, 0, INT64_MIN, 0},
    {{.type = DBD_TYPE_BOOL, .u.b = true}, G_INT, 0, 1, 0},
    {{.type = DBD_TYPE_BOOL, .u.b = false}, G_INT, 0, 0, 0},
    {{.type = DBD_TYPE_DOUBLE, .u.d = 3.0}, G_INT, 0, 3, 0},
    {{.type = DBD_TYPE_DOUBLE, .u.d = -3.0}, G_INT, 0, -3, 0},
    {{.type = DBD_TYPE_DOUBLE, .u.d = 3.5}, G_INT, -1, 0, 0},
    {{.type = DBD_TYPE_DOUBLE, .u.d = 1e19}, G_INT, -1, 0, 0},
    {{.type = DBD_TYPE_DOUBLE, .u.d = -9223372036854775808.0}, G_INT, 0,
     INT64_MIN, 0},
    {{.type = DBD_TYPE_DOUBLE, .u.d = 9223372036854775808.0}, G_INT, -1, 0, 0},
    {{.type = DBD_TYPE_DOUBLE, .u.d = NAN}, G_INT, -1, 0, 0},
    {{.type = DBD_TYPE_DOUBLE, .u.d = INFINITY}, G_INT, -1, 0, 0},
    {{.type = DBD_TYPE_DATETIME, .u.usec = -123}, G_INT, 0, -123, 0},
    {S("123"), G_INT, 0, 123, 0},
    {S("+7"), G_INT, 0, 7, 0},
    {S("-0"), G_INT, 0, 0, 0},
    {S("007"), G_INT, 0, 7, 0},
    {S("9223372036854775807"), G_INT, 0, INT64_MAX, 0},
    {S("-9223372036854775808"), G_INT, 0, INT64_MIN, 0},
    {S("9223372036854775808"), G_INT, -1, 0, 0},
    {S("-9223372036854775809"), G_INT, -1, 0, 0},
    {S("99999999999999999999999"), G_INT, -1, 0, 0},
    {S("12a"), G_INT, -1, 0, 0},
    {S(" 12"), G_INT, -1, 0, 0},
    {S("12 "), G_INT, -1, 0, 0},
    {S("1.0"), G_INT, -1, 0, 0},
    {S("0x10"), G_INT, -1, 0, 0},
    {S(""), G_INT, -1, 0, 0},
    {S("-"), G_INT, -1, 0, 0},
    {S("1\0"), G_INT, -1, 0, 0},
    {{.type = DBD_TYPE_BLOB, .u.s = {"12", 2}}, G_INT, -1, 0, 0},
    {{.type = DBD_TYPE_NULL}, G_INT, -1, 0, 0},
    /* double */
    {{.type = DBD_TYPE_INT, .u.i = -2}, G_DOUBLE, 0, 0, -2.0},
    {{.type = DBD_TYPE_DOUBLE, .u.d = 0.1}, G_DOUBLE, 0, 0, 0.1},
    {S("2.5"), G_DOUBLE, 0, 0, 2.5},
    {S("-0.25e-2"), G_DOUBLE, 0, 0, -0.0025},
    {S("1E3"), G_DOUBLE, 0, 0, 1000.0},
    {S(".5"), G_DOUBLE, 0, 0, 0.5},
    {S("5."), G_DOUBLE, 0, 0, 5.0},
    {S("42"), G_DOUBLE, 0, 0, 42.0},
    {S("1e999"), G_DOUBLE, -1, 0, 0},
    {S("-1e999"), G_DOUBLE, -1, 0, 0},
    {S("2.5x"), G_DOUBLE, -1, 0, 0},
    {S("abc"), G_DOUBLE, -1, 0, 0},
    {S("inf"), G_DOUBLE, -1, 0, 0},
    {S("nan"), G_DOUBLE, -1, 0, 0},
    {S("0x10"), G_DOUBLE, -1, 0, 0},
    {S(" 1"), G_DOUBLE, -1, 0, 0},
    {S("."), G_DOUBLE, -1, 0, 0},
    {S("1e"), G_DOUBLE, -1, 0, 0},
    {S("1e+"), G_DOUBLE, -1, 0, 0},
    {S(""), G_DOUBLE, -1, 0, 0},
    {S("1\0"), G_DOUBLE, -1, 0, 0},
    {{.type = DBD_TYPE_BOOL, .u.b = true}, G_DOUBLE, -1, 0, 0},
    {{.type = DBD_TYPE_DATETIME, .u.usec = 1}, G_DOUBLE, -1, 0, 0},
    /* bool */
    {{.type = DBD_TYPE_BOOL, .u.b = true}, G_BOOL, 0, 1, 0},
    {{.type = DBD_TYPE_INT, .u.i = 0}, G_BOOL, 0, 0, 0},
    {{.type = DBD_TYPE_INT, .u.i = 5}, G_BOOL, 0, 1, 0},
    {S("1"), G_BOOL, -1, 0, 0},
    {{.type = DBD_TYPE_DOUBLE, .u.d = 1.0}, G_BOOL, -1, 0, 0},
    /* datetime */
    {{.type = DBD_TYPE_DATETIME, .u.usec = -5}, G_DATETIME, 0, -5, 0},
    {{.type = DBD_TYPE_INT, .u.i = 1000000}, G_DATETIME, 0, 1000000, 0},
    {S("1970-01-01 00:00:01"), G_DATETIME, 0, 1000000, 0},
    {S("1969-12-31T23:59:59.5Z"), G_DATETIME, 0, -500000, 0},
    {S("1970-02-30 00:00:00"), G_DATETIME, -1, 0, 0},
    {S("yesterday"), G_DATETIME, -1, 0, 0},
    {{.type = DBD_TYPE_DOUBLE, .u.d = 1.0}, G_DATETIME, -1, 0, 0},
    /* string and blob */
    {S("abc"), G_STRING, 0, 0, 0},
    {{.type = DBD_TYPE_BLOB, .u.s = {"abc", 3}}, G_STRING, 0, 0, 0},
    {{.type = DBD_TYPE_INT, .u.i = 1}, G_STRING, -1, 0, 0},
    {{.type = DBD_TYPE_NULL}, G_STRING, -1, 0, 0},
    {S("abc"), G_BLOB, 0, 0, 0},
    {{.type = DBD_TYPE_BLOB, .u.s = {"abc", 3}}, G_BLOB, 0, 0, 0},
    {{.type = DBD_TYPE_DATETIME, .u.usec = 1}, G_BLOB, -1, 0, 0},
};

static void test_conversions(void **state)
{
    (void)state;
    for (size_t n = 0; n < sizeof(conv_cases) / sizeof(conv_cases[0]); n++) {
        const conv_case *c = &conv_cases[n];
        dbd_result *r = dbd_result_new();
        const char *name = "c";
        dbd_type type = c->cell.type;
        assert_non_null(r);
        assert_int_equal(dbd_result_set_columns(r, 1, &name, &type), 0);
        assert_int_equal(dbd_result_add_row(r, &c->cell), 0);
        int64_t i = 77;
        double d = 77.0;
        bool b = false;
        const char *s = NULL;
        const void *p = NULL;
        size_t len = 99;
        int rc = -2;
        switch (c->getter) {
        case G_INT:
            rc = dbd_result_get_int64(r, 0, 0, &i);
            break;
        case G_DOUBLE:
            rc = dbd_result_get_double(r, 0, 0, &d);
            break;
        case G_BOOL:
            rc = dbd_result_get_bool(r, 0, 0, &b);
            if (rc == 0)
                i = b;
            break;
        case G_DATETIME:
            rc = dbd_result_get_datetime(r, 0, 0, &i);
            break;
        case G_STRING:
            rc = dbd_result_get_string(r, 0, 0, &s, &len);
            break;
        case G_BLOB:
            rc = dbd_result_get_blob(r, 0, 0, &p, &len);
            s = p;
            break;
        }
        if (rc != c->rc)
            fail_msg("case %zu: rc %d, want %d", n, rc, c->rc);
        if (rc == 0) {
            if ((c->getter == G_INT || c->getter == G_DATETIME ||
                 c->getter == G_BOOL) && i != c->i)
                fail_msg("case %zu: got %lld, want %lld", n, (long long)i,
                         (long long)c->i);
            if (c->getter == G_DOUBLE && d != c->d)
                fail_msg("case %zu: got %.17g, want %.17g", n, d, c->d);
            if ((c->getter == G_STRING || c->getter == G_BLOB) &&
                (len != 3 || memcmp(s, "abc", 4) != 0))
                fail_msg("case %zu: got \"%.*s\"", n, (int)len, s);
        } else if (i != 77 || d != 77.0 || s != NULL) {
            fail_msg("case %zu: output written on failure", n);
        }
        dbd_result_destroy(&r);
    }
}

static void test_getters_out_of_range(void **state)
{
    (void)state;
    dbd_result *r = three_columns();
    dbd_value row[3] = {dbd_int(1), dbd_string("x", 1), dbd_blob("y", 1)};
    assert_int_equal(dbd_result_add_row(r, row), 0);
    int64_t i;
    double d;
    bool b;
    const char *s;
    const void *p;
    size_t len;
    assert_int_equal(dbd_result_get_int64(r, 1, 0, &i), -1);
    assert_int_equal(dbd_result_get_int64(r, 0, 3, &i), -1);
    assert_int_equal(dbd_result_get_int64(r, SIZE_MAX, SIZE_MAX, &i), -1);
    assert_int_equal(dbd_result_get_double(r, 1, 0, &d), -1);
    assert_int_equal(dbd_result_get_bool(r, 0, 9, &b), -1);
    assert_int_equal(dbd_result_get_datetime(r, 9, 0, &i), -1);
    assert_int_equal(dbd_result_get_string(r, 0, 3, &s, &len), -1);
    assert_int_equal(dbd_result_get_blob(r, 1, 2, &p, &len), -1);
    assert_true(dbd_result_is_null(r, 1, 0));
    /* The length is optional. */
    assert_int_equal(dbd_result_get_string(r, 0, 1, &s, NULL), 0);
    assert_string_equal(s, "x");
    assert_int_equal(dbd_result_get_int64(NULL, 0, 0, &i), -1);
    dbd_result_destroy(&r);
}

static void test_subs(void **state)
{
    (void)state;
    dbd_result *r = dbd_result_new();
    assert_non_null(r);
    for (int n = 0; n < 50; n++) {
        dbd_result *sub = dbd_result_new();
        assert_non_null(sub);
        dbd_result_set_affected(sub, n);
        if (n == 3) {
            dbd_result *inner = dbd_result_new();
            assert_non_null(inner);
            assert_int_equal(dbd_result_add_sub(sub, &inner), 0);
            assert_null(inner);
        }
        assert_int_equal(dbd_result_add_sub(r, &sub), 0);
        assert_null(sub);
    }
    assert_int_equal(dbd_result_nsubs(r), 50);
    for (size_t n = 0; n < 50; n++)
        assert_int_equal(dbd_result_affected(dbd_result_sub(r, n)), (int64_t)n);
    assert_int_equal(dbd_result_nsubs(dbd_result_sub(r, 3)), 1);
    assert_null(dbd_result_sub(r, 50));
    dbd_result *none = NULL;
    assert_int_equal(dbd_result_add_sub(r, &none), -1);
    assert_int_equal(dbd_result_add_sub(r, NULL), -1);
    dbd_result *self = r;
    assert_int_equal(dbd_result_add_sub(r, &self), -1);
    assert_int_equal(dbd_result_nsubs(r), 50);
    dbd_result_destroy(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_rows_copied),
        cmocka_unit_test(test_conversions),
        cmocka_unit_test(test_getters_out_of_range),
        cmocka_unit_test(test_subs),
    };
    return cmocka_run_group_tests_name("result", tests, NULL, NULL);
}
