/*
 * test_odbc.c - the odbc connector through its descriptor, against the
 * real drivers and servers that tests/lib/odbc.sh sets up: every URL in
 * DBD_TEST_ODBC_URLS (space separated, with ODBCSYSINI and ODBCINI
 * naming the fixture's ini files) gets the same group of tests on a table
 * of its own: every operation and operator, type round trips, error
 * mapping, native and emulated replace, transactions, raw statements, the
 * statement cache and, on server backends, reconnecting after the server
 * dropped the session.  Without DBD_TEST_ODBC_URLS it prints a TAP skip.
 */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "url.h"
#include "odbc/odbc_int.h"
/* last: it defines C and N, names library headers use for parameters */
#include "connector_fixture.h"

#define TABLE "t_odbc"

static odbc_dbms_kind kind_of(const fx *f)
{
    return ((const odbc_conn *)f->conn)->dbms.kind;
}

/* ---- requests ---- */

static int64_t insert_kv(fx *f, const char *k, const char *col, dbd_value v)
{
    dbd_request *r = req(DBD_OP_INSERT, TABLE);
    add_value(r, "k", str(k));
    if (col != NULL)
        add_value(r, col, v);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    return f->info.last_id;
}

static int64_t insert_kgi(fx *f, const char *k, int64_t grp, int64_t i)
{
    dbd_request *r = req(DBD_OP_INSERT, TABLE);
    add_value(r, "k", str(k));
    add_value(r, "grp", dbd_int(grp));
    add_value(r, "i", dbd_int(i));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    return f->info.last_id;
}

/* k of the rows matching one condition, in k order. */
static const char *keys_where(fx *f, const char *col, dbd_cmp cmp,
                              dbd_value v, char *buf, size_t len)
{
    return keys_matching(f, TABLE, "k", col, cmp, &v, 1, buf, len);
}

/* The one value of column col of the row with key k. */
static const dbd_value *value_of(fx *f, const char *k, const char *col)
{
    dbd_request *r = req(DBD_OP_QUERY, TABLE);
    add_column(r, col);
    add_where(r, "k", DBD_CMP_EQ, str(k));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    if (dbd_result_nrows(f->res) != 1)
        fail_msg("%s: %zu rows for k=%s", f->url, dbd_result_nrows(f->res),
                 k);
    return dbd_result_value(f->res, 0, 0);
}

static void expect_cell_of(fx *f, const char *k, const char *col,
                           dbd_value want)
{
    const dbd_value *got = value_of(f, k, col);
    assert_non_null(got);
    if (dbd_value_equal(got, &want))
        return;
    if (got->type == DBD_TYPE_DOUBLE && want.type == DBD_TYPE_DOUBLE)
        fail_msg("%s: %s of %s: got %a, want %a", f->url, col, k, got->u.d,
                 want.u.d);
    if (got->type == DBD_TYPE_INT && want.type == DBD_TYPE_INT)
        fail_msg("%s: %s of %s: got %lld, want %lld", f->url, col, k,
                 (long long)got->u.i, (long long)want.u.i);
    if (got->type == DBD_TYPE_DATETIME && want.type == DBD_TYPE_DATETIME)
        fail_msg("%s: %s of %s: got %lld, want %lld", f->url, col, k,
                 (long long)got->u.usec, (long long)want.u.usec);
    if (got->type == want.type && (got->type == DBD_TYPE_STRING ||
                                   got->type == DBD_TYPE_BLOB))
        fail_msg("%s: %s of %s: got %zu bytes, want %zu", f->url, col, k,
                 got->u.s.len, want.u.s.len);
    fail_msg("%s: %s of %s: got type %s, want %s", f->url, col, k,
             dbd_type_name(got->type), dbd_type_name(want.type));
}

/* ---- fixtures ---- */

static const char *create_sql(odbc_dbms_kind kind)
{
    switch (kind) {
    case ODBC_DBMS_POSTGRESQL:
        return "CREATE TABLE " TABLE " (id BIGSERIAL PRIMARY KEY, "
               "k VARCHAR(64) NOT NULL UNIQUE, grp BIGINT, i BIGINT, "
               "d DOUBLE PRECISION, s TEXT, b BYTEA, "
               "dt TIMESTAMP(6) WITHOUT TIME ZONE, f BOOLEAN)";
    case ODBC_DBMS_MYSQL:
        return "CREATE TABLE " TABLE " (id BIGINT AUTO_INCREMENT PRIMARY "
               "KEY, k VARCHAR(64) NOT NULL UNIQUE, grp BIGINT, i BIGINT, "
               "d DOUBLE, s LONGTEXT, b LONGBLOB, dt DATETIME(6), f BIT(1)) "
               "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
    default:
        return "CREATE TABLE " TABLE " (id INTEGER PRIMARY KEY "
               "AUTOINCREMENT, k VARCHAR(64) NOT NULL UNIQUE, grp BIGINT, "
               "i BIGINT, d DOUBLE, s TEXT, b BLOB, dt TIMESTAMP, "
               "f BOOLEAN)";
    }
}

