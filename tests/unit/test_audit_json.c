/* test_audit_json.c - the JSON text of an audit record: key order, absent
 * optional keys, every value type under every policy, secret masking,
 * string escaping with UTF-8 repair, and a 1 MiB value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "audit_json.h"

/* 2026-11-26T17:52:00.123456Z */
#define TS 1795715520123456LL

static const char *const two_cols[] = {"username", "domain"};

static dbd_audit_record full_record(void)
{
    dbd_audit_record r = {
        .ts_us = TS, .seq = 7, .client = "proxy-1", .ds = "sq", .host = 0,
        .op = "query", .table = "subscriber", .cols = two_cols, .ncols = 2,
        .values = NULL, .nvalues = 0, .status = DBD_OK, .rows = 1,
        .latency_us = 123, .id = 42,
    };
    return r;
}

/* The body of r, checked to succeed; the caller frees b. */
static void body(const dbd_audit_record *r, dbd_audit_values policy,
                 dbd_buf *b)
{
    dbd_buf_init(b);
    assert_int_equal(dbd_audit_json_body(r, policy, NULL, 0, b), 0);
}

static void assert_body(const dbd_audit_record *r, dbd_audit_values policy,
                        const char *want)
{
    dbd_buf b;
    body(r, policy, &b);
    assert_string_equal(dbd_buf_text(&b), want);
    assert_int_equal(b.len, strlen(want));
    dbd_buf_free(&b);
}

/* The JSON of s[0..len) as a string. */
static void assert_string_json(const char *s, size_t len, const char *want)
{
    dbd_buf b;
    dbd_buf_init(&b);
    assert_int_equal(dbd_audit_json_string(&b, s, len), 0);
    assert_string_equal(dbd_buf_text(&b), want);
    assert_int_equal(b.len, strlen(want));
    dbd_buf_free(&b);
}

static void test_all_keys_in_order(void **state)
{
    dbd_audit_pair pairs[] = {{.name = "username", .value = dbd_string("alice", 5)}};
    dbd_audit_record r = full_record();
    (void)state;
    r.values = pairs;
    r.nvalues = 1;
    assert_body(&r, DBD_AUDIT_VALUES_FULL,
                "{\"ts\":\"2026-11-26T17:52:00.123456Z\",\"seq\":7,"
                "\"client\":\"proxy-1\",\"ds\":\"sq\",\"host\":0,"
                "\"op\":\"query\",\"table\":\"subscriber\","
                "\"cols\":[\"username\",\"domain\"],"
                "\"values\":[[\"username\",\"=\",\"alice\"]],\"status\":\"OK\","
                "\"rows\":1,\"latency_us\":123,\"id\":42");
}

static void test_absent_optional_keys(void **state)
{
    dbd_audit_record r = {
        .ts_us = 0, .seq = 0, .client = "c", .ds = NULL, .host = -1,
        .op = "ping", .table = NULL, .status = DBD_UNSUPPORTED, .rows = -1,
        .latency_us = 5, .id = UINT64_MAX,
    };
    (void)state;
    assert_body(&r, DBD_AUDIT_VALUES_NONE,
                "{\"ts\":\"1970-01-01T00:00:00.000000Z\",\"seq\":0,"
                "\"client\":\"c\",\"op\":\"ping\",\"cols\":[],"
                "\"status\":\"UNSUPPORTED\",\"latency_us\":5,"
                "\"id\":18446744073709551615");
    /* A policy that prints values always writes the key. */
    assert_body(&r, DBD_AUDIT_VALUES_MASKED,
                "{\"ts\":\"1970-01-01T00:00:00.000000Z\",\"seq\":0,"
                "\"client\":\"c\",\"op\":\"ping\",\"cols\":[],\"values\":[],"
                "\"status\":\"UNSUPPORTED\",\"latency_us\":5,"
                "\"id\":18446744073709551615");
}

static void test_host_and_rows_present(void **state)
{
    dbd_audit_record r = full_record();
    (void)state;
    r.host = 3;
    r.rows = 0; /* zero rows is a value, not absence */
    r.status = DBD_TIMEOUT;
    r.latency_us = -1; /* clock step: printed as it is */
    r.ts_us = -1;      /* before the epoch */
    assert_body(&r, DBD_AUDIT_VALUES_NONE,
                "{\"ts\":\"1969-12-31T23:59:59.999999Z\",\"seq\":7,"
                "\"client\":\"proxy-1\",\"ds\":\"sq\",\"host\":3,"
                "\"op\":\"query\",\"table\":\"subscriber\","
                "\"cols\":[\"username\",\"domain\"],\"status\":\"TIMEOUT\","
                "\"rows\":0,\"latency_us\":-1,\"id\":42");
}

