/* test_route.c - prefix routing: the dr_rules/dr_gateways queries, rule
 * and gateway choice, gwlist parsing and the number rewrite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "route.h"

#define DS "routes"

static dbd_value str(const char *s)
{
    return dbd_string(s, strlen(s));
}

static void check_string_value(const dbd_value *v, const char *want)
{
    assert_int_equal(v->type, DBD_TYPE_STRING);
    assert_int_equal(v->u.s.len, strlen(want));
    assert_memory_equal(v->u.s.ptr, want, strlen(want));
}

/* --- dr_rules --- */

static void test_query_rules(void **state)
{
    (void)state;
    static const char *const cols[] = {"ruleid", "groupid", "prefix",
                                       "priority", "gwlist"};
    char err[256];
    dbd_request *req = route_query_rules(DS, "dr_rules", "4930123", NULL);
    assert_non_null(req);
    assert_int_equal(dbd_request_validate(req, err, sizeof err), DBD_OK);
    assert_int_equal(req->op.kind, DBD_OP_QUERY);
    assert_string_equal(req->datasource, DS);
    assert_string_equal(req->op.table, "dr_rules");
    assert_int_equal(req->op.ncolumns, 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(req->op.columns[i], cols[i]);
    assert_int_equal(req->op.nwhere, 1);
    const dbd_cond *c = &req->op.where[0];
    assert_string_equal(c->column, "prefix");
    assert_int_equal(c->cmp, DBD_CMP_IN);
    static const char *const prefixes[] = {"", "4", "49", "493", "4930",
                                           "49301", "493012", "4930123"};
    assert_int_equal(c->nlist, 8);
    for (size_t i = 0; i < 8; i++)
        check_string_value(&c->list[i], prefixes[i]);
    dbd_request_destroy(&req);

    /* groupid filter */
    req = route_query_rules(DS, "dr_rules", "1", "7");
    assert_non_null(req);
    assert_int_equal(req->op.nwhere, 2);
    assert_int_equal(req->op.where[0].nlist, 2);
    assert_string_equal(req->op.where[1].column, "groupid");
    assert_int_equal(req->op.where[1].cmp, DBD_CMP_EQ);
    check_string_value(&req->op.where[1].value, "7");
    dbd_request_destroy(&req);

    /* An empty number asks for the default rule only; a long one stops at
     * the longest prefix the column can hold. */
    req = route_query_rules(DS, "dr_rules", "", NULL);
    assert_non_null(req);
    assert_int_equal(req->op.where[0].nlist, 1);
    check_string_value(&req->op.where[0].list[0], "");
    dbd_request_destroy(&req);
    char longnum[101];
    memset(longnum, '5', 100);
    longnum[100] = '\0';
    req = route_query_rules(DS, "dr_rules", longnum, NULL);
    assert_non_null(req);
    assert_int_equal(req->op.where[0].nlist, ROUTE_PREFIX_MAX + 1);
    assert_int_equal(req->op.where[0].list[ROUTE_PREFIX_MAX].u.s.len,
                     ROUTE_PREFIX_MAX);
    dbd_request_destroy(&req);

    assert_null(route_query_rules(DS, "dr_rules", NULL, NULL));
    assert_null(route_query_rules(NULL, "dr_rules", "1", NULL));
}

typedef struct rule_row {
    int64_t ruleid;
    const char *prefix;
    int64_t priority;
    const char *gwlist;
} rule_row;

static dbd_result *rules_result(const rule_row *rows, size_t n)
{
    const char *names[] = {"ruleid", "groupid", "prefix", "priority", "gwlist"};
    const dbd_type types[] = {DBD_TYPE_INT, DBD_TYPE_STRING, DBD_TYPE_STRING,
                              DBD_TYPE_INT, DBD_TYPE_STRING};
    dbd_result *r = dbd_result_new();
    assert_non_null(r);
    assert_int_equal(dbd_result_set_columns(r, 5, names, types), 0);
    for (size_t i = 0; i < n; i++) {
        dbd_value v[5] = {dbd_int(rows[i].ruleid), str("1"),
                          str(rows[i].prefix), dbd_int(rows[i].priority),
                          str(rows[i].gwlist)};
        assert_int_equal(dbd_result_add_row(r, v), 0);
    }
    return r;
}

static const rule_row rules[] = {
    {5, "4930", 10, "5"},  /* ties with 4 on prefix and priority */
    {1, "", 0, "9"},       /* default route */
    {2, "49", 0, "1,2"},
    {3, "4930", 5, "3"},
    {4, "4930", 10, "4"},
    {6, "44", 100, "6"},   /* never a prefix of the numbers below */
    {7, "493", 20, "7"},   /* higher priority, but shorter */
};
#define NRULES (sizeof rules / sizeof rules[0])

/* The rule picked for number from the first n rules; -1 when none. */
static int64_t picked(const rule_row *rows, size_t n, const char *number,
                      char *err, size_t errlen)
{
    dbd_result *r = rules_result(rows, n);
    route_rule rule;
    int64_t id = -1;
    if (route_pick_rule(r, number, &rule, err, errlen) == 0) {
        id = rule.ruleid;
        /* The whole rule comes with it. */
        const rule_row *row = NULL;
        for (size_t i = 0; i < n; i++)
            if (rows[i].ruleid == id)
                row = &rows[i];
        assert_non_null(row);
        assert_string_equal(rule.prefix, row->prefix);
        assert_int_equal(rule.priority, row->priority);
        assert_string_equal(rule.gwlist, row->gwlist);
        assert_string_equal(rule.groupid, "1");
        route_rule_free(&rule);
        assert_null(rule.gwlist);
    } else {
        assert_null(rule.prefix);
        assert_null(rule.gwlist);
    }
    dbd_result_destroy(&r);
    return id;
}

static void test_pick_rule(void **state)
{
    (void)state;
    char err[256];
    /* Longest prefix, then highest priority, then lowest ruleid. */
    assert_int_equal(picked(rules, NRULES, "493012345", err, sizeof err), 4);
    assert_int_equal(picked(rules, NRULES, "4930", err, sizeof err), 4);
    assert_int_equal(picked(rules, NRULES, "4931", err, sizeof err), 7);
    assert_int_equal(picked(rules, NRULES, "4940", err, sizeof err), 2);
    /* The empty prefix is the default route. */
    assert_int_equal(picked(rules, NRULES, "1234", err, sizeof err), 1);
    assert_int_equal(picked(rules, NRULES, "", err, sizeof err), 1);
    /* Without rule 4 and 5, the lower-priority 4930 rule still beats 493. */
    const rule_row some[] = {rules[3], rules[6], rules[2]};
    assert_int_equal(picked(some, 3, "49301", err, sizeof err), 3);
    /* Equal priority: the lowest ruleid, whatever the row order. */
    const rule_row tie[] = {rules[0], rules[4]};
    assert_int_equal(picked(tie, 2, "49301", err, sizeof err), 4);
    const rule_row tie2[] = {rules[4], rules[0]};
    assert_int_equal(picked(tie2, 2, "49301", err, sizeof err), 4);
    /* No default and no match. */
    assert_int_equal(picked(rules + 2, NRULES - 2, "1234", err, sizeof err), -1);
    assert_string_equal(err, "no dr_rules prefix matches 1234");
    assert_int_equal(picked(rules, 0, "1234", err, sizeof err), -1);
    assert_string_equal(err, "no dr_rules prefix matches 1234");
}

static void test_pick_rule_bad(void **state)
{
    (void)state;
    char err[256];
    route_rule rule;
    const char *names[] = {"ruleid", "prefix", "priority", "gwlist"};
    const dbd_type types[] = {DBD_TYPE_INT, DBD_TYPE_STRING, DBD_TYPE_INT,
                              DBD_TYPE_STRING};
    dbd_result *r = dbd_result_new();
    assert_non_null(r);
    assert_int_equal(dbd_result_set_columns(r, 4, names, types), 0);
    dbd_value v[4] = {str("x1"), str("49"), dbd_int(0), str("1")};
    assert_int_equal(dbd_result_add_row(r, v), 0);
    assert_int_equal(route_pick_rule(r, "4930", &rule, err, sizeof err), -2);
    assert_string_equal(err, "dr_rules.ruleid row 0 is not an integer");
    dbd_result_destroy(&r);

    /* A NULL gwlist on the winner; no groupid column (it is optional). */
    r = dbd_result_new();
    assert_non_null(r);
    assert_int_equal(dbd_result_set_columns(r, 4, names, types), 0);
    dbd_value w[4] = {dbd_int(1), str("49"), dbd_null(), dbd_null()};
    assert_int_equal(dbd_result_add_row(r, w), 0);
    assert_int_equal(route_pick_rule(r, "4930", &rule, err, sizeof err), -2);
    assert_string_equal(err, "dr_rules.gwlist row 0 is NULL");
    dbd_result_destroy(&r);

    /* A row whose prefix is not text. */
    r = dbd_result_new();
    assert_non_null(r);
    assert_int_equal(dbd_result_set_columns(r, 4, names, types), 0);
    dbd_value x[4] = {dbd_int(1), dbd_int(49), dbd_null(), str("1")};
    assert_int_equal(dbd_result_add_row(r, x), 0);
    assert_int_equal(route_pick_rule(r, "4930", &rule, err, sizeof err), -2);
    assert_string_equal(err, "dr_rules.prefix row 0 is not text");
    dbd_result_destroy(&r);

    /* Missing column, failed query. */
    r = dbd_result_new();
    assert_non_null(r);
    assert_int_equal(dbd_result_set_columns(r, 2, names, types), 0);
    assert_int_equal(route_pick_rule(r, "4930", &rule, err, sizeof err), -2);
    assert_string_equal(err, "dr_rules result has no column priority");
    assert_int_equal(dbd_result_set_status(r, DBD_TIMEOUT, "too late"), 0);
    assert_int_equal(route_pick_rule(r, "4930", &rule, err, sizeof err), -2);
    assert_string_equal(err, "dr_rules query failed: too late");
    dbd_result_destroy(&r);
    assert_int_equal(route_pick_rule(NULL, "4930", &rule, err, sizeof err), -2);
    assert_string_equal(err, "no dr_rules result");
}

/* --- gwlist --- */

static void check_gwlist(const char *gwlist, int want_rc, const int64_t *want,
                         size_t nwant, const char *want_err)
{
    int64_t ids[ROUTE_GWLIST_MAX];
    size_t n = 99;
    char err[256] = "junk";
    assert_int_equal(route_gwlist_parse(gwlist, ids, &n, err, sizeof err),
                     want_rc);
    assert_string_equal(err, want_err);
    if (want_rc < 0)
        return;
    assert_int_equal(n, nwant);
    for (size_t i = 0; i < nwant; i++)
        assert_int_equal(ids[i], want[i]);
}

static void test_gwlist(void **state)
{
    (void)state;
    check_gwlist("1,2,3", 0, (const int64_t[]){1, 2, 3}, 3, "");
    check_gwlist("42", 0, (const int64_t[]){42}, 1, "");
    check_gwlist(" 4 ,\t5 ", 0, (const int64_t[]){4, 5}, 2, "");
    check_gwlist("3,1,3", 0, (const int64_t[]){3, 1, 3}, 3, "");
    check_gwlist("", 0, NULL, 0, "");
    check_gwlist("  ", 0, NULL, 0, "");
    check_gwlist("1,#carrier1, 2", 0, (const int64_t[]){1, 2}, 2,
                 "gwlist '1,#carrier1, 2': carrier ids (#...) are not "
                 "supported, skipped");
    check_gwlist("#c", 0, NULL, 0,
                 "gwlist '#c': carrier ids (#...) are not supported, skipped");
    check_gwlist("1,,2", -1, NULL, 0, "gwlist '1,,2' has an empty entry");
    check_gwlist("1,", -1, NULL, 0, "gwlist '1,' has an empty entry");
    check_gwlist(",1", -1, NULL, 0, "gwlist ',1' has an empty entry");
    check_gwlist("1, ,2", -1, NULL, 0, "gwlist '1, ,2' has an empty entry");
    check_gwlist("1,x", -1, NULL, 0,
                 "gwlist '1,x': gateway id 'x' is not a number");
    check_gwlist("1 2", -1, NULL, 0,
                 "gwlist '1 2': gateway id '1 2' is not a number");
    check_gwlist("-1", -1, NULL, 0,
                 "gwlist '-1': gateway id '-1' is not a number");
    check_gwlist("1;2", -1, NULL, 0,
                 "gwlist '1;2': gateway id '1;2' is not a number");
    check_gwlist("99999999999999999999", -1, NULL, 0,
                 "gwlist '99999999999999999999': gateway id "
                 "'99999999999999999999' is not a number");
    check_gwlist("9223372036854775807", 0, (const int64_t[]){INT64_MAX}, 1, "");
    check_gwlist(NULL, -1, NULL, 0, "no gwlist");

    /* At most ROUTE_GWLIST_MAX ids. */
    char many[2 * ROUTE_GWLIST_MAX + 3];
    size_t k = 0;
    for (size_t i = 0; i <= ROUTE_GWLIST_MAX; i++) {
        many[k++] = '1';
        many[k++] = ',';
    }
    many[k - 1] = '\0';
    int64_t ids[ROUTE_GWLIST_MAX];
    size_t n;
    char err[512];
    assert_int_equal(route_gwlist_parse(many, ids, &n, err, sizeof err), -1);
    many[k - 3] = '\0'; /* drop the last entry */
    assert_int_equal(route_gwlist_parse(many, ids, &n, err, sizeof err), 0);
    assert_int_equal(n, ROUTE_GWLIST_MAX);
}

/* --- dr_gateways --- */

static void test_query_gateways(void **state)
{
    (void)state;
    char err[256];
    route_rule rule = {.ruleid = 4, .gwlist = (char *)"3, 1,2"};
    dbd_request *req = route_query_gateways(DS, "dr_gateways", &rule);
    assert_non_null(req);
    assert_int_equal(dbd_request_validate(req, err, sizeof err), DBD_OK);
    assert_string_equal(req->op.table, "dr_gateways");
    assert_int_equal(req->op.ncolumns, 4);
    assert_string_equal(req->op.columns[0], "gwid");
    assert_string_equal(req->op.columns[1], "address");
    assert_string_equal(req->op.columns[2], "strip");
    assert_string_equal(req->op.columns[3], "pri_prefix");
    assert_int_equal(req->op.nwhere, 1);
    const dbd_cond *c = &req->op.where[0];
    assert_string_equal(c->column, "gwid");
    assert_int_equal(c->cmp, DBD_CMP_IN);
    assert_int_equal(c->nlist, 3);
    const int64_t want[] = {3, 1, 2};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(c->list[i].type, DBD_TYPE_INT);
        assert_int_equal(c->list[i].u.i, want[i]);
    }
    dbd_request_destroy(&req);

    rule.gwlist = (char *)"1,x";
    assert_null(route_query_gateways(DS, "dr_gateways", &rule));
    rule.gwlist = (char *)"#carrier";
    assert_null(route_query_gateways(DS, "dr_gateways", &rule));
    rule.gwlist = (char *)"";
    assert_null(route_query_gateways(DS, "dr_gateways", &rule));
    rule.gwlist = NULL;
    assert_null(route_query_gateways(DS, "dr_gateways", &rule));
}

