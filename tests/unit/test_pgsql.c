/*
 * test_pgsql.c - the pgsql connector through its descriptor, against the
 * real server named by DBD_TEST_PGSQL_URL (skipped without one): options,
 * every operation and operator, value round trips, empty results, error
 * mapping, reconnecting after the server drops the connection, the
 * prepared-statement cache and its re-preparing, transactions, raw
 * statements and a 100,000-row stream.  Everything happens in a schema of
 * its own, dropped at the end.
 */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pgsql/pgsql_int.h"
/* last: it defines C and N, names library headers use for parameters */
#include "connector_fixture.h"

static void schema_name(char *out, size_t n)
{
    snprintf(out, n, "dbd_unit_%ld", (long)getpid());
}

/* The option that puts a session into the test schema; buf holds its
 * text. */
static dbd_option schema_option(char *buf, size_t len)
{
    char schema[64];
    schema_name(schema, sizeof schema);
    snprintf(buf, len, "-c search_path=%s", schema);
    return (dbd_option){"options", buf};
}

/* What the sink finds out at the first row of a stream: the state of
 * session pid, as the connection conn sees it. */
typedef struct probe {
    void *conn;
    int64_t pid;
    char state[32];
} probe;

/* The row hook of a probe. */
static int probe_first_row(fx *f, const dbd_value *values)
{
    probe *pr = f->on_row_ctx;
    (void)values;
    if (f->rows_seen != 1)
        return 0;
    fx p = {0};
    dbd_value pid = dbd_int(pr->pid);
    if (run_raw_on(&p, pr->conn, "SELECT state FROM pg_stat_activity "
                   "WHERE pid = $1::int", &pid, 1) == DBD_OK &&
        dbd_result_nrows(p.res) == 1) {
        const dbd_value *v = dbd_result_value(p.res, 0, 0);
        if (v->type == DBD_TYPE_STRING)
            snprintf(pr->state, sizeof pr->state, "%.*s", (int)v->u.s.len,
                     v->u.s.ptr);
    }
    dbd_result_destroy(&p.res);
    return 0;
}

/* A connection in the test schema, with extra options. */
static void *open_with(fx *f, const dbd_option *extra, size_t nextra)
{
    char sp[128];
    dbd_option opts[8] = {schema_option(sp, sizeof sp)};
    size_t n = 1;
    char err[512];
    void *conn = NULL;
    for (size_t i = 0; i < nextra && n < N(opts); i++)
        opts[n++] = extra[i];
    dbd_status st = open_url(f->url, opts, n, &conn, err, sizeof err);
    if (st != DBD_OK)
        fail_msg("open: %s: %s", dbd_status_name(st), err);
    return conn;
}

static void raw_ok(fx *f, const char *sql)
{
    dbd_status st = run_raw(f, sql, NULL, 0);
    if (st != DBD_OK)
        fail_msg("%s: %s (%s)", sql, dbd_status_name(st), f->info.msg);
}

/* ---- fixture ---- */

static const char *const create_sql[] = {
    "DROP TABLE IF EXISTS t, nokey, big, grow",
    "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, k VARCHAR(64) NOT NULL "
    "UNIQUE, grp BIGINT, i BIGINT, d DOUBLE PRECISION, s TEXT, b BYTEA, "
    "dt TIMESTAMP(6) WITHOUT TIME ZONE, f4 REAL, i4 INTEGER, flag BOOLEAN, "
    "num NUMERIC, tz TIMESTAMPTZ, day DATE)",
    "CREATE TABLE nokey (k TEXT PRIMARY KEY, v INTEGER)",
};

static int group_setup(void **state)
{
    const char *url = getenv("DBD_TEST_PGSQL_URL");
    char schema[64], sql[160], err[512];
    void *conn = NULL;
    dbd_exec_info info;
    (void)state;
    schema_name(schema, sizeof schema);
    if (open_url(url, NULL, 0, &conn, err, sizeof err) != DBD_OK) {
        print_error("open %s: %s\n", url, err);
        return -1;
    }
    snprintf(sql, sizeof sql, "CREATE SCHEMA %s", schema);
    dbd_status st = C->raw(conn, sql, strlen(sql), NULL, 0, NULL, &info);
    C->close(conn);
    if (st != DBD_OK)
        print_error("%s: %s\n", sql, info.msg);
    return st == DBD_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    const char *url = getenv("DBD_TEST_PGSQL_URL");
    char schema[64], sql[160], err[512];
    void *conn = NULL;
    dbd_exec_info info;
    (void)state;
    schema_name(schema, sizeof schema);
    if (open_url(url, NULL, 0, &conn, err, sizeof err) != DBD_OK)
        return -1;
    snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", schema);
    dbd_status st = C->raw(conn, sql, strlen(sql), NULL, 0, NULL, &info);
    C->close(conn);
    return st == DBD_OK ? 0 : -1;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    *state = f;
    snprintf(f->url, sizeof f->url, "%s", getenv("DBD_TEST_PGSQL_URL"));
    f->conn = open_with(f, NULL, 0);
    for (size_t i = 0; i < N(create_sql); i++)
        raw_ok(f, create_sql[i]);
    return 0;
}

/* ---- helpers ---- */

static int64_t insert_kgi(fx *f, const char *k, dbd_value grp, dbd_value i)
{
    return insert_kgi_into(f, "t", k, grp, i);
}

/* k of the rows matching one condition (in: of two values), ordered by
 * id, joined by ','. */
static const char *keys_where(fx *f, const char *col, dbd_cmp cmp,
                              const dbd_value *v, char *buf, size_t len)
{
    return keys_matching(f, "t", "id", col, cmp, v, cmp == DBD_CMP_IN ? 2 : 1,
                         buf, len);
}

static void check_value(const dbd_value *got, const dbd_value *want,
                         const char *what)
{
    if (!dbd_value_equal(got, want))
        fail_msg("%s: got type %s, want type %s (or other content)", what,
                 dbd_type_name(got->type), dbd_type_name(want->type));
}

static void check_str(const dbd_value *got, const char *want,
                       const char *what)
{
    dbd_value v = dbd_string(want, strlen(want));
    if (got == NULL || !dbd_value_equal(got, &v))
        fail_msg("%s: got %s \"%.*s\", want \"%s\"", what,
                 got ? dbd_type_name(got->type) : "nothing",
                 got && got->type == DBD_TYPE_STRING ? (int)got->u.s.len : 0,
                 got && got->type == DBD_TYPE_STRING ? got->u.s.ptr : "",
                 want);
}

static void check_bool(const dbd_value *got, bool want, const char *what)
{
    dbd_value v = dbd_bool(want);
    check_value(got, &v, what);
}