/* Every value type, printed FULL and MASKED. */
static const unsigned char blob_bytes[] = {0x00, 0x01, 0x02, 0xff, 0xfe};

static void values_record(dbd_audit_record *r, dbd_audit_pair *pairs)
{
    *r = full_record();
    r->ncols = 0;
    r->cols = NULL;
    r->table = NULL;
    r->values = pairs;
    r->nvalues = 13;
}

#define VALUE_PAIRS                                                          \
    {                                                                        \
        {.name = "n", .value = dbd_null()}, {.name = "i", .value = dbd_int(INT64_MIN)}, {.name = "d", .value = dbd_double(0.1)},\
        {.name = "dn", .value = dbd_double(-2.5)}, {.name = "nan", .value = dbd_double(NAN)},                  \
        {.name = "inf", .value = dbd_double(INFINITY)}, {.name = "ninf", .value = dbd_double(-INFINITY)},      \
        {.name = "t", .value = dbd_bool(true)}, {.name = "f", .value = dbd_bool(false)},                       \
        {.name = "s", .value = dbd_string("x\"y", 3)},                                        \
        {.name = "b", .value = dbd_blob(blob_bytes, sizeof blob_bytes)},                      \
        {.name = "dt", .value = dbd_datetime(981173106000000LL)},                             \
        {.name = "dtf", .value = dbd_datetime(981173106000001LL)},                            \
    }

static void test_values_full(void **state)
{
    dbd_audit_pair pairs[] = VALUE_PAIRS;
    dbd_audit_record r;
    (void)state;
    values_record(&r, pairs);
    assert_body(&r, DBD_AUDIT_VALUES_FULL,
                "{\"ts\":\"2026-11-26T17:52:00.123456Z\",\"seq\":7,"
                "\"client\":\"proxy-1\",\"ds\":\"sq\",\"host\":0,"
                "\"op\":\"query\",\"cols\":[],\"values\":["
                "[\"n\",\"=\",null],[\"i\",\"=\",-9223372036854775808],"
                "[\"d\",\"=\",0.10000000000000001],[\"dn\",\"=\",-2.5],"
                "[\"nan\",\"=\",\"nan\"],[\"inf\",\"=\",\"inf\"],"
                "[\"ninf\",\"=\",\"-inf\"],[\"t\",\"=\",true],"
                "[\"f\",\"=\",false],[\"s\",\"=\",\"x\\\"y\"],"
                "[\"b\",\"=\",{\"b64\":\"AAEC//4=\"}],"
                "[\"dt\",\"=\",\"2001-02-03T04:05:06.000000Z\"],"
                "[\"dtf\",\"=\",\"2001-02-03T04:05:06.000001Z\"]],"
                "\"status\":\"OK\",\"rows\":1,\"latency_us\":123,\"id\":42");
}

static void test_values_masked(void **state)
{
    dbd_audit_pair pairs[] = VALUE_PAIRS;
    dbd_audit_record r;
    (void)state;
    values_record(&r, pairs);
    assert_body(&r, DBD_AUDIT_VALUES_MASKED,
                "{\"ts\":\"2026-11-26T17:52:00.123456Z\",\"seq\":7,"
                "\"client\":\"proxy-1\",\"ds\":\"sq\",\"host\":0,"
                "\"op\":\"query\",\"cols\":[],\"values\":["
                "[\"n\",\"=\",\"***\"],[\"i\",\"=\",\"***\"],"
                "[\"d\",\"=\",\"***\"],[\"dn\",\"=\",\"***\"],"
                "[\"nan\",\"=\",\"***\"],[\"inf\",\"=\",\"***\"],"
                "[\"ninf\",\"=\",\"***\"],[\"t\",\"=\",\"***\"],"
                "[\"f\",\"=\",\"***\"],[\"s\",\"=\",\"***\"],"
                "[\"b\",\"=\",\"***\"],[\"dt\",\"=\",\"***\"],"
                "[\"dtf\",\"=\",\"***\"]],"
                "\"status\":\"OK\",\"rows\":1,\"latency_us\":123,\"id\":42");
}

