/*
 * test_mysql.c - the mysql connector through its descriptor, against the
 * real MariaDB server named by DBD_TEST_MYSQL_URL (and MYSQL_SOCKET for the
 * unix-socket form): options and URL forms, every operation and operator,
 * each value type, error mapping, long values, streaming, transactions,
 * raw statements, the statement cache and reconnecting after the server
 * dropped the connection.  Without a server it reports a TAP skip.
 *
 * Each test works on tables of its own (t_myc*), dropped and created again
 * by the fixture, so a run leaves nothing behind but empty tables.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "url.h"
#include "mysql/mysql_int.h"
/* last: it defines C and N, names library headers use for parameters */
#include "connector_fixture.h"

static const char create_t[] =
    "CREATE TABLE t_myc (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
    "k VARCHAR(64) NOT NULL UNIQUE, grp BIGINT NULL, i BIGINT NULL, "
    "d DOUBLE NULL, s MEDIUMTEXT NULL, b MEDIUMBLOB NULL, "
    "dt DATETIME(6) NULL) ENGINE=InnoDB CHARACTER SET utf8mb4 "
    "COLLATE utf8mb4_nopad_bin";

/* A kill in the middle of a stream: when the sink takes row `at`, the
 * connection killer kills the session whose id is victim. */
typedef struct kill_plan {
    void *killer; /* cleared once the kill ran */
    unsigned long victim;
    size_t at;
} kill_plan;

/* The row hook of a kill_plan: runs the KILL on the side and puts the
 * fixture's run back as it was. */
static int kill_at_row(fx *f, const dbd_value *values)
{
    kill_plan *plan = f->on_row_ctx;
    (void)values;
    if (plan->killer == NULL || f->rows_seen != plan->at)
        return 0;
    char sql[64];
    dbd_exec_info saved = f->info;
    dbd_result *rows = f->res;
    int calls = f->columns_calls;
    void *killer = plan->killer;
    plan->killer = NULL;
    snprintf(sql, sizeof sql, "KILL CONNECTION %lu", plan->victim);
    f->res = NULL; /* the kill's own (empty) result goes elsewhere */
    dbd_status st = run_raw_on(f, killer, sql, NULL, 0);
    dbd_result_destroy(&f->res);
    f->res = rows;
    f->info = saved;
    f->rows_seen = plan->at;
    f->columns_calls = calls;
    return st == DBD_OK ? 0 : -1;
}

/* The URL of the test server with its user, password or database
 * replaced (NULL keeps it) and a suffix such as "?x=y" added. */
static void url_with(const char *user, const char *password,
                     const char *db, const char *suffix, char *out,
                     size_t len)
{
    char err[256];
    const char *url = getenv("DBD_TEST_MYSQL_URL");
    dbd_url *u = dbd_url_parse(url, err, sizeof err);
    assert_non_null(u);
    snprintf(out, len, "mysql://%s:%s@%s:%d/%s%s",
             user != NULL ? user : u->user,
             password != NULL ? password : u->password, u->host, u->port,
             db != NULL ? db : u->path, suffix != NULL ? suffix : "");
    dbd_url_destroy(&u);
}

/* ---- fixture ---- */

static const char *const drop_tables[] = {
    "DROP TABLE IF EXISTS t_myc_child", "DROP TABLE IF EXISTS t_myc_parent",
    "DROP TABLE IF EXISTS t_myc", "DROP TABLE IF EXISTS t_myc_types",
};

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    char err[512];
    if (f == NULL)
        return -1;
    snprintf(f->url, sizeof f->url, "%s", getenv("DBD_TEST_MYSQL_URL"));
    *state = f;
    if (open_url(f->url, NULL, 0, &f->conn, err, sizeof err) != DBD_OK) {
        print_error("open %s: %s\n", f->url, err);
        return -1;
    }
    for (size_t i = 0; i < N(drop_tables); i++)
        if (run_raw(f, drop_tables[i], NULL, 0) != DBD_OK) {
            print_error("%s: %s\n", drop_tables[i], f->info.msg);
            return -1;
        }
    if (run_raw(f, create_t, NULL, 0) != DBD_OK) {
        print_error("create: %s\n", f->info.msg);
        return -1;
    }
    return 0;
}

/* ---- helpers ---- */

static int64_t insert_kgi(fx *f, const char *k, dbd_value grp, dbd_value i)
{
    int64_t id = insert_kgi_into(f, "t_myc", k, grp, i);
    assert_true(id > 0);
    return id;
}

/* k of the rows matching one condition, in id order. */
static const char *keys_where(fx *f, const char *col, dbd_cmp cmp,
                              const dbd_value *v, char *buf, size_t len)
{
    return keys_matching(f, "t_myc", "id", col, cmp, v, 1, buf, len);
}

/* ---- descriptor and open ---- */

static void test_descriptor(void **state)
{
    (void)state;
    assert_int_equal(C->abi, DBD_CONNECTOR_ABI);
    assert_int_equal(C->size, sizeof(struct dbd_connector));
    assert_string_equal(C->scheme, "mysql");
    assert_non_null(C->description);
    assert_int_equal(C->caps, (1u << 12) - 1); /* every DBD_CAP_* bit */
    assert_non_null(C->open);
    assert_non_null(C->close);
    assert_non_null(C->ping);
    assert_non_null(C->exec);
    assert_non_null(C->begin);
    assert_non_null(C->commit);
    assert_non_null(C->rollback);
    assert_non_null(C->raw);
    C->close(NULL);
}

static void expect_open(const char *url, const dbd_option *opts,
                        size_t nopts, dbd_status want, const char *in_msg)
{
    char err[512] = "";
    void *conn = (void *)1;
    dbd_status got = open_url(url, opts, nopts, &conn, err, sizeof err);
    if (got != want)
        fail_msg("open %s: got %s (%s), want %s", url, dbd_status_name(got),
                 err, dbd_status_name(want));
    if (got == DBD_OK) {
        C->close(conn);
        return;
    }
    assert_null(conn);
    if (in_msg != NULL && strstr(err, in_msg) == NULL)
        fail_msg("open %s: message \"%s\" lacks \"%s\"", url, err, in_msg);
}

static void test_open_bad_config(void **state)
{
    fx *f = *state;
    char url[512];

    const dbd_option unknown[] = {{"option.bogus", "1"}};
    expect_open(f->url, unknown, 1, DBD_CONFIG,
                "unknown mysql option \"bogus\"");
    url_with(NULL, NULL, NULL, "?colour=blue", url, sizeof url);
    expect_open(url, NULL, 0, DBD_CONFIG, "\"colour\"");

    static const dbd_option bad[][1] = {
        {{"connect_timeout", "0"}}, {{"connect_timeout", "soon"}},
        {{"read_timeout", "-1"}},   {{"write_timeout", "86401"}},
        {{"charset", "utf8'"}},     {{"charset", ""}},
        {{"socket", "relative"}},   {{"ssl", "maybe"}},
        {{"strict", "2"}},          {{"stmt_cache", "0"}},
        {{"stmt_cache", "10001"}},  {{"ssl_ca", ""}},
        {{"lock_wait_timeout", "x"}},
    };
    for (size_t i = 0; i < N(bad); i++)
        expect_open(f->url, bad[i], 1, DBD_CONFIG, bad[i][0].key);
    const dbd_option lock_wait[] = {{"read_timeout", "5"},
                                    {"lock_wait_timeout", "5"}};
    expect_open(f->url, lock_wait, 2, DBD_CONFIG,
                "lock_wait_timeout (5 s) must be below read_timeout");
    const dbd_option ca_without_ssl[] = {{"ssl_ca", "/etc/ssl/ca.pem"}};
    expect_open(f->url, ca_without_ssl, 1, DBD_CONFIG, "ssl_ca needs");

    expect_open("mysql://dbd:x@127.0.0.1:3306", NULL, 0, DBD_CONFIG,
                "names no database");
    expect_open("mysql://dbd:x@127.0.0.1:3306/", NULL, 0, DBD_CONFIG,
                "names no database");
    expect_open("mysql://dbd:x@127.0.0.1/a/b", NULL, 0, DBD_CONFIG,
                "contains '/'");
    expect_open("mysql://dbd:x@/dbdtest", NULL, 0, DBD_CONFIG,
                "names no host");
    expect_open("mysql://dbd:x@127.0.0.1/dbdtest?socket=/nonexistent.sock",
                NULL, 0, DBD_CONFIG, "must be localhost");
    expect_open("mysql://dbd:x@localhost:3306/dbdtest?socket=/x.sock", NULL,
                0, DBD_CONFIG, "port");
    /* an unknown character set is refused by the library */
    const dbd_option charset[] = {{"charset", "klingon"}};
    expect_open(f->url, charset, 1, DBD_CONFIG, NULL);
}