static dbd_result *gateways_result(void)
{
    const char *names[] = {"gwid", "address", "strip", "pri_prefix", "type"};
    const dbd_type types[] = {DBD_TYPE_INT, DBD_TYPE_STRING, DBD_TYPE_INT,
                              DBD_TYPE_STRING, DBD_TYPE_INT};
    dbd_result *r = dbd_result_new();
    assert_non_null(r);
    assert_int_equal(dbd_result_set_columns(r, 5, names, types), 0);
    const dbd_value rows[][5] = {
        {dbd_int(1), str("192.0.2.1:5060"), dbd_int(2), str("00"), dbd_int(0)},
        {dbd_int(2), str("gw2.example.net"), dbd_int(0), dbd_null(), dbd_int(0)},
        {dbd_int(3), str("192.0.2.3"), dbd_null(), str("+"), dbd_int(0)},
    };
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(dbd_result_add_row(r, rows[i]), 0);
    return r;
}

static void test_pick_gateway(void **state)
{
    (void)state;
    char err[256];
    route_gateway gw;
    dbd_result *r = gateways_result();
    route_rule rule = {.ruleid = 4, .gwlist = (char *)"7, 2,1"};

    /* Gateway 7 does not exist: the next one in list order. */
    assert_int_equal(route_pick_gateway(r, &rule, &gw, err, sizeof err), 0);
    assert_string_equal(err, "");
    assert_int_equal(gw.gwid, 2);
    assert_string_equal(gw.address, "gw2.example.net");
    assert_int_equal(gw.strip, 0);
    assert_null(gw.pri_prefix);
    route_gateway_free(&gw);
    assert_null(gw.address);

    rule.gwlist = (char *)"1,2";
    assert_int_equal(route_pick_gateway(r, &rule, &gw, err, sizeof err), 0);
    assert_int_equal(gw.gwid, 1);
    assert_string_equal(gw.address, "192.0.2.1:5060");
    assert_int_equal(gw.strip, 2);
    assert_string_equal(gw.pri_prefix, "00");
    route_gateway_free(&gw);

    /* NULL strip is 0; a skipped carrier id leaves a warning. */
    rule.gwlist = (char *)"#c1,3";
    assert_int_equal(route_pick_gateway(r, &rule, &gw, err, sizeof err), 0);
    assert_string_equal(err, "gwlist '#c1,3': carrier ids (#...) are not "
                             "supported, skipped");
    assert_int_equal(gw.gwid, 3);
    assert_int_equal(gw.strip, 0);
    assert_string_equal(gw.pri_prefix, "+");
    route_gateway_free(&gw);

    rule.gwlist = (char *)"7,8";
    assert_int_equal(route_pick_gateway(r, &rule, &gw, err, sizeof err), -1);
    assert_string_equal(err, "no gateway of gwlist '7,8' exists");
    assert_null(gw.address);
    rule.gwlist = (char *)"7,,8";
    assert_int_equal(route_pick_gateway(r, &rule, &gw, err, sizeof err), -2);
    assert_string_equal(err, "gwlist '7,,8' has an empty entry");
    rule.gwlist = (char *)"#only";
    assert_int_equal(route_pick_gateway(r, &rule, &gw, err, sizeof err), -1);
    assert_string_equal(err, "dr_rules rule 4 names no gateway");
    dbd_result_destroy(&r);

    /* Bad rows. */
    const char *names[] = {"gwid", "address", "strip", "pri_prefix"};
    const dbd_type types[] = {DBD_TYPE_INT, DBD_TYPE_STRING, DBD_TYPE_INT,
                              DBD_TYPE_STRING};
    r = dbd_result_new();
    assert_non_null(r);
    assert_int_equal(dbd_result_set_columns(r, 4, names, types), 0);
    dbd_value v[4] = {dbd_int(1), dbd_null(), dbd_int(0), dbd_null()};
    assert_int_equal(dbd_result_add_row(r, v), 0);
    dbd_value w[4] = {dbd_int(2), str("gw"), dbd_int(-1), dbd_null()};
    assert_int_equal(dbd_result_add_row(r, w), 0);
    rule.gwlist = (char *)"1";
    assert_int_equal(route_pick_gateway(r, &rule, &gw, err, sizeof err), -2);
    assert_string_equal(err, "dr_gateways.address row 0 is NULL");
    rule.gwlist = (char *)"2";
    assert_int_equal(route_pick_gateway(r, &rule, &gw, err, sizeof err), -2);
    assert_string_equal(err, "dr_gateways.strip row 1 is negative");
    assert_null(gw.address);
    dbd_value x[4] = {str("three"), str("gw"), dbd_int(0), dbd_null()};
    assert_int_equal(dbd_result_add_row(r, x), 0);
    assert_int_equal(route_pick_gateway(r, &rule, &gw, err, sizeof err), -2);
    assert_string_equal(err, "dr_gateways.gwid row 2 is not an integer");
    dbd_result_destroy(&r);

    r = dbd_result_new();
    assert_non_null(r);
    assert_int_equal(dbd_result_set_columns(r, 3, names, types), 0);
    assert_int_equal(route_pick_gateway(r, &rule, &gw, err, sizeof err), -2);
    assert_string_equal(err, "dr_gateways result has no column pri_prefix");
    dbd_result_destroy(&r);
}