static void test_values_none(void **state)
{
    dbd_audit_pair pairs[] = VALUE_PAIRS;
    dbd_audit_record r;
    (void)state;
    values_record(&r, pairs);
    assert_body(&r, DBD_AUDIT_VALUES_NONE,
                "{\"ts\":\"2026-11-26T17:52:00.123456Z\",\"seq\":7,"
                "\"client\":\"proxy-1\",\"ds\":\"sq\",\"host\":0,"
                "\"op\":\"query\",\"cols\":[],"
                "\"status\":\"OK\",\"rows\":1,\"latency_us\":123,\"id\":42");
}

static void test_blob_padding(void **state)
{
    dbd_audit_pair pairs[] = {
        {.name = "e", .value = dbd_blob("", 0)}, {.name = "a", .value = dbd_blob("a", 1)},
        {.name = "ab", .value = dbd_blob("ab", 2)}, {.name = "abc", .value = dbd_blob("abc", 3)},
    };
    dbd_audit_record r = {.client = "c", .op = "insert", .host = -1,
                          .rows = -1, .values = pairs, .nvalues = 4};
    (void)state;
    assert_body(&r, DBD_AUDIT_VALUES_FULL,
                "{\"ts\":\"1970-01-01T00:00:00.000000Z\",\"seq\":0,"
                "\"client\":\"c\",\"op\":\"insert\",\"cols\":[],\"values\":["
                "[\"e\",\"=\",{\"b64\":\"\"}],[\"a\",\"=\",{\"b64\":\"YQ==\"}],"
                "[\"ab\",\"=\",{\"b64\":\"YWI=\"}],"
                "[\"abc\",\"=\",{\"b64\":\"YWJj\"}]],"
                "\"status\":\"OK\",\"latency_us\":0,\"id\":0");
}

/* Default secrets: password, ha1, ha1b, exact and case-sensitive. */
static void test_default_secrets(void **state)
{
    dbd_audit_pair pairs[] = {
        {.name = "password", .value = dbd_string("s3cret", 6)}, {.name = "ha1", .value = dbd_string("abc", 3)},
        {.name = "ha1b", .value = dbd_null()}, {.name = "Password", .value = dbd_string("shown", 5)},
        {.name = "ha1x", .value = dbd_int(1)}, {.name = "username", .value = dbd_string("bob", 3)},
    };
    dbd_audit_record r = {.client = "c", .op = "update", .host = -1,
                          .rows = -1, .values = pairs, .nvalues = 6};
    (void)state;
    assert_body(&r, DBD_AUDIT_VALUES_FULL,
                "{\"ts\":\"1970-01-01T00:00:00.000000Z\",\"seq\":0,"
                "\"client\":\"c\",\"op\":\"update\",\"cols\":[],\"values\":["
                "[\"password\",\"=\",\"***\"],[\"ha1\",\"=\",\"***\"],"
                "[\"ha1b\",\"=\",\"***\"],[\"Password\",\"=\",\"shown\"],"
                "[\"ha1x\",\"=\",1],[\"username\",\"=\",\"bob\"]],"
                "\"status\":\"OK\",\"latency_us\":0,\"id\":0");
    assert_body(&r, DBD_AUDIT_VALUES_MASKED,
                "{\"ts\":\"1970-01-01T00:00:00.000000Z\",\"seq\":0,"
                "\"client\":\"c\",\"op\":\"update\",\"cols\":[],\"values\":["
                "[\"password\",\"=\",\"***\"],[\"ha1\",\"=\",\"***\"],"
                "[\"ha1b\",\"=\",\"***\"],[\"Password\",\"=\",\"***\"],"
                "[\"ha1x\",\"=\",\"***\"],[\"username\",\"=\",\"***\"]],"
                "\"status\":\"OK\",\"latency_us\":0,\"id\":0");
}