static void test_open_failures(void **state)
{
    (void)state;
    char url[512];

    url_with(NULL, "wrong-password", NULL, NULL, url, sizeof url);
    expect_open(url, NULL, 0, DBD_DENY, "Access denied");
    url_with(NULL, NULL, "no_such_db_here", NULL, url, sizeof url);
    /* the user may not see it: "unknown database" or "access denied" */
    char err[512] = "";
    void *conn = NULL;
    dbd_status st = open_url(url, NULL, 0, &conn, err, sizeof err);
    if (st != DBD_NOTFOUND && st != DBD_DENY)
        fail_msg("unknown database: got %s (%s)", dbd_status_name(st), err);
    assert_null(conn);
    /* nobody listens on port 1; no socket at this path */
    expect_open("mysql://dbd:x@127.0.0.1:1/dbdtest", NULL, 0,
                DBD_UNAVAILABLE, "cannot connect to mysql 127.0.0.1:1");
    expect_open("mysql://dbd:x@localhost/dbdtest?socket=/nonexistent/my.sock",
                NULL, 0, DBD_UNAVAILABLE, "/nonexistent/my.sock");
    /* this server speaks no TLS: ssl=require must not fall back */
    const dbd_option ssl[] = {{"ssl", "require"}};
    expect_open(getenv("DBD_TEST_MYSQL_URL"), ssl, 1, DBD_UNAVAILABLE,
                "did not agree to TLS");
    const dbd_option verify[] = {{"ssl", "verify"}};
    expect_open(getenv("DBD_TEST_MYSQL_URL"), verify, 1, DBD_UNAVAILABLE,
                "SSL");
}

static void test_open_socket(void **state)
{
    fx *f = *state;
    const char *sock = getenv("MYSQL_SOCKET");
    char url[1024], err[512] = "";
    void *conn = NULL;
    dbd_url *u;

    if (sock == NULL || sock[0] == '\0') {
        skip();
        return;
    }
    u = dbd_url_parse(f->url, err, sizeof err);
    assert_non_null(u);
    /* host localhost, and no host at all */
    snprintf(url, sizeof url, "mysql://%s:%s@localhost/%s?socket=%s",
             u->user, u->password, u->path, sock);
    EXPECT_ST(f, open_url(url, NULL, 0, &conn, err, sizeof err), DBD_OK);
    EXPECT_ST(f, C->ping(conn, &f->info), DBD_OK);
    const dbd_value *v = raw_scalar(f, conn, "SELECT @@socket");
    assert_int_equal(v->type, DBD_TYPE_STRING);
    C->close(conn);
    const dbd_option opt[] = {{"option.socket", sock}};
    snprintf(url, sizeof url, "mysql://%s:%s@/%s", u->user, u->password,
             u->path);
    EXPECT_ST(f, open_url(url, opt, 1, &conn, err, sizeof err), DBD_OK);
    dbd_request *r = req(DBD_OP_INSERT, "t_myc");
    add_value(r, "k", STRV("via-socket"));
    EXPECT_ST(f, run_req_on(f, conn, &r), DBD_OK);
    assert_int_equal(f->info.last_id, 1);
    C->close(conn);
    dbd_url_destroy(&u);
}

static void test_session(void **state)
{
    fx *f = *state;
    char url[512], err[512];
    void *conn = NULL;

    /* UTC, strict, utf8mb4, found rows */
    const dbd_value *v = raw_scalar(f, f->conn, "SELECT @@time_zone");
    const dbd_value utc = STRV("+00:00");
    expect_cell(v, &utc);
    v = raw_scalar(f, f->conn, "SELECT @@character_set_client");
    const dbd_value cs = STRV("utf8mb4");
    expect_cell(v, &cs);
    assert_int_equal(raw_int(f, f->conn, "SELECT FIND_IN_SET("
                                         "'STRICT_ALL_TABLES', @@sql_mode) "
                                         "> 0"),
                     1);
    assert_int_equal(raw_int(f, f->conn, "SELECT @@innodb_lock_wait_timeout"),
                     10);
    /* strict=no leaves the server's sql_mode alone; options from the URL
     * come after the configured ones and win */
    const dbd_option opts[] = {{"option.strict", "yes"},
                               {"option.read_timeout", "0"},
                               {"option.lock_wait_timeout", "7"}};
    url_with(NULL, NULL, NULL, "?strict=no&connect_timeout=2", url,
             sizeof url);
    EXPECT_ST(f, open_url(url, opts, N(opts), &conn, err, sizeof err),
              DBD_OK);
    assert_int_equal(raw_int(f, conn, "SELECT FIND_IN_SET("
                                      "'STRICT_ALL_TABLES', @@sql_mode) > 0"),
                     0);
    assert_int_equal(raw_int(f, conn, "SELECT @@innodb_lock_wait_timeout"),
                     7);
    C->close(conn);
}

static void test_ping(void **state)
{
    fx *f = *state;
    EXPECT_ST(f, C->ping(f->conn, &f->info), DBD_OK);
    EXPECT_ST(f, C->ping(f->conn, NULL), DBD_OK);
}

/* ---- operations and types ---- */