/* The single value of a one-row raw query on conn, which must be an int. */
static int64_t raw_int_exact(fx *f, void *conn, const char *sql)
{
    EXPECT_ST(f, run_raw_on(f, conn, sql, NULL, 0), DBD_OK);
    const dbd_value *v = dbd_result_value(f->res, 0, 0);
    assert_non_null(v);
    assert_int_equal(v->type, DBD_TYPE_INT);
    return v->u.i;
}

/* The server-side id of conn's session. */
static int64_t backend_pid(fx *f, void *conn)
{
    return raw_int_exact(f, conn, "SELECT pg_backend_pid()");
}

/* ---- tests ---- */

static size_t count_rows(fx *f)
{
    return (size_t)raw_int_exact(f, f->conn, "SELECT count(*) FROM t");
}


static void test_descriptor(void **state)
{
    (void)state;
    assert_int_equal(C->abi, DBD_CONNECTOR_ABI);
    assert_int_equal(C->size, sizeof(struct dbd_connector));
    assert_string_equal(C->scheme, "pgsql");
    uint64_t want = DBD_CAP_QUERY | DBD_CAP_INSERT | DBD_CAP_UPDATE |
                    DBD_CAP_DELETE | DBD_CAP_REPLACE | DBD_CAP_TRANSACTION |
                    DBD_CAP_RAW | DBD_CAP_ORDER | DBD_CAP_LIMIT |
                    DBD_CAP_BITAND | DBD_CAP_LAST_ID | DBD_CAP_UNIQUE;
    assert_int_equal(C->caps, want);
}

static void expect_config(fx *f, dbd_option opt, const char *needle)
{
    char sp[128];
    dbd_option opts[2] = {schema_option(sp, sizeof sp), opt};
    char err[512];
    void *conn = NULL;
    dbd_status st = open_url(f->url, opts, 2, &conn, err, sizeof err);
    if (st != DBD_CONFIG || strstr(err, needle) == NULL)
        fail_msg("%s=%s: got %s (%s), want CONFIG naming \"%s\"", opt.key,
                 opt.value, dbd_status_name(st), err, needle);
    assert_null(conn);
}

static void test_options(void **state)
{
    fx *f = *state;
    expect_config(f, (dbd_option){"no_such_thing", "1"}, "no_such_thing");
    expect_config(f, (dbd_option){"stmt_cache", "0"}, "stmt_cache");
    expect_config(f, (dbd_option){"statement_timeout", "-5"},
                  "statement_timeout");
    expect_config(f, (dbd_option){"numeric", "float"}, "numeric");
    expect_config(f, (dbd_option){"client_encoding", "LATIN1"},
                  "client_encoding");
    expect_config(f, (dbd_option){"replication", "database"}, "replication");

    /* the default application name, then one passed through to libpq,
     * with the config's "option." prefix */
    EXPECT_ST(f, run_raw(f, "SELECT current_setting('application_name')",
                         NULL, 0), DBD_OK);
    check_str(dbd_result_value(f->res, 0, 0), "dbd",
               "default application_name");
    dbd_option app = {"option.application_name", "dbd-unit"};
    void *conn = open_with(f, &app, 1);
    EXPECT_ST(f, run_raw_on(f, conn,
                            "SELECT current_setting('application_name'), "
                            "current_setting('TimeZone'), "
                            "current_setting('extra_float_digits')",
                            NULL, 0), DBD_OK);
    check_str(dbd_result_value(f->res, 0, 0), "dbd-unit",
               "application_name");
    check_str(dbd_result_value(f->res, 0, 1), "UTC", "TimeZone");
    check_str(dbd_result_value(f->res, 0, 2), "3", "extra_float_digits");
    C->close(conn);

    /* a URL parameter the same way */
    char url[1300];
    char err[512];
    snprintf(url, sizeof url, "%s?application_name=from-url&sslmode=disable",
             f->url);
    char sp_text[128];
    dbd_option sp = schema_option(sp_text, sizeof sp_text);
    conn = NULL;
    EXPECT_ST(f, open_url(url, &sp, 1, &conn, err, sizeof err), DBD_OK);
    EXPECT_ST(f, run_raw_on(f, conn,
                            "SELECT current_setting('application_name')",
                            NULL, 0), DBD_OK);
    check_str(dbd_result_value(f->res, 0, 0), "from-url",
               "URL application_name");
    C->close(conn);
}

static void test_unix_socket(void **state)
{
    fx *f = *state;
    const char *dir = getenv("PGSQL_SOCKET_DIR");
    if (dir == NULL || dir[0] == '\0')
        skip();
    dbd_option host = {"host", dir};
    void *conn = open_with(f, &host, 1);
    EXPECT_ST(f, C->ping(conn, &f->info), DBD_OK);
    /* a unix-socket session has no client address */
    EXPECT_ST(f, run_raw_on(f, conn, "SELECT inet_client_addr() IS NULL",
                            NULL, 0), DBD_OK);
    check_bool(dbd_result_value(f->res, 0, 0), true, "unix socket");
    C->close(conn);

    /* a URL without a host, the socket directory given as an option */
    const char *port = getenv("PGSQL_PORT");
    if (port == NULL || port[0] == '\0')
        return;
    char err[512], sp[128];
    dbd_option opts[3] = {schema_option(sp, sizeof sp), {"host", dir},
                          {"port", port}};
    conn = NULL;
    EXPECT_ST(f, open_url("pgsql://dbd@/dbdtest", opts, N(opts), &conn, err,
                          sizeof err), DBD_OK);
    EXPECT_ST(f, C->ping(conn, &f->info), DBD_OK);
    C->close(conn);
}

static void test_open_unavailable(void **state)
{
    fx *f = *state;
    char err[512];
    void *conn = NULL;
    (void)f;
    /* port 1 on loopback: nobody listens there */
    dbd_status st = open_url("pgsql://dbd:x@127.0.0.1:1/dbdtest", NULL, 0,
                             &conn, err, sizeof err);
    if (st != DBD_UNAVAILABLE || strstr(err, "cannot connect") == NULL)
        fail_msg("got %s (%s), want UNAVAILABLE", dbd_status_name(st), err);
    assert_null(conn);
}

static void test_ping(void **state)
{
    fx *f = *state;
    EXPECT_ST(f, C->ping(f->conn, &f->info), DBD_OK);
}