static void test_own_secret_list(void **state)
{
    static const char *const mine[] = {"token"};
    dbd_audit_pair pairs[] = {
        {.name = "token", .value = dbd_string("t", 1)}, {.name = "password", .value = dbd_string("p", 1)},
    };
    dbd_audit_record r = {.client = "c", .op = "insert", .host = -1,
                          .rows = -1, .values = pairs, .nvalues = 2};
    dbd_buf b;
    (void)state;
    dbd_buf_init(&b);
    /* An own list replaces the default one. */
    assert_int_equal(
        dbd_audit_json_body(&r, DBD_AUDIT_VALUES_FULL, mine, 1, &b), 0);
    assert_string_equal(dbd_buf_text(&b),
                        "{\"ts\":\"1970-01-01T00:00:00.000000Z\",\"seq\":0,"
                        "\"client\":\"c\",\"op\":\"insert\",\"cols\":[],"
                        "\"values\":[[\"token\",\"=\",\"***\"],"
                        "[\"password\",\"=\",\"p\"]],"
                        "\"status\":\"OK\",\"latency_us\":0,\"id\":0");
    /* Appends after what is there. */
    dbd_buf_reset(&b);
    assert_int_equal(dbd_buf_append_str(&b, "X"), 0);
    assert_int_equal(
        dbd_audit_json_body(&r, DBD_AUDIT_VALUES_FULL, mine, 0, &b), 0);
    assert_string_equal(dbd_buf_text(&b),
                        "X{\"ts\":\"1970-01-01T00:00:00.000000Z\",\"seq\":0,"
                        "\"client\":\"c\",\"op\":\"insert\",\"cols\":[],"
                        "\"values\":[[\"token\",\"=\",\"t\"],"
                        "[\"password\",\"=\",\"p\"]],"
                        "\"status\":\"OK\",\"latency_us\":0,\"id\":0");
    dbd_buf_free(&b);
}

/* name, peer and detail; operators, "in" lists; the head/rest halves. */
static void test_claims_operators_lists(void **state)
{
    static const char *const cols[] = {"username", "expires", "ha1"};
    const dbd_value in_list[] = {dbd_string("a", 1), dbd_int(2)};
    dbd_audit_pair pairs[] = {
        {.name = "username", .value = dbd_string("bob", 3), .how = "in",
         .list = in_list, .nlist = 2},
        {.name = "expires", .value = dbd_int(5), .how = ">"},
        {.name = "ha1", .value = dbd_null(), .how = "in", .list = in_list,
         .nlist = 2},
        {.name = "contact", .value = dbd_string("sip:x", 5), .how = "set"},
    };
    dbd_audit_record r = {.client = "c", .name = "sipproxy w1",
                          .peer = "127.0.0.1", .op = "update", .host = -1,
                          .rows = 2, .cols = cols, .ncols = 3,
                          .values = pairs, .nvalues = 4,
                          .detail = "why \"so\""};
    dbd_buf b;
    (void)state;
    assert_body(&r, DBD_AUDIT_VALUES_FULL,
                "{\"ts\":\"1970-01-01T00:00:00.000000Z\",\"seq\":0,"
                "\"client\":\"c\",\"name\":\"sipproxy w1\","
                "\"peer\":\"127.0.0.1\",\"op\":\"update\","
                "\"cols\":[\"username\",\"expires\",\"ha1\"],\"values\":["
                "[\"username\",\"in\",[\"a\",2]],[\"expires\",\">\",5],"
                "[\"ha1\",\"in\",\"***\"],[\"contact\",\"set\",\"sip:x\"]],"
                "\"status\":\"OK\",\"rows\":2,\"latency_us\":0,\"id\":0,"
                "\"detail\":\"why \\\"so\\\"\"");
    /* head + rest is the body. */
    dbd_buf_init(&b);
    assert_int_equal(dbd_audit_json_head(981173106000000LL, 9, &b), 0);
    assert_string_equal(dbd_buf_text(&b),
                        "{\"ts\":\"2001-02-03T04:05:06.000000Z\",\"seq\":9");
    assert_int_equal(
        dbd_audit_json_rest(&r, DBD_AUDIT_VALUES_NONE, NULL, 0, &b), 0);
    assert_string_equal(dbd_buf_text(&b),
                        "{\"ts\":\"2001-02-03T04:05:06.000000Z\",\"seq\":9,"
                        "\"client\":\"c\",\"name\":\"sipproxy w1\","
                        "\"peer\":\"127.0.0.1\",\"op\":\"update\","
                        "\"cols\":[\"username\",\"expires\",\"ha1\"],"
                        "\"status\":\"OK\",\"rows\":2,\"latency_us\":0,"
                        "\"id\":0,\"detail\":\"why \\\"so\\\"\"");
    /* An "in" list must not be empty. */
    pairs[0].nlist = 0;
    assert_int_equal(
        dbd_audit_json_rest(&r, DBD_AUDIT_VALUES_FULL, NULL, 0, &b), -1);
    dbd_buf_free(&b);
}

