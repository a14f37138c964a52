/*
 * test_dbctl_audit_line.c - dbctl's reading of audit records for "audit
 * --follow": the fields taken from a JSON line, the lines refused, the
 * filters and the readable form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "audit_line.h"

static const char full[] =
    "{\"ts\":\"2026-11-26T17:52:00.123456Z\",\"seq\":7,"
    "\"client\":\"ipc:///run/dbd/dbd.sock#0080000001\",\"name\":\"sipproxy w1\","
    "\"peer\":\"127.0.0.1\",\"ds\":\"sq\",\"host\":0,\"op\":\"query\","
    "\"table\":\"subscriber\",\"cols\":[\"username\"],"
    "\"values\":{\"username\":\"alice\",\"n\":[1,{\"x\":null}],\"t\":true},"
    "\"status\":\"OK\",\"rows\":1,\"latency_us\":1234,\"id\":42,"
    "\"prev\":\"00\",\"hash\":\"ff\"}";

static void parse(const char *text, audit_line *l)
{
    char err[128] = "";
    int rc = audit_line_parse(text, strlen(text), l, err, sizeof err);

    if (rc != 0)
        fail_msg("parse failed: %s", err);
}

/* The parse error of text, or "" when it parsed. */
static const char *refused(const char *text, size_t len, char *err,
                           size_t errlen)
{
    audit_line l;

    err[0] = '\0';
    if (audit_line_parse(text, len, &l, err, errlen) == 0) {
        audit_line_free(&l);
        return "";
    }
    assert_null(l.store);
    return err;
}

static void test_fields(void **state)
{
    audit_line l;

    (void)state;
    parse(full, &l);
    assert_string_equal(l.ts, "2026-11-26T17:52:00.123456Z");
    assert_string_equal(l.seq, "7");
    assert_string_equal(l.client, "ipc:///run/dbd/dbd.sock#0080000001");
    assert_string_equal(l.name, "sipproxy w1");
    assert_string_equal(l.peer, "127.0.0.1");
    assert_string_equal(l.ds, "sq");
    assert_string_equal(l.host, "0");
    assert_string_equal(l.op, "query");
    assert_string_equal(l.table, "subscriber");
    assert_string_equal(l.status, "OK");
    assert_string_equal(l.rows, "1");
    assert_string_equal(l.latency_us, "1234");
    assert_string_equal(l.id, "42");
    assert_null(l.detail);
    audit_line_free(&l);
    assert_null(l.store);
    audit_line_free(NULL);
}

static void test_escapes(void **state)
{
    audit_line l;

    (void)state;
    parse(" {\"client\":\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83d\\ude00\","
          "\"detail\":\"\",\"rows\":-1.5e+3} \n", &l);
    assert_string_equal(l.client, "a\"b\\c/d\n\t\xc3\xa9\xf0\x9f\x98\x80");
    assert_string_equal(l.detail, "");
    assert_string_equal(l.rows, "-1.5e+3");
    assert_null(l.ts);
    audit_line_free(&l);
    parse("{}", &l);
    assert_null(l.client);
    audit_line_free(&l);
}

