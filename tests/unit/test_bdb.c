/*
 * test_bdb.c - the bdb (Berkeley DB) connector through its ABI: table
 * definitions, every operation, value types, operators with SQL's NULL
 * rules, ordering, key and index lookups against scans, unique keys,
 * transactions, two writers at once, recovery after a crash, and rows of
 * 1 MiB and of 1000 columns.  Each test works in its own temporary
 * directory and removes it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bdb/bdb_plan.h"
/* last: it defines C and N, names library headers use for parameters */
#include "connector_collect.h"

/* The tables most tests use: the conformance table and one with a
 * two-column key, a plain index and a unique index. */
static const char test_schema[] =
    "[conf]\n"
    "column = id int not null\n"
    "column = k string not null\n"
    "column = grp int null\n"
    "column = i int null\n"
    "column = d double null\n"
    "column = s string null\n"
    "column = b blob null\n"
    "column = dt datetime null\n"
    "auto = id\n"
    "unique = k\n"
    "\n"
    "[t_idx]\n"
    "column = a string not null\n"
    "column = n int not null\n"
    "column = tag string null\n"
    "column = code string null\n"
    "column = flag bool not null default false\n"
    "key = a n\n"
    "index = tag\n"
    "unique = code\n";

/* ---- directories and connections ---------------------------------------- */

typedef struct fixture {
    char dir[PATH_MAX];
    char schema[PATH_MAX + 32];
    void *conn;
} fixture;

/* Opens dir with a schema file (NULL: none) and extra options. */
static dbd_status open_with(const char *dir, const char *schema,
                            const dbd_option *extra, size_t nextra,
                            void **conn, char *err, size_t errlen)
{
    dbd_option opts[8];
    size_t n = 0;

    opts[n++] = (dbd_option){"option.sync", "write"};
    if (schema != NULL)
        opts[n++] = (dbd_option){"option.schema", schema};
    for (size_t i = 0; i < nextra && n < 8; i++)
        opts[n++] = extra[i];
    return open_dir(&host_warning_logs, "bdb", dir, opts, n, conn, err,
                    errlen);
}