static int group_setup(void **state)
{
    fx *f = *state;
    char err[512] = "";
    if (open_url(f->url, NULL, 0, &f->conn, err, sizeof err) != DBD_OK) {
        print_error("open %s: %s\n", f->url, err);
        return -1;
    }
    run_raw(f, "DROP TABLE IF EXISTS " TABLE, NULL, 0);
    if (run_raw(f, create_sql(kind_of(f)), NULL, 0) != DBD_OK) {
        print_error("create on %s: %s\n", f->url, f->info.msg);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    fx *f = *state;
    if (f->conn != NULL) {
        run_raw(f, "DROP TABLE IF EXISTS " TABLE, NULL, 0);
        C->close(f->conn);
        f->conn = NULL;
    }
    dbd_result_destroy(&f->res);
    return 0;
}

/* Each test starts from an empty table on a working connection. */
static int test_setup(void **state)
{
    fx *f = *state;
    char err[512] = "";
    if (f->conn == NULL &&
        open_url(f->url, NULL, 0, &f->conn, err, sizeof err) != DBD_OK) {
        print_error("reopen %s: %s\n", f->url, err);
        return -1;
    }
    f->stop_after = 0;
    if (run_raw(f, "DELETE FROM " TABLE, NULL, 0) != DBD_OK) {
        print_error("empty %s: %s\n", f->url, f->info.msg);
        return -1;
    }
    return 0;
}

/* ---- options (no server needed) ---- */

static void expect_connstr(const char *url, const dbd_option *opts,
                           size_t n, const char *want)
{
    char err[256] = "";
    dbd_url *u = dbd_url_parse(url, err, sizeof err);
    odbc_opts o;
    dbd_option all[8];
    size_t nall = 0;
    assert_non_null(u);
    /* as the daemon does: configured options, then the URL's */
    for (size_t i = 0; i < n && nall < N(all); i++)
        all[nall++] = opts[i];
    for (size_t i = 0; i < u->nparams && nall < N(all); i++)
        all[nall++] = u->params[i];
    dbd_status st = odbc_opts_parse(&o, u, all, nall, err, sizeof err);
    if (st != DBD_OK)
        fail_msg("%s: %s", url, err);
    if (strcmp(dbd_buf_text(&o.connstr), want) != 0)
        fail_msg("%s: got \"%s\", want \"%s\"", url,
                 dbd_buf_text(&o.connstr), want);
    odbc_opts_free(&o);
    dbd_url_destroy(&u);
}

static void expect_bad_opts(const char *url, const dbd_option *opts,
                            size_t n, const char *needle)
{
    char err[256] = "";
    dbd_url *u = dbd_url_parse(url, err, sizeof err);
    odbc_opts o;
    assert_non_null(u);
    assert_int_equal(odbc_opts_parse(&o, u, opts, n, err, sizeof err),
                     DBD_CONFIG);
    if (strstr(err, needle) == NULL)
        fail_msg("%s: message \"%s\" lacks \"%s\"", url, err, needle);
    if (strstr(err, "s3cret") != NULL)
        fail_msg("message shows the password: %s", err);
    odbc_opts_free(&o);
    dbd_url_destroy(&u);
}

static void test_connection_strings(void **state)
{
    (void)state;
    expect_connstr("odbc://pg", NULL, 0, "DSN=pg;");
    expect_connstr("odbc://bob:s3cret@pg", NULL, 0,
                   "DSN=pg;UID=bob;PWD=s3cret;");
    const dbd_option creds[] = {{"option.user", "al"},
                                {"option.password", "p;w}d"}};
    expect_connstr("odbc://My%20DSN", creds, N(creds),
                   "DSN=My DSN;UID=al;PWD={p;w}}d};");
    /* driver attributes pass through, braced when they need it */
    expect_connstr("odbc://?driver=SQLite3&database=/tmp/x.db", NULL, 0,
                   "driver=SQLite3;database=/tmp/x.db;");
    const dbd_option attrs[] = {{"option.UseDeclareFetch", "1"},
                                {"stmt_cache", "5"},
                                {"Servername", "a=b; c"}};
    expect_connstr("odbc://pg", attrs, N(attrs),
                   "DSN=pg;UseDeclareFetch=1;Servername={a=b; c};");
}

static void test_bad_options(void **state)
{
    (void)state;
    expect_bad_opts("odbc://", NULL, 0, "names no data source");
    const dbd_option inject[] = {{"a;b", "1"}};
    expect_bad_opts("odbc://pg", inject, 1, "\"a;b\"");
    const dbd_option pwd[] = {{"PWD", "s3cret"}};
    expect_bad_opts("odbc://pg", pwd, 1, "give it as dsn, user or password");
    static const dbd_option bad[][1] = {
        {{"stmt_cache", "0"}},      {{"stmt_cache", "many"}},
        {{"login_timeout", "-1"}},  {{"query_timeout", "x"}},
        {{"upsert", "sometimes"}},  {{"limit", "top"}},
    };
    for (size_t i = 0; i < N(bad); i++)
        expect_bad_opts("odbc://pg", bad[i], 1, bad[i][0].key);
}

static void test_status_map(void **state)
{
    (void)state;
    static const struct {
        odbc_dbms_kind kind;
        const char *state;
        long native;
        const char *text;
        dbd_status want;
    } cases[] = {
        {ODBC_DBMS_POSTGRESQL, "23505", 1, "", DBD_CONSTRAINT},
        {ODBC_DBMS_POSTGRESQL, "23502", 1, "", DBD_CONSTRAINT},
        {ODBC_DBMS_POSTGRESQL, "42P01", 1, "", DBD_NOTFOUND},
        {ODBC_DBMS_POSTGRESQL, "42703", 1, "", DBD_NOTFOUND},
        {ODBC_DBMS_POSTGRESQL, "42601", 1, "", DBD_BAD},
        {ODBC_DBMS_POSTGRESQL, "42501", 1, "", DBD_DENY},
        {ODBC_DBMS_POSTGRESQL, "40P01", 1, "", DBD_BUSY},
        {ODBC_DBMS_POSTGRESQL, "57014", 1, "", DBD_TIMEOUT},
        {ODBC_DBMS_POSTGRESQL, "57P01", 1, "", DBD_UNAVAILABLE},
        {ODBC_DBMS_OTHER, "08S01", 0, "", DBD_UNAVAILABLE},
        {ODBC_DBMS_OTHER, "42S02", 0, "", DBD_NOTFOUND},
        {ODBC_DBMS_OTHER, "42S22", 0, "", DBD_NOTFOUND},
        {ODBC_DBMS_OTHER, "40001", 0, "", DBD_BUSY},
        {ODBC_DBMS_OTHER, "HYT00", 0, "", DBD_TIMEOUT},
        {ODBC_DBMS_OTHER, "28000", 0, "", DBD_DENY},
        {ODBC_DBMS_OTHER, "IM002", 0, "", DBD_CONFIG},
        {ODBC_DBMS_OTHER, "HY000", 0, "", DBD_INTERNAL},
        {ODBC_DBMS_SQLITE, "HY000", 19, "UNIQUE constraint failed",
         DBD_CONSTRAINT},
        {ODBC_DBMS_SQLITE, "HY000", 1, "no such table: x", DBD_NOTFOUND},
        {ODBC_DBMS_SQLITE, "HY000", 1, "no such column: y", DBD_NOTFOUND},
        {ODBC_DBMS_SQLITE, "HY000", 1, "table t has no column named y",
         DBD_NOTFOUND},
        {ODBC_DBMS_SQLITE, "HY000", 1, "near \"x\": syntax error", DBD_BAD},
        {ODBC_DBMS_SQLITE, "HY000", 5, "database is locked", DBD_BUSY},
        {ODBC_DBMS_MYSQL, "HY000", 1205, "", DBD_BUSY},
        {ODBC_DBMS_MYSQL, "40001", 1213, "", DBD_BUSY},
        {ODBC_DBMS_MYSQL, "HY000", 1364, "", DBD_CONSTRAINT},
        {ODBC_DBMS_MYSQL, "HY000", 2013, "", DBD_UNAVAILABLE},
        {ODBC_DBMS_MYSQL, "42000", 1142, "", DBD_DENY},
        {ODBC_DBMS_MYSQL, "42000", 1064, "", DBD_BAD},
        {ODBC_DBMS_MYSQL, "23000", 1062, "", DBD_CONSTRAINT},
    };
    for (size_t i = 0; i < N(cases); i++) {
        dbd_status got = odbc_status_of(cases[i].kind, cases[i].state,
                                        cases[i].native, cases[i].text);
        if (got != cases[i].want)
            fail_msg("%s/%ld: got %s, want %s", cases[i].state,
                     cases[i].native, dbd_status_name(got),
                     dbd_status_name(cases[i].want));
    }
}

static void test_time_struct(void **state)
{
    (void)state;
    static const int64_t usecs[] = {
        0, 1, -1, -2147483648000000LL - 1, 7258118400123456LL,
        253402300799999999LL, /* 9999-12-31 23:59:59.999999 */
        -62135596800000000LL, /* 0001-01-01 */
    };
    for (size_t i = 0; i < N(usecs); i++) {
        SQL_TIMESTAMP_STRUCT ts;
        int64_t back = 0;
        assert_true(odbc_time_to_struct(usecs[i], &ts));
        assert_true(odbc_time_from_struct(&ts, &back));
        assert_int_equal(back, usecs[i]);
    }
    SQL_TIMESTAMP_STRUCT ts;
    assert_true(odbc_time_to_struct(-1, &ts));
    assert_int_equal(ts.year, 1969);
    assert_int_equal(ts.second, 59);
    assert_int_equal(ts.fraction, 999999000u);
    assert_false(odbc_time_to_struct(253402300800000000LL, &ts));
    assert_false(odbc_time_to_struct(-62135596800000001LL, &ts));
}

/* ---- operations ---- */

static void test_open_ping(void **state)
{
    fx *f = *state;
    dbd_exec_info info;
    odbc_conn *c = f->conn;
    assert_true(c->dbms.name[0] != '\0');
    assert_int_equal(C->ping(f->conn, &info), DBD_OK);
    assert_int_equal(C->ping(f->conn, NULL), DBD_OK);
    /* a DSN that does not exist is the configuration's fault */
    char err[512] = "";
    void *conn = (void *)1;
    assert_int_equal(open_url("odbc://no_such_dsn_here", NULL, 0, &conn, err,
                              sizeof err),
                     DBD_CONFIG);
    assert_null(conn);
    assert_non_null(strstr(err, "IM002"));
}

static void test_insert_query(void **state)
{
    fx *f = *state;
    char buf[256];
    int64_t id1 = insert_kgi(f, "a", 1, 10);
    int64_t id2 = insert_kgi(f, "b", 1, 20);
    int64_t id3 = insert_kgi(f, "c", 2, 30);
    assert_true(id1 > 0);
    assert_true(id2 > id1);
    assert_true(id3 > id2);

    /* the ids last_id reported are the ones stored */
    expect_cell_of(f, "a", "id", dbd_int(id1));
    expect_cell_of(f, "c", "id", dbd_int(id3));
    /* an insert that gives the id itself reports that id or none */
    dbd_request *r = req(DBD_OP_INSERT, TABLE);
    add_value(r, "k", str("x"));
    add_value(r, "grp", dbd_int(0));
    add_value(r, "id", dbd_int(id3 + 100));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    if (f->info.last_id != 0 && f->info.last_id != id3 + 100)
        fail_msg("%s: explicit id: last_id %lld", f->url,
                 (long long)f->info.last_id);

    /* every column, in table order, with their types */
    r = req(DBD_OP_QUERY, TABLE);
    add_where(r, "k", DBD_CMP_EQ, str("b"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    assert_int_equal(dbd_result_ncols(f->res), 9);
    static const char *const names[] = {"id", "k", "grp", "i", "d",
                                        "s",  "b", "dt",  "f"};
    static const dbd_type types[] = {
        DBD_TYPE_INT,    DBD_TYPE_STRING, DBD_TYPE_INT,
        DBD_TYPE_INT,    DBD_TYPE_DOUBLE, DBD_TYPE_STRING,
        DBD_TYPE_BLOB,   DBD_TYPE_DATETIME, DBD_TYPE_BOOL};
    for (size_t i = 0; i < N(names); i++) {
        assert_string_equal(dbd_result_col_name(f->res, i), names[i]);
        if (dbd_result_col_type(f->res, i) != types[i])
            fail_msg("%s: column %s has type %s, want %s", f->url, names[i],
                     dbd_type_name(dbd_result_col_type(f->res, i)),
                     dbd_type_name(types[i]));
    }

    /* order by two keys, limit and offset */
    r = req(DBD_OP_QUERY, TABLE);
    add_column(r, "k");
    add_order(r, "grp", true);
    add_order(r, "k", false);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_string_equal(column_list(f, 0, buf, sizeof buf), "c,a,b,x");
    r = req(DBD_OP_QUERY, TABLE);
    add_column(r, "k");
    add_order(r, "k", true);
    dbd_op_set_limit(&r->op, 2, 1);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_string_equal(column_list(f, 0, buf, sizeof buf), "c,b");
    r = req(DBD_OP_QUERY, TABLE);
    add_column(r, "k");
    add_order(r, "k", false);
    dbd_op_set_limit(&r->op, -1, 3);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_string_equal(column_list(f, 0, buf, sizeof buf), "x");
    r = req(DBD_OP_QUERY, TABLE);
    add_column(r, "k");
    dbd_op_set_limit(&r->op, 0, 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 0);
    assert_int_equal(dbd_result_ncols(f->res), 1);
}

static void test_update_delete(void **state)
{
    fx *f = *state;
    char buf[256];
    insert_kgi(f, "a", 1, 10);
    insert_kgi(f, "b", 1, 20);
    insert_kgi(f, "c", 2, 30);

    dbd_request *r = req(DBD_OP_UPDATE, TABLE);
    add_value(r, "i", dbd_int(99));
    add_where(r, "grp", DBD_CMP_EQ, dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 2);
    assert_string_equal(keys_where(f, "i", DBD_CMP_EQ, dbd_int(99), buf,
                                   sizeof buf),
                        "a,b");
    /* matching nothing is no error */
    r = req(DBD_OP_UPDATE, TABLE);
    add_value(r, "i", dbd_int(1));
    add_where(r, "k", DBD_CMP_EQ, str("nobody"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 0);

    r = req(DBD_OP_DELETE, TABLE);
    dbd_value list[] = {str("a"), str("c"), str("zz")};
    assert_int_equal(dbd_op_add_where_in(r, &r->op, "k", list, N(list)), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 2);
    r = req(DBD_OP_DELETE, TABLE);
    add_where(r, "k", DBD_CMP_EQ, str("nobody"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 0);
    r = req(DBD_OP_DELETE, TABLE);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
}

static void test_operators(void **state)
{
    fx *f = *state;
    char buf[256];
    insert_kgi(f, "a", 1, -5);
    insert_kgi(f, "b", 2, 0);
    insert_kgi(f, "c", 6, 5);
    insert_kv(f, "n", NULL, dbd_null());

    assert_string_equal(keys_where(f, "i", DBD_CMP_EQ, dbd_int(0), buf,
                                   sizeof buf), "b");
    assert_string_equal(keys_where(f, "i", DBD_CMP_NE, dbd_int(0), buf,
                                   sizeof buf), "a,c");
    assert_string_equal(keys_where(f, "i", DBD_CMP_LT, dbd_int(0), buf,
                                   sizeof buf), "a");
    assert_string_equal(keys_where(f, "i", DBD_CMP_GT, dbd_int(0), buf,
                                   sizeof buf), "c");
    assert_string_equal(keys_where(f, "i", DBD_CMP_LE, dbd_int(0), buf,
                                   sizeof buf), "a,b");
    assert_string_equal(keys_where(f, "i", DBD_CMP_GE, dbd_int(0), buf,
                                   sizeof buf), "b,c");
    assert_string_equal(keys_where(f, "grp", DBD_CMP_BITAND, dbd_int(2), buf,
                                   sizeof buf), "b,c");
    assert_string_equal(keys_where(f, "i", DBD_CMP_ISNULL, dbd_null(), buf,
                                   sizeof buf), "n");
    assert_string_equal(keys_where(f, "i", DBD_CMP_NOTNULL, dbd_null(), buf,
                                   sizeof buf), "a,b,c");
    /* = NULL matches nothing, as in SQL */
    assert_string_equal(keys_where(f, "i", DBD_CMP_EQ, dbd_null(), buf,
                                   sizeof buf), "");
    dbd_request *r = req(DBD_OP_QUERY, TABLE);
    add_column(r, "k");
    dbd_value list[] = {dbd_int(5), dbd_int(-5), dbd_int(7)};
    assert_int_equal(dbd_op_add_where_in(r, &r->op, "i", list, N(list)), 0);
    add_where(r, "grp", DBD_CMP_LT, dbd_int(6));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_string_equal(column_list(f, 0, buf, sizeof buf), "a");
    /* values are data, never text: quotes and wildcards match literally */
    static const char *const tricky[] = {"o'hara", "say \"hi\"", "back\\slash",
                                         "semi;colon", "100%", "star*",
                                         "(paren)", "x' OR '1'='1"};
    for (size_t i = 0; i < N(tricky); i++)
        insert_kv(f, tricky[i], "s", str(tricky[i]));
    for (size_t i = 0; i < N(tricky); i++) {
        keys_where(f, "s", DBD_CMP_EQ, str(tricky[i]), buf, sizeof buf);
        assert_string_equal(buf, tricky[i]);
    }
}

static void test_types(void **state)
{
    fx *f = *state;
    odbc_dbms_kind kind = kind_of(f);

    /* integers */
    insert_kv(f, "imin", "i", dbd_int(INT64_MIN));
    insert_kv(f, "imax", "i", dbd_int(INT64_MAX));
    expect_cell_of(f, "imin", "i", dbd_int(INT64_MIN));
    expect_cell_of(f, "imax", "i", dbd_int(INT64_MAX));
    /* doubles, exactly */
    static const double doubles[] = {1e308, 5e-324, -DBL_MAX, DBL_MAX, 0.1,
                                     -2.5,  1.0 / 3.0, 0.1 + 0.2};
    for (size_t i = 0; i < N(doubles); i++) {
        char k[16];
        snprintf(k, sizeof k, "d%zu", i);
        insert_kv(f, k, "d", dbd_double(doubles[i]));
        expect_cell_of(f, k, "d", dbd_double(doubles[i]));
    }
    insert_kv(f, "negzero", "d", dbd_double(-0.0));
    /* SQLite stores an integral REAL as an integer; MariaDB drops the
     * sign too */
    expect_cell_of(f, "negzero", "d",
                   dbd_double(kind == ODBC_DBMS_POSTGRESQL ? -0.0 : 0.0));
    /* strings: empty, 4-byte UTF-8, 128 KiB */
    insert_kv(f, "empty", "s", STRV(""));
    expect_cell_of(f, "empty", "s", STRV(""));
    insert_kv(f, "utf8", "s", STRV("gr\xc3\xbc\xc3\x9f \xf0\x9f\x98\x80 \xe2\x82\xac"));
    expect_cell_of(f, "utf8", "s",
                   STRV("gr\xc3\xbc\xc3\x9f \xf0\x9f\x98\x80 \xe2\x82\xac"));
    size_t big = 128 * 1024 + 7;
    char *text = malloc(big);
    assert_non_null(text);
    for (size_t i = 0; i < big; i++)
        text[i] = (char)('a' + i % 26);
    memcpy(text + 1000, "\xf0\x9f\x98\x80", 4);
    insert_kv(f, "big", "s", dbd_string(text, big));
    expect_cell_of(f, "big", "s", dbd_string(text, big));
    free(text);
    /* blobs with NUL bytes, empty and 64 KiB */
    insert_kv(f, "bempty", "b", dbd_blob("", 0));
    expect_cell_of(f, "bempty", "b", dbd_blob("", 0));
    size_t nb = 64 * 1024 + 3;
    unsigned char *blob = malloc(nb);
    assert_non_null(blob);
    for (size_t i = 0; i < nb; i++)
        blob[i] = (unsigned char)(i * 7);
    insert_kv(f, "blob", "b", dbd_blob(blob, nb));
    expect_cell_of(f, "blob", "b", dbd_blob(blob, nb));
    free(blob);
    /* datetimes with microseconds, before 1970 and after 2038 */
    static const int64_t dts[] = {-2147483648123456LL, 0, 1234567LL,
                                  7258118400999999LL, 2147483648500000LL};
    for (size_t i = 0; i < N(dts); i++) {
        char k[16];
        snprintf(k, sizeof k, "dt%zu", i);
        insert_kv(f, k, "dt", dbd_datetime(dts[i]));
        expect_cell_of(f, k, "dt", dbd_datetime(dts[i]));
    }
    /* nulls of every type */
    insert_kv(f, "nulls", NULL, dbd_null());
    static const char *const cols[] = {"grp", "i", "d", "s", "b", "dt"};
    for (size_t i = 0; i < N(cols); i++)
        expect_cell_of(f, "nulls", cols[i], dbd_null());
    /* bools where the column is one */
    if (kind != ODBC_DBMS_MYSQL) {
        insert_kv(f, "yes", "f", dbd_bool(true));
        insert_kv(f, "no", "f", dbd_bool(false));
        expect_cell_of(f, "yes", "f", dbd_bool(true));
        expect_cell_of(f, "no", "f", dbd_bool(false));
    }
    /* a datetime ODBC cannot carry is refused, not mangled */
    dbd_request *r = req(DBD_OP_INSERT, TABLE);
    add_value(r, "k", str("far"));
    add_value(r, "dt", dbd_datetime(253402300800000000LL));
    dbd_status st = run_req(f, &r);
    if (kind == ODBC_DBMS_SQLITE)
        EXPECT_ST(f, st, DBD_OK); /* bound as text there */
    else
        EXPECT_ST(f, st, DBD_BAD);
}

static void test_replace(void **state)
{
    fx *f = *state;
    void *emulated = NULL;
    char err[512] = "";
    const dbd_option opts[] = {{"option.upsert", "emulate"}};

    /* MySQL counts the rows an UPDATE changed, not those it matched,
     * unless asked (OPTION=2, FOUND_ROWS): the emulation needs matched */
    const dbd_option mysql_opts[] = {{"option.upsert", "emulate"},
                                     {"OPTION", "2"}};
    bool mysql = kind_of(f) == ODBC_DBMS_MYSQL;
    EXPECT_ST(f, open_url(f->url, mysql ? mysql_opts : opts,
                          mysql ? N(mysql_opts) : N(opts), &emulated, err,
                          sizeof err),
              DBD_OK);
    void *conns[] = {f->conn, emulated};
    for (size_t c = 0; c < N(conns); c++) {
        const char *k = c == 0 ? "native" : "emulated";
        for (int round = 0; round < 2; round++) {
            dbd_request *r = req(DBD_OP_REPLACE, TABLE);
            add_value(r, "k", str(k));
            add_value(r, "i", dbd_int(round));
            add_value(r, "s", str(round == 0 ? "first" : "second"));
            assert_int_equal(dbd_op_add_key(r, &r->op, "k"), 0);
            EXPECT_ST(f, run_req_on(f, conns[c], &r), DBD_OK);
            assert_int_equal(f->info.affected, 1);
            expect_cell_of(f, k, "i", dbd_int(round));
        }
        expect_cell_of(f, k, "s", str("second"));
        /* all columns keys: kept as it is */
        dbd_request *r = req(DBD_OP_REPLACE, TABLE);
        add_value(r, "k", str(k));
        assert_int_equal(dbd_op_add_key(r, &r->op, "k"), 0);
        EXPECT_ST(f, run_req_on(f, conns[c], &r), DBD_OK);
        expect_cell_of(f, k, "i", dbd_int(1));
    }
    /* the emulation inside an open transaction uses it */
    EXPECT_ST(f, C->begin(emulated, &f->info), DBD_OK);
    dbd_request *r = req(DBD_OP_REPLACE, TABLE);
    add_value(r, "k", str("in-txn"));
    add_value(r, "i", dbd_int(7));
    assert_int_equal(dbd_op_add_key(r, &r->op, "k"), 0);
    EXPECT_ST(f, run_req_on(f, emulated, &r), DBD_OK);
    EXPECT_ST(f, C->rollback(emulated, &f->info), DBD_OK);
    r = req(DBD_OP_QUERY, TABLE);
    add_where(r, "k", DBD_CMP_EQ, str("in-txn"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 0);
    C->close(emulated);
}

static void test_errors(void **state)
{
    fx *f = *state;
    insert_kv(f, "dup", NULL, dbd_null());
    dbd_request *r = req(DBD_OP_INSERT, TABLE);
    add_value(r, "k", str("dup"));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    /* NOT NULL */
    r = req(DBD_OP_INSERT, TABLE);
    add_value(r, "i", dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    /* an update onto another row's key */
    insert_kv(f, "other", NULL, dbd_null());
    r = req(DBD_OP_UPDATE, TABLE);
    add_value(r, "k", str("dup"));
    add_where(r, "k", DBD_CMP_EQ, str("other"));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    /* missing table and column */
    r = dbd_request_new(DBD_OP_QUERY, "test", "no_such_table");
    assert_non_null(r);
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
    r = req(DBD_OP_QUERY, TABLE);
    add_column(r, "no_such_column");
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
    r = req(DBD_OP_INSERT, TABLE);
    add_value(r, "k", str("nc"));
    add_value(r, "no_such_column", dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
    /* the connection works on after all of that */
    EXPECT_ST(f, C->ping(f->conn, &f->info), DBD_OK);
    expect_cell_of(f, "dup", "k", str("dup"));
}

static void test_raw(void **state)
{
    fx *f = *state;
    insert_kgi(f, "a", 1, 10);
    insert_kgi(f, "b", 2, 20);
    dbd_value p[] = {dbd_int(15)};
    EXPECT_ST(f, run_raw(f, "SELECT k, i FROM " TABLE " WHERE i > ?", p, 1),
              DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    const char *s = NULL;
    size_t len = 0;
    assert_int_equal(dbd_result_get_string(f->res, 0, 0, &s, &len), 0);
    assert_string_equal(s, "b");
    /* writes report what they changed */
    dbd_value q[] = {dbd_int(3), str("a")};
    EXPECT_ST(f, run_raw(f, "UPDATE " TABLE " SET grp = ? WHERE k = ?", q, 2),
              DBD_OK);
    assert_int_equal(f->info.affected, 1);
    /* parameter count, syntax, emptiness */
    EXPECT_ST(f, run_raw(f, "SELECT k FROM " TABLE " WHERE i > ?", NULL, 0),
              DBD_BAD);
    EXPECT_ST(f, run_raw(f, "SELEKT 1", NULL, 0), DBD_BAD);
    EXPECT_ST(f, run_raw(f, "  ", NULL, 0), DBD_BAD);
    EXPECT_ST(f, run_raw(f, "SELECT * FROM no_such_table", NULL, 0),
              DBD_NOTFOUND);
    /* an aggregate is typed from what the driver reports */
    EXPECT_ST(f, run_raw(f, "SELECT COUNT(*) FROM " TABLE, NULL, 0), DBD_OK);
    int64_t n = 0;
    assert_int_equal(dbd_result_get_int64(f->res, 0, 0, &n), 0);
    assert_int_equal(n, 2);
}

static void test_transactions(void **state)
{
    fx *f = *state;
    char buf[128];
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_BAD);
    insert_kgi(f, "gone", 1, 1);
    EXPECT_ST(f, C->rollback(f->conn, &f->info), DBD_OK);
    EXPECT_ST(f, C->rollback(f->conn, &f->info), DBD_OK);
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    insert_kgi(f, "kept1", 1, 1);
    insert_kgi(f, "kept2", 1, 2);
    EXPECT_ST(f, C->commit(f->conn, &f->info), DBD_OK);
    EXPECT_ST(f, C->commit(f->conn, &f->info), DBD_BAD);
    assert_string_equal(keys_where(f, "grp", DBD_CMP_EQ, dbd_int(1), buf,
                                   sizeof buf), "kept1,kept2");
    /* after an error inside, a rollback leaves nothing behind */
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    insert_kgi(f, "half", 2, 1);
    dbd_request *r = req(DBD_OP_INSERT, TABLE);
    add_value(r, "k", str("kept1"));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    EXPECT_ST(f, C->rollback(f->conn, &f->info), DBD_OK);
    assert_string_equal(keys_where(f, "grp", DBD_CMP_EQ, dbd_int(2), buf,
                                   sizeof buf), "");
    /* autocommit is back: a second connection sees a plain insert */
    insert_kgi(f, "auto", 3, 1);
    void *other = NULL;
    char err[512];
    EXPECT_ST(f, open_url(f->url, NULL, 0, &other, err, sizeof err), DBD_OK);
    r = req(DBD_OP_QUERY, TABLE);
    add_where(r, "grp", DBD_CMP_EQ, dbd_int(3));
    EXPECT_ST(f, run_req_on(f, other, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    C->close(other);
}

static void test_cache(void **state)
{
    fx *f = *state;
    odbc_conn *c = f->conn;
    uint64_t hits0, misses0, hits1, misses1;
    insert_kgi(f, "a", 1, 1);
    dbd_stmt_cache_stats(c->cache, &hits0, &misses0);
    for (int i = 0; i < 5; i++) {
        /* a shape no other test uses */
        dbd_request *r = req(DBD_OP_QUERY, TABLE);
        add_column(r, "grp");
        add_column(r, "i");
        add_where(r, "k", DBD_CMP_EQ, str(i % 2 ? "a" : "zz"));
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
        assert_int_equal(dbd_result_nrows(f->res), i % 2);
    }
    dbd_stmt_cache_stats(c->cache, &hits1, &misses1);
    assert_int_equal(misses1 - misses0, 1);
    assert_int_equal(hits1 - hits0, 4);
    /* a small cache evicts and still answers right */
    void *small = NULL;
    char err[512];
    const dbd_option opts[] = {{"option.stmt_cache", "1"}};
    EXPECT_ST(f, open_url(f->url, opts, N(opts), &small, err, sizeof err),
              DBD_OK);
    for (int i = 0; i < 4; i++) {
        dbd_request *r = req(DBD_OP_INSERT, TABLE);
        char k[16];
        snprintf(k, sizeof k, "s%d", i);
        add_value(r, "k", str(k));
        if (i % 2)
            add_value(r, "i", dbd_int(i));
        EXPECT_ST(f, run_req_on(f, small, &r), DBD_OK);
        assert_true(f->info.last_id > 0);
        assert_int_equal(dbd_stmt_cache_count(((odbc_conn *)small)->cache), 1);
    }
    C->close(small);
}

static void test_stream(void **state)
{
    fx *f = *state;
    enum { ROWS = 2000 };
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    for (int i = 0; i < ROWS; i++) {
        char k[16];
        snprintf(k, sizeof k, "r%05d", i);
        insert_kgi(f, k, i % 7, i);
    }
    EXPECT_ST(f, C->commit(f->conn, &f->info), DBD_OK);
    dbd_request *r = req(DBD_OP_QUERY, TABLE);
    add_order(r, "i", false);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), ROWS);
    int64_t last = 0;
    assert_int_equal(dbd_result_get_int64(f->res, ROWS - 1, 3, &last), 0);
    assert_int_equal(last, ROWS - 1);
    /* a receiver that stops: INTERNAL, and the connection goes on */
    f->stop_after = 10;
    r = req(DBD_OP_QUERY, TABLE);
    EXPECT_ST(f, run_req(f, &r), DBD_INTERNAL);
    assert_int_equal(f->rows_seen, 10);
    f->stop_after = 0;
    /* the same statement again, from the start */
    r = req(DBD_OP_QUERY, TABLE);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), ROWS);
    r = req(DBD_OP_QUERY, TABLE);
    add_column(r, "k");
    add_where(r, "i", DBD_CMP_EQ, dbd_int(1234));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);
}

/* The server drops the session (killed from a second connection): the
 * next call says UNAVAILABLE, and a new connection works. */
static void test_reconnect(void **state)
{
    fx *f = *state;
    odbc_dbms_kind kind = kind_of(f);
    const char *who, *kill;
    if (kind == ODBC_DBMS_POSTGRESQL) {
        who = "SELECT pg_backend_pid()";
        kill = "SELECT pg_terminate_backend(";
    } else if (kind == ODBC_DBMS_MYSQL) {
        who = "SELECT CONNECTION_ID()";
        kill = "KILL CONNECTION (";
    } else {
        return; /* no server that could drop the session */
    }
    EXPECT_ST(f, run_raw(f, who, NULL, 0), DBD_OK);
    int64_t id = 0;
    assert_int_equal(dbd_result_get_int64(f->res, 0, 0, &id), 0);
    void *killer = NULL;
    char err[512];
    EXPECT_ST(f, open_url(f->url, NULL, 0, &killer, err, sizeof err), DBD_OK);
    char sql[64];
    snprintf(sql, sizeof sql, "%s%lld)", kill, (long long)id);
    EXPECT_ST(f, run_raw_on(f, killer, sql, NULL, 0), DBD_OK);
    C->close(killer);

    dbd_request *r = req(DBD_OP_QUERY, TABLE);
    EXPECT_ST(f, run_req(f, &r), DBD_UNAVAILABLE);
    assert_int_equal(C->ping(f->conn, &f->info), DBD_UNAVAILABLE);
    C->close(f->conn);
    f->conn = NULL;
    EXPECT_ST(f, open_url(f->url, NULL, 0, &f->conn, err, sizeof err),
              DBD_OK);
    EXPECT_ST(f, C->ping(f->conn, &f->info), DBD_OK);
    insert_kv(f, "again", NULL, dbd_null());
}

/* ---- main ---- */

static void test_descriptor(void **state)
{
    (void)state;
    assert_int_equal(C->abi, DBD_CONNECTOR_ABI);
    assert_int_equal(C->size, sizeof(struct dbd_connector));
    assert_string_equal(C->scheme, "odbc");
    assert_int_equal(C->caps, (1u << 12) - 1); /* every DBD_CAP_* bit */
}

#define T(name) cmocka_unit_test_setup(name, test_setup)

int main(void)
{
    const char *urls = getenv("DBD_TEST_ODBC_URLS");
    static const struct CMUnitTest offline[] = {
        cmocka_unit_test(test_descriptor),
        cmocka_unit_test(test_connection_strings),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_status_map),
        cmocka_unit_test(test_time_struct),
    };
    const struct CMUnitTest online[] = {
        T(test_open_ping),   T(test_insert_query), T(test_update_delete),
        T(test_operators),   T(test_types),        T(test_replace),
        T(test_errors),      T(test_raw),          T(test_transactions),
        T(test_cache),       T(test_stream),       T(test_reconnect),
    };
    int failed = 0;

    if (urls == NULL || urls[0] == '\0') {
        printf("1..0 # SKIP no server (DBD_TEST_ODBC_URLS unset)\n");
        return 0;
    }
    failed += cmocka_run_group_tests_name("odbc offline", offline, NULL,
                                          NULL);
    char *list = strdup(urls), *save = NULL;
    assert_non_null(list);
    for (char *u = strtok_r(list, " ", &save); u != NULL;
         u = strtok_r(NULL, " ", &save)) {
        fx f = {0};
        snprintf(f.url, sizeof f.url, "%s", u);
        char name[300];
        snprintf(name, sizeof name, "odbc %s", u);
        /* cmocka hands each test the group state it was given */
        struct CMUnitTest tests[N(online)];
        for (size_t i = 0; i < N(online); i++) {
            tests[i] = online[i];
            tests[i].initial_state = &f;
        }
        void *st = &f;
        if (group_setup(&st) != 0) {
            printf("not ok - %s: cannot set up\n", name);
            failed++;
            group_teardown(&st);
            continue;
        }
        failed += cmocka_run_group_tests_name(name, tests, NULL, NULL);
        group_teardown(&st);
    }
    free(list);
    return failed == 0 ? 0 : 1;
}