static void test_escape_specials(void **state)
{
    (void)state;
    assert_string_json("", 0, "\"\"");
    assert_string_json("plain text", 10, "\"plain text\"");
    assert_string_json("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
    assert_string_json("l1\nl2\r\t\b\f", 9, "\"l1\\nl2\\r\\t\\b\\f\"");
    assert_string_json("\x01\x1f\x7f/", 4, "\"\\u0001\\u001f\x7f/\"");
    assert_string_json("a\0b", 3, "\"a\\u0000b\"");
}

static void test_escape_utf8(void **state)
{
    (void)state;
    /* Valid UTF-8 (2, 3 and 4 bytes, the edges) is kept as it is. */
    assert_string_json("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9,
                       "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
    assert_string_json("\xc2\x80\xed\x9f\xbf\xf4\x8f\xbf\xbf", 9,
                       "\"\xc2\x80\xed\x9f\xbf\xf4\x8f\xbf\xbf\"");
    /* Lone continuation byte, lone lead byte, byte 0xff. */
    assert_string_json("a\x80z", 3, "\"a\\u0080z\"");
    assert_string_json("\xc3z", 2, "\"\\u00c3z\"");
    assert_string_json("\xff\xfe", 2, "\"\\u00ff\\u00fe\"");
    /* Overlong "/" and overlong NUL. */
    assert_string_json("\xc0\xaf", 2, "\"\\u00c0\\u00af\"");
    assert_string_json("\xe0\x80\x80", 3, "\"\\u00e0\\u0080\\u0080\"");
    /* Surrogate U+D800 and a code point above U+10FFFF. */
    assert_string_json("\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"");
    assert_string_json("\xf4\x90\x80\x80", 4,
                       "\"\\u00f4\\u0090\\u0080\\u0080\"");
    /* Truncated at the end of the value. */
    assert_string_json("ok\xe2\x82", 4, "\"ok\\u00e2\\u0082\"");
    /* A bad byte does not swallow the valid sequence after it. */
    assert_string_json("\xe2\xc3\xa9", 3, "\"\\u00e2\xc3\xa9\"");
}

/* Names, client and table are escaped too: the line stays one line. */
static void test_escape_in_keys(void **state)
{
    static const char *const cols[] = {"a\"b"};
    dbd_audit_pair pairs[] = {{.name = "k\n", .value = dbd_string("v\x01", 2)}};
    dbd_audit_record r = {.client = "c\\d", .op = "query", .host = -1,
                          .table = "t\xff", .ds = "d\t", .rows = -1,
                          .cols = cols, .ncols = 1, .values = pairs,
                          .nvalues = 1};
    (void)state;
    assert_body(&r, DBD_AUDIT_VALUES_FULL,
                "{\"ts\":\"1970-01-01T00:00:00.000000Z\",\"seq\":0,"
                "\"client\":\"c\\\\d\",\"ds\":\"d\\t\",\"op\":\"query\","
                "\"table\":\"t\\u00ff\",\"cols\":[\"a\\\"b\"],"
                "\"values\":[[\"k\\n\",\"=\",\"v\\u0001\"]],"
                "\"status\":\"OK\",\"latency_us\":0,\"id\":0");
}

static void test_one_mib_value(void **state)
{
    const size_t n = 1024 * 1024;
    char *big = malloc(n);
    dbd_audit_pair pairs[1] = {{.name = "v"}};
    dbd_audit_record r = {.client = "c", .op = "insert", .host = -1,
                          .rows = -1, .values = pairs, .nvalues = 1};
    const char *head = "{\"ts\":\"1970-01-01T00:00:00.000000Z\",\"seq\":0,"
                       "\"client\":\"c\",\"op\":\"insert\",\"cols\":[],"
                       "\"values\":[[\"v\",\"=\",\"";
    const char *tail = "\"]],\"status\":\"OK\",\"latency_us\":0,\"id\":0";
    dbd_buf b;
    (void)state;
    assert_non_null(big);
    /* Every other byte a quote, so escaping grows the text by n / 2. */
    for (size_t i = 0; i < n; i++)
        big[i] = (i % 2) ? '"' : 'a';
    pairs[0].name = "v";
    pairs[0].value = dbd_string(big, n);
    body(&r, DBD_AUDIT_VALUES_FULL, &b);
    assert_int_equal(b.len, strlen(head) + n + n / 2 + strlen(tail));
    assert_memory_equal(b.data, head, strlen(head));
    assert_memory_equal(b.data + strlen(head), "a\\\"a\\\"", 6);
    assert_string_equal(b.data + b.len - strlen(tail), tail);
    dbd_buf_free(&b);

    /* Masked, the size of the value does not show. */
    body(&r, DBD_AUDIT_VALUES_MASKED, &b);
    assert_string_equal(dbd_buf_text(&b),
                        "{\"ts\":\"1970-01-01T00:00:00.000000Z\",\"seq\":0,"
                        "\"client\":\"c\",\"op\":\"insert\",\"cols\":[],"
                        "\"values\":[[\"v\",\"=\",\"***\"]],\"status\":\"OK\","
                        "\"latency_us\":0,\"id\":0");
    dbd_buf_free(&b);
    free(big);
}

static void test_bad_arguments(void **state)
{
    static const char *const null_col[] = {NULL};
    dbd_audit_record r = full_record();
    dbd_buf b;
    (void)state;
    dbd_buf_init(&b);
    assert_int_equal(dbd_buf_append_str(&b, "keep"), 0);
    assert_int_equal(
        dbd_audit_json_body(NULL, DBD_AUDIT_VALUES_NONE, NULL, 0, &b), -1);
    assert_int_equal(
        dbd_audit_json_body(&r, DBD_AUDIT_VALUES_NONE, NULL, 0, NULL), -1);
    assert_int_equal(dbd_audit_json_body(&r, (dbd_audit_values)9, NULL, 0, &b),
                     -1);
    r.client = NULL;
    assert_int_equal(
        dbd_audit_json_body(&r, DBD_AUDIT_VALUES_NONE, NULL, 0, &b), -1);
    r = full_record();
    r.op = NULL;
    assert_int_equal(
        dbd_audit_json_body(&r, DBD_AUDIT_VALUES_NONE, NULL, 0, &b), -1);
    r = full_record();
    r.cols = null_col;
    r.ncols = 1;
    assert_int_equal(
        dbd_audit_json_body(&r, DBD_AUDIT_VALUES_NONE, NULL, 0, &b), -1);
    r = full_record();
    r.nvalues = 1; /* values NULL */
    assert_int_equal(
        dbd_audit_json_body(&r, DBD_AUDIT_VALUES_FULL, NULL, 0, &b), -1);
    /* A bad value type fails late, after much was written: out is whole. */
    dbd_audit_pair bad[] = {{.name = "x", .value = {.type = DBD_TYPE_COUNT}}};
    r.values = bad;
    assert_int_equal(
        dbd_audit_json_body(&r, DBD_AUDIT_VALUES_FULL, NULL, 0, &b), -1);
    assert_string_equal(dbd_buf_text(&b), "keep");
    assert_int_equal(b.len, 4);
    assert_false(b.failed);
    /* Masked, the bad value is never looked at. */
    assert_int_equal(
        dbd_audit_json_body(&r, DBD_AUDIT_VALUES_MASKED, NULL, 0, &b), 0);
    dbd_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_keys_in_order),
        cmocka_unit_test(test_absent_optional_keys),
        cmocka_unit_test(test_host_and_rows_present),
        cmocka_unit_test(test_values_full),
        cmocka_unit_test(test_values_masked),
        cmocka_unit_test(test_values_none),
        cmocka_unit_test(test_blob_padding),
        cmocka_unit_test(test_default_secrets),
        cmocka_unit_test(test_own_secret_list),
        cmocka_unit_test(test_claims_operators_lists),
        cmocka_unit_test(test_escape_specials),
        cmocka_unit_test(test_escape_utf8),
        cmocka_unit_test(test_escape_in_keys),
        cmocka_unit_test(test_one_mib_value),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