/* Every type through insert and query, at its extremes. */
static void test_roundtrip(void **state)
{
    fx *f = *state;
    static const unsigned char blob[] = {0, 1, 0, 255, '\'', 0};
    static const char utf8[] = "caf\xc3\xa9 \xf0\x9f\x98\x80 \"'\\;%*()";
    const struct {
        const char *k;
        dbd_value i, d, dt, tz, day;
    } rows[] = {
        {"min", dbd_int(INT64_MIN), dbd_double(-0.0),
         dbd_datetime(-2177452800000000 + 1), /* 1901-01-01 00:00:00.000001 */
         dbd_datetime(-1), dbd_datetime(-2177452800000000)},
        {"max", dbd_int(INT64_MAX), dbd_double(1e308),
         dbd_datetime(7258118399999999), /* 2199-12-31 23:59:59.999999 */
         dbd_datetime(4102444800123456), dbd_datetime(7258032000000000)},
        {"tiny", dbd_int(0), dbd_double(5e-324), dbd_datetime(0),
         dbd_datetime(0), dbd_datetime(0)},
        {"inf", dbd_int(-1), dbd_double(INFINITY), dbd_datetime(INT64_MAX),
         dbd_datetime(INT64_MIN), dbd_datetime(INT64_MAX)},
    };
    for (size_t n = 0; n < N(rows); n++) {
        dbd_request *r = req(DBD_OP_INSERT, "t");
        add_value(r, "k", dbd_string(rows[n].k, strlen(rows[n].k)));
        add_value(r, "i", rows[n].i);
        add_value(r, "d", rows[n].d);
        add_value(r, "s", dbd_string(utf8, sizeof utf8 - 1));
        add_value(r, "b", dbd_blob(blob, sizeof blob));
        add_value(r, "dt", rows[n].dt);
        add_value(r, "tz", rows[n].tz);
        add_value(r, "day", rows[n].day);
        add_value(r, "f4", dbd_double(0.1));
        add_value(r, "i4", dbd_int(INT32_MIN));
        add_value(r, "flag", dbd_bool(n % 2 == 0));
        add_value(r, "num", STRV("12345678901234567890.000000000001"));
        add_value(r, "grp", dbd_null());
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
    }
    /* with the numeric column every value is read from the text format,
     * without it from the binary format */
    static const char *const cols[] = {"k", "i", "d", "s", "b", "dt", "tz",
                                       "day", "f4", "i4", "flag", "grp",
                                       "num"};
    static const dbd_type types[] = {
        DBD_TYPE_STRING, DBD_TYPE_INT, DBD_TYPE_DOUBLE, DBD_TYPE_STRING,
        DBD_TYPE_BLOB, DBD_TYPE_DATETIME, DBD_TYPE_DATETIME,
        DBD_TYPE_DATETIME, DBD_TYPE_DOUBLE, DBD_TYPE_INT, DBD_TYPE_BOOL,
        DBD_TYPE_INT, DBD_TYPE_STRING};
    for (size_t pass = 0; pass < 2; pass++) {
        size_t ncols = pass == 0 ? N(cols) : N(cols) - 1;
        for (size_t n = 0; n < N(rows); n++) {
            dbd_request *r = req(DBD_OP_QUERY, "t");
            for (size_t c = 0; c < ncols; c++)
                add_column(r, cols[c]);
            add_where(r, "k", DBD_CMP_EQ,
                      dbd_string(rows[n].k, strlen(rows[n].k)));
            EXPECT_ST(f, run_req(f, &r), DBD_OK);
            assert_int_equal(dbd_result_nrows(f->res), 1);
            const dbd_value want[] = {
                dbd_string(rows[n].k, strlen(rows[n].k)), rows[n].i,
                rows[n].d, dbd_string(utf8, sizeof utf8 - 1),
                dbd_blob(blob, sizeof blob), rows[n].dt, rows[n].tz,
                rows[n].day, dbd_double((double)0.1f), dbd_int(INT32_MIN),
                dbd_bool(n % 2 == 0), dbd_null(),
                STRV("12345678901234567890.000000000001")};
            for (size_t c = 0; c < ncols; c++) {
                char what[64];
                snprintf(what, sizeof what, "%s of %s (pass %zu)", cols[c],
                         rows[n].k, pass);
                assert_int_equal(dbd_result_col_type(f->res, c), types[c]);
                check_value(dbd_result_value(f->res, 0, c), &want[c], what);
            }
            const dbd_value *d = dbd_result_value(f->res, 0, 2);
            assert_int_equal(signbit(d->u.d) != 0,
                             signbit(rows[n].d.u.d) != 0);
        }
    }
    /* matched by value, and the datetime read back as the same instant */
    char buf[128];
    dbd_value tiny = dbd_double(5e-324);
    assert_string_equal(keys_where(f, "d", DBD_CMP_EQ, &tiny, buf,
                                   sizeof buf), "tiny");
    dbd_value dt = rows[1].dt;
    assert_string_equal(keys_where(f, "dt", DBD_CMP_EQ, &dt, buf,
                                   sizeof buf), "max");
    dbd_value neg = dbd_datetime(0);
    assert_string_equal(keys_where(f, "dt", DBD_CMP_LT, &neg, buf,
                                   sizeof buf), "min");
}