static void *must_open(const char *dir, const char *schema,
                       const dbd_option *extra, size_t nextra)
{
    char err[512] = "";
    void *conn = NULL;
    dbd_status st = open_with(dir, schema, extra, nextra, &conn, err,
                              sizeof err);
    if (st != DBD_OK)
        fail_msg("open %s: %s: %s", dir, dbd_status_name(st), err);
    return conn;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(make_temp_dir(f->dir, sizeof f->dir, "bdb-test"), 0);
    snprintf(f->schema, sizeof f->schema, "%s/tables.ini", f->dir);
    write_text(f->schema, test_schema);
    f->conn = must_open(f->dir, f->schema, NULL, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    dbd_connector.close(f->conn);
    remove_tree(f->dir);
    free(f);
    return 0;
}

/* ---- operations ---------------------------------------------------------- */

/* Inserts into conf; returns the new id. */
static int64_t insert_conf(void *conn, dbd_assign *values, size_t n)
{
    dbd_exec_info info;
    dbd_status st = write_op(conn, DBD_OP_INSERT, "conf", values, n, NULL, 0,
                             &info);
    expect_status(st, DBD_OK, &info);
    assert_int_equal(info.affected, 1);
    return info.last_id;
}

static const char *const id_only[] = {"id"};

/* conf ids where one condition holds, in id order. */
static void expect_where(void *conn, dbd_cond cond, const int64_t *want,
                         size_t nwant)
{
    expect_where_ids(conn, "conf", cond, want, nwant);
}

static size_t count_rows(void *conn, const char *table)
{
    collected c = {0};
    dbd_exec_info info;
    dbd_op op = op_of(DBD_OP_QUERY, table);
    dbd_status st = run(conn, &op, &c, &info);
    expect_status(st, DBD_OK, &info);
    size_t n = c.nrows;
    collected_clear(&c);
    return n;
}

/* ---- opening -------------------------------------------------------------- */

static void test_open_errors(void **state)
{
    fixture *f = *state;
    char err[512], dir[PATH_MAX + 32];
    void *conn = NULL;

    snprintf(dir, sizeof dir, "%s/missing", f->dir);
    assert_int_equal(open_with(dir, NULL, NULL, 0, &conn, err, sizeof err),
                     DBD_UNAVAILABLE);
    expect_msg(err, "missing");
    assert_null(conn);

    dbd_option unknown = {"option.colour", "red"};
    assert_int_equal(open_with(f->dir, NULL, &unknown, 1, &conn, err,
                               sizeof err), DBD_CONFIG);
    expect_msg(err, "colour");
    dbd_option cache = {"cache_size", "12x"};
    assert_int_equal(open_with(f->dir, NULL, &cache, 1, &conn, err,
                               sizeof err), DBD_CONFIG);
    expect_msg(err, "cache_size");
    dbd_option timeout = {"lock_timeout", "-1"};
    assert_int_equal(open_with(f->dir, NULL, &timeout, 1, &conn, err,
                               sizeof err), DBD_CONFIG);
    snprintf(dir, sizeof dir, "%s/none.ini", f->dir);
    assert_int_equal(open_with(f->dir, dir, NULL, 0, &conn, err, sizeof err),
                     DBD_CONFIG);
    expect_msg(err, "cannot read");
    assert_null(conn);

    /* a good cache size with a suffix, and ping */
    dbd_option good[] = {{"cache_size", "8m"}, {"lock_timeout", "100"},
                         {"indexes", "no"}};
    conn = must_open(f->dir, NULL, good, 3);
    dbd_exec_info info;
    assert_int_equal(dbd_connector.ping(conn, &info), DBD_OK);
    dbd_connector.close(conn);
}

typedef struct bad_schema {
    const char *text;
    const char *part; /* of the message */
} bad_schema;

static void test_schema_errors(void **state)
{
    fixture *f = *state;
    static const bad_schema cases[] = {
        {"[t]\ncolumn = a nosuch\n", "tables.bad:2: column a: type must"},
        {"[t]\ncolumn = a int\n", "the key has no columns"},
        {"[t]\ncolumn = a int null\nkey = a\n", "must be not null"},
        {"[t]\nkey = a\n", "no column a"},
        {"[t]\ncolumn = a int not null\ncolumn = b string\nauto = b\n"
         "key = a\n", "must be an int"},
        {"[t]\ncolumn = a int not null\ncolumn = b int\nauto = b\nkey = a\n",
         "must be the key or a unique index"},
        {"[t]\ncolumn = a int not null default 'x'\nkey = a\n",
         "is not a number"},
        {"[t]\ncolumn = a int not null\nkey = a\nrow = a=1 z=2\n",
         ":4: row: no column z"},
        {"[t]\ncolumn = a int not null\nkey = a\nrow = a='unclosed\n",
         "no closing quote"},
        {"[1t]\ncolumn = a int not null\n", "not a valid table name"},
        {"[t]\ncolumn = a int not null\nkey = a\n[u]\ncolumn = b int\n"
         "[t]\ncolumn = c int\n", "appears twice"},
        {"[t]\ncolumn = a int not null\ncolumn = a int\n", "defined twice"},
        {"[t]\ncolour = blue\n", "not a table setting"},
        {"[t]\ncolumn = a int maybe\n", "'maybe' is not understood"},
        {"[t]\ncolumn = a int not null\nkey = a a\n", "named twice"},
    };
    char path[PATH_MAX + 32], err[512], long_line[400];

    /* a line longer than the INI reader takes */
    int n = snprintf(long_line, sizeof long_line, "[t]\ncolumn = a string "
                     "default '");
    memset(long_line + n, 'x', 250);
    snprintf(long_line + n + 250, sizeof long_line - (size_t)n - 250,
             "'\nkey = a\n");
    const bad_schema too_long = {long_line, ":2: line too long"};
    snprintf(path, sizeof path, "%s/tables.bad", f->dir);
    for (size_t i = 0; i <= sizeof cases / sizeof cases[0]; i++) {
        const bad_schema *c = i < sizeof cases / sizeof cases[0] ? &cases[i]
                                                                 : &too_long;
        void *conn = NULL;
        write_text(path, c->text);
        dbd_status st = open_with(f->dir, path, NULL, 0, &conn, err,
                                  sizeof err);
        if (st != DBD_CONFIG || strstr(err, c->part) == NULL)
            fail_msg("case %zu: got %s \"%s\", want CONFIG with \"%s\"", i,
                     dbd_status_name(st), err, c->part);
        assert_null(conn);
    }
}

/* The shipped Kamailio definitions and the conformance table. */
static void test_kamailio_schema(void **state)
{
    fixture *f = *state;
    char dir[PATH_MAX + 32];
    dbd_exec_info info;
    collected c = {0};

    snprintf(dir, sizeof dir, "%s/kam", f->dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    dbd_option full = {"sync", "full"};
    void *conn = must_open(dir, TOP_SRCDIR "/tools/schema/bdb/tables.ini",
                           &full, 1);

    static const char *const tables[] = {"version", "subscriber", "location",
                                         "dr_gateways", "dr_rules"};
    static const int64_t versions[] = {1, 7, 9, 3, 3};
    dbd_order by_id = {"id", false};
    dbd_op op = op_of(DBD_OP_QUERY, "version");
    op.order = &by_id;
    op.norder = 1;
    assert_int_equal(run(conn, &op, &c, &info), DBD_OK);
    assert_int_equal(c.nrows, 5);
    assert_string_equal(c.names[1], "table_name");
    for (size_t r = 0; r < 5; r++) {
        assert_int(cell(&c, r, 0), (int64_t)r + 1);
        assert_str(cell(&c, r, 1), tables[r]);
        assert_int(cell(&c, r, 2), versions[r]);
    }

    /* Defaults on insert, the auth lookup, the unique account. */
    dbd_assign sub[] = {{"username", str("alice")},
                        {"domain", str("example.com")},
                        {"ha1", str("0123456789abcdef")}};
    expect_status(write_op(conn, DBD_OP_INSERT, "subscriber", sub, 3, NULL, 0,
                           &info), DBD_OK, &info);
    assert_int_equal(info.last_id, 1);
    expect_status(write_op(conn, DBD_OP_INSERT, "subscriber", sub, 2, NULL, 0,
                           &info), DBD_CONSTRAINT, &info);
    expect_msg(info.msg, "(username, domain)");
    const char *cols[] = {"ha1", "password"};
    dbd_cond who[] = {
        {.column = "username", .cmp = DBD_CMP_EQ, .value = str("alice")},
        {.column = "domain", .cmp = DBD_CMP_EQ, .value = str("example.com")}};
    op = op_of(DBD_OP_QUERY, "subscriber");
    op.columns = cols;
    op.ncolumns = 2;
    op.where = who;
    op.nwhere = 2;
    assert_int_equal(run(conn, &op, &c, &info), DBD_OK);
    assert_int_equal(c.nrows, 1);
    assert_str(cell(&c, 0, 0), "0123456789abcdef");
    assert_str(cell(&c, 0, 1), "");

    /* location: datetime and double defaults, NULL where allowed */
    dbd_assign loc[] = {{"ruid", str("r1")}, {"username", str("alice")},
                        {"contact", str("sip:alice@192.0.2.1")}};
    expect_status(write_op(conn, DBD_OP_INSERT, "location", loc, 3, NULL, 0,
                           &info), DBD_OK, &info);
    const char *lcols[] = {"expires", "q", "domain", "callid", "cseq",
                           "last_modified"};
    op = op_of(DBD_OP_QUERY, "location");
    op.columns = lcols;
    op.ncolumns = 6;
    assert_int_equal(run(conn, &op, &c, &info), DBD_OK);
    assert_int_equal(c.nrows, 1);
    int64_t usec;
    assert_true(dbd_datetime_parse("2030-05-28 21:32:15", 19, &usec));
    assert_int_equal(c.types[0], DBD_TYPE_DATETIME);
    assert_int_equal(cell(&c, 0, 0)->type, DBD_TYPE_DATETIME);
    assert_true(cell(&c, 0, 0)->u.usec == usec);
    assert_int_equal(cell(&c, 0, 1)->type, DBD_TYPE_DOUBLE);
    assert_true(cell(&c, 0, 1)->u.d == 1.0);
    assert_nullv(cell(&c, 0, 2));
    assert_str(cell(&c, 0, 3), "Default-Call-ID");
    assert_int(cell(&c, 0, 4), 1);
    assert_true(dbd_datetime_parse("2000-01-01 00:00:01", 19, &usec));
    assert_true(cell(&c, 0, 5)->u.usec == usec);
    collected_clear(&c);

    /* dr_rules needs its NOT NULL columns without defaults */
    dbd_assign rule[] = {{"groupid", str("1")}, {"prefix", str("49")}};
    expect_status(write_op(conn, DBD_OP_INSERT, "dr_rules", rule, 2, NULL, 0,
                           &info), DBD_CONSTRAINT, &info);
    expect_msg(info.msg, "timerec");

    /* A second connection with the same schema adds no rows. */
    void *again = must_open(dir, TOP_SRCDIR "/tools/schema/bdb/tables.ini",
                            NULL, 0);
    assert_int_equal(count_rows(again, "version"), 5);
    dbd_connector.close(again);
    dbd_connector.close(conn);

    /* The conformance suite's table definition, on its own. */
    snprintf(dir, sizeof dir, "%s/conf", f->dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    conn = must_open(dir, TOP_SRCDIR "/tests/lib/bdb-conf.ini", NULL, 0);
    dbd_assign one[] = {{"k", str("x")}};
    assert_int_equal(insert_conf(conn, one, 1), 1);
    expect_status(write_op(conn, DBD_OP_INSERT, "conf", one, 1, NULL, 0,
                           &info), DBD_CONSTRAINT, &info);
    dbd_connector.close(conn);
}

/* ---- values ---------------------------------------------------------------- */

static int64_t usec_of(const char *text)
{
    int64_t usec;
    assert_true(dbd_datetime_parse(text, strlen(text), &usec));
    return usec;
}

static void test_types_round_trip(void **state)
{
    fixture *f = *state;
    const size_t slen = 128 * 1024 + 3, blen = 64 * 1024;
    char *s = malloc(slen);
    unsigned char *b = malloc(blen);
    assert_non_null(s);
    assert_non_null(b);
    static const char clef[] = "\xf0\x9d\x84\x9e"; /* U+1D11E, 4 bytes */
    for (size_t i = 0; i + 4 <= slen; i += 4)
        memcpy(s + i, (i / 4) % 2 ? clef : "abc'", 4);
    memcpy(s + slen - 3, "\xc3\xa9!", 3);
    for (size_t i = 0; i < blen; i++)
        b[i] = (unsigned char)(i * 7);
    b[0] = 0;
    const int64_t old = usec_of("1901-12-13 20:45:52.000001");
    const int64_t late = usec_of("2200-12-31 23:59:59.999999");

    dbd_assign r1[] = {{"k", str("min")}, {"i", dbd_int(INT64_MIN)},
                       {"d", dbd_double(-0.0)}, {"s", dbd_string("", 0)},
                       {"b", dbd_blob("\0a\0", 3)}, {"dt", dbd_datetime(old)}};
    dbd_assign r2[] = {{"k", str("max")}, {"i", dbd_int(INT64_MAX)},
                       {"d", dbd_double(1e308)}, {"s", dbd_string(s, slen)},
                       {"b", dbd_blob(b, blen)}, {"dt", dbd_datetime(late)}};
    dbd_assign r3[] = {{"k", str("tiny")}, {"d", dbd_double(5e-324)},
                       {"grp", dbd_null()}};
    /* conversions a client may rely on */
    dbd_assign r4[] = {{"k", str("conv")}, {"i", dbd_double(42.0)},
                       {"d", dbd_int(3)}, {"s", dbd_int(-12)},
                       {"dt", str("1969-12-31T23:59:59.5Z")},
                       {"b", str("text")}};
    assert_int_equal(insert_conf(f->conn, r1, 6), 1);
    assert_int_equal(insert_conf(f->conn, r2, 6), 2);
    assert_int_equal(insert_conf(f->conn, r3, 3), 3);
    assert_int_equal(insert_conf(f->conn, r4, 6), 4);

    collected c = {0};
    dbd_exec_info info;
    dbd_order by_id = {"id", false};
    dbd_op op = op_of(DBD_OP_QUERY, "conf");
    op.order = &by_id;
    op.norder = 1;
    assert_int_equal(run(f->conn, &op, &c, &info), DBD_OK);
    assert_int_equal(info.affected, -1);
    assert_int_equal(c.nrows, 4);
    assert_int_equal(c.ncols, 8);
    static const dbd_type types[] = {
        DBD_TYPE_INT, DBD_TYPE_STRING, DBD_TYPE_INT, DBD_TYPE_INT,
        DBD_TYPE_DOUBLE, DBD_TYPE_STRING, DBD_TYPE_BLOB, DBD_TYPE_DATETIME};
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(c.types[i], types[i]);
    assert_true(cell(&c, 0, 3)->u.i == INT64_MIN);
    assert_int_equal(cell(&c, 0, 4)->type, DBD_TYPE_DOUBLE);
    assert_true(cell(&c, 0, 4)->u.d == 0.0 && signbit(cell(&c, 0, 4)->u.d));
    assert_bytes(cell(&c, 0, 5), DBD_TYPE_STRING, "", 0);
    assert_bytes(cell(&c, 0, 6), DBD_TYPE_BLOB, "\0a\0", 3);
    assert_true(cell(&c, 0, 7)->u.usec == old);
    assert_nullv(cell(&c, 0, 2));
    assert_true(cell(&c, 1, 3)->u.i == INT64_MAX);
    assert_true(cell(&c, 1, 4)->u.d == 1e308);
    assert_bytes(cell(&c, 1, 5), DBD_TYPE_STRING, s, slen);
    assert_bytes(cell(&c, 1, 6), DBD_TYPE_BLOB, b, blen);
    assert_true(cell(&c, 1, 7)->u.usec == late);
    assert_true(cell(&c, 2, 4)->u.d == 5e-324);
    for (size_t col = 2; col < 8; col++)
        if (col != 4)
            assert_nullv(cell(&c, 2, col));
    assert_int(cell(&c, 3, 3), 42);
    assert_true(cell(&c, 3, 4)->u.d == 3.0);
    assert_str(cell(&c, 3, 5), "-12");
    assert_bytes(cell(&c, 3, 6), DBD_TYPE_BLOB, "text", 4);
    assert_true(cell(&c, 3, 7)->u.usec == -500000);
    collected_clear(&c);

    /* values that do not fit their column */
    static const struct {
        const char *col;
        dbd_value v;
        const char *part;
    } bad[] = {
        {"i", {.type = DBD_TYPE_STRING, .u.s = {"abc", 3}}, "not a number"},
        {"i", {.type = DBD_TYPE_DOUBLE, .u.d = 1.5}, "not an integer"},
        {"i", {.type = DBD_TYPE_BLOB, .u.s = {"1", 1}}, "not a number"},
        {"dt", {.type = DBD_TYPE_INT, .u.i = 5}, "not a datetime"},
        {"dt", {.type = DBD_TYPE_STRING, .u.s = {"yesterday", 9}},
         "is not 'YYYY"},
        {"b", {.type = DBD_TYPE_INT, .u.i = 5}, "does not fit"},
        {"d", {.type = DBD_TYPE_DOUBLE, .u.d = NAN}, "NaN"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dbd_assign v[] = {{"k", str("bad")}, {bad[i].col, bad[i].v}};
        dbd_status st = write_op(f->conn, DBD_OP_INSERT, "conf", v, 2, NULL, 0,
                                 &info);
        if (st != DBD_BAD || strstr(info.msg, bad[i].part) == NULL)
            fail_msg("case %zu: got %s \"%s\", want BAD with \"%s\"", i,
                     dbd_status_name(st), info.msg, bad[i].part);
    }
    assert_int_equal(count_rows(f->conn, "conf"), 4);

    /* bool columns, and a default of false */
    dbd_assign t1[] = {{"a", str("x")}, {"n", dbd_int(1)},
                       {"flag", dbd_bool(true)}};
    dbd_assign t2[] = {{"a", str("x")}, {"n", dbd_int(2)}};
    expect_status(write_op(f->conn, DBD_OP_INSERT, "t_idx", t1, 3, NULL, 0,
                           &info), DBD_OK, &info);
    assert_int_equal(info.last_id, 0);
    expect_status(write_op(f->conn, DBD_OP_INSERT, "t_idx", t2, 2, NULL, 0,
                           &info), DBD_OK, &info);
    const char *fcols[] = {"n", "flag"};
    dbd_cond yes = {.column = "flag", .cmp = DBD_CMP_EQ,
                    .value = dbd_int(1)};
    op = op_of(DBD_OP_QUERY, "t_idx");
    op.columns = fcols;
    op.ncolumns = 2;
    assert_int_equal(run(f->conn, &op, &c, &info), DBD_OK);
    assert_int_equal(c.nrows, 2);
    assert_int_equal(c.types[1], DBD_TYPE_BOOL);
    assert_int_equal(cell(&c, 0, 1)->type, DBD_TYPE_BOOL);
    assert_true(cell(&c, 0, 1)->u.b);
    assert_false(cell(&c, 1, 1)->u.b);
    op.where = &yes;
    op.nwhere = 1;
    assert_int_equal(run(f->conn, &op, &c, &info), DBD_OK);
    assert_int_equal(c.nrows, 1);
    assert_int(cell(&c, 0, 0), 1);
    collected_clear(&c);
    free(s);
    free(b);
}

/* ---- conditions and order ------------------------------------------------- */

static const char special[] = "it's \"q\" \\;%*() ' OR 1=1 --";

/* Five rows with NULLs in grp, i, d and s. */
static void insert_five(void *conn)
{
    dbd_assign r1[] = {{"k", str("a")}, {"grp", dbd_int(1)},
                       {"i", dbd_int(10)}, {"d", dbd_double(1.5)},
                       {"s", str("x")}};
    dbd_assign r2[] = {{"k", str("b")}, {"grp", dbd_int(1)},
                       {"d", dbd_double(-2.0)}, {"s", str("y")}};
    dbd_assign r3[] = {{"k", str("c")}, {"grp", dbd_int(2)},
                       {"i", dbd_int(3)}};
    dbd_assign r4[] = {{"k", str("d")}, {"i", dbd_int(-7)},
                       {"d", dbd_double(0.0)}, {"s", str("x")}};
    dbd_assign r5[] = {{"k", str("e")}, {"grp", dbd_int(2)},
                       {"i", dbd_int(12)}, {"d", dbd_double(2.5)},
                       {"s", str(special)}};
    assert_int_equal(insert_conf(conn, r1, 5), 1);
    assert_int_equal(insert_conf(conn, r2, 4), 2);
    assert_int_equal(insert_conf(conn, r3, 3), 3);
    assert_int_equal(insert_conf(conn, r4, 4), 4);
    assert_int_equal(insert_conf(conn, r5, 5), 5);
}

#define COND(col, op, v) ((dbd_cond){.column = (col), .cmp = (op), .value = (v)})

static void test_operators(void **state)
{
    fixture *f = *state;
    void *c = f->conn;
    insert_five(c);

    expect_where(c, COND("i", DBD_CMP_EQ, dbd_int(10)), IDS(1));
    expect_where(c, COND("i", DBD_CMP_NE, dbd_int(10)), IDS(3, 4, 5));
    expect_where(c, COND("i", DBD_CMP_LT, dbd_int(10)), IDS(3, 4));
    expect_where(c, COND("i", DBD_CMP_GT, dbd_int(3)), IDS(1, 5));
    expect_where(c, COND("i", DBD_CMP_LE, dbd_int(3)), IDS(3, 4));
    expect_where(c, COND("i", DBD_CMP_GE, dbd_int(10)), IDS(1, 5));
    expect_where(c, COND("i", DBD_CMP_EQ, dbd_null()), NO_IDS);
    expect_where(c, COND("i", DBD_CMP_NE, dbd_null()), NO_IDS);
    expect_where(c, COND("grp", DBD_CMP_ISNULL, dbd_null()), IDS(4));
    expect_where(c, COND("grp", DBD_CMP_NOTNULL, dbd_null()),
                 IDS(1, 2, 3, 5));
    expect_where(c, COND("i", DBD_CMP_ISNULL, dbd_null()), IDS(2));
    expect_where(c, COND("i", DBD_CMP_BITAND, dbd_int(2)), IDS(1, 3));
    expect_where(c, COND("i", DBD_CMP_BITAND, dbd_int(1)), IDS(3, 4));
    /* ints against doubles, numerically */
    expect_where(c, COND("i", DBD_CMP_LT, dbd_double(3.5)), IDS(3, 4));
    expect_where(c, COND("i", DBD_CMP_EQ, dbd_double(3.0)), IDS(3));
    expect_where(c, COND("i", DBD_CMP_EQ, dbd_double(3.5)), NO_IDS);
    expect_where(c, COND("i", DBD_CMP_GT, dbd_double(-1e300)),
                 IDS(1, 3, 4, 5));
    expect_where(c, COND("d", DBD_CMP_GT, dbd_int(0)), IDS(1, 5));
    expect_where(c, COND("d", DBD_CMP_EQ, dbd_double(-0.0)), IDS(4));
    /* strings bytewise, and taken literally */
    expect_where(c, COND("s", DBD_CMP_EQ, str(special)), IDS(5));
    expect_where(c, COND("s", DBD_CMP_EQ, str("x")), IDS(1, 4));
    expect_where(c, COND("s", DBD_CMP_LT, str("y")), IDS(1, 4, 5));
    expect_where(c, COND("s", DBD_CMP_EQ, str("%")), NO_IDS);
    expect_where(c, COND("k", DBD_CMP_EQ, str("c")), IDS(3));
    expect_where(c, COND("k", DBD_CMP_GE, str("d")), IDS(4, 5));
    expect_where(c, COND("id", DBD_CMP_EQ, dbd_int(4)), IDS(4));
    expect_where(c, COND("id", DBD_CMP_EQ, dbd_int(40)), NO_IDS);
    expect_where(c, COND("id", DBD_CMP_GT, dbd_int(3)), IDS(4, 5));

    /* in, with a NULL in the list that matches nothing */
    dbd_value list[] = {dbd_int(3), dbd_null(), dbd_int(12)};
    dbd_cond in = {.column = "i", .cmp = DBD_CMP_IN, .list = list,
                   .nlist = 3};
    expect_where(c, in, IDS(3, 5));
    dbd_value keys[] = {str("e"), str("a"), str("zz")};
    dbd_cond kin = {.column = "k", .cmp = DBD_CMP_IN, .list = keys,
                    .nlist = 3};
    expect_where(c, kin, IDS(1, 5));

    /* several conditions are AND-ed */
    dbd_cond both[] = {COND("grp", DBD_CMP_EQ, dbd_int(2)),
                       COND("i", DBD_CMP_GT, dbd_int(5))};
    dbd_op op = op_of(DBD_OP_QUERY, "conf");
    op.columns = (const char **)id_only;
    op.ncolumns = 1;
    op.where = both;
    op.nwhere = 2;
    expect_ids(c, &op, IDS(5));

    /* errors */
    collected out = {0};
    dbd_exec_info info;
    dbd_cond bad = COND("nope", DBD_CMP_EQ, dbd_int(1));
    op.where = &bad;
    op.nwhere = 1;
    expect_status(run(c, &op, &out, &info), DBD_NOTFOUND, &info);
    expect_msg(info.msg, "nope");
    bad = COND("s", DBD_CMP_BITAND, dbd_int(1));
    expect_status(run(c, &op, &out, &info), DBD_BAD, &info);
    bad = COND("i", DBD_CMP_EQ, str("ten"));
    expect_status(run(c, &op, &out, &info), DBD_BAD, &info);
    op = op_of(DBD_OP_QUERY, "nosuch");
    expect_status(run(c, &op, &out, &info), DBD_NOTFOUND, &info);
    expect_msg(info.msg, "nosuch");
    const char *nocol[] = {"id", "zz"};
    op = op_of(DBD_OP_QUERY, "conf");
    op.columns = nocol;
    op.ncolumns = 2;
    expect_status(run(c, &op, &out, &info), DBD_NOTFOUND, &info);
    collected_clear(&out);
}

static void expect_order(void *conn, dbd_order *order, size_t norder,
                         int64_t limit, int64_t offset, const int64_t *want,
                         size_t nwant)
{
    dbd_op op = op_of(DBD_OP_QUERY, "conf");
    op.columns = (const char **)id_only;
    op.ncolumns = 1;
    op.order = order;
    op.norder = norder;
    op.limit = limit;
    op.offset = offset;
    expect_ids(conn, &op, want, nwant);
}

static void test_order_limit(void **state)
{
    fixture *f = *state;
    void *c = f->conn;
    insert_five(c);

    dbd_order gi[] = {{"grp", false}, {"i", true}};
    expect_order(c, gi, 2, -1, 0, IDS(4, 1, 2, 5, 3));
    dbd_order gi2[] = {{"grp", true}, {"i", false}};
    expect_order(c, gi2, 2, -1, 0, IDS(3, 5, 2, 1, 4));
    dbd_order id_desc = {"id", true};
    expect_order(c, &id_desc, 1, -1, 0, IDS(5, 4, 3, 2, 1));
    expect_order(c, &id_desc, 1, 2, 1, IDS(4, 3));
    dbd_order d_asc = {"d", false};
    expect_order(c, &d_asc, 1, -1, 0, IDS(3, 2, 4, 1, 5));
    dbd_order s_asc[] = {{"s", false}};
    expect_order(c, s_asc, 1, -1, 0, IDS(3, 5, 1, 4, 2));
    dbd_order k_desc = {"k", true};
    expect_order(c, &k_desc, 1, 3, 0, IDS(5, 4, 3));
    expect_order(c, gi, 2, 2, 2, IDS(2, 5));
    expect_order(c, gi, 2, 10, 4, IDS(3));
    expect_order(c, gi, 2, 0, 0, NO_IDS);
    expect_order(c, gi, 2, -1, 9, NO_IDS);
    expect_order(c, NULL, 0, 2, 0, IDS(1, 2));
    expect_order(c, NULL, 0, 2, 4, IDS(5));

    dbd_order nope = {"nope", false};
    dbd_op op = op_of(DBD_OP_QUERY, "conf");
    op.order = &nope;
    op.norder = 1;
    collected out = {0};
    dbd_exec_info info;
    expect_status(run(c, &op, &out, &info), DBD_NOTFOUND, &info);
    collected_clear(&out);
}

/* ---- keys and indexes ---------------------------------------------------- */

/* The plan the connector picks for conds (white box). */
static bdb_plan_kind plan_for(void *conn, const char *table,
                              const dbd_cond *conds, size_t n, size_t *index)
{
    bdb_conn *bc = conn;
    bdb_table *t = NULL;
    bdb_filter f;
    bdb_plan p;
    char msg[256];
    assert_int_equal(bdb_table_get(bc, table, &t, msg, sizeof msg), DBD_OK);
    assert_int_equal(bdb_filter_init(&f, t->def, conds, n, msg, sizeof msg),
                     DBD_OK);
    assert_int_equal(bdb_plan_choose(&p, t, &f, true), 0);
    bdb_plan_kind kind = p.kind;
    if (index != NULL)
        *index = p.index;
    bdb_plan_free(&p);
    bdb_filter_free(&f);
    return kind;
}

static void insert_idx(void *conn, const char *a, int64_t n, dbd_value tag,
                       const char *code)
{
    dbd_exec_info info;
    dbd_assign v[] = {{"a", str(a)}, {"n", dbd_int(n)}, {"tag", tag},
                      {"code", code != NULL ? str(code) : dbd_null()}};
    expect_status(write_op(conn, DBD_OP_INSERT, "t_idx", v, 4, NULL, 0,
                           &info), DBD_OK, &info);
}

/* The rows of a query as one text, for comparing two answers. */
static char *answer_text(void *conn, const dbd_op *op)
{
    collected c = {0};
    dbd_exec_info info;
    expect_status(run(conn, op, &c, &info), DBD_OK, &info);
    size_t cap = 64 + c.nrows * c.ncols * 40, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    len += (size_t)snprintf(out, cap, "%zu rows:", c.nrows);
    for (size_t i = 0; i < c.nrows * c.ncols; i++) {
        const dbd_value *v = &c.vals[i];
        int w;
        if (v->type == DBD_TYPE_INT)
            w = snprintf(out + len, cap - len, " %lld", (long long)v->u.i);
        else if (v->type == DBD_TYPE_STRING)
            w = snprintf(out + len, cap - len, " '%.20s'", v->u.s.ptr);
        else
            w = snprintf(out + len, cap - len, " <%d>", (int)v->type);
        assert_true(w > 0 && (size_t)w < cap - len);
        len += (size_t)w;
    }
    collected_clear(&c);
    return out;
}

static void test_plans(void **state)
{
    fixture *f = *state;
    size_t ix = 99;
    dbd_cond an[] = {COND("a", DBD_CMP_EQ, str("x")),
                     COND("n", DBD_CMP_EQ, dbd_int(1))};
    assert_int_equal(plan_for(f->conn, "t_idx", an, 2, NULL), BDB_PLAN_GET);
    assert_int_equal(plan_for(f->conn, "t_idx", an, 1, NULL),
                     BDB_PLAN_PREFIX);
    assert_int_equal(plan_for(f->conn, "t_idx", an + 1, 1, NULL),
                     BDB_PLAN_SCAN);
    dbd_cond tag = COND("tag", DBD_CMP_EQ, str("t"));
    assert_int_equal(plan_for(f->conn, "t_idx", &tag, 1, &ix),
                     BDB_PLAN_INDEX);
    assert_int_equal(ix, 0);
    dbd_cond code = COND("code", DBD_CMP_EQ, str("c"));
    assert_int_equal(plan_for(f->conn, "t_idx", &code, 1, &ix),
                     BDB_PLAN_INDEX);
    assert_int_equal(ix, 1);
    /* ranges, NULLs and inexact numbers never make keys */
    dbd_cond range = COND("tag", DBD_CMP_GE, str("t"));
    assert_int_equal(plan_for(f->conn, "t_idx", &range, 1, NULL),
                     BDB_PLAN_SCAN);
    dbd_cond id = COND("id", DBD_CMP_EQ, dbd_int(3));
    assert_int_equal(plan_for(f->conn, "conf", &id, 1, NULL), BDB_PLAN_GET);
    id.value = dbd_double(3.5);
    assert_int_equal(plan_for(f->conn, "conf", &id, 1, NULL), BDB_PLAN_SCAN);
    id.value = dbd_null();
    assert_int_equal(plan_for(f->conn, "conf", &id, 1, NULL), BDB_PLAN_SCAN);
    dbd_cond k = COND("k", DBD_CMP_EQ, str("c"));
    assert_int_equal(plan_for(f->conn, "conf", &k, 1, NULL), BDB_PLAN_INDEX);
}

/* Key and index lookups answer exactly as scans do. */
static void test_lookups_match_scans(void **state)
{
    fixture *f = *state;
    dbd_option scan_only = {"indexes", "no"};
    void *scan = must_open(f->dir, NULL, &scan_only, 1);
    static const char *const as[] = {"x", "y", "", "x\x01", "\x7f"};
    const dbd_value tags[] = {str("t"), str("u"), dbd_null(),
                              dbd_string("t\0z", 3)};
    char code[16];

    for (int64_t n = -3; n < 30; n++) {
        snprintf(code, sizeof code, "c%lld", (long long)(n % 7));
        insert_idx(f->conn, as[(n + 3) % 5], n, tags[(n + 3) % 4],
                   n >= 0 && n < 7 ? code : NULL);
    }
    insert_five(f->conn);

    dbd_cond conds[][2] = {
        {COND("a", DBD_CMP_EQ, str("x")), COND("n", DBD_CMP_EQ, dbd_int(2))},
        {COND("a", DBD_CMP_EQ, str("x")), COND("n", DBD_CMP_GT, dbd_int(5))},
        {COND("a", DBD_CMP_EQ, str("")), COND("n", DBD_CMP_NOTNULL,
                                             dbd_null())},
        {COND("tag", DBD_CMP_EQ, str("t")), COND("n", DBD_CMP_LT,
                                                 dbd_int(20))},
        {COND("tag", DBD_CMP_EQ, dbd_string("t\0z", 3)),
         COND("a", DBD_CMP_NE, str("q"))},
        {COND("code", DBD_CMP_EQ, str("c3")), COND("n", DBD_CMP_GE,
                                                   dbd_int(-5))},
        {COND("code", DBD_CMP_EQ, str("c9")), COND("n", DBD_CMP_GE,
                                                   dbd_int(-5))},
        {COND("n", DBD_CMP_EQ, dbd_double(3.0)),
         COND("a", DBD_CMP_EQ, str("y"))},
        {COND("a", DBD_CMP_EQ, str("x\x01")),
         COND("tag", DBD_CMP_ISNULL, dbd_null())},
    };
    const char *cols[] = {"n", "a", "tag", "code"};
    for (size_t i = 0; i < sizeof conds / sizeof conds[0]; i++) {
        dbd_op op = op_of(DBD_OP_QUERY, "t_idx");
        op.columns = cols;
        op.ncolumns = 4;
        op.where = conds[i];
        op.nwhere = 2;
        char *fast = answer_text(f->conn, &op);
        char *slow = answer_text(scan, &op);
        if (strcmp(fast, slow) != 0)
            fail_msg("case %zu: lookup %s, scan %s", i, fast, slow);
        if (strncmp(fast, "0 rows", 6) == 0 && i != 6)
            fail_msg("case %zu finds nothing: a poor test", i);
        free(fast);
        free(slow);
    }
    /* the same rows by key and by a range that is one key wide */
    dbd_cond eq = COND("id", DBD_CMP_EQ, dbd_int(3));
    expect_where(f->conn, eq, IDS(3));
    dbd_cond one[] = {COND("id", DBD_CMP_GE, dbd_int(3)),
                      COND("id", DBD_CMP_LE, dbd_int(3))};
    dbd_op op = op_of(DBD_OP_QUERY, "conf");
    op.columns = (const char **)id_only;
    op.ncolumns = 1;
    op.where = one;
    op.nwhere = 2;
    expect_ids(f->conn, &op, IDS(3));
    one[0] = COND("k", DBD_CMP_GE, str("c"));
    one[1] = COND("k", DBD_CMP_LE, str("c"));
    expect_ids(f->conn, &op, IDS(3));
    expect_where(f->conn, COND("k", DBD_CMP_EQ, str("c")), IDS(3));

    /* indexes follow updates and deletes */
    dbd_exec_info info;
    dbd_assign retag[] = {{"tag", str("moved")}};
    dbd_cond which[] = {COND("a", DBD_CMP_EQ, str("x")),
                        COND("n", DBD_CMP_EQ, dbd_int(2))};
    expect_status(write_op(f->conn, DBD_OP_UPDATE, "t_idx", retag, 1, which,
                           2, &info), DBD_OK, &info);
    assert_int_equal(info.affected, 1);
    dbd_cond moved = COND("tag", DBD_CMP_EQ, str("moved"));
    dbd_op q = op_of(DBD_OP_QUERY, "t_idx");
    const char *ncol[] = {"n"};
    q.columns = ncol;
    q.ncolumns = 1;
    q.where = &moved;
    q.nwhere = 1;
    expect_ids(f->conn, &q, IDS(2));
    expect_ids(scan, &q, IDS(2));
    expect_status(write_op(f->conn, DBD_OP_DELETE, "t_idx", NULL, 0, which, 2,
                           &info), DBD_OK, &info);
    assert_int_equal(info.affected, 1);
    expect_ids(f->conn, &q, NO_IDS);
    dbd_cond c2 = COND("code", DBD_CMP_EQ, str("c2"));
    q.where = &c2;
    expect_ids(f->conn, &q, NO_IDS);
    dbd_connector.close(scan);
}

/* ---- writes ---------------------------------------------------------------- */

static void test_unique_and_not_null(void **state)
{
    fixture *f = *state;
    void *c = f->conn;
    dbd_exec_info info;
    insert_five(c);

    dbd_assign dup_k[] = {{"k", str("a")}};
    expect_status(write_op(c, DBD_OP_INSERT, "conf", dup_k, 1, NULL, 0,
                           &info), DBD_CONSTRAINT, &info);
    expect_msg(info.msg, "unique index (k)");
    assert_int_equal(info.last_id, 0);
    dbd_assign dup_id[] = {{"k", str("new")}, {"id", dbd_int(2)}};
    expect_status(write_op(c, DBD_OP_INSERT, "conf", dup_id, 2, NULL, 0,
                           &info), DBD_CONSTRAINT, &info);
    expect_msg(info.msg, "duplicate key (id)");
    dbd_assign no_k[] = {{"i", dbd_int(1)}};
    expect_status(write_op(c, DBD_OP_INSERT, "conf", no_k, 1, NULL, 0,
                           &info), DBD_CONSTRAINT, &info);
    expect_msg(info.msg, "needs a value");
    dbd_assign null_k[] = {{"k", dbd_null()}};
    expect_status(write_op(c, DBD_OP_INSERT, "conf", null_k, 1, NULL, 0,
                           &info), DBD_CONSTRAINT, &info);
    expect_msg(info.msg, "may not be NULL");
    dbd_assign nocol[] = {{"k", str("z")}, {"zz", dbd_int(1)}};
    expect_status(write_op(c, DBD_OP_INSERT, "conf", nocol, 2, NULL, 0,
                           &info), DBD_NOTFOUND, &info);
    expect_status(write_op(c, DBD_OP_INSERT, "gone", dup_k, 1, NULL, 0,
                           &info), DBD_NOTFOUND, &info);

    /* updates: to another row's unique value, to its own, to NULL */
    dbd_cond row2 = COND("id", DBD_CMP_EQ, dbd_int(2));
    expect_status(write_op(c, DBD_OP_UPDATE, "conf", dup_k, 1, &row2, 1,
                           &info), DBD_CONSTRAINT, &info);
    dbd_assign own[] = {{"k", str("b")}, {"i", dbd_int(99)}};
    expect_status(write_op(c, DBD_OP_UPDATE, "conf", own, 2, &row2, 1,
                           &info), DBD_OK, &info);
    assert_int_equal(info.affected, 1);
    expect_status(write_op(c, DBD_OP_UPDATE, "conf", null_k, 1, &row2, 1,
                           &info), DBD_CONSTRAINT, &info);
    expect_where(c, COND("i", DBD_CMP_EQ, dbd_int(99)), IDS(2));
    assert_int_equal(count_rows(c, "conf"), 5);

    /* an explicit id, then the next one follows it */
    dbd_assign at100[] = {{"k", str("h")}, {"id", dbd_int(100)}};
    assert_int_equal(insert_conf(c, at100, 2), 100);
    dbd_assign next[] = {{"k", str("n")}, {"id", dbd_null()}};
    assert_int_equal(insert_conf(c, next, 2), 101);

    /* a key that changes moves the row; the old key is free again */
    dbd_assign to7[] = {{"id", dbd_int(7)}};
    expect_status(write_op(c, DBD_OP_UPDATE, "conf", to7, 1, &row2, 1,
                           &info), DBD_OK, &info);
    expect_where(c, COND("k", DBD_CMP_EQ, str("b")), IDS(7));
    dbd_assign to100[] = {{"id", dbd_int(100)}};
    dbd_cond row7 = COND("id", DBD_CMP_EQ, dbd_int(7));
    expect_status(write_op(c, DBD_OP_UPDATE, "conf", to100, 1, &row7, 1,
                           &info), DBD_CONSTRAINT, &info);
    dbd_assign back[] = {{"k", str("b2")}, {"id", dbd_int(2)}};
    assert_int_equal(insert_conf(c, back, 2), 2);

    /* unique indexes allow any number of NULLs; keys must differ */
    insert_idx(c, "p", 1, dbd_null(), NULL);
    insert_idx(c, "p", 2, dbd_null(), NULL);
    insert_idx(c, "p", 3, dbd_null(), "same");
    dbd_assign dup_code[] = {{"a", str("p")}, {"n", dbd_int(4)},
                             {"code", str("same")}};
    expect_status(write_op(c, DBD_OP_INSERT, "t_idx", dup_code, 3, NULL, 0,
                           &info), DBD_CONSTRAINT, &info);
    dbd_assign dup_key[] = {{"a", str("p")}, {"n", dbd_int(2)}};
    expect_status(write_op(c, DBD_OP_INSERT, "t_idx", dup_key, 2, NULL, 0,
                           &info), DBD_CONSTRAINT, &info);
    expect_msg(info.msg, "duplicate key (a, n)");
    assert_int_equal(count_rows(c, "t_idx"), 3);

    /* update and delete of every row, and of none */
    dbd_assign all_grp[] = {{"grp", dbd_int(5)}};
    expect_status(write_op(c, DBD_OP_UPDATE, "conf", all_grp, 1, NULL, 0,
                           &info), DBD_OK, &info);
    assert_int_equal(info.affected, 8);
    dbd_cond none = COND("grp", DBD_CMP_EQ, dbd_int(6));
    expect_status(write_op(c, DBD_OP_DELETE, "conf", NULL, 0, &none, 1,
                           &info), DBD_OK, &info);
    assert_int_equal(info.affected, 0);
    expect_status(write_op(c, DBD_OP_DELETE, "conf", NULL, 0, NULL, 0,
                           &info), DBD_OK, &info);
    assert_int_equal(info.affected, 8);
    assert_int_equal(count_rows(c, "conf"), 0);
    /* ids are not given twice, also when their rows are gone */
    dbd_assign again[] = {{"k", str("again")}};
    assert_int_equal(insert_conf(c, again, 1), 102);
}

static dbd_status replace(void *conn, const char *table, dbd_assign *values,
                          size_t n, const char **keys, size_t nkeys,
                          dbd_exec_info *info)
{
    dbd_op op = op_of(DBD_OP_REPLACE, table);
    op.values = values;
    op.nvalues = n;
    op.keys = keys;
    op.nkeys = nkeys;
    return dbd_connector.exec(conn, &op, NULL, info);
}

static void test_replace(void **state)
{
    fixture *f = *state;
    void *c = f->conn;
    dbd_exec_info info;
    collected out = {0};
    const char *by_k[] = {"k"};

    dbd_assign first[] = {{"k", str("r")}, {"i", dbd_int(1)},
                          {"s", str("one")}};
    expect_status(replace(c, "conf", first, 3, by_k, 1, &info), DBD_OK,
                  &info);
    assert_int_equal(info.affected, 1);
    dbd_assign second[] = {{"k", str("r")}, {"i", dbd_int(2)}};
    expect_status(replace(c, "conf", second, 2, by_k, 1, &info), DBD_OK,
                  &info);
    assert_int_equal(info.affected, 1);
    dbd_op op = op_of(DBD_OP_QUERY, "conf");
    const char *cols[] = {"id", "k", "i", "s", "grp"};
    op.columns = cols;
    op.ncolumns = 5;
    assert_int_equal(run(c, &op, &out, &info), DBD_OK);
    assert_int_equal(out.nrows, 1);
    assert_int(cell(&out, 0, 0), 1);
    assert_int(cell(&out, 0, 2), 2);
    assert_str(cell(&out, 0, 3), "one"); /* not given: kept */
    assert_nullv(cell(&out, 0, 4));

    /* by the primary key */
    const char *by_id[] = {"id"};
    dbd_assign at5[] = {{"id", dbd_int(5)}, {"k", str("five")}};
    expect_status(replace(c, "conf", at5, 2, by_id, 1, &info), DBD_OK,
                  &info);
    dbd_assign at5b[] = {{"id", dbd_int(5)}, {"k", str("FIVE")}};
    expect_status(replace(c, "conf", at5b, 2, by_id, 1, &info), DBD_OK,
                  &info);
    expect_where(c, COND("k", DBD_CMP_EQ, str("FIVE")), IDS(5));
    assert_int_equal(count_rows(c, "conf"), 2);
    /* the update may not take another row's unique value */
    dbd_assign clash[] = {{"id", dbd_int(5)}, {"k", str("r")}};
    expect_status(replace(c, "conf", clash, 2, by_id, 1, &info),
                  DBD_CONSTRAINT, &info);

    /* keys that are no unique key of the table */
    const char *by_i[] = {"i"};
    expect_status(replace(c, "conf", second, 2, by_i, 1, &info), DBD_BAD,
                  &info);
    expect_msg(info.msg, "not the key or a unique index");

    /* a two-column key given in another order */
    const char *by_na[] = {"n", "a"};
    dbd_assign t1[] = {{"a", str("q")}, {"n", dbd_int(1)},
                       {"tag", str("one")}};
    dbd_assign t2[] = {{"n", dbd_int(1)}, {"a", str("q")},
                       {"code", str("C")}};
    expect_status(replace(c, "t_idx", t1, 3, by_na, 2, &info), DBD_OK,
                  &info);
    expect_status(replace(c, "t_idx", t2, 3, by_na, 2, &info), DBD_OK,
                  &info);
    const char *tcols[] = {"tag", "code"};
    op = op_of(DBD_OP_QUERY, "t_idx");
    op.columns = tcols;
    op.ncolumns = 2;
    assert_int_equal(run(c, &op, &out, &info), DBD_OK);
    assert_int_equal(out.nrows, 1);
    assert_str(cell(&out, 0, 0), "one");
    assert_str(cell(&out, 0, 1), "C");
    collected_clear(&out);
}

/* ---- transactions ---------------------------------------------------------- */

static void test_transactions(void **state)
{
    fixture *f = *state;
    void *c = f->conn;
    dbd_exec_info info;
    insert_five(c);

    assert_int_equal(dbd_connector.begin(c, &info), DBD_OK);
    expect_status(dbd_connector.begin(c, &info), DBD_BAD, &info);
    dbd_assign t1[] = {{"k", str("t1")}};
    dbd_assign t2[] = {{"k", str("t2")}};
    assert_int_equal(insert_conf(c, t1, 1), 6);
    assert_int_equal(insert_conf(c, t2, 1), 7);
    assert_int_equal(count_rows(c, "conf"), 7); /* its own writes */
    dbd_assign all[] = {{"i", dbd_int(0)}};
    expect_status(write_op(c, DBD_OP_UPDATE, "conf", all, 1, NULL, 0, &info),
                  DBD_OK, &info);
    assert_int_equal(dbd_connector.rollback(c, &info), DBD_OK);
    assert_int_equal(count_rows(c, "conf"), 5);
    expect_where(c, COND("i", DBD_CMP_EQ, dbd_int(0)), NO_IDS);

    /* a failing operation inside leaves the others standing */
    assert_int_equal(dbd_connector.begin(c, &info), DBD_OK);
    dbd_assign u1[] = {{"k", str("u1")}};
    dbd_assign u2[] = {{"k", str("u2")}};
    assert_int_equal(insert_conf(c, u1, 1), 6);
    expect_status(write_op(c, DBD_OP_INSERT, "conf", u1, 1, NULL, 0, &info),
                  DBD_CONSTRAINT, &info);
    assert_int_equal(insert_conf(c, u2, 1), 7);
    assert_int_equal(dbd_connector.commit(c, &info), DBD_OK);
    expect_where(c, COND("k", DBD_CMP_GE, str("u")), IDS(6, 7));

    expect_status(dbd_connector.commit(c, &info), DBD_BAD, &info);
    assert_int_equal(dbd_connector.rollback(c, &info), DBD_OK);

    /* a connection closed inside a batch commits nothing */
    void *other = must_open(f->dir, NULL, NULL, 0);
    assert_int_equal(dbd_connector.begin(other, &info), DBD_OK);
    dbd_assign lost[] = {{"k", str("lost")}};
    assert_int_equal(insert_conf(other, lost, 1), 8);
    dbd_connector.close(other);
    expect_where(c, COND("k", DBD_CMP_EQ, str("lost")), NO_IDS);
    dbd_assign kept[] = {{"k", str("kept")}};
    assert_int_equal(insert_conf(c, kept, 1), 8);
}

/* ---- concurrency and crashes ----------------------------------------------- */

#define WRITES_PER_THREAD 150

typedef struct writer {
    void *conn;
    int id;
    int failures;
    char why[600];
} writer;

static void *write_many(void *arg)
{
    writer *w = arg;
    dbd_exec_info info;
    char k[32];
    for (int i = 0; i < WRITES_PER_THREAD; i++) {
        snprintf(k, sizeof k, "w%d-%d", w->id, i);
        dbd_assign v[] = {{"k", str(k)}, {"grp", dbd_int(w->id)},
                          {"i", dbd_int(i)}};
        dbd_status st = write_op(w->conn, DBD_OP_INSERT, "conf", v, 3, NULL,
                                 0, &info);
        /* both also rewrite one shared row, and batch three rows */
        dbd_assign shared[] = {{"k", str("shared")}, {"i", dbd_int(i)}};
        const char *by_k[] = {"k"};
        if (st == DBD_OK)
            st = replace(w->conn, "conf", shared, 2, by_k, 1, &info);
        if (st == DBD_OK && i % 10 == 0) {
            st = dbd_connector.begin(w->conn, &info);
            for (int j = 0; j < 3 && st == DBD_OK; j++) {
                snprintf(k, sizeof k, "b%d-%d-%d", w->id, i, j);
                dbd_assign b[] = {{"k", str(k)}, {"grp", dbd_int(w->id)}};
                st = write_op(w->conn, DBD_OP_INSERT, "conf", b, 2, NULL, 0,
                              &info);
            }
            if (st == DBD_OK)
                st = dbd_connector.commit(w->conn, &info);
            else
                dbd_connector.rollback(w->conn, NULL);
        }
        if (st != DBD_OK && w->failures++ == 0)
            snprintf(w->why, sizeof w->why, "%s: %s", dbd_status_name(st),
                     info.msg);
    }
    return NULL;
}

static void test_two_writers(void **state)
{
    fixture *f = *state;
    writer w[2] = {{.conn = f->conn, .id = 1},
                   {.conn = must_open(f->dir, NULL, NULL, 0), .id = 2}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, write_many, &w[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < 2; i++)
        if (w[i].failures > 0)
            fail_msg("writer %d: %d failures, first %s", w[i].id,
                     w[i].failures, w[i].why);
    const size_t batches = (WRITES_PER_THREAD + 9) / 10 * 3;
    for (int i = 0; i < 2; i++) {
        dbd_cond mine = COND("grp", DBD_CMP_EQ, dbd_int(w[i].id));
        dbd_op op = op_of(DBD_OP_QUERY, "conf");
        op.where = &mine;
        op.nwhere = 1;
        collected c = {0};
        dbd_exec_info info;
        assert_int_equal(run(w[1].conn, &op, &c, &info), DBD_OK);
        assert_int_equal(c.nrows, WRITES_PER_THREAD + batches);
        collected_clear(&c);
    }
    /* every id once, and the shared row once */
    assert_int_equal(count_rows(f->conn, "conf"),
                     2 * (WRITES_PER_THREAD + batches) + 1);
    dbd_order by_id = {"id", false};
    dbd_op op = op_of(DBD_OP_QUERY, "conf");
    op.columns = (const char **)id_only;
    op.ncolumns = 1;
    op.order = &by_id;
    op.norder = 1;
    collected c = {0};
    dbd_exec_info info;
    assert_int_equal(run(f->conn, &op, &c, &info), DBD_OK);
    for (size_t r = 1; r < c.nrows; r++)
        assert_true(cell(&c, r, 0)->u.i > cell(&c, r - 1, 0)->u.i);
    collected_clear(&c);
    dbd_connector.close(w[1].conn);
}

typedef struct blocked {
    void *conn;
    const char *table;
    dbd_status st;
    bool rollback_on_busy;
    char msg[512];
} blocked;

/* Inserts one row into table; the calling thread may have to wait. */
static void *insert_blocked(void *arg)
{
    blocked *b = arg;
    dbd_exec_info info;
    dbd_assign conf_row[] = {{"k", str("from-thread")}};
    dbd_assign idx_row[] = {{"a", str("thread")}, {"n", dbd_int(1)}};
    bool conf = strcmp(b->table, "conf") == 0;
    b->st = write_op(b->conn, DBD_OP_INSERT, b->table,
                     conf ? conf_row : idx_row, conf ? 1 : 2, NULL, 0,
                     &info);
    snprintf(b->msg, sizeof b->msg, "%s", info.msg);
    if (b->st == DBD_BUSY && b->rollback_on_busy)
        dbd_connector.rollback(b->conn, NULL);
    return NULL;
}

/* Two batches that wait for each other: Berkeley DB picks one to fail
 * with BUSY, and the other goes on once the victim rolled back. */
static void test_deadlock(void **state)
{
    fixture *f = *state;
    void *other = must_open(f->dir, NULL, NULL, 0);
    dbd_exec_info info;
    pthread_t th;

    assert_int_equal(dbd_connector.begin(f->conn, &info), DBD_OK);
    assert_int_equal(dbd_connector.begin(other, &info), DBD_OK);
    dbd_assign a[] = {{"k", str("mine")}};
    assert_int_equal(insert_conf(f->conn, a, 1), 1);
    insert_idx(other, "theirs", 1, dbd_null(), NULL);
    blocked mine = {.conn = f->conn, .table = "t_idx",
                    .rollback_on_busy = true};
    assert_int_equal(pthread_create(&th, NULL, insert_blocked, &mine), 0);
    usleep(200 * 1000);
    blocked theirs = {.conn = other, .table = "conf"};
    insert_blocked(&theirs);
    if (theirs.st == DBD_BUSY)
        assert_int_equal(dbd_connector.rollback(other, &info), DBD_OK);
    else
        assert_int_equal(dbd_connector.commit(other, &info), DBD_OK);
    assert_int_equal(pthread_join(th, NULL), 0);
    if (mine.st == DBD_OK)
        assert_int_equal(dbd_connector.commit(f->conn, &info), DBD_OK);
    if ((mine.st == DBD_BUSY) == (theirs.st == DBD_BUSY))
        fail_msg("want one BUSY: got %s (%s) and %s (%s)",
                 dbd_status_name(mine.st), mine.msg,
                 dbd_status_name(theirs.st), theirs.msg);
    expect_msg(mine.st == DBD_BUSY ? mine.msg : theirs.msg, "deadlock");
    assert_int_equal(mine.st == DBD_OK ? theirs.st : mine.st, DBD_BUSY);
    /* the survivor's row, and only that */
    assert_int_equal(count_rows(f->conn, "conf"), 1);
    expect_where(f->conn, COND("k", DBD_CMP_EQ,
                               str(mine.st == DBD_OK ? "mine"
                                                     : "from-thread")),
                 IDS(mine.st == DBD_OK ? 1 : 2));
    dbd_connector.close(other);
}

/* A lock wait ends with BUSY after lock_timeout (checked when the lock
 * table next changes). */
static void test_lock_timeout(void **state)
{
    fixture *f = *state;
    dbd_option quick = {"lock_timeout", "200"};
    void *other = must_open(f->dir, NULL, &quick, 1);
    dbd_exec_info info;
    pthread_t th;

    assert_int_equal(dbd_connector.begin(f->conn, &info), DBD_OK);
    dbd_assign a[] = {{"k", str("held")}};
    assert_int_equal(insert_conf(f->conn, a, 1), 1);
    blocked waiter = {.conn = other, .table = "conf"};
    assert_int_equal(pthread_create(&th, NULL, insert_blocked, &waiter), 0);
    usleep(600 * 1000);
    assert_int_equal(count_rows(f->conn, "t_idx"), 0); /* takes locks */
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(waiter.st, DBD_BUSY);
    expect_msg(waiter.msg, "timed out");
    assert_int_equal(dbd_connector.commit(f->conn, &info), DBD_OK);
    assert_int_equal(count_rows(f->conn, "conf"), 1);
    dbd_connector.close(other);
}

/* A process that dies holding the environment: committed work survives,
 * its open transaction does not, and nothing stays locked. */
static void test_crash_recovery(void **state)
{
    fixture *f = *state;
    char dir[PATH_MAX + 32];
    dbd_exec_info info;

    /* the fixture's connection would keep the environment in use */
    dbd_connector.close(f->conn);
    f->conn = NULL;
    snprintf(dir, sizeof dir, "%s/crash", f->dir);
    assert_int_equal(mkdir(dir, 0700), 0);

    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char err[512];
        void *conn = NULL;
        dbd_option full = {"sync", "full"};
        if (open_with(dir, f->schema, &full, 1, &conn, err, sizeof err) !=
            DBD_OK)
            _exit(2);
        dbd_assign kept[] = {{"k", str("committed")}};
        if (write_op(conn, DBD_OP_INSERT, "conf", kept, 1, NULL, 0, &info) !=
            DBD_OK)
            _exit(3);
        if (dbd_connector.begin(conn, &info) != DBD_OK)
            _exit(4);
        dbd_assign lost[] = {{"k", str("uncommitted")}};
        if (write_op(conn, DBD_OP_INSERT, "conf", lost, 1, NULL, 0, &info) !=
            DBD_OK)
            _exit(5);
        dbd_assign all[] = {{"i", dbd_int(666)}};
        if (write_op(conn, DBD_OP_UPDATE, "conf", all, 1, NULL, 0, &info) !=
            DBD_OK)
            _exit(6);
        raise(SIGKILL); /* no close, no commit, no exit handlers */
        _exit(7);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFSIGNALED(status))
        fail_msg("child exited with %d before the crash",
                 WEXITSTATUS(status));

    void *conn = must_open(dir, NULL, NULL, 0);
    dbd_op op = op_of(DBD_OP_QUERY, "conf");
    const char *cols[] = {"id", "k", "i"};
    op.columns = cols;
    op.ncolumns = 3;
    collected c = {0};
    assert_int_equal(run(conn, &op, &c, &info), DBD_OK);
    assert_int_equal(c.nrows, 1);
    assert_int(cell(&c, 0, 0), 1);
    assert_str(cell(&c, 0, 1), "committed");
    assert_nullv(cell(&c, 0, 2));
    collected_clear(&c);
    /* the dead transaction's locks are gone: writes go through */
    dbd_assign next[] = {{"k", str("after")}};
    assert_int_equal(insert_conf(conn, next, 1), 2);
    dbd_assign all[] = {{"i", dbd_int(1)}};
    expect_status(write_op(conn, DBD_OP_UPDATE, "conf", all, 1, NULL, 0,
                           &info), DBD_OK, &info);
    assert_int_equal(info.affected, 2);
    dbd_connector.close(conn);
}

/* ---- size ----------------------------------------------------------------- */

static void test_big_row(void **state)
{
    fixture *f = *state;
    const size_t len = 1024 * 1024;
    char *s = malloc(len), *b = malloc(len);
    assert_non_null(s);
    assert_non_null(b);
    for (size_t i = 0; i < len; i++) {
        s[i] = (char)('a' + i % 26);
        b[i] = (char)(i * 31 + (i >> 9));
    }
    dbd_assign v[] = {{"k", str("big")}, {"s", dbd_string(s, len)},
                      {"b", dbd_blob(b, len)}};
    assert_int_equal(insert_conf(f->conn, v, 3), 1);
    s[len - 1] = '!';
    dbd_assign u[] = {{"s", dbd_string(s, len)}};
    dbd_cond big = COND("k", DBD_CMP_EQ, str("big"));
    dbd_exec_info info;
    expect_status(write_op(f->conn, DBD_OP_UPDATE, "conf", u, 1, &big, 1,
                           &info), DBD_OK, &info);
    dbd_op op = op_of(DBD_OP_QUERY, "conf");
    const char *cols[] = {"s", "b"};
    op.columns = cols;
    op.ncolumns = 2;
    op.where = &big;
    op.nwhere = 1;
    collected c = {0};
    assert_int_equal(run(f->conn, &op, &c, &info), DBD_OK);
    assert_int_equal(c.nrows, 1);
    assert_bytes(cell(&c, 0, 0), DBD_TYPE_STRING, s, len);
    assert_bytes(cell(&c, 0, 1), DBD_TYPE_BLOB, b, len);
    collected_clear(&c);
    free(s);
    free(b);
}

#define WIDE 1000

static void test_wide_table(void **state)
{
    fixture *f = *state;
    static const char *const types[] = {"int", "string", "double", "blob",
                                        "datetime", "bool"};
    char path[PATH_MAX + 32], dir[PATH_MAX + 32], name[WIDE][8];
    snprintf(path, sizeof path, "%s/wide.ini", f->dir);
    snprintf(dir, sizeof dir, "%s/wide", f->dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "[wide]\ncolumn = c0 int not null\nkey = c0\n");
    for (int i = 1; i < WIDE; i++)
        fprintf(fp, "column = c%d %s\n", i, types[i % 6]);
    assert_int_equal(fclose(fp), 0);
    void *conn = must_open(dir, path, NULL, 0);

    dbd_assign *v = calloc(WIDE, sizeof *v);
    assert_non_null(v);
    char text[WIDE][12];
    for (int i = 0; i < WIDE; i++) {
        snprintf(name[i], sizeof name[i], "c%d", i);
        snprintf(text[i], sizeof text[i], "v%d", i);
        v[i].column = name[i];
        switch (i == 0 ? 0 : i % 6) {
        case 0: v[i].value = dbd_int(i); break;
        case 1: v[i].value = str(text[i]); break;
        case 2: v[i].value = dbd_double(i + 0.25); break;
        case 3: v[i].value = dbd_blob(text[i], strlen(text[i])); break;
        case 4: v[i].value = dbd_datetime((int64_t)i * 1000001); break;
        default: v[i].value = dbd_bool(i % 4 == 1); break;
        }
    }
    dbd_exec_info info;
    expect_status(write_op(conn, DBD_OP_INSERT, "wide", v, WIDE, NULL, 0,
                           &info), DBD_OK, &info);
    expect_status(write_op(conn, DBD_OP_INSERT, "wide", v, 1, NULL, 0,
                           &info), DBD_CONSTRAINT, &info);
    dbd_assign second[] = {{"c0", dbd_int(-1)}, {"c995", str("last")}};
    expect_status(write_op(conn, DBD_OP_INSERT, "wide", second, 2, NULL, 0,
                           &info), DBD_BAD, &info); /* c995 is a bool */
    second[1] = (dbd_assign){"c997", str("last")};
    expect_status(write_op(conn, DBD_OP_INSERT, "wide", second, 2, NULL, 0,
                           &info), DBD_OK, &info);

    dbd_order by = {"c0", true};
    dbd_op op = op_of(DBD_OP_QUERY, "wide");
    op.order = &by;
    op.norder = 1;
    collected c = {0};
    assert_int_equal(run(conn, &op, &c, &info), DBD_OK);
    assert_int_equal(c.ncols, WIDE);
    assert_int_equal(c.nrows, 2);
    for (int i = 0; i < WIDE; i++) {
        const dbd_value *got = cell(&c, 0, (size_t)i);
        const dbd_value *want = &v[i].value;
        assert_int_equal(got->type, want->type);
        assert_true(dbd_value_equal(got, want));
        if (i > 0 && i != 997)
            assert_nullv(cell(&c, 1, (size_t)i));
    }
    assert_int(cell(&c, 1, 0), -1);
    assert_str(cell(&c, 1, 997), "last");
    collected_clear(&c);
    free(v);
    dbd_connector.close(conn);
}

/* Many rows stream in key order either way; a sink may stop the stream. */
static void test_many_rows(void **state)
{
    fixture *f = *state;
    const int64_t n = 20000;
    dbd_exec_info info;
    char k[32];

    assert_int_equal(dbd_connector.begin(f->conn, &info), DBD_OK);
    for (int64_t i = 1; i <= n; i++) {
        snprintf(k, sizeof k, "row%06lld", (long long)i);
        dbd_assign v[] = {{"k", str(k)}, {"grp", dbd_int(i % 3)}};
        expect_status(write_op(f->conn, DBD_OP_INSERT, "conf", v, 2, NULL, 0,
                               &info), DBD_OK, &info);
    }
    assert_int_equal(dbd_connector.commit(f->conn, &info), DBD_OK);

    for (int desc = 0; desc < 2; desc++) {
        dbd_order by_id = {"id", desc == 1};
        dbd_op op = op_of(DBD_OP_QUERY, "conf");
        op.columns = (const char **)id_only;
        op.ncolumns = 1;
        op.order = &by_id;
        op.norder = 1;
        collected c = {0};
        assert_int_equal(run(f->conn, &op, &c, &info), DBD_OK);
        assert_int_equal(c.nrows, (size_t)n);
        for (int64_t r = 0; r < n; r++)
            assert_true(cell(&c, (size_t)r, 0)->u.i ==
                        (desc ? n - r : r + 1));
        collected_clear(&c);
    }
    /* sorted in memory: grp desc, then key order */
    dbd_order by_grp[] = {{"grp", true}};
    dbd_op op = op_of(DBD_OP_QUERY, "conf");
    op.columns = (const char **)id_only;
    op.ncolumns = 1;
    op.order = by_grp;
    op.norder = 1;
    op.limit = 3;
    op.offset = 1;
    expect_ids(f->conn, &op, IDS(5, 8, 11));

    collected c = {.stop_at_row = 10};
    op = op_of(DBD_OP_QUERY, "conf");
    assert_int_equal(run(f->conn, &op, &c, &info), DBD_INTERNAL);
    assert_int_equal(c.nrows, 9);
    c.stop_at_row = 0;
    collected_clear(&c);

    /* deleting them all in one transaction */
    dbd_cond mod = COND("grp", DBD_CMP_NOTNULL, dbd_null());
    expect_status(write_op(f->conn, DBD_OP_DELETE, "conf", NULL, 0, &mod, 1,
                           &info), DBD_OK, &info);
    assert_int_equal(info.affected, n);
}

/* Definitions come from the environment, not from the schema file. */
static void test_reopen(void **state)
{
    fixture *f = *state;
    insert_five(f->conn);
    dbd_connector.close(f->conn);
    write_text(f->schema, "[conf]\ncolumn = id string not null\nkey = id\n");
    f->conn = must_open(f->dir, NULL, NULL, 0);
    expect_where(f->conn, COND("i", DBD_CMP_EQ, dbd_int(12)), IDS(5));
    dbd_connector.close(f->conn);
    /* a changed definition for an existing table is ignored (and logged) */
    f->conn = must_open(f->dir, f->schema, NULL, 0);
    expect_where(f->conn, COND("id", DBD_CMP_GE, dbd_int(4)), IDS(4, 5));
    dbd_exec_info info;
    assert_int_equal(dbd_connector.ping(f->conn, &info), DBD_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kamailio_schema, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_types_round_trip, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_operators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plans, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookups_match_scans, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unique_and_not_null, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_writers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deadlock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crash_recovery, setup, teardown),
        cmocka_unit_test_setup_teardown(test_big_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wide_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