static void test_refused(void **state)
{
    static const struct {
        const char *text, *why;
    } bad[] = {
        {"", "not a JSON object"},
        {"[1]", "not a JSON object"},
        {"{\"seq\":7} x", "text after the object"},
        {"{\"seq\":7}{}", "text after the object"},
        {"{\"seq\":7", "unterminated object"},
        {"{\"seq\":7,}", "object key is not a string"},
        {"{\"seq\" 7}", "no ':' after key \"seq\""},
        {"{\"seq\":7 \"id\":1}", "no ',' between members"},
        {"{\"seq\":\"7\"}", "\"seq\" is not a number"},
        {"{\"client\":7}", "\"client\" is not a string"},
        {"{\"op\":\"a\",\"op\":\"b\"}", "key \"op\" appears twice"},
        {"{\"op\":\"a\\x\"}", "bad escape \\x in a string"},
        {"{\"op\":\"a\\u00g0\"}", "bad hex digit in a \\u escape"},
        {"{\"op\":\"a\\ud800\"}", "lone high surrogate in a \\u escape"},
        {"{\"op\":\"a\\udc00\"}", "lone low surrogate in a \\u escape"},
        {"{\"op\":\"a\\u12", "cut-short \\u escape"},
        {"{\"op\":\"a\tb\"}", "control character in a string"},
        {"{\"op\":\"ab", "unterminated string"},
        {"{\"rows\":01}", "no ',' between members"},
        {"{\"rows\":1.}", "bad number"},
        {"{\"rows\":-}", "bad number"},
        {"{\"x\":tru}", "unexpected character 't'"},
        {"{\"x\":[1,]}", "bad number"},
        {"{\"x\":{\"a\" 1}}", "no ':' after an object key"},
        {"{\"x\":[1 2]}", "no ',' between elements"},
        {"{\"x\":[1,2}", "no ',' between elements"},
        {"{\"x\":", "value missing"},
    };
    char err[128], deep[200];

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_string_equal(refused(bad[i].text, strlen(bad[i].text), err,
                                    sizeof err), bad[i].why);
    /* A NUL inside the line is a control character, not the end. */
    assert_string_equal(refused("{\"op\":\"a\0b\"}", 12, err, sizeof err),
                        "control character in a string");
    /* Only the given length is read. */
    assert_string_equal(refused("{\"op\":\"a\"}garbage", 10, err, sizeof err),
                        "");
    /* 31 nested arrays are skipped, 32 are refused. */
    strcpy(deep, "{\"x\":");
    for (int i = 0; i < 31; i++)
        strcat(deep, "[");
    for (int i = 0; i < 31; i++)
        strcat(deep, "]");
    strcat(deep, "}");
    assert_string_equal(refused(deep, strlen(deep), err, sizeof err), "");
    strcpy(deep, "{\"x\":");
    for (int i = 0; i < 32; i++)
        strcat(deep, "[");
    assert_string_equal(refused(deep, strlen(deep), err, sizeof err),
                        "nested deeper than 32");
}

static void test_filter(void **state)
{
    audit_line l;
    audit_filter f = {0};

    (void)state;
    parse(full, &l);
    assert_true(audit_filter_match(&f, &l));
    f.client = "w1"; /* in the name */
    assert_true(audit_filter_match(&f, &l));
    f.client = "dbd.sock"; /* in the client */
    assert_true(audit_filter_match(&f, &l));
    f.client = "w2";
    assert_false(audit_filter_match(&f, &l));
    f.client = NULL;
    f.status = "ok";
    assert_true(audit_filter_match(&f, &l));
    f.status = "NOTFOUND";
    assert_false(audit_filter_match(&f, &l));
    f.status = NULL;
    f.table = "subscriber";
    assert_true(audit_filter_match(&f, &l));
    f.table = "subscribe";
    assert_false(audit_filter_match(&f, &l));
    f.table = NULL;
    f.datasource = "sq";
    assert_true(audit_filter_match(&f, &l));
    f.datasource = "s";
    assert_false(audit_filter_match(&f, &l));
    audit_line_free(&l);

    /* Absent fields match no filter on them. */
    parse("{\"client\":\"dbd\",\"op\":\"start\",\"status\":\"OK\"}", &l);
    f = (audit_filter){.table = "t"};
    assert_false(audit_filter_match(&f, &l));
    f = (audit_filter){.datasource = "sq"};
    assert_false(audit_filter_match(&f, &l));
    f = (audit_filter){.client = "db"};
    assert_true(audit_filter_match(&f, &l));
    audit_line_free(&l);
}

static void test_format(void **state)
{
    strbuf b = {0};
    audit_line l;

    (void)state;
    parse(full, &l);
    assert_int_equal(audit_line_format(&b, &l), 0);
    assert_string_equal(b.data,
                        "2026-11-26T17:52:00.123456Z  7  "
                        "ipc:///run/dbd/dbd.sock#0080000001 (sipproxy w1)  "
                        "sq#0  query subscriber  OK  rows=1  1.234ms  id=42");
    audit_line_free(&l);
    b.len = 0;
    parse("{\"ts\":\"T\",\"seq\":1,\"client\":\"dbd\",\"op\":\"dropped\","
          "\"status\":\"OK\",\"rows\":3,\"latency_us\":0,\"id\":0,"
          "\"detail\":\"a\\nb\\u007f\"}", &l);
    assert_int_equal(audit_line_format(&b, &l), 0);
    assert_string_equal(b.data, "T  1  dbd  -  dropped -  OK  rows=3  "
                                "0.000ms  id=0  detail=a\\x0Ab\\x7F");
    audit_line_free(&l);
    b.len = 0;
    parse("{\"latency_us\":1.5}", &l);
    assert_int_equal(audit_line_format(&b, &l), 0);
    assert_string_equal(b.data, "-  -  -  -  - -  -  rows=-  1.5us  id=-");
    audit_line_free(&l);
    sb_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