/* 128 KiB of 4-byte characters, 64 KiB of bytes with NULs. */
static void test_long_values(void **state)
{
    fx *f = *state;
    size_t slen = 128 * 1024, blen = 64 * 1024 + 3;
    char *s = malloc(slen);
    unsigned char *b = malloc(blen);
    assert_non_null(s);
    assert_non_null(b);
    for (size_t i = 0; i < slen; i += 4)
        memcpy(s + i, "\xf0\x9f\x98\x80", 4);
    for (size_t i = 0; i < blen; i++)
        b[i] = (unsigned char)(i * 7);
    dbd_request *r = req(DBD_OP_INSERT, "t");
    add_value(r, "k", STRV("long"));
    add_value(r, "s", dbd_string(s, slen));
    add_value(r, "b", dbd_blob(b, blen));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    r = req(DBD_OP_QUERY, "t");
    add_column(r, "s");
    add_column(r, "b");
    add_where(r, "s", DBD_CMP_EQ, dbd_string(s, slen));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    dbd_value sv = dbd_string(s, slen), bv = dbd_blob(b, blen);
    check_value(dbd_result_value(f->res, 0, 0), &sv, "s");
    check_value(dbd_result_value(f->res, 0, 1), &bv, "b");
    /* the same through raw, whose results come as text */
    dbd_value p = dbd_blob(b, blen);
    EXPECT_ST(f, run_raw(f, "SELECT b, s FROM t WHERE b = $1", &p, 1),
              DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    check_value(dbd_result_value(f->res, 0, 0), &p, "raw b");
    check_value(dbd_result_value(f->res, 0, 1), &sv, "raw s");
    free(s);
    free(b);
}

static void test_write_counters(void **state)
{
    fx *f = *state;
    int64_t a = insert_kgi(f, "a", dbd_int(1), dbd_int(10));
    int64_t b = insert_kgi(f, "b", dbd_int(1), dbd_int(20));
    int64_t c = insert_kgi(f, "c", dbd_int(2), dbd_int(30));
    assert_true(a > 0);
    assert_int_equal(b, a + 1);
    assert_int_equal(c, b + 1);

    dbd_request *r = req(DBD_OP_UPDATE, "t");
    add_value(r, "i", dbd_int(99));
    add_where(r, "grp", DBD_CMP_EQ, dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 2);
    assert_int_equal(f->info.last_id, 0);

    /* replace: insert, then update on the key */
    r = req(DBD_OP_REPLACE, "t");
    add_value(r, "k", STRV("r"));
    add_value(r, "i", dbd_int(1));
    assert_int_equal(dbd_op_add_key(r, &r->op, "k"), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    r = req(DBD_OP_REPLACE, "t");
    add_value(r, "k", STRV("r"));
    add_value(r, "i", dbd_int(2));
    assert_int_equal(dbd_op_add_key(r, &r->op, "k"), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    char buf[64];
    dbd_value two = dbd_int(2);
    assert_string_equal(keys_where(f, "i", DBD_CMP_EQ, &two, buf,
                                   sizeof buf), "r");

    r = req(DBD_OP_DELETE, "t");
    add_where(r, "i", DBD_CMP_EQ, dbd_int(99));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 2);
    r = req(DBD_OP_DELETE, "t");
    add_where(r, "i", DBD_CMP_EQ, dbd_int(12345));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 0);

    /* a table without a serial column has no last_id */
    r = req(DBD_OP_INSERT, "nokey");
    add_value(r, "k", STRV("x"));
    add_value(r, "v", dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    assert_int_equal(f->info.last_id, 0);
}

static void test_operators(void **state)
{
    fx *f = *state;
    char buf[128];
    insert_kgi(f, "a", dbd_int(1), dbd_int(5));   /* grp 0b001 */
    insert_kgi(f, "b", dbd_int(2), dbd_int(10));  /* grp 0b010 */
    insert_kgi(f, "c", dbd_int(6), dbd_null());   /* grp 0b110 */
    insert_kgi(f, "d", dbd_null(), dbd_int(10));
    dbd_value ten = dbd_int(10), two = dbd_int(2);
    dbd_value in[2] = {dbd_int(5), dbd_int(99)};
    dbd_value none = dbd_null();
    assert_string_equal(keys_where(f, "i", DBD_CMP_EQ, &ten, buf, sizeof buf),
                        "b,d");
    assert_string_equal(keys_where(f, "i", DBD_CMP_NE, &ten, buf, sizeof buf),
                        "a");
    assert_string_equal(keys_where(f, "i", DBD_CMP_LT, &ten, buf, sizeof buf),
                        "a");
    assert_string_equal(keys_where(f, "i", DBD_CMP_LE, &ten, buf, sizeof buf),
                        "a,b,d");
    assert_string_equal(keys_where(f, "i", DBD_CMP_GT, &in[0], buf,
                                   sizeof buf), "b,d");
    assert_string_equal(keys_where(f, "i", DBD_CMP_GE, &in[0], buf,
                                   sizeof buf), "a,b,d");
    assert_string_equal(keys_where(f, "grp", DBD_CMP_BITAND, &two, buf,
                                   sizeof buf), "b,c");
    assert_string_equal(keys_where(f, "i", DBD_CMP_IN, in, buf, sizeof buf),
                        "a");
    assert_string_equal(keys_where(f, "i", DBD_CMP_ISNULL, &none, buf,
                                   sizeof buf), "c");
    assert_string_equal(keys_where(f, "grp", DBD_CMP_NOTNULL, &none, buf,
                                   sizeof buf), "a,b,c");
    /* a comparison with NULL matches nothing */
    assert_string_equal(keys_where(f, "i", DBD_CMP_EQ, &none, buf,
                                   sizeof buf), "");
    /* a string where the column is an integer: typed by its use */
    dbd_value ten_text = STRV("10");
    assert_string_equal(keys_where(f, "i", DBD_CMP_EQ, &ten_text, buf,
                                   sizeof buf), "b,d");
    /* & on an INTEGER column (Kamailio's flags) with a 64-bit value */
    raw_ok(f, "UPDATE t SET i4 = grp");
    assert_string_equal(keys_where(f, "i4", DBD_CMP_BITAND, &two, buf,
                                   sizeof buf), "b,c");
    dbd_value in_k[2] = {STRV("c"), STRV("zz")};
    assert_string_equal(keys_where(f, "k", DBD_CMP_IN, in_k, buf,
                                   sizeof buf), "c");
}

static void test_order_limit(void **state)
{
    fx *f = *state;
    insert_kgi(f, "a", dbd_int(1), dbd_int(1));
    insert_kgi(f, "b", dbd_int(2), dbd_int(1));
    insert_kgi(f, "c", dbd_int(1), dbd_int(2));
    insert_kgi(f, "d", dbd_int(2), dbd_int(2));
    insert_kgi(f, "e", dbd_int(1), dbd_int(3));
    const struct {
        int64_t limit, offset;
        const char *want;
    } cases[] = {
        {-1, 0, "e,c,a,d,b"}, {2, 0, "e,c"}, {2, 2, "a,d"}, {-1, 3, "d,b"},
        {0, 0, ""}, {10, 10, ""},
    };
    for (size_t n = 0; n < N(cases); n++) {
        dbd_request *r = req(DBD_OP_QUERY, "t");
        add_column(r, "k");
        assert_int_equal(dbd_op_add_order(r, &r->op, "grp", false), 0);
        assert_int_equal(dbd_op_add_order(r, &r->op, "i", true), 0);
        dbd_op_set_limit(&r->op, cases[n].limit, cases[n].offset);
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
        char got[64] = "";
        size_t used = 0;
        for (size_t row = 0; row < dbd_result_nrows(f->res); row++) {
            const dbd_value *k = dbd_result_value(f->res, row, 0);
            used += (size_t)snprintf(got + used, sizeof got - used, "%s%.*s",
                                     row ? "," : "", (int)k->u.s.len,
                                     k->u.s.ptr);
        }
        if (strcmp(got, cases[n].want) != 0)
            fail_msg("limit %lld offset %lld: got \"%s\", want \"%s\"",
                     (long long)cases[n].limit, (long long)cases[n].offset,
                     got, cases[n].want);
    }
}

/* An empty result still names and types its columns, once. */
static void test_empty_result(void **state)
{
    fx *f = *state;
    dbd_request *r = req(DBD_OP_QUERY, "t");
    add_where(r, "k", DBD_CMP_EQ, STRV("nobody"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->columns_calls, 1);
    assert_int_equal(dbd_result_nrows(f->res), 0);
    static const char *const names[] = {"id", "k", "grp", "i", "d", "s", "b",
                                        "dt", "f4", "i4", "flag", "num",
                                        "tz", "day"};
    static const dbd_type types[] = {
        DBD_TYPE_INT, DBD_TYPE_STRING, DBD_TYPE_INT, DBD_TYPE_INT,
        DBD_TYPE_DOUBLE, DBD_TYPE_STRING, DBD_TYPE_BLOB, DBD_TYPE_DATETIME,
        DBD_TYPE_DOUBLE, DBD_TYPE_INT, DBD_TYPE_BOOL, DBD_TYPE_STRING,
        DBD_TYPE_DATETIME, DBD_TYPE_DATETIME};
    assert_int_equal(dbd_result_ncols(f->res), N(names));
    for (size_t c = 0; c < N(names); c++) {
        assert_string_equal(dbd_result_col_name(f->res, c), names[c]);
        assert_int_equal(dbd_result_col_type(f->res, c), types[c]);
    }
    /* the same through raw */
    EXPECT_ST(f, run_raw(f, "SELECT d, b, dt FROM t WHERE false", NULL, 0),
              DBD_OK);
    assert_int_equal(f->columns_calls, 1);
    assert_int_equal(dbd_result_ncols(f->res), 3);
    assert_int_equal(dbd_result_col_type(f->res, 0), DBD_TYPE_DOUBLE);
    assert_int_equal(dbd_result_col_type(f->res, 1), DBD_TYPE_BLOB);
    assert_int_equal(dbd_result_col_type(f->res, 2), DBD_TYPE_DATETIME);
}

static void test_errors(void **state)
{
    fx *f = *state;
    insert_kgi(f, "dup", dbd_null(), dbd_null());
    dbd_request *r = req(DBD_OP_INSERT, "t");
    add_value(r, "k", STRV("dup"));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    assert_non_null(strstr(f->info.msg, "23505"));

    r = req(DBD_OP_INSERT, "t");
    add_value(r, "i", dbd_int(1)); /* k is NOT NULL */
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);

    r = req(DBD_OP_QUERY, "no_such_table");
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
    r = req(DBD_OP_QUERY, "t");
    add_where(r, "no_such_column", DBD_CMP_EQ, dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
    r = req(DBD_OP_UPDATE, "t");
    add_value(r, "no_such_column", dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);

    /* values the column cannot take */
    r = req(DBD_OP_INSERT, "t");
    add_value(r, "k", STRV("x"));
    add_value(r, "i", STRV("not a number"));
    EXPECT_ST(f, run_req(f, &r), DBD_BAD);
    r = req(DBD_OP_INSERT, "t");
    add_value(r, "k", STRV("x"));
    add_value(r, "i4", dbd_int(INT64_MAX));
    EXPECT_ST(f, run_req(f, &r), DBD_BAD);
    r = req(DBD_OP_INSERT, "t");
    add_value(r, "k", dbd_string("a\0b", 3));
    EXPECT_ST(f, run_req(f, &r), DBD_BAD);
    assert_non_null(strstr(f->info.msg, "NUL"));
    /* a double has no & */
    r = req(DBD_OP_QUERY, "t");
    add_where(r, "d", DBD_CMP_BITAND, dbd_double(1.5));
    EXPECT_ST(f, run_req(f, &r), DBD_BAD);
    /* replace on a column without a unique constraint */
    r = req(DBD_OP_REPLACE, "t");
    add_value(r, "k", STRV("x"));
    add_value(r, "i", dbd_int(1));
    assert_int_equal(dbd_op_add_key(r, &r->op, "i"), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_BAD);

    EXPECT_ST(f, run_raw(f, "SELEC 1", NULL, 0), DBD_BAD);
    EXPECT_ST(f, run_raw(f, "SELECT 1; SELECT 2", NULL, 0), DBD_BAD);
    EXPECT_ST(f, run_raw(f, "SELECT * FROM pg_authid", NULL, 0), DBD_DENY);
    EXPECT_ST(f, run_raw(f, "SELECT 1/0", NULL, 0), DBD_BAD);
    EXPECT_ST(f, run_raw(f, "COPY t TO STDOUT", NULL, 0), DBD_UNSUPPORTED);
    EXPECT_ST(f, run_raw(f, "COPY t FROM STDIN", NULL, 0), DBD_UNSUPPORTED);
    EXPECT_ST(f, run_raw(f, "  ", NULL, 0), DBD_BAD);
    EXPECT_ST(f, C->raw(f->conn, "SELECT 1\0", 9, NULL, 0, NULL, &f->info),
              DBD_BAD);
    dbd_value one = dbd_int(1);
    EXPECT_ST(f, run_raw(f, "SELECT $1::int + $2::int", &one, 1), DBD_BAD);

    /* after all that the connection still works */
    EXPECT_ST(f, C->ping(f->conn, &f->info), DBD_OK);
    assert_int_equal(raw_int_exact(f, f->conn, "SELECT count(*) FROM t"), 1);
}

static void test_timeouts(void **state)
{
    fx *f = *state;
    dbd_option st_opt = {"statement_timeout", "100"};
    void *a = open_with(f, &st_opt, 1);
    EXPECT_ST(f, run_raw_on(f, a, "SELECT pg_sleep(2)", NULL, 0),
              DBD_TIMEOUT);
    assert_non_null(strstr(f->info.msg, "57014"));
    EXPECT_ST(f, C->ping(a, &f->info), DBD_OK);
    C->close(a);

    /* a row lock held by another session: lock_timeout is BUSY */
    insert_kgi(f, "locked", dbd_null(), dbd_int(1));
    dbd_option lk = {"lock_timeout", "100"};
    void *b = open_with(f, &lk, 1);
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    dbd_request *r = req(DBD_OP_UPDATE, "t");
    add_value(r, "i", dbd_int(2));
    add_where(r, "k", DBD_CMP_EQ, STRV("locked"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    r = req(DBD_OP_UPDATE, "t");
    add_value(r, "i", dbd_int(3));
    add_where(r, "k", DBD_CMP_EQ, STRV("locked"));
    EXPECT_ST(f, run_req_on(f, b, &r), DBD_BUSY);
    assert_non_null(strstr(f->info.msg, "55P03"));
    EXPECT_ST(f, C->rollback(f->conn, &f->info), DBD_OK);
    C->close(b);
}

static void test_sqlstate_map(void **state)
{
    (void)state;
    const struct {
        const char *state;
        dbd_status want;
    } cases[] = {
        {"23505", DBD_CONSTRAINT}, {"23502", DBD_CONSTRAINT},
        {"23503", DBD_CONSTRAINT}, {"42P01", DBD_NOTFOUND},
        {"42703", DBD_NOTFOUND},   {"42601", DBD_BAD},
        {"42883", DBD_BAD},        {"42501", DBD_DENY},
        {"28P01", DBD_DENY},       {"40001", DBD_BUSY},
        {"40P01", DBD_BUSY},       {"55P03", DBD_BUSY},
        {"57014", DBD_TIMEOUT},    {"57P01", DBD_UNAVAILABLE},
        {"57P02", DBD_UNAVAILABLE}, {"08006", DBD_UNAVAILABLE},
        {"08P01", DBD_BAD},        {"22P02", DBD_BAD},
        {"22003", DBD_BAD},        {"22001", DBD_BAD},
        {"53100", DBD_INTERNAL},   {"53300", DBD_BUSY},
        {"0A000", DBD_UNSUPPORTED}, {"XX000", DBD_INTERNAL},
        {"99999", DBD_INTERNAL},   {"", DBD_INTERNAL},
        {NULL, DBD_INTERNAL},
    };
    for (size_t i = 0; i < N(cases); i++) {
        dbd_status got = pgc_status_of(cases[i].state);
        if (got != cases[i].want)
            fail_msg("%s: got %s, want %s",
                     cases[i].state ? cases[i].state : "NULL",
                     dbd_status_name(got), dbd_status_name(cases[i].want));
    }
}

/* Waits until the server has ended session pid (killed from killer). */
static void terminate(fx *f, void *killer, int64_t pid)
{
    dbd_value p = dbd_int(pid);
    EXPECT_ST(f, run_raw_on(f, killer, "SELECT pg_terminate_backend($1::int)",
                            &p, 1), DBD_OK);
    check_bool(dbd_result_value(f->res, 0, 0), true, "terminated");
    for (int i = 0; i < 100; i++) {
        EXPECT_ST(f, run_raw_on(f, killer, "SELECT count(*) FROM "
                                "pg_stat_activity WHERE pid = $1::int", &p,
                                1), DBD_OK);
        if (dbd_result_value(f->res, 0, 0)->u.i == 0)
            return;
        usleep(20000);
    }
    fail_msg("session %lld did not end", (long long)pid);
}

/* The server ends sessions (as on a restart or an administrator's kill). */
static void test_reconnect(void **state)
{
    fx *f = *state;
    void *killer = open_with(f, NULL, 0);

    /* while idle: noticed before the next request, which runs on a new
     * session with a fresh statement cache */
    insert_kgi(f, "before", dbd_null(), dbd_null());
    int64_t pid = backend_pid(f, f->conn);
    terminate(f, killer, pid);
    insert_kgi(f, "after", dbd_null(), dbd_null());
    int64_t pid2 = backend_pid(f, f->conn);
    assert_int_not_equal(pid2, pid);
    assert_int_equal(count_rows(f), 2);

    /* while a statement runs: UNAVAILABLE, for the daemon to reopen */
    EXPECT_ST(f, run_raw(f, "SELECT pg_terminate_backend(pg_backend_pid())",
                         NULL, 0), DBD_UNAVAILABLE);
    EXPECT_ST(f, run_raw(f, "SELECT 1", NULL, 0), DBD_OK);

    /* inside a transaction: the transaction is lost, UNAVAILABLE */
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    insert_kgi(f, "in-txn", dbd_null(), dbd_null());
    terminate(f, killer, backend_pid(f, f->conn));
    dbd_request *r = req(DBD_OP_INSERT, "t");
    add_value(r, "k", STRV("x"));
    EXPECT_ST(f, run_req(f, &r), DBD_UNAVAILABLE);
    EXPECT_ST(f, C->rollback(f->conn, &f->info), DBD_UNAVAILABLE);
    C->close(f->conn);

    /* a new connection, as the daemon makes */
    f->conn = open_with(f, NULL, 0);
    assert_int_equal(count_rows(f), 2);
    C->close(killer);
}

static size_t server_statements(fx *f)
{
    return (size_t)raw_int_exact(f, f->conn, "SELECT count(*) FROM "
                                             "pg_prepared_statements");
}

static void query_i(fx *f, dbd_value v)
{
    dbd_request *r = req(DBD_OP_QUERY, "t");
    add_where(r, "i", DBD_CMP_EQ, v);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
}

static void test_stmt_cache(void **state)
{
    fx *f = *state;
    pgc_conn *c = f->conn;
    uint64_t hits0, hits, misses0, misses;
    dbd_stmt_cache_stats(c->cache, &hits0, &misses0);
    size_t n0 = dbd_stmt_cache_count(c->cache);
    query_i(f, dbd_int(1));
    query_i(f, dbd_int(2));
    dbd_stmt_cache_stats(c->cache, &hits, &misses);
    assert_int_equal(dbd_stmt_cache_count(c->cache), n0 + 1);
    assert_int_equal(hits - hits0, 1);
    assert_int_equal(misses - misses0, 1);
    assert_int_equal(server_statements(f), n0 + 1);
    /* another value type is another statement */
    query_i(f, STRV("3"));
    assert_int_equal(dbd_stmt_cache_count(c->cache), n0 + 2);

    /* a small cache deallocates what it drops */
    dbd_option small = {"stmt_cache", "2"};
    void *conn = open_with(f, &small, 1);
    void *saved = f->conn;
    f->conn = conn;
    static const char *const cols[] = {"i", "d", "s", "b", "dt"};
    for (size_t i = 0; i < N(cols); i++) {
        dbd_request *r = req(DBD_OP_QUERY, "t");
        add_column(r, cols[i]);
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
    }
    assert_int_equal(dbd_stmt_cache_count(((pgc_conn *)conn)->cache), 2);
    assert_int_equal(server_statements(f), 2);
    f->conn = saved;
    C->close(conn);
}

/* Statements that went stale in the session are prepared again. */
static void test_stale_statements(void **state)
{
    fx *f = *state;
    insert_kgi(f, "a", dbd_int(1), dbd_int(1));
    dbd_request *r = req(DBD_OP_QUERY, "t");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    size_t ncols = dbd_result_ncols(f->res);
    raw_ok(f, "ALTER TABLE t ADD COLUMN extra INTEGER DEFAULT 7");
    r = req(DBD_OP_QUERY, "t");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_ncols(f->res), ncols + 1);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    dbd_value seven = dbd_int(7);
    check_value(dbd_result_value(f->res, 0, ncols), &seven, "extra");

    /* inside a transaction it cannot be run again: BUSY, then it works */
    raw_ok(f, "ALTER TABLE t ADD COLUMN extra2 INTEGER");
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    r = req(DBD_OP_QUERY, "t");
    EXPECT_ST(f, run_req(f, &r), DBD_BUSY);
    EXPECT_ST(f, C->rollback(f->conn, &f->info), DBD_OK);
    r = req(DBD_OP_QUERY, "t");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_ncols(f->res), ncols + 2);

    raw_ok(f, "DEALLOCATE ALL");
    r = req(DBD_OP_QUERY, "t");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    insert_kgi(f, "b", dbd_int(1), dbd_int(1));
}

/* The plan the server would use now for the session's prepared statement
 * on table grow, joined into buf; *name gets the statement's name. */
static const char *grow_plan(fx *f, char *name, size_t namelen, char *buf,
                             size_t len)
{
    const dbd_value *v = raw_scalar(f, f->conn,
                                    "SELECT name FROM pg_prepared_statements "
                                    "WHERE statement LIKE '%\"grow\"%'");
    assert_non_null(v);
    assert_int_equal(v->type, DBD_TYPE_STRING);
    snprintf(name, namelen, "%.*s", (int)v->u.s.len, v->u.s.ptr);
    char sql[128];
    snprintf(sql, sizeof sql, "EXPLAIN EXECUTE \"%s\"('k7')", name);
    raw_ok(f, sql);
    buf[0] = '\0';
    for (size_t row = 0; row < dbd_result_nrows(f->res); row++) {
        const dbd_value *line = dbd_result_value(f->res, row, 0);
        size_t used = strlen(buf);
        if (line->type == DBD_TYPE_STRING)
            snprintf(buf + used, len - used, "%.*s\n", (int)line->u.s.len,
                     line->u.s.ptr);
    }
    return buf;
}

static void query_grow(fx *f, int times)
{
    for (int i = 0; i < times; i++) {
        dbd_request *r = req(DBD_OP_QUERY, "grow");
        add_where(r, "k", DBD_CMP_EQ, STRV("k7"));
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
    }
}

/* A statement first run while its table was empty is prepared again later,
 * so that its plan follows the table's growth instead of scanning it. */
static void test_replan(void **state)
{
    fx *f = *state;
    char name0[64], name1[64], plan[2048];
    raw_ok(f, "CREATE TABLE grow (k VARCHAR(64), v INTEGER) "
              "WITH (autovacuum_enabled = off)");
    raw_ok(f, "CREATE INDEX grow_k ON grow (k)");
    raw_ok(f, "ANALYZE grow");
    query_grow(f, 10); /* the server settles on a generic plan: empty table */
    raw_ok(f, "INSERT INTO grow SELECT 'k' || g, g "
              "FROM generate_series(1, 20000) g");
    query_grow(f, 10);
    /* the premise: without another preparation the table is scanned */
    grow_plan(f, name0, sizeof name0, plan, sizeof plan);
    if (strstr(plan, "Seq Scan") == NULL)
        fail_msg("expected the stale plan to scan grow, got:\n%s", plan);

    query_grow(f, (int)PGC_REPLAN_FIRST);
    grow_plan(f, name1, sizeof name1, plan, sizeof plan);
    assert_string_not_equal(name0, name1);
    if (strstr(plan, "Seq Scan") != NULL || strstr(plan, "grow_k") == NULL)
        fail_msg("expected the index grow_k after preparing again, got:\n%s",
                 plan);
    /* the first one was deallocated */
    assert_int_equal(raw_int_exact(f, f->conn,
                                   "SELECT count(*) FROM pg_prepared_statements "
                                   "WHERE statement LIKE '%\"grow\"%'"),
                     1);
    assert_int_equal(raw_int_exact(f, f->conn,
                                   "SELECT count(*) FROM grow WHERE k = 'k7'"),
                     1);
}

static void test_transactions(void **state)
{
    fx *f = *state;
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    insert_kgi(f, "a", dbd_null(), dbd_null());
    insert_kgi(f, "b", dbd_null(), dbd_null());
    EXPECT_ST(f, C->rollback(f->conn, &f->info), DBD_OK);
    assert_int_equal(count_rows(f), 0);

    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    insert_kgi(f, "a", dbd_null(), dbd_null());
    EXPECT_ST(f, C->commit(f->conn, &f->info), DBD_OK);
    assert_int_equal(count_rows(f), 1);

    /* a failing operation: the daemon rolls back */
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    insert_kgi(f, "c", dbd_null(), dbd_null());
    dbd_request *r = req(DBD_OP_INSERT, "t");
    add_value(r, "k", STRV("a"));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    EXPECT_ST(f, C->rollback(f->conn, &f->info), DBD_OK);
    assert_int_equal(count_rows(f), 1);

    /* committing a failed transaction is no success */
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    r = req(DBD_OP_INSERT, "t");
    add_value(r, "k", STRV("a"));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    assert_int_not_equal(C->commit(f->conn, &f->info), DBD_OK);
    assert_int_equal(count_rows(f), 1);

    /* nothing to undo is fine */
    EXPECT_ST(f, C->rollback(f->conn, &f->info), DBD_OK);

    /* raw may not leave a transaction open, nor end a batch's */
    EXPECT_ST(f, run_raw(f, "BEGIN", NULL, 0), DBD_BAD);
    insert_kgi(f, "d", dbd_null(), dbd_null());
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    EXPECT_ST(f, run_raw(f, "COMMIT", NULL, 0), DBD_BAD);
    EXPECT_ST(f, C->rollback(f->conn, &f->info), DBD_OK);
    assert_int_equal(count_rows(f), 2);
}

/* 100,000 rows stream through the sink; a sink that stops early leaves
 * the connection usable. */
static void test_stream(void **state)
{
    fx *f = *state;
    raw_ok(f, "CREATE TABLE big (n BIGINT, pad TEXT)");
    raw_ok(f, "INSERT INTO big SELECT g, repeat('x', 100) "
              "FROM generate_series(1, 100000) g");
    assert_int_equal(f->info.affected, 100000);
    probe pr = {0};
    pr.pid = backend_pid(f, f->conn);
    pr.conn = open_with(f, NULL, 0);
    f->on_row = probe_first_row;
    f->on_row_ctx = &pr;
    f->count_only = true;
    dbd_request *r = req(DBD_OP_QUERY, "big");
    assert_int_equal(dbd_op_add_order(r, &r->op, "n", false), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->rows_seen, 100000);
    /* the first row arrived while the server was still sending: the
     * result was not buffered whole before it */
    assert_string_equal(pr.state, "active");
    C->close(pr.conn);
    f->on_row = NULL;
    assert_int_equal(f->columns_calls, 1);
    assert_int_equal(f->first.u.i, 1);
    assert_int_equal(f->last.u.i, 100000);

    f->stop_after = 10;
    r = req(DBD_OP_QUERY, "big");
    EXPECT_ST(f, run_req(f, &r), DBD_INTERNAL);
    assert_int_equal(f->rows_seen, 10);
    EXPECT_ST(f, run_raw(f, "SELECT n FROM big", NULL, 0), DBD_INTERNAL);
    f->stop_after = 0;
    f->count_only = false;
    assert_int_equal(raw_int_exact(f, f->conn, "SELECT count(*) FROM big"),
                     100000);
}

/* raw: parameters of every type, results read from the text format. */
static void test_raw_types(void **state)
{
    fx *f = *state;
    static const unsigned char blob[] = {0, 0xff, '\\', 'x'};
    const dbd_value params[] = {
        dbd_int(INT64_MIN), dbd_double(-0.0), dbd_double(5e-324),
        dbd_double(1e308), STRV("it's \"quoted\" \\ ;%*()"),
        dbd_blob(blob, sizeof blob), dbd_datetime(-1), dbd_bool(true),
        dbd_null(),
    };
    EXPECT_ST(f, run_raw(f, "SELECT $1::int8, $2::float8, $3::float8, "
                            "$4::float8, $5::text, $6::bytea, "
                            "$7::timestamptz, $8::bool, $9::int, "
                            "$7::timestamp, $7::date, 0.1::float4, "
                            "1.50::numeric, 7::int2, "
                            "'-infinity'::timestamp, '1 day'::interval, "
                            "'0044-03-15 12:00:00 BC'::timestamp",
                         params, N(params)), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    const dbd_value want[] = {
        params[0], params[1], params[2], params[3], params[4], params[5],
        params[6], params[7], dbd_null(), params[6],
        dbd_datetime(-86400000000), dbd_double((double)0.1f), STRV("1.50"),
        dbd_int(7), dbd_datetime(INT64_MIN), STRV("1 day"),
        dbd_datetime(-63517780800000000)};
    for (size_t c = 0; c < N(want); c++) {
        char what[32];
        snprintf(what, sizeof what, "column %zu", c + 1);
        check_value(dbd_result_value(f->res, 0, c), &want[c], what);
    }
    assert_true(signbit(dbd_result_value(f->res, 0, 1)->u.d));

    /* a timestamp past the last dbd datetime (year 294247) is refused,
     * in the text format here and in the binary format through a query */
    EXPECT_ST(f, run_raw(f, "SELECT 1, '294276-01-01'::timestamp AS late",
                         NULL, 0), DBD_BAD);
    assert_non_null(strstr(f->info.msg, "column late"));
    raw_ok(f, "INSERT INTO t (k, dt) VALUES ('late', '294276-01-01')");
    dbd_request *q = req(DBD_OP_QUERY, "t");
    add_column(q, "dt");
    EXPECT_ST(f, run_req(f, &q), DBD_BAD);
    assert_non_null(strstr(f->info.msg, "out of the range"));
    raw_ok(f, "DELETE FROM t");

    /* a raw write reports its count */
    EXPECT_ST(f, run_raw(f, "INSERT INTO t (k, s) VALUES ($1, $2), ($3, $2)",
                         (dbd_value[]){STRV("r1"), params[4], STRV("r2")},
                         3), DBD_OK);
    assert_int_equal(f->info.affected, 2);
    /* the values were stored and match literally */
    char buf[64];
    assert_string_equal(keys_where(f, "s", DBD_CMP_EQ, &params[4], buf,
                                   sizeof buf), "r1,r2");
    dbd_value pct = STRV("%");
    assert_string_equal(keys_where(f, "s", DBD_CMP_EQ, &pct, buf,
                                   sizeof buf), "");
}

static void test_numeric_double(void **state)
{
    fx *f = *state;
    dbd_option opt = {"numeric", "double"};
    void *conn = open_with(f, &opt, 1);
    dbd_request *r = req(DBD_OP_INSERT, "t");
    add_value(r, "k", STRV("n"));
    add_value(r, "num", dbd_double(2.5));
    EXPECT_ST(f, run_req_on(f, conn, &r), DBD_OK);
    r = req(DBD_OP_QUERY, "t");
    add_column(r, "num");
    EXPECT_ST(f, run_req_on(f, conn, &r), DBD_OK);
    assert_int_equal(dbd_result_col_type(f->res, 0), DBD_TYPE_DOUBLE);
    dbd_value want = dbd_double(2.5);
    check_value(dbd_result_value(f->res, 0, 0), &want, "num");
    C->close(conn);
}

/* Serial lookups and statements inside a transaction, as a batch runs. */
static void test_batch_shape(void **state)
{
    fx *f = *state;
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    int64_t a = insert_kgi(f, "a", dbd_int(1), dbd_int(1));
    int64_t b = insert_kgi(f, "b", dbd_int(1), dbd_int(1));
    assert_int_equal(b, a + 1);
    dbd_request *r = req(DBD_OP_UPDATE, "t");
    add_value(r, "grp", dbd_int(2));
    add_where(r, "k", DBD_CMP_EQ, STRV("a"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    EXPECT_ST(f, C->commit(f->conn, &f->info), DBD_OK);
    char buf[32];
    dbd_value two = dbd_int(2);
    assert_string_equal(keys_where(f, "grp", DBD_CMP_EQ, &two, buf,
                                   sizeof buf), "a");
}

static void test_parse_datetime(void **state)
{
    (void)state;
    const struct {
        const char *text;
        bool ok;
        int64_t usec;
    } cases[] = {
        {"1970-01-01 00:00:00", true, 0},
        {"1970-01-01", true, 0},
        {"1969-12-31 23:59:59.999999", true, -1},
        {"1969-12-31 23:59:59.5+00", true, -500000},
        {"2000-01-01 01:00:00+01", true, 946684800000000},
        {"2000-01-01 00:00:00-01:30", true, 946684800000000 + 5400000000},
        {"1901-12-13 20:45:52", true, -2147483648000000},
        {"2200-01-01 00:00:00.1", true, 7258118400100000},
        {"0001-01-01 00:00:00 BC", true, -62167219200000000},
        {"10000-01-01 00:00:00", true, 253402300800000000},
        {"infinity", true, INT64_MAX},
        {"-infinity", true, INT64_MIN},
        {"2020-13-01", false, 0},
        {"2020-01-01 00:00", false, 0},
        {"2020-01-01 00:00:00.1234567", false, 0},
        {"2020-01-01x", false, 0},
        {"", false, 0},
    };
    for (size_t i = 0; i < N(cases); i++) {
        int64_t got = 0;
        bool ok = pgc_parse_datetime(cases[i].text, strlen(cases[i].text),
                                     &got);
        if (ok != cases[i].ok || (ok && got != cases[i].usec))
            fail_msg("\"%s\": got %s %lld, want %s %lld", cases[i].text,
                     ok ? "ok" : "fail", (long long)got,
                     cases[i].ok ? "ok" : "fail", (long long)cases[i].usec);
    }
}

#define FX(t) cmocka_unit_test_setup_teardown(t, setup, fx_teardown)

int main(void)
{
    const char *url = getenv("DBD_TEST_PGSQL_URL");
    if (url == NULL || url[0] == '\0') {
        printf("1..0 # SKIP no server (DBD_TEST_PGSQL_URL unset)\n");
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor),
        FX(test_options),
        FX(test_unix_socket),
        FX(test_open_unavailable),
        FX(test_ping),
        FX(test_roundtrip),
        FX(test_long_values),
        FX(test_write_counters),
        FX(test_operators),
        FX(test_order_limit),
        FX(test_empty_result),
        FX(test_errors),
        FX(test_timeouts),
        cmocka_unit_test(test_sqlstate_map),
        FX(test_reconnect),
        FX(test_stmt_cache),
        FX(test_stale_statements),
        FX(test_replan),
        FX(test_transactions),
        FX(test_stream),
        FX(test_raw_types),
        FX(test_numeric_double),
        FX(test_batch_shape),
        cmocka_unit_test(test_parse_datetime),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
