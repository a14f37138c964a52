/* test_value.c - value type names, equality and datetime text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "value.h"

static void test_type_names(void **state)
{
    (void)state;
    static const char *const names[DBD_TYPE_COUNT] = {
        "null", "int", "double", "string", "blob", "datetime", "bool"};
    for (int t = 0; t < DBD_TYPE_COUNT; t++) {
        dbd_type back = DBD_TYPE_COUNT;
        assert_string_equal(dbd_type_name((dbd_type)t), names[t]);
        assert_true(dbd_type_from_name(names[t], &back));
        assert_int_equal(back, t);
    }
    dbd_type out = DBD_TYPE_BOOL;
    assert_true(dbd_type_from_name("INT", &out));
    assert_int_equal(out, DBD_TYPE_INT);
    assert_false(dbd_type_from_name("integer", &out));
    assert_false(dbd_type_from_name("", &out));
    assert_false(dbd_type_from_name(NULL, &out));
    assert_int_equal(out, DBD_TYPE_INT);
    assert_string_equal(dbd_type_name(DBD_TYPE_COUNT), "?");
    assert_string_equal(dbd_type_name((dbd_type)-1), "?");
}

static void test_equal(void **state)
{
    (void)state;
    char a1[] = "abc", a2[] = "abc";
    char z1[] = {'a', '\0', 'b'}, z2[] = {'a', '\0', 'c'};
    struct {
        dbd_value a, b;
        bool equal;
    } cases[] = {
        {dbd_null(), dbd_null(), true},
        {dbd_int(5), dbd_int(5), true},
        {dbd_int(5), dbd_int(6), false},
        {dbd_int(INT64_MIN), dbd_int(INT64_MIN), true},
        {dbd_int(1), dbd_bool(true), false},
        {dbd_int(0), dbd_null(), false},
        {dbd_int(7), dbd_datetime(7), false},
        {dbd_bool(true), dbd_bool(true), true},
        {dbd_bool(true), dbd_bool(false), false},
        {dbd_double(1.5), dbd_double(1.5), true},
        {dbd_double(0.0), dbd_double(-0.0), true},
        {dbd_double(NAN), dbd_double(NAN), false},
        {dbd_double(1.0), dbd_int(1), false},
        {dbd_datetime(-1), dbd_datetime(-1), true},
        {dbd_string(a1, 3), dbd_string(a2, 3), true},
        {dbd_string(a1, 3), dbd_string(a2, 2), false},
        {dbd_string(a1, 3), dbd_blob(a2, 3), false},
        {dbd_blob(z1, 3), dbd_blob(z1, 3), true},
        {dbd_blob(z1, 3), dbd_blob(z2, 3), false},
        {dbd_string(NULL, 0), dbd_string("", 0), true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool got = dbd_value_equal(&cases[i].a, &cases[i].b);
        if (got != cases[i].equal)
            fail_msg("case %zu: got %d, want %d", i, got, cases[i].equal);
        got = dbd_value_equal(&cases[i].b, &cases[i].a);
        if (got != cases[i].equal)
            fail_msg("case %zu reversed: got %d, want %d", i, got,
                     cases[i].equal);
    }
    dbd_value v = dbd_int(1);
    assert_false(dbd_value_equal(&v, NULL));
    assert_false(dbd_value_equal(NULL, &v));
}

typedef struct dt_case {
    int64_t usec;
    const char *text;
} dt_case;

static const dt_case dt_cases[] = {
    {0, "1970-01-01 00:00:00"},
    {1, "1970-01-01 00:00:00.000001"},
    {-1, "1969-12-31 23:59:59.999999"},
    {-1000000, "1969-12-31 23:59:59"},
    {500000, "1970-01-01 00:00:00.500000"},
    {86399999999, "1970-01-01 23:59:59.999999"},
    {951827696000000, "2000-02-29 12:34:56"},
    {951868800000000, "2000-03-01 00:00:00"},
    {4107542399000000, "2100-02-28 23:59:59"},
    {4107542400000000, "2100-03-01 00:00:00"},
    {2147483648000000, "2038-01-19 03:14:08"},
    {-14182940000000, "1969-07-20 20:17:40"},
    {-2208988800000000, "1900-01-01 00:00:00"},
    {-11670998400000000, "1600-02-29 00:00:00"},
    {-62135596800000000, "0001-01-01 00:00:00"},
    {-62167219200000000, "0000-01-01 00:00:00"},
    {-62167219201000000, "-0001-12-31 23:59:59"},
    {253402300799000000, "9999-12-31 23:59:59"},
    {253402300800000000, "10000-01-01 00:00:00"},
    {INT64_MAX, "294247-01-10 04:00:54.775807"},
    {INT64_MIN, "-290308-12-21 19:59:05.224192"},
};

static void test_datetime_format(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(dt_cases) / sizeof(dt_cases[0]); i++) {
        char out[DBD_DATETIME_TEXT_MAX];
        memset(out, 'x', sizeof(out));
        dbd_datetime_format(dt_cases[i].usec, out);
        if (strcmp(out, dt_cases[i].text) != 0)
            fail_msg("%lld: got \"%s\", want \"%s\"",
                     (long long)dt_cases[i].usec, out, dt_cases[i].text);
    }
}

static void test_datetime_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(dt_cases) / sizeof(dt_cases[0]); i++) {
        int64_t got = 42;
        const char *text = dt_cases[i].text;
        if (!dbd_datetime_parse(text, strlen(text), &got))
            fail_msg("\"%s\": rejected", text);
        if (got != dt_cases[i].usec)
            fail_msg("\"%s\": got %lld, want %lld", text, (long long)got,
                     (long long)dt_cases[i].usec);
    }
}

static void test_datetime_parse_forms(void **state)
{
    (void)state;
    struct {
        const char *text;
        int64_t usec;
    } ok[] = {
        {"2000-02-29T12:34:56", 951827696000000},
        {"2000-02-29T12:34:56Z", 951827696000000},
        {"2000-02-29 12:34:56Z", 951827696000000},
        {"1970-01-01 00:00:00.5", 500000},
        {"1970-01-01 00:00:00.05", 50000},
        {"1970-01-01 00:00:00.000001", 1},
        {"1970-01-01T00:00:01.123456Z", 1123456},
        {"1969-12-31 23:59:59.5", -500000},
        {"+1970-01-01 00:00:00", 0},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        int64_t got = 42;
        if (!dbd_datetime_parse(ok[i].text, strlen(ok[i].text), &got))
            fail_msg("\"%s\": rejected", ok[i].text);
        if (got != ok[i].usec)
            fail_msg("\"%s\": got %lld, want %lld", ok[i].text,
                     (long long)got, (long long)ok[i].usec);
    }
    /* Only len bytes are read. */
    int64_t got = 0;
    assert_true(dbd_datetime_parse("1970-01-01 00:00:01garbage", 19, &got));
    assert_int_equal(got, 1000000);
}