static void test_insert_and_types(void **state)
{
    fx *f = *state;
    static const char blob[] = {'a', '\0', 'b', '\0', (char)0xff};
    const int64_t usec = 1709214301123456; /* 2024-02-29 13:45:01.123456 */
    dbd_request *r = req(DBD_OP_INSERT, "t_myc");
    add_value(r, "k", STRV("ty1"));
    add_value(r, "i", dbd_int(INT64_MIN));
    add_value(r, "d", dbd_double(2.5));
    add_value(r, "s", STRV("x\0y \xf0\x9f\x98\x80"));
    add_value(r, "b", dbd_blob(blob, sizeof blob));
    add_value(r, "dt", dbd_datetime(usec));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    assert_int_equal(f->info.last_id, 1);
    assert_int_equal(insert_kgi(f, "ty2", dbd_null(), dbd_int(INT64_MAX)),
                     2);

    r = req(DBD_OP_QUERY, "t_myc");
    assert_int_equal(dbd_op_add_order(r, &r->op, "id", false), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->columns_calls, 1);
    assert_int_equal(f->info.affected, -1);
    static const char *const names[] = {"id", "k", "grp", "i",
                                        "d",  "s", "b",   "dt"};
    static const dbd_type types[] = {
        DBD_TYPE_INT,    DBD_TYPE_STRING, DBD_TYPE_INT,  DBD_TYPE_INT,
        DBD_TYPE_DOUBLE, DBD_TYPE_STRING, DBD_TYPE_BLOB, DBD_TYPE_DATETIME};
    assert_int_equal(dbd_result_ncols(f->res), N(names));
    for (size_t i = 0; i < N(names); i++) {
        assert_string_equal(dbd_result_col_name(f->res, i), names[i]);
        assert_int_equal(dbd_result_col_type(f->res, i), types[i]);
    }
    assert_int_equal(dbd_result_nrows(f->res), 2);
    const dbd_value row0[] = {dbd_int(1), STRV("ty1"), dbd_null(),
                              dbd_int(INT64_MIN), dbd_double(2.5),
                              STRV("x\0y \xf0\x9f\x98\x80"),
                              dbd_blob(blob, sizeof blob),
                              dbd_datetime(usec)};
    for (size_t i = 0; i < N(row0); i++)
        expect_cell(dbd_result_value(f->res, 0, i), &row0[i]);
    const dbd_value row1[] = {dbd_int(2),  STRV("ty2"), dbd_null(),
                              dbd_int(INT64_MAX), dbd_null(), dbd_null(),
                              dbd_null(),  dbd_null()};
    for (size_t i = 0; i < N(row1); i++)
        expect_cell(dbd_result_value(f->res, 1, i), &row1[i]);

    /* the datetime is stored as the UTC wall time */
    const dbd_value key = STRV("ty1");
    EXPECT_ST(f, run_raw(f, "SELECT CAST(dt AS CHAR) FROM t_myc WHERE k = ?",
                         &key, 1),
              DBD_OK);
    const dbd_value stored = STRV("2024-02-29 13:45:01.123456");
    expect_cell(dbd_result_value(f->res, 0, 0), &stored);
}

/* Each value stored and read back by a query on it, exactly. */
static void round_trip(fx *f, const char *k, const char *col, dbd_value v)
{
    dbd_request *r = req(DBD_OP_INSERT, "t_myc");
    add_value(r, "k", dbd_string(k, strlen(k)));
    add_value(r, col, v);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    r = req(DBD_OP_QUERY, "t_myc");
    add_column(r, col);
    add_where(r, "k", DBD_CMP_EQ, dbd_string(k, strlen(k)));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    expect_cell(dbd_result_value(f->res, 0, 0), &v);
    /* and found by equality on the value itself */
    if (v.type != DBD_TYPE_NULL) {
        r = req(DBD_OP_QUERY, "t_myc");
        add_column(r, "k");
        add_where(r, col, DBD_CMP_EQ, v);
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
        assert_int_equal(dbd_result_nrows(f->res), 1);
        const dbd_value kv = dbd_string(k, strlen(k));
        expect_cell(dbd_result_value(f->res, 0, 0), &kv);
    }
}