/* --- rewrite --- */

static void test_rewrite(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(route_rewrite("493012345", 2, "00", out, sizeof out), 0);
    assert_string_equal(out, "003012345");
    assert_int_equal(route_rewrite("493012345", 0, NULL, out, sizeof out), 0);
    assert_string_equal(out, "493012345");
    assert_int_equal(route_rewrite("493012345", 3, NULL, out, sizeof out), 0);
    assert_string_equal(out, "012345");
    assert_int_equal(route_rewrite("493012345", 0, "", out, sizeof out), 0);
    assert_string_equal(out, "493012345");
    /* Strip the whole number; strip longer than the number. */
    assert_int_equal(route_rewrite("4930", 4, "+1", out, sizeof out), 0);
    assert_string_equal(out, "+1");
    assert_int_equal(route_rewrite("4930", 5, "+1", out, sizeof out), -1);
    assert_string_equal(out, "");
    assert_int_equal(route_rewrite("4930", -1, NULL, out, sizeof out), -1);
    /* The output must fit with its NUL: 9 chars need 10 bytes. */
    assert_int_equal(route_rewrite("493012345", 2, "00", out, 10), 0);
    assert_string_equal(out, "003012345");
    assert_int_equal(route_rewrite("493012345", 2, "00", out, 9), -1);
    assert_string_equal(out, "");
    assert_int_equal(route_rewrite("1", 0, "0123456789abcdef", out, sizeof out),
                     -1);
    assert_int_equal(route_rewrite("1", 0, NULL, out, 0), -1);
    assert_int_equal(route_rewrite(NULL, 0, NULL, out, sizeof out), -1);

    /* Freeing zeroed and NULL structs is fine. */
    route_rule rule = {0};
    route_gateway gw = {0};
    route_rule_free(&rule);
    route_rule_free(NULL);
    route_gateway_free(&gw);
    route_gateway_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_rules),
        cmocka_unit_test(test_pick_rule),
        cmocka_unit_test(test_pick_rule_bad),
        cmocka_unit_test(test_gwlist),
        cmocka_unit_test(test_query_gateways),
        cmocka_unit_test(test_pick_gateway),
        cmocka_unit_test(test_rewrite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