static void test_datetime_parse_rejects(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "1970-01-01",
        "1970-01-01 00:00",
        "1970-13-01 00:00:00",  /* month 13 */
        "1970-00-01 00:00:00",  /* month 0 */
        "1970-01-00 00:00:00",  /* day 0 */
        "1970-01-32 00:00:00",
        "1970-04-31 00:00:00",
        "2001-02-29 00:00:00",  /* not a leap year */
        "2100-02-29 00:00:00",  /* century, not a leap year */
        "2000-02-30 00:00:00",
        "1970-01-01 24:00:00",  /* hour 24 */
        "1970-01-01 00:60:00",
        "1970-01-01 00:00:60",  /* no leap seconds */
        "1970-01-01 00:00:00.", /* fraction without digits */
        "1970-01-01 00:00:00.1234567", /* more than 6 digits */
        "1970-01-01 00:00:00Z ",
        "1970-01-01 00:00:00ZZ",
        "1970-01-01 00:00:00 ",
        " 1970-01-01 00:00:00",
        "1970-01-01  00:00:00",
        "1970-01-01X00:00:00",
        "1970-1-01 00:00:00",
        "1970-01-01 0:00:00",
        "970-01-01 00:00:00",   /* 3-digit year */
        "1234567-01-01 00:00:00",
        "1970/01/01 00:00:00",
        "1970-01-01 00:00:0a",
        "1970-01-01 00:00:00+01:00",
        "999999-01-01 00:00:00",  /* beyond the int64 range */
        "-999999-01-01 00:00:00",
        "294247-01-10 04:00:54.775808", /* INT64_MAX + 1 */
        "--1970-01-01 00:00:00",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t got = 42;
        if (dbd_datetime_parse(bad[i], strlen(bad[i]), &got))
            fail_msg("\"%s\": accepted as %lld", bad[i], (long long)got);
        assert_int_equal(got, 42);
    }
    int64_t got;
    assert_false(dbd_datetime_parse(NULL, 0, &got));
    assert_false(dbd_datetime_parse("1970-01-01 00:00:00", 19, NULL));
    /* An embedded NUL is not a digit. */
    assert_false(dbd_datetime_parse("1970-01-01 00:00:0\0", 19, &got));
}

static void test_datetime_round_trip(void **state)
{
    (void)state;
    /* Steps that are not multiples of a day or second visit every field. */
    const int64_t step = 7919LL * 1000003LL * 8641LL + 123457;
    size_t n = 0;
    for (int64_t u = -300000000000000000LL; u < 300000000000000000LL;
         u += step) {
        char text[DBD_DATETIME_TEXT_MAX];
        int64_t back = 0;
        dbd_datetime_format(u, text);
        if (!dbd_datetime_parse(text, strlen(text), &back) || back != u)
            fail_msg("%lld -> \"%s\" -> %lld", (long long)u, text,
                     (long long)back);
        n++;
    }
    assert_true(n > 1000);
    /* Every day of the leap years 2000 and 2004 and the non-leap 2100. */
    const int64_t day = 86400000000LL;
    int64_t starts[] = {946684800000000LL, 1072915200000000LL,
                        4102444800000000LL};
    int lengths[] = {366, 366, 365};
    for (size_t s = 0; s < 3; s++) {
        for (int d = 0; d <= lengths[s]; d++) {
            char text[DBD_DATETIME_TEXT_MAX];
            int64_t u = starts[s] + d * day + 3723000001LL, back = 0;
            dbd_datetime_format(u, text);
            assert_true(dbd_datetime_parse(text, strlen(text), &back));
            assert_int_equal(back, u);
        }
    }
    char text[DBD_DATETIME_TEXT_MAX];
    dbd_datetime_format(starts[0] + 59 * day, text);
    assert_string_equal(text, "2000-02-29 00:00:00");
    dbd_datetime_format(starts[2] + 59 * day, text);
    assert_string_equal(text, "2100-03-01 00:00:00");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_datetime_format),
        cmocka_unit_test(test_datetime_parse_table),
        cmocka_unit_test(test_datetime_parse_forms),
        cmocka_unit_test(test_datetime_parse_rejects),
        cmocka_unit_test(test_datetime_round_trip),
    };
    return cmocka_run_group_tests_name("value", tests, NULL, NULL);
}