static void test_round_trips(void **state)
{
    fx *f = *state;
    char k[32];
    int n = 0;

    const int64_t ints[] = {INT64_MIN, INT64_MAX, 0, -1, 1LL << 53};
    for (size_t i = 0; i < N(ints); i++) {
        snprintf(k, sizeof k, "i%d", n++);
        round_trip(f, k, "i", dbd_int(ints[i]));
    }
    const double doubles[] = {1e308, -1e308, 5e-324, 2.2250738585072014e-308,
                              0.1, -2.5, 1.0 / 3.0};
    for (size_t i = 0; i < N(doubles); i++) {
        snprintf(k, sizeof k, "d%d", n++);
        round_trip(f, k, "d", dbd_double(doubles[i]));
    }
    /* negative zero: MariaDB stores it as +0 (a DOUBLE column drops the
     * sign, whatever the client sends), so it reads back as a zero */
    dbd_request *r = req(DBD_OP_INSERT, "t_myc");
    add_value(r, "k", STRV("negzero"));
    add_value(r, "d", dbd_double(-0.0));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    r = req(DBD_OP_QUERY, "t_myc");
    add_column(r, "d");
    add_where(r, "k", DBD_CMP_EQ, STRV("negzero"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    const dbd_value *v = dbd_result_value(f->res, 0, 0);
    assert_int_equal(v->type, DBD_TYPE_DOUBLE);
    assert_true(v->u.d == 0.0);

    round_trip(f, "s-empty", "s", dbd_string("", 0));
    round_trip(f, "s-utf8", "s", STRV("gr\xc3\xbc\xc3\x9f \xf0\x9f\x8e\xb5 "
                                      "\xe6\x97\xa5\xe6\x9c\xac"));
    round_trip(f, "s-trailing", "s", STRV("pad "));
    round_trip(f, "b-empty", "b", dbd_blob("", 0));
    round_trip(f, "b-nul", "b", dbd_blob("\0\0\xff\x00x", 5));
    round_trip(f, "null", "i", dbd_null());
    /* before 1970 and after 2038, with and without microseconds */
    const int64_t times[] = {
        -2147483648LL * 1000000,   /* 1901-12-13 20:45:52 */
        -1LL,                      /* 1969-12-31 23:59:59.999999 */
        0,
        2147483648LL * 1000000 + 1, /* 2038-01-19 03:14:08.000001 */
        7258118399999999LL,        /* 2199-12-31 23:59:59.999999 */
        -30610224000000000LL,      /* 1000-01-01, MySQL's first DATETIME */
    };
    for (size_t i = 0; i < N(times); i++) {
        snprintf(k, sizeof k, "dt%d", n++);
        round_trip(f, k, "dt", dbd_datetime(times[i]));
    }
    /* bool goes in as 0/1 and comes back as the int it is stored as */
    r = req(DBD_OP_INSERT, "t_myc");
    add_value(r, "k", STRV("bool"));
    add_value(r, "i", dbd_bool(true));
    add_value(r, "grp", dbd_bool(false));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    r = req(DBD_OP_QUERY, "t_myc");
    add_column(r, "i");
    add_column(r, "grp");
    add_where(r, "k", DBD_CMP_EQ, STRV("bool"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    const dbd_value one = dbd_int(1), zero = dbd_int(0);
    expect_cell(dbd_result_value(f->res, 0, 0), &one);
    expect_cell(dbd_result_value(f->res, 0, 1), &zero);
}

/* Values longer than any first buffer: fetched again whole, in rows that
 * mix them with short and NULL values. */
static void test_long_values(void **state)
{
    fx *f = *state;
    const size_t slen = 300 * 1024, blen = 70 * 1024;
    char *s = malloc(slen);
    char *b = malloc(blen);
    assert_non_null(s);
    assert_non_null(b);
    for (size_t i = 0; i < slen; i++)
        s[i] = (char)('a' + i % 26);
    memcpy(s + 1000, "\xf0\x9f\x98\x80", 4); /* a 4-byte character */
    for (size_t i = 0; i < blen; i++)
        b[i] = (char)(i % 251);

    insert_kgi(f, "a-short", dbd_null(), dbd_int(1));
    dbd_request *r = req(DBD_OP_INSERT, "t_myc");
    add_value(r, "k", STRV("b-long"));
    add_value(r, "s", dbd_string(s, slen));
    add_value(r, "b", dbd_blob(b, blen));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    r = req(DBD_OP_INSERT, "t_myc");
    add_value(r, "k", STRV("c-short"));
    add_value(r, "s", STRV("tiny"));
    add_value(r, "b", dbd_blob("\0", 1));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    r = req(DBD_OP_INSERT, "t_myc");
    add_value(r, "k", STRV("d-long"));
    add_value(r, "s", dbd_string(s, slen / 2));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);

    for (int pass = 0; pass < 2; pass++) { /* buffers grown, then reused */
        r = req(DBD_OP_QUERY, "t_myc");
        add_column(r, "k");
        add_column(r, "s");
        add_column(r, "b");
        assert_int_equal(dbd_op_add_order(r, &r->op, "k", false), 0);
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
        assert_int_equal(dbd_result_nrows(f->res), 4);
        const dbd_value want[4][2] = {
            {dbd_null(), dbd_null()},
            {dbd_string(s, slen), dbd_blob(b, blen)},
            {STRV("tiny"), dbd_blob("\0", 1)},
            {dbd_string(s, slen / 2), dbd_null()},
        };
        for (size_t row = 0; row < 4; row++)
            for (size_t col = 0; col < 2; col++)
                expect_cell(dbd_result_value(f->res, row, col + 1),
                            &want[row][col]);
    }
    /* matched by equality on the whole long value */
    r = req(DBD_OP_QUERY, "t_myc");
    add_column(r, "k");
    add_where(r, "s", DBD_CMP_EQ, dbd_string(s, slen));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    free(s);
    free(b);
}

/* Column types beyond the conformance table, through raw. */
static void test_other_types(void **state)
{
    fx *f = *state;
    EXPECT_ST(f, run_raw(f, "CREATE TABLE t_myc_types (ti TINYINT, "
                            "su SMALLINT UNSIGNED, mi MEDIUMINT, "
                            "ub BIGINT UNSIGNED, fl FLOAT, fq FLOAT(10,2), "
                            "de DECIMAL(12,3), bi BIT(12), da DATE, "
                            "ti2 TIME(3), ts TIMESTAMP(6) NULL, ye YEAR, "
                            "ch CHAR(4), vb VARBINARY(8), bn BINARY(3), "
                            "tx TEXT, en ENUM('x','y'), js JSON)",
                         NULL, 0),
              DBD_OK);
    EXPECT_ST(f, run_raw(f, "INSERT INTO t_myc_types VALUES (-128, 65535, "
                            "-8388608, 9223372036854775807, 0.1, 1.25, "
                            "-123456789.125, b'101010101010', '1969-07-20', "
                            "'-12:34:56.789', '2038-01-19 03:14:07.5', "
                            "2155, 'ab', x'00ff', 'a', 't\\n', 'y', "
                            "'{\"a\": 1}')",
                         NULL, 0),
              DBD_OK);
    assert_int_equal(f->info.affected, 1);
    EXPECT_ST(f, run_raw(f, "SELECT * FROM t_myc_types", NULL, 0), DBD_OK);
    static const dbd_type types[] = {
        DBD_TYPE_INT,      DBD_TYPE_INT,      DBD_TYPE_INT,
        DBD_TYPE_INT,      DBD_TYPE_DOUBLE,   DBD_TYPE_DOUBLE,
        DBD_TYPE_DOUBLE,   DBD_TYPE_INT,      DBD_TYPE_DATETIME,
        DBD_TYPE_STRING,   DBD_TYPE_DATETIME, DBD_TYPE_INT,
        DBD_TYPE_STRING,   DBD_TYPE_BLOB,     DBD_TYPE_BLOB,
        DBD_TYPE_STRING,   DBD_TYPE_STRING,   DBD_TYPE_STRING,
    };
    const dbd_value want[] = {
        dbd_int(-128),
        dbd_int(65535),
        dbd_int(-8388608),
        dbd_int(INT64_MAX),
        dbd_double(0.1),
        dbd_double(1.25),
        dbd_double(-123456789.125),
        dbd_int(0xaaa),
        dbd_datetime(-14256000LL * 1000000),
        STRV("-12:34:56.789"),
        dbd_datetime(2147483647LL * 1000000 + 500000),
        dbd_int(2155),
        STRV("ab"),
        dbd_blob("\0\xff", 2),
        dbd_blob("a\0\0", 3),
        STRV("t\n"),
        STRV("y"),
        STRV("{\"a\": 1}"),
    };
    assert_int_equal(dbd_result_ncols(f->res), N(types));
    for (size_t i = 0; i < N(types); i++) {
        if (dbd_result_col_type(f->res, i) != types[i])
            fail_msg("column %s: got type %s, want %s",
                     dbd_result_col_name(f->res, i),
                     dbd_type_name(dbd_result_col_type(f->res, i)),
                     dbd_type_name(types[i]));
        expect_cell(dbd_result_value(f->res, 0, i), &want[i]);
    }
    /* NULL has a type of its own; an unsigned value above INT64_MAX is
     * refused rather than wrapped */
    EXPECT_ST(f, run_raw(f, "SELECT NULL AS n", NULL, 0), DBD_OK);
    assert_int_equal(dbd_result_col_type(f->res, 0), DBD_TYPE_NULL);
    EXPECT_ST(f, run_raw(f, "UPDATE t_myc_types SET ub = ub + 1", NULL, 0),
              DBD_OK);
    EXPECT_ST(f, run_raw(f, "SELECT ub FROM t_myc_types", NULL, 0), DBD_BAD);
    assert_non_null(strstr(f->info.msg, "9223372036854775808"));
    /* the connection goes on */
    assert_int_equal(raw_int(f, f->conn, "SELECT COUNT(*) FROM t_myc_types"),
                     1);
}

static void test_operators(void **state)
{
    fx *f = *state;
    char buf[256];
    insert_kgi(f, "a", dbd_int(1), dbd_int(10));
    insert_kgi(f, "b", dbd_int(2), dbd_int(20));
    insert_kgi(f, "c", dbd_int(3), dbd_null());
    insert_kgi(f, "d", dbd_int(6), dbd_int(-5));

    const dbd_value v10 = dbd_int(10);
    assert_string_equal(keys_where(f, "i", DBD_CMP_EQ, &v10, buf, sizeof buf),
                        "a");
    assert_string_equal(keys_where(f, "i", DBD_CMP_NE, &v10, buf, sizeof buf),
                        "b,d");
    assert_string_equal(keys_where(f, "i", DBD_CMP_LT, &v10, buf, sizeof buf),
                        "d");
    assert_string_equal(keys_where(f, "i", DBD_CMP_GT, &v10, buf, sizeof buf),
                        "b");
    assert_string_equal(keys_where(f, "i", DBD_CMP_LE, &v10, buf, sizeof buf),
                        "a,d");
    assert_string_equal(keys_where(f, "i", DBD_CMP_GE, &v10, buf, sizeof buf),
                        "a,b");
    const dbd_value two = dbd_int(2);
    assert_string_equal(keys_where(f, "grp", DBD_CMP_BITAND, &two, buf,
                                   sizeof buf),
                        "b,c,d");
    const dbd_value none = dbd_null();
    assert_string_equal(keys_where(f, "i", DBD_CMP_ISNULL, &none, buf,
                                   sizeof buf),
                        "c");
    assert_string_equal(keys_where(f, "i", DBD_CMP_NOTNULL, &none, buf,
                                   sizeof buf),
                        "a,b,d");
    /* comparing with NULL matches nothing */
    assert_string_equal(keys_where(f, "i", DBD_CMP_EQ, &none, buf,
                                   sizeof buf),
                        "");
    /* strings compare by code point, case and trailing blanks count */
    const dbd_value upper = STRV("A"), blank = STRV("a ");
    assert_string_equal(keys_where(f, "k", DBD_CMP_EQ, &upper, buf,
                                   sizeof buf),
                        "");
    assert_string_equal(keys_where(f, "k", DBD_CMP_EQ, &blank, buf,
                                   sizeof buf),
                        "");
    const dbd_value bee = STRV("b");
    assert_string_equal(keys_where(f, "k", DBD_CMP_GT, &bee, buf, sizeof buf),
                        "c,d");

    const dbd_value list[] = {dbd_int(20), dbd_int(-5), dbd_int(99),
                              dbd_null()};
    dbd_request *r = req(DBD_OP_QUERY, "t_myc");
    add_column(r, "k");
    assert_int_equal(dbd_op_add_where_in(r, &r->op, "i", list, N(list)), 0);
    add_where(r, "grp", DBD_CMP_GT, dbd_int(0));
    assert_int_equal(dbd_op_add_order(r, &r->op, "k", true), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_string_equal(column_list(f, 0, buf, sizeof buf), "d,b");
}

static void test_order_limit(void **state)
{
    fx *f = *state;
    char buf[256];
    insert_kgi(f, "r1", dbd_int(1), dbd_int(3));
    insert_kgi(f, "r2", dbd_int(2), dbd_int(1));
    insert_kgi(f, "r3", dbd_int(1), dbd_int(1));
    insert_kgi(f, "r4", dbd_int(2), dbd_int(2));
    insert_kgi(f, "r5", dbd_null(), dbd_int(0));

    dbd_request *r = req(DBD_OP_QUERY, "t_myc");
    add_column(r, "k");
    assert_int_equal(dbd_op_add_order(r, &r->op, "grp", true), 0);
    assert_int_equal(dbd_op_add_order(r, &r->op, "i", false), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_string_equal(column_list(f, 0, buf, sizeof buf),
                        "r2,r4,r3,r1,r5");

    const int64_t limits[][2] = {{2, 0}, {2, 1}, {-1, 3}, {0, 0}, {10, 4}};
    const char *const want[] = {"r2,r4", "r4,r3", "r1,r5", "", "r5"};
    for (size_t i = 0; i < N(limits); i++) {
        r = req(DBD_OP_QUERY, "t_myc");
        add_column(r, "k");
        assert_int_equal(dbd_op_add_order(r, &r->op, "grp", true), 0);
        assert_int_equal(dbd_op_add_order(r, &r->op, "i", false), 0);
        dbd_op_set_limit(&r->op, limits[i][0], limits[i][1]);
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
        assert_string_equal(column_list(f, 0, buf, sizeof buf), want[i]);
    }
}

static void test_update_delete(void **state)
{
    fx *f = *state;
    char buf[256];
    insert_kgi(f, "u1", dbd_int(1), dbd_int(1));
    insert_kgi(f, "u2", dbd_int(1), dbd_int(2));
    insert_kgi(f, "u3", dbd_int(2), dbd_int(3));

    dbd_request *r = req(DBD_OP_UPDATE, "t_myc");
    add_value(r, "i", dbd_int(7));
    add_where(r, "grp", DBD_CMP_EQ, dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 2);
    /* rows matched count, also when nothing changed */
    r = req(DBD_OP_UPDATE, "t_myc");
    add_value(r, "i", dbd_int(7));
    add_where(r, "grp", DBD_CMP_EQ, dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 2);
    r = req(DBD_OP_UPDATE, "t_myc");
    add_value(r, "i", dbd_int(8));
    add_where(r, "grp", DBD_CMP_EQ, dbd_int(99));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 0);

    r = req(DBD_OP_DELETE, "t_myc");
    add_where(r, "k", DBD_CMP_EQ, STRV("u1"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    r = req(DBD_OP_QUERY, "t_myc");
    add_column(r, "k");
    add_column(r, "i");
    assert_int_equal(dbd_op_add_order(r, &r->op, "k", false), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_string_equal(column_list(f, 0, buf, sizeof buf), "u2,u3");
    assert_string_equal(column_list(f, 1, buf, sizeof buf), "7,3");
    /* every row */
    r = req(DBD_OP_DELETE, "t_myc");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 2);
}

static void test_replace(void **state)
{
    fx *f = *state;
    char buf[256];
    for (int pass = 0; pass < 3; pass++) {
        dbd_request *r = req(DBD_OP_REPLACE, "t_myc");
        add_value(r, "k", STRV("rk"));
        add_value(r, "i", dbd_int(100 + pass));
        add_value(r, "s", STRV("same"));
        assert_int_equal(dbd_op_add_key(r, &r->op, "k"), 0);
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
        /* inserted, updated, updated: one row in its place each time */
        assert_int_equal(f->info.affected, 1);
    }
    /* the same values again: nothing changes, still one row */
    dbd_request *r = req(DBD_OP_REPLACE, "t_myc");
    add_value(r, "k", STRV("rk"));
    add_value(r, "i", dbd_int(102));
    assert_int_equal(dbd_op_add_key(r, &r->op, "k"), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    /* only keys: kept as it is */
    r = req(DBD_OP_REPLACE, "t_myc");
    add_value(r, "k", STRV("rk"));
    assert_int_equal(dbd_op_add_key(r, &r->op, "k"), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);

    r = req(DBD_OP_QUERY, "t_myc");
    add_column(r, "k");
    add_column(r, "i");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_string_equal(column_list(f, 0, buf, sizeof buf), "rk");
    assert_string_equal(column_list(f, 1, buf, sizeof buf), "102");
}

/* Values that are SQL syntax elsewhere are stored and matched literally. */
static void test_sql_text_in_value(void **state)
{
    fx *f = *state;
    static const char *const nasty[] = {
        "'", "\"", "\\", ";", "%", "*", "(", ")", "`",
        "x'; DROP TABLE t_myc; --", "a%b_c", "\\0\\n", "(|(k=*))",
        "?", "`k` = `k`",
    };
    for (size_t i = 0; i < N(nasty); i++) {
        char k[16];
        snprintf(k, sizeof k, "n%zu", i);
        dbd_request *r = req(DBD_OP_INSERT, "t_myc");
        add_value(r, "k", dbd_string(k, strlen(k)));
        add_value(r, "s", dbd_string(nasty[i], strlen(nasty[i])));
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
    }
    for (size_t i = 0; i < N(nasty); i++) {
        dbd_request *r = req(DBD_OP_QUERY, "t_myc");
        add_column(r, "s");
        add_where(r, "s", DBD_CMP_EQ, dbd_string(nasty[i], strlen(nasty[i])));
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
        assert_int_equal(dbd_result_nrows(f->res), 1);
        const dbd_value want = dbd_string(nasty[i], strlen(nasty[i]));
        expect_cell(dbd_result_value(f->res, 0, 0), &want);
    }
    assert_int_equal(raw_int(f, f->conn, "SELECT COUNT(*) FROM t_myc"),
                     (int64_t)N(nasty));
}

/* ---- errors ---- */

static void test_constraint(void **state)
{
    fx *f = *state;
    insert_kgi(f, "dup", dbd_null(), dbd_int(1));
    dbd_request *r = req(DBD_OP_INSERT, "t_myc");
    add_value(r, "k", STRV("dup"));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    assert_non_null(strstr(f->info.msg, "1062"));
    /* NULL into NOT NULL */
    r = req(DBD_OP_INSERT, "t_myc");
    add_value(r, "k", dbd_null());
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    r = req(DBD_OP_INSERT, "t_myc");
    add_value(r, "i", dbd_int(5));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    /* update onto another row's key */
    insert_kgi(f, "dup2", dbd_null(), dbd_int(2));
    r = req(DBD_OP_UPDATE, "t_myc");
    add_value(r, "k", STRV("dup"));
    add_where(r, "k", DBD_CMP_EQ, STRV("dup2"));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    /* foreign keys */
    EXPECT_ST(f, run_raw(f, "CREATE TABLE t_myc_parent (id INT PRIMARY KEY)"
                            " ENGINE=InnoDB", NULL, 0),
              DBD_OK);
    EXPECT_ST(f, run_raw(f, "CREATE TABLE t_myc_child (p INT, FOREIGN KEY "
                            "(p) REFERENCES t_myc_parent (id)) ENGINE=InnoDB",
                         NULL, 0),
              DBD_OK);
    r = req(DBD_OP_INSERT, "t_myc_child");
    add_value(r, "p", dbd_int(42));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    assert_non_null(strstr(f->info.msg, "1452"));
    /* the row is still alone, the connection fine */
    assert_int_equal(raw_int(f, f->conn, "SELECT COUNT(*) FROM t_myc"), 2);
}

static void test_bad_values(void **state)
{
    fx *f = *state;
    /* too long for VARCHAR(64): strict mode refuses, nothing is cut */
    char longk[100];
    memset(longk, 'x', sizeof longk);
    dbd_request *r = req(DBD_OP_INSERT, "t_myc");
    add_value(r, "k", dbd_string(longk, sizeof longk));
    EXPECT_ST(f, run_req(f, &r), DBD_BAD);
    assert_non_null(strstr(f->info.msg, "1406"));
    /* a string that is no number into BIGINT */
    r = req(DBD_OP_INSERT, "t_myc");
    add_value(r, "k", STRV("nan"));
    add_value(r, "i", STRV("twelve"));
    EXPECT_ST(f, run_req(f, &r), DBD_BAD);
    /* a datetime MySQL cannot hold */
    r = req(DBD_OP_INSERT, "t_myc");
    add_value(r, "k", STRV("far"));
    add_value(r, "dt", dbd_datetime(INT64_MAX));
    EXPECT_ST(f, run_req(f, &r), DBD_BAD);
    assert_non_null(strstr(f->info.msg, "outside"));
    assert_int_equal(raw_int(f, f->conn, "SELECT COUNT(*) FROM t_myc"), 0);
}

static void test_notfound(void **state)
{
    fx *f = *state;
    dbd_request *r = req(DBD_OP_QUERY, "t_myc_nosuch");
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
    assert_non_null(strstr(f->info.msg, "1146"));
    r = req(DBD_OP_QUERY, "t_myc");
    add_column(r, "nosuch");
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
    assert_non_null(strstr(f->info.msg, "1054"));
    r = req(DBD_OP_INSERT, "t_myc");
    add_value(r, "k", STRV("x"));
    add_value(r, "nosuch", dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
    r = req(DBD_OP_DELETE, "t_myc");
    add_where(r, "nosuch", DBD_CMP_EQ, dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
}

static void test_deny(void **state)
{
    fx *f = *state;
    EXPECT_ST(f, run_raw(f, "SELECT * FROM mysql.user", NULL, 0), DBD_DENY);
    assert_non_null(strstr(f->info.msg, "1142"));
    EXPECT_ST(f, run_raw(f, "CREATE DATABASE dbd_not_allowed", NULL, 0),
              DBD_DENY);
}

/* A row lock held by another connection: lock wait timeout is BUSY. */
static void test_lock_wait(void **state)
{
    fx *f = *state;
    char err[512];
    void *other = NULL;

    insert_kgi(f, "locked", dbd_null(), dbd_int(1));
    const dbd_option wait[] = {{"lock_wait_timeout", "1"}};
    EXPECT_ST(f, open_url(f->url, wait, 1, &other, err, sizeof err), DBD_OK);
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    dbd_request *r = req(DBD_OP_UPDATE, "t_myc");
    add_value(r, "i", dbd_int(2));
    add_where(r, "k", DBD_CMP_EQ, STRV("locked"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    r = req(DBD_OP_UPDATE, "t_myc");
    add_value(r, "i", dbd_int(3));
    add_where(r, "k", DBD_CMP_EQ, STRV("locked"));
    EXPECT_ST(f, run_req_on(f, other, &r), DBD_BUSY);
    assert_non_null(strstr(f->info.msg, "1205"));
    EXPECT_ST(f, C->commit(f->conn, &f->info), DBD_OK);
    r = req(DBD_OP_UPDATE, "t_myc");
    add_value(r, "i", dbd_int(3));
    add_where(r, "k", DBD_CMP_EQ, STRV("locked"));
    EXPECT_ST(f, run_req_on(f, other, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    C->close(other);
}

static void test_error_map(void **state)
{
    (void)state;
    static const struct {
        unsigned code;
        const char *sqlstate;
        dbd_status want;
    } cases[] = {
        {1062, "23000", DBD_CONSTRAINT}, {1048, "23000", DBD_CONSTRAINT},
        {1452, "23000", DBD_CONSTRAINT}, {1451, "23000", DBD_CONSTRAINT},
        {1364, "HY000", DBD_CONSTRAINT}, {4025, "23000", DBD_CONSTRAINT},
        {1146, "42S02", DBD_NOTFOUND},   {1054, "42S22", DBD_NOTFOUND},
        {1213, "40001", DBD_BUSY},       {1205, "HY000", DBD_BUSY},
        {1044, "42000", DBD_DENY},       {1045, "28000", DBD_DENY},
        {1142, "42000", DBD_DENY},       {1064, "42000", DBD_BAD},
        {1406, "22001", DBD_BAD},        {1969, "70100", DBD_TIMEOUT},
        {1317, "70100", DBD_TIMEOUT},    {2006, "HY000", DBD_UNAVAILABLE},
        {2013, "HY000", DBD_UNAVAILABLE}, {2003, "HY000", DBD_UNAVAILABLE},
        {2002, "HY000", DBD_UNAVAILABLE}, {1927, "70100", DBD_UNAVAILABLE},
        {1053, "08S01", DBD_UNAVAILABLE}, {1243, "HY000", DBD_UNAVAILABLE},
        {1295, "HY000", DBD_UNSUPPORTED}, {2008, "HY000", DBD_INTERNAL},
        /* unknown numbers: by SQLSTATE class, then by range */
        {1999, "23000", DBD_CONSTRAINT}, {1999, "08004", DBD_UNAVAILABLE},
        {1999, "42S02", DBD_NOTFOUND},   {1999, "40001", DBD_BUSY},
        {1999, "HY000", DBD_BAD},        {2999, "HY000", DBD_INTERNAL},
        {1999, NULL, DBD_BAD},
    };
    for (size_t i = 0; i < N(cases); i++) {
        dbd_status got = myc_status_of(cases[i].code, cases[i].sqlstate);
        if (got != cases[i].want)
            fail_msg("error %u/%s: got %s, want %s", cases[i].code,
                     cases[i].sqlstate ? cases[i].sqlstate : "-",
                     dbd_status_name(got), dbd_status_name(cases[i].want));
    }
}

static void test_time_conversion(void **state)
{
    (void)state;
    MYSQL_TIME tm;
    int64_t back = 0;
    const int64_t cases[] = {0, -1, 1, 951782400000000LL /* 2000-02-29 */,
                             -30610224000000000LL, 253402300799999999LL,
                             -62167219200000000LL /* 0000-01-01 */};
    for (size_t i = 0; i < N(cases); i++) {
        assert_true(myc_time_from_usec(cases[i], &tm));
        assert_true(myc_time_to_usec(&tm, &back));
        assert_int_equal(back, cases[i]);
    }
    assert_true(myc_time_from_usec(951782400000000LL, &tm));
    assert_int_equal(tm.year, 2000);
    assert_int_equal(tm.month, 2);
    assert_int_equal(tm.day, 29);
    assert_true(myc_time_from_usec(-1, &tm));
    assert_int_equal(tm.year, 1969);
    assert_int_equal(tm.second, 59);
    assert_int_equal(tm.second_part, 999999);
    /* beyond 9999 and before year 0 */
    assert_false(myc_time_from_usec(253402300800000000LL, &tm));
    assert_false(myc_time_from_usec(-62167219200000001LL, &tm));
    /* zero dates name no instant */
    memset(&tm, 0, sizeof tm);
    assert_false(myc_time_to_usec(&tm, &back));
    tm.year = 2020;
    tm.month = 1;
    assert_false(myc_time_to_usec(&tm, &back));
}

/* ---- streaming, cache, transactions, raw ---- */

static void fill_rows(fx *f, int n)
{
    char sql[512];
    /* a recursive CTE: no helper table or engine needed */
    EXPECT_ST(f, run_raw(f, "SET SESSION max_recursive_iterations = "
                            "1000000", NULL, 0),
              DBD_OK);
    snprintf(sql, sizeof sql,
             "INSERT INTO t_myc (k, grp, i) WITH RECURSIVE seq (n) AS "
             "(SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %d) "
             "SELECT CONCAT('row', n), n %% 10, n FROM seq", n);
    EXPECT_ST(f, run_raw(f, sql, NULL, 0), DBD_OK);
    assert_int_equal(f->info.affected, n);
}

static void test_stream_large(void **state)
{
    fx *f = *state;
    fill_rows(f, 100000);
    dbd_request *r = req(DBD_OP_QUERY, "t_myc");
    add_column(r, "i");
    add_column(r, "k");
    assert_int_equal(dbd_op_add_order(r, &r->op, "i", false), 0);
    f->count_only = true;
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    f->count_only = false;
    assert_int_equal(f->rows_seen, 100000);
    assert_int_equal(f->columns_calls, 1);
}

/* The sink stops early: INTERNAL, and the rest of the stream is read off
 * so the connection takes the next command. */
static void test_sink_stop(void **state)
{
    fx *f = *state;
    fill_rows(f, 5000);
    dbd_request *r = req(DBD_OP_QUERY, "t_myc");
    f->stop_after = 10;
    EXPECT_ST(f, run_req(f, &r), DBD_INTERNAL);
    f->stop_after = 0;
    assert_int_equal(f->rows_seen, 10);
    assert_int_equal(raw_int(f, f->conn, "SELECT COUNT(*) FROM t_myc"), 5000);
    /* the same cached statement again, whole */
    r = req(DBD_OP_QUERY, "t_myc");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 5000);
    /* a raw stream stopped the same way */
    f->stop_after = 3;
    EXPECT_ST(f, run_raw(f, "SELECT k FROM t_myc", NULL, 0), DBD_INTERNAL);
    f->stop_after = 0;
    EXPECT_ST(f, C->ping(f->conn, &f->info), DBD_OK);
}

static uint64_t server_prepares(fx *f)
{
    EXPECT_ST(f, run_raw(f, "SHOW SESSION STATUS LIKE 'Com_stmt_prepare'",
                         NULL, 0),
              DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    int64_t n = -1;
    assert_int_equal(dbd_result_get_int64(f->res, 0, 1, &n), 0);
    return (uint64_t)n;
}

static void test_stmt_cache(void **state)
{
    fx *f = *state;
    myc_conn *c = f->conn;
    uint64_t hits0, misses0, hits, misses;

    insert_kgi(f, "c1", dbd_int(1), dbd_int(1));
    insert_kgi(f, "c2", dbd_int(2), dbd_int(2));
    dbd_stmt_cache_stats(c->cache, &hits0, &misses0);
    uint64_t before = server_prepares(f);
    for (int i = 1; i <= 5; i++) {
        dbd_request *r = req(DBD_OP_QUERY, "t_myc");
        add_column(r, "k");
        add_where(r, "i", DBD_CMP_EQ, dbd_int(i % 2 + 1));
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
        assert_int_equal(dbd_result_nrows(f->res), 1);
    }
    dbd_stmt_cache_stats(c->cache, &hits, &misses);
    assert_int_equal(misses - misses0, 1);
    assert_int_equal(hits - hits0, 4);
    /* one prepare for the five queries, one for the raw status query */
    assert_int_equal(server_prepares(f) - before, 2);

    /* a cache of one: shapes take turns and stay correct */
    char url[512], err[512];
    void *small = NULL;
    url_with(NULL, NULL, NULL, "?stmt_cache=1", url, sizeof url);
    EXPECT_ST(f, open_url(url, NULL, 0, &small, err, sizeof err), DBD_OK);
    for (int i = 0; i < 4; i++) {
        dbd_request *r = req(DBD_OP_QUERY, "t_myc");
        add_column(r, i % 2 ? "k" : "i");
        add_where(r, "k", DBD_CMP_EQ, STRV("c2"));
        EXPECT_ST(f, run_req_on(f, small, &r), DBD_OK);
        assert_int_equal(dbd_result_nrows(f->res), 1);
        assert_int_equal(dbd_stmt_cache_count(((myc_conn *)small)->cache), 1);
    }
    C->close(small);
}

/* A table changed under a cached statement: the server re-prepares it and
 * the new columns come through. */
static void test_stmt_cache_schema_change(void **state)
{
    fx *f = *state;
    insert_kgi(f, "sc", dbd_null(), dbd_int(1));
    for (int pass = 0; pass < 2; pass++) {
        dbd_request *r = req(DBD_OP_QUERY, "t_myc");
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
        assert_int_equal(dbd_result_ncols(f->res), pass == 0 ? 8 : 9);
        if (pass == 0)
            EXPECT_ST(f, run_raw(f, "ALTER TABLE t_myc ADD COLUMN extra "
                                    "VARCHAR(10) DEFAULT 'new'", NULL, 0),
                      DBD_OK);
    }
    assert_string_equal(dbd_result_col_name(f->res, 8), "extra");
    const dbd_value want = STRV("new");
    expect_cell(dbd_result_value(f->res, 0, 8), &want);
    /* as many columns, another type */
    EXPECT_ST(f, run_raw(f, "ALTER TABLE t_myc MODIFY i VARCHAR(20)", NULL,
                         0),
              DBD_OK);
    dbd_request *r = req(DBD_OP_QUERY, "t_myc");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_col_type(f->res, 3), DBD_TYPE_STRING);
    const dbd_value one = STRV("1");
    expect_cell(dbd_result_value(f->res, 0, 3), &one);
}

static void test_transactions(void **state)
{
    fx *f = *state;
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    insert_kgi(f, "t1", dbd_null(), dbd_int(1));
    insert_kgi(f, "t2", dbd_null(), dbd_int(2));
    EXPECT_ST(f, C->rollback(f->conn, &f->info), DBD_OK);
    assert_int_equal(raw_int(f, f->conn, "SELECT COUNT(*) FROM t_myc"), 0);

    /* an atomic batch whose third operation fails leaves nothing */
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    insert_kgi(f, "t1", dbd_null(), dbd_int(1));
    insert_kgi(f, "t2", dbd_null(), dbd_int(2));
    dbd_request *r = req(DBD_OP_INSERT, "t_myc");
    add_value(r, "k", STRV("t1"));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    EXPECT_ST(f, C->rollback(f->conn, &f->info), DBD_OK);
    assert_int_equal(raw_int(f, f->conn, "SELECT COUNT(*) FROM t_myc"), 0);

    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    insert_kgi(f, "t3", dbd_null(), dbd_int(3));
    EXPECT_ST(f, C->commit(f->conn, &f->info), DBD_OK);
    /* rollback without a transaction is harmless */
    EXPECT_ST(f, C->rollback(f->conn, NULL), DBD_OK);
    assert_int_equal(raw_int(f, f->conn, "SELECT COUNT(*) FROM t_myc"), 1);
}

static void test_raw(void **state)
{
    fx *f = *state;
    const dbd_value params[] = {STRV("raw1"), dbd_int(5), dbd_double(0.5),
                                dbd_datetime(1000000), dbd_bool(true),
                                dbd_blob("\0", 1)};
    EXPECT_ST(f, run_raw(f, "INSERT INTO t_myc (k, i, d, dt, grp, b) "
                            "VALUES (?, ?, ?, ?, ?, ?)", params, N(params)),
              DBD_OK);
    assert_int_equal(f->info.affected, 1);
    assert_int_equal(f->info.last_id, 1);
    EXPECT_ST(f, run_raw(f, "SELECT k, i, d, dt, grp, b FROM t_myc WHERE "
                            "k = ? AND i = ? AND d = ? AND dt = ?",
                         params, 4),
              DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    const dbd_value want[] = {STRV("raw1"), dbd_int(5), dbd_double(0.5),
                              dbd_datetime(1000000), dbd_int(1),
                              dbd_blob("\0", 1)};
    for (size_t i = 0; i < N(want); i++)
        expect_cell(dbd_result_value(f->res, 0, i), &want[i]);
    /* an empty result still names its columns */
    EXPECT_ST(f, run_raw(f, "SELECT k AS key_name FROM t_myc WHERE 1 = 0",
                         NULL, 0),
              DBD_OK);
    assert_int_equal(f->columns_calls, 1);
    assert_string_equal(dbd_result_col_name(f->res, 0), "key_name");
    assert_int_equal(dbd_result_nrows(f->res), 0);
    /* DDL and updates report what they did */
    EXPECT_ST(f, run_raw(f, "UPDATE t_myc SET i = i + 1", NULL, 0), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    assert_int_equal(f->info.last_id, 0);
    assert_int_equal(f->columns_calls, 0);
}

static void test_raw_refused(void **state)
{
    fx *f = *state;
    /* one statement only: the second is a syntax error to the server */
    EXPECT_ST(f, run_raw(f, "SELECT 1; DELETE FROM t_myc", NULL, 0), DBD_BAD);
    EXPECT_ST(f, run_raw(f, "SELEKT 1", NULL, 0), DBD_BAD);
    assert_non_null(strstr(f->info.msg, "1064"));
    const dbd_value one = dbd_int(1);
    EXPECT_ST(f, run_raw(f, "SELECT ?, ?", &one, 1), DBD_BAD);
    assert_non_null(strstr(f->info.msg, "2 parameters, 1 given"));
    EXPECT_ST(f, run_raw(f, "", NULL, 0), DBD_BAD);
    dbd_sink sink = fx_sink(f);
    EXPECT_ST(f, C->raw(f->conn, "SELECT 1\0x", 10, NULL, 0, &sink, &f->info),
              DBD_BAD);
    /* the connection is still good */
    assert_int_equal(raw_int(f, f->conn, "SELECT 41 + 1"), 42);
}

/* ---- reconnect ---- */

/* The server drops the connection (KILL from another session): every call
 * on it says UNAVAILABLE, and a new one works. */
static void test_reconnect(void **state)
{
    fx *f = *state;
    char err[512], sql[64];
    void *killer = NULL;

    insert_kgi(f, "before", dbd_null(), dbd_int(1));
    unsigned long id = mysql_thread_id(((myc_conn *)f->conn)->db);
    EXPECT_ST(f, open_url(f->url, NULL, 0, &killer, err, sizeof err), DBD_OK);
    snprintf(sql, sizeof sql, "KILL CONNECTION %lu", id);
    EXPECT_ST(f, run_raw_on(f, killer, sql, NULL, 0), DBD_OK);

    dbd_request *r = req(DBD_OP_QUERY, "t_myc");
    EXPECT_ST(f, run_req(f, &r), DBD_UNAVAILABLE);
    EXPECT_ST(f, C->ping(f->conn, &f->info), DBD_UNAVAILABLE);
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_UNAVAILABLE);
    EXPECT_ST(f, run_raw(f, "SELECT 1", NULL, 0), DBD_UNAVAILABLE);

    /* what the daemon does: close, open again */
    C->close(f->conn);
    f->conn = NULL;
    EXPECT_ST(f, open_url(f->url, NULL, 0, &f->conn, err, sizeof err),
              DBD_OK);
    r = req(DBD_OP_QUERY, "t_myc");
    add_column(r, "k");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);

    /* killed between the prepare (cached) and the next execute */
    id = mysql_thread_id(((myc_conn *)f->conn)->db);
    snprintf(sql, sizeof sql, "KILL CONNECTION %lu", id);
    EXPECT_ST(f, run_raw_on(f, killer, sql, NULL, 0), DBD_OK);
    r = req(DBD_OP_QUERY, "t_myc");
    add_column(r, "k");
    EXPECT_ST(f, run_req(f, &r), DBD_UNAVAILABLE);
    C->close(killer);
}

/* The server drops the connection in the middle of a stream: the query
 * ends UNAVAILABLE, not as a short result. */
static void test_killed_mid_stream(void **state)
{
    fx *f = *state;
    char err[512];
    void *killer = NULL;

    fill_rows(f, 100000);
    EXPECT_ST(f, open_url(f->url, NULL, 0, &killer, err, sizeof err), DBD_OK);
    kill_plan plan = {killer, mysql_thread_id(((myc_conn *)f->conn)->db),
                      100};
    f->on_row = kill_at_row;
    f->on_row_ctx = &plan;
    f->count_only = true;
    dbd_request *r = req(DBD_OP_QUERY, "t_myc");
    EXPECT_ST(f, run_req(f, &r), DBD_UNAVAILABLE);
    f->count_only = false;
    f->on_row = NULL;
    assert_null(plan.killer); /* the kill ran */
    assert_true(f->rows_seen >= 100 && f->rows_seen < 100000);
    C->close(killer);
}

#define FX(t) cmocka_unit_test_setup_teardown(t, setup, fx_teardown)

int main(void)
{
    const char *url = getenv("DBD_TEST_MYSQL_URL");
    if (url == NULL || url[0] == '\0') {
        printf("1..0 # SKIP no server (DBD_TEST_MYSQL_URL is not set)\n");
        return 0;
    }
    const struct CMUnitTest tests[] = {
        FX(test_descriptor),
        FX(test_open_bad_config),
        FX(test_open_failures),
        FX(test_open_socket),
        FX(test_session),
        FX(test_ping),
        FX(test_insert_and_types),
        FX(test_round_trips),
        FX(test_long_values),
        FX(test_other_types),
        FX(test_operators),
        FX(test_order_limit),
        FX(test_update_delete),
        FX(test_replace),
        FX(test_sql_text_in_value),
        FX(test_constraint),
        FX(test_bad_values),
        FX(test_notfound),
        FX(test_deny),
        FX(test_lock_wait),
        FX(test_stream_large),
        FX(test_sink_stop),
        FX(test_stmt_cache),
        FX(test_stmt_cache_schema_change),
        FX(test_transactions),
        FX(test_raw),
        FX(test_raw_refused),
        FX(test_reconnect),
        FX(test_killed_mid_stream),
        cmocka_unit_test(test_error_map),
        cmocka_unit_test(test_time_conversion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
