/*
 * test_sqlite.c - the sqlite connector through its descriptor, against a
 * database file in a fresh temporary directory that each test removes:
 * options, every operation and operator, types, errors, the statement
 * cache, transactions and raw statements.
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

#include "sqlite/sqlite_int.h"
/* last: it defines C and N, names library headers use for parameters */
#include "connector_fixture.h"

static const char create_t_types[] =
    "CREATE TABLE t_types (id INTEGER PRIMARY KEY AUTOINCREMENT, "
    "k VARCHAR(64) NOT NULL UNIQUE, i INTEGER, d REAL, s VARCHAR(255), "
    "b BLOB, dt DATETIME)";

/* ---- fixture: a temporary directory with t_types ---- */

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    char err[256];
    if (f == NULL)
        return -1;
    if (make_temp_dir(f->dir, sizeof f->dir, "dbd-sqlite") != 0) {
        free(f);
        return -1;
    }
    snprintf(f->url, sizeof f->url, "sqlite://%s/test.db", f->dir);
    *state = f;
    if (open_url(f->url, NULL, 0, &f->conn, err, sizeof err) != DBD_OK) {
        print_error("open: %s\n", err);
        return -1;
    }
    if (run_raw(f, create_t_types, NULL, 0) != DBD_OK) {
        print_error("create: %s\n", f->info.msg);
        return -1;
    }
    return 0;
}

/* ---- helpers ---- */

static int64_t insert_ki(fx *f, const char *k, dbd_value i)
{
    dbd_request *r = req(DBD_OP_INSERT, "t_types");
    add_value(r, "k", dbd_string(k, strlen(k)));
    add_value(r, "i", i);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    return f->info.last_id;
}

/* k of the rows matching one condition, in id order. */
static const char *keys_where(fx *f, const char *col, dbd_cmp cmp,
                              const dbd_value *v, char *buf, size_t len)
{
    return keys_matching(f, "t_types", "id", col, cmp, v, 1, buf, len);
}

/* k of the rows whose col is in list, in id order. */
static const char *keys_in(fx *f, const char *col, const dbd_value *list,
                           size_t n, char *buf, size_t len)
{
    return keys_matching(f, "t_types", "id", col, DBD_CMP_IN, list, n, buf,
                         len);
}

/* ---- descriptor and open ---- */

static void test_descriptor(void **state)
{
    (void)state;
    assert_int_equal(C->abi, DBD_CONNECTOR_ABI);
    assert_int_equal(C->size, sizeof(struct dbd_connector));
    assert_string_equal(C->scheme, "sqlite");
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
}

static void test_open_missing_dir(void **state)
{
    fx *f = *state;
    char url[1400], err[512] = "";
    void *conn = (void *)1;
    snprintf(url, sizeof url, "sqlite://%s/no-such-dir/x.db", f->dir);
    assert_int_equal(open_url(url, NULL, 0, &conn, err, sizeof err),
                     DBD_UNAVAILABLE);
    assert_null(conn);
    assert_non_null(strstr(err, "no-such-dir does not exist"));
}

static void test_open_bad_options(void **state)
{
    fx *f = *state;
    char err[512] = "";
    void *conn = NULL;
    const dbd_option unknown[] = {{"option.bogus", "1"}};
    assert_int_equal(open_url(f->url, unknown, 1, &conn, err, sizeof err),
                     DBD_CONFIG);
    assert_null(conn);
    assert_non_null(strstr(err, "unknown sqlite option \"bogus\""));

    char url[1400];
    snprintf(url, sizeof url, "%s?colour=blue", f->url);
    assert_int_equal(open_url(url, NULL, 0, &conn, err, sizeof err),
                     DBD_CONFIG);
    assert_non_null(strstr(err, "\"colour\""));

    static const dbd_option bad[][1] = {
        {{"busy_timeout", "soon"}}, {{"busy_timeout", "-1"}},
        {{"journal_mode", "fast"}}, {{"synchronous", "maybe"}},
        {{"foreign_keys", "2"}},    {{"cache_size", "1k"}},
        {{"create", "perhaps"}},    {{"mode", "rwx"}},
        {{"stmt_cache", "0"}},      {{"mmap_size", "-1"}},
        {{"mmap_size", "lots"}},
    };
    for (size_t i = 0; i < N(bad); i++) {
        err[0] = '\0';
        assert_int_equal(open_url(f->url, bad[i], 1, &conn, err, sizeof err),
                         DBD_CONFIG);
        assert_null(conn);
        if (strstr(err, bad[i][0].key) == NULL)
            fail_msg("message \"%s\" does not name %s", err, bad[i][0].key);
    }
    /* no path at all */
    assert_int_equal(open_url("sqlite://", NULL, 0, &conn, err, sizeof err),
                     DBD_CONFIG);
}

/* The text a PRAGMA answers, such as "wal"; numbers come by raw_int(). */
static const char *pragma_text(fx *f, void *conn, const char *sql)
{
    const char *s = NULL;
    size_t len = 0;
    (void)raw_scalar(f, conn, sql);
    assert_int_equal(dbd_result_get_string(f->res, 0, 0, &s, &len), 0);
    return s;
}

static void test_open_options(void **state)
{
    fx *f = *state;
    /* defaults: WAL, 5 s busy timeout, NORMAL sync, foreign keys on */
    assert_string_equal(pragma_text(f, f->conn, "PRAGMA journal_mode"), "wal");
    assert_int_equal(raw_int(f, f->conn, "PRAGMA busy_timeout"), 5000);
    assert_int_equal(raw_int(f, f->conn, "PRAGMA synchronous"), 1);
    assert_int_equal(raw_int(f, f->conn, "PRAGMA foreign_keys"), 1);
    /* reads through a 256 MiB memory map */
    assert_int_equal(raw_int(f, f->conn, "PRAGMA mmap_size"), 268435456);

    char url[1400], err[512] = "";
    void *conn = NULL;
    const dbd_option opts[] = {{"option.synchronous", "full"},
                               {"option.cache_size", "-4000"},
                               {"foreign_keys", "off"},
                               {"busy_timeout", "1"}};
    /* URL parameters come after the configured options and win */
    snprintf(url, sizeof url, "%s?busy_timeout=1234", f->url);
    EXPECT_ST(f, open_url(url, opts, N(opts), &conn, err, sizeof err),
              DBD_OK);
    assert_int_equal(raw_int(f, conn, "PRAGMA busy_timeout"), 1234);
    assert_int_equal(raw_int(f, conn, "PRAGMA synchronous"), 2);
    assert_int_equal(raw_int(f, conn, "PRAGMA cache_size"), -4000);
    assert_int_equal(raw_int(f, conn, "PRAGMA foreign_keys"), 0);
    C->close(conn);
    C->close(NULL);

    /* mmap_size = 0 reads with pread() again */
    const dbd_option no_map[] = {{"option.mmap_size", "0"}};
    EXPECT_ST(f, open_url(f->url, no_map, N(no_map), &conn, err, sizeof err),
              DBD_OK);
    assert_int_equal(raw_int(f, conn, "PRAGMA mmap_size"), 0);
    C->close(conn);
}

static void test_open_readonly_and_create(void **state)
{
    fx *f = *state;
    char url[1400], err[512] = "";
    void *conn = NULL;

    insert_ki(f, "ro1", dbd_int(1));
    snprintf(url, sizeof url, "%s?mode=ro", f->url);
    EXPECT_ST(f, open_url(url, NULL, 0, &conn, err, sizeof err), DBD_OK);
    dbd_request *r = req(DBD_OP_QUERY, "t_types");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    r = req(DBD_OP_INSERT, "t_types");
    add_value(r, "k", STRV("ro2"));
    EXPECT_ST(f, run_op_on(f, conn, &r->op), DBD_DENY);
    assert_non_null(strstr(f->info.msg, "readonly"));
    dbd_request_destroy(&r);
    C->close(conn);

    /* a missing file is created by default, not with create=no or ro */
    snprintf(url, sizeof url, "sqlite://%s/other.db?create=no", f->dir);
    assert_int_equal(open_url(url, NULL, 0, &conn, err, sizeof err),
                     DBD_UNAVAILABLE);
    assert_non_null(strstr(err, "create=no"));
    snprintf(url, sizeof url, "sqlite://%s/other.db?mode=ro", f->dir);
    assert_int_equal(open_url(url, NULL, 0, &conn, err, sizeof err),
                     DBD_UNAVAILABLE);
    assert_non_null(strstr(err, "mode=ro"));
    assert_null(conn);
    snprintf(url, sizeof url, "sqlite://%s/other.db", f->dir);
    EXPECT_ST(f, open_url(url, NULL, 0, &conn, err, sizeof err), DBD_OK);
    EXPECT_ST(f, C->ping(conn, &f->info), DBD_OK);
    C->close(conn);
}

static void test_open_not_a_database(void **state)
{
    fx *f = *state;
    char path[1100], url[PATH_MAX + 64], err[512] = "";
    void *conn = NULL;
    snprintf(path, sizeof path, "%s/junk.db", f->dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (int i = 0; i < 200; i++)
        fputs("this is not an sqlite database file. ", fp);
    assert_int_equal(fclose(fp), 0);
    snprintf(url, sizeof url, "sqlite://%s", path);
    assert_int_equal(open_url(url, NULL, 0, &conn, err, sizeof err),
                     DBD_UNAVAILABLE);
    assert_null(conn);
    assert_non_null(strstr(err, "not a database"));
}

/* The file removed under an open connection: ping tells the daemon to
 * reopen. */
static void test_file_removed(void **state)
{
    fx *f = *state;
    insert_ki(f, "gone1", dbd_int(1));
    EXPECT_ST(f, C->ping(f->conn, &f->info), DBD_OK);
    remove_tree(f->dir);
    EXPECT_ST(f, C->ping(f->conn, &f->info), DBD_UNAVAILABLE);
    assert_non_null(strstr(f->info.msg, "was removed or replaced"));
}

static void test_ping(void **state)
{
    fx *f = *state;
    EXPECT_ST(f, C->ping(f->conn, &f->info), DBD_OK);
    EXPECT_ST(f, C->ping(f->conn, NULL), DBD_OK);
}

/* ---- operations ---- */

static void test_insert_and_types(void **state)
{
    fx *f = *state;
    static const char blob[] = {'a', '\0', 'b', '\0', (char)0xff};
    const int64_t usec = 1709214301123456; /* 2024-02-29 13:45:01.123456 */
    dbd_request *r = req(DBD_OP_INSERT, "t_types");
    add_value(r, "k", STRV("ty1"));
    add_value(r, "i", dbd_int(INT64_MIN));
    add_value(r, "d", dbd_double(2.5));
    add_value(r, "s", STRV("x\0y"));
    add_value(r, "b", dbd_blob(blob, sizeof blob));
    add_value(r, "dt", dbd_datetime(usec));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    assert_int_equal(f->info.last_id, 1);
    assert_int_equal(insert_ki(f, "ty2", dbd_int(INT64_MAX)), 2);

    r = req(DBD_OP_QUERY, "t_types");
    assert_int_equal(dbd_op_add_order(r, &r->op, "id", false), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->columns_calls, 1);
    static const char *const names[] = {"id", "k", "i", "d", "s", "b", "dt"};
    static const dbd_type types[] = {DBD_TYPE_INT,    DBD_TYPE_STRING,
                                     DBD_TYPE_INT,    DBD_TYPE_DOUBLE,
                                     DBD_TYPE_STRING, DBD_TYPE_BLOB,
                                     DBD_TYPE_DATETIME};
    assert_int_equal(dbd_result_ncols(f->res), N(names));
    for (size_t i = 0; i < N(names); i++) {
        assert_string_equal(dbd_result_col_name(f->res, i), names[i]);
        assert_int_equal(dbd_result_col_type(f->res, i), types[i]);
    }
    assert_int_equal(dbd_result_nrows(f->res), 2);
    const dbd_value row0[] = {dbd_int(1), STRV("ty1"), dbd_int(INT64_MIN),
                              dbd_double(2.5), STRV("x\0y"),
                              dbd_blob(blob, sizeof blob),
                              dbd_datetime(usec)};
    for (size_t i = 0; i < N(row0); i++)
        expect_cell(dbd_result_value(f->res, 0, i), &row0[i]);
    const dbd_value row1[] = {dbd_int(2), STRV("ty2"), dbd_int(INT64_MAX),
                              dbd_null(), dbd_null(), dbd_null(), dbd_null()};
    for (size_t i = 0; i < N(row1); i++)
        expect_cell(dbd_result_value(f->res, 1, i), &row1[i]);

    /* the datetime is stored as the text Kamailio uses */
    const dbd_value key = STRV("ty1");
    EXPECT_ST(f, run_raw(f, "SELECT typeof(dt), dt || '' FROM t_types "
                            "WHERE k = ?", &key, 1),
              DBD_OK);
    const dbd_value text = STRV("text"), stored =
        STRV("2024-02-29 13:45:01.123456");
    expect_cell(dbd_result_value(f->res, 0, 0), &text);
    expect_cell(dbd_result_value(f->res, 0, 1), &stored);
}

static void test_empty_values_and_bool(void **state)
{
    fx *f = *state;
    dbd_request *r = req(DBD_OP_INSERT, "t_types");
    add_value(r, "k", STRV("e1"));
    add_value(r, "s", dbd_string("", 0));
    add_value(r, "b", dbd_blob(NULL, 0));
    add_value(r, "i", dbd_bool(true));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    r = req(DBD_OP_QUERY, "t_types");
    add_column(r, "s");
    add_column(r, "b");
    add_column(r, "i");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    const dbd_value want[] = {dbd_string("", 0), dbd_blob("", 0),
                              dbd_int(1)};
    for (size_t i = 0; i < N(want); i++)
        expect_cell(dbd_result_value(f->res, 0, i), &want[i]);

    /* a column declared BOOLEAN reads back as bool */
    EXPECT_ST(f, run_raw(f, "CREATE TABLE t_bool (f BOOLEAN)", NULL, 0),
              DBD_OK);
    r = req(DBD_OP_INSERT, "t_bool");
    add_value(r, "f", dbd_bool(false));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    r = req(DBD_OP_QUERY, "t_bool");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_col_type(f->res, 0), DBD_TYPE_BOOL);
    const dbd_value no = dbd_bool(false);
    expect_cell(dbd_result_value(f->res, 0, 0), &no);
}

static void test_query_empty(void **state)
{
    fx *f = *state;
    dbd_request *r = req(DBD_OP_QUERY, "t_types");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->columns_calls, 1);
    assert_int_equal(dbd_result_nrows(f->res), 0);
    assert_int_equal(dbd_result_ncols(f->res), 7);
    assert_string_equal(dbd_result_col_name(f->res, 6), "dt");
    assert_int_equal(dbd_result_col_type(f->res, 6), DBD_TYPE_DATETIME);
    assert_int_equal(dbd_result_col_type(f->res, 5), DBD_TYPE_BLOB);
    assert_int_equal(f->info.affected, -1);

    r = req(DBD_OP_QUERY, "t_types");
    add_column(r, "dt");
    add_column(r, "k");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_ncols(f->res), 2);
    assert_string_equal(dbd_result_col_name(f->res, 0), "dt");
    assert_int_equal(dbd_result_col_type(f->res, 1), DBD_TYPE_STRING);
}

/* Rows op1..op6 with i = 1, 2, 3, NULL, 5, 6. */
static void insert_op_rows(fx *f)
{
    static const char *const keys[] = {"op1", "op2", "op3",
                                       "op4", "op5", "op6"};
    for (size_t i = 0; i < N(keys); i++)
        insert_ki(f, keys[i], i == 3 ? dbd_null() : dbd_int((int64_t)i + 1));
}

static void test_operators(void **state)
{
    fx *f = *state;
    char buf[256];
    insert_op_rows(f);
    const dbd_value three = dbd_int(3);
    assert_string_equal(keys_where(f, "i", DBD_CMP_EQ, &three, buf, sizeof buf),
                        "op3");
    assert_string_equal(keys_where(f, "i", DBD_CMP_NE, &three, buf, sizeof buf),
                        "op1,op2,op5,op6");
    assert_string_equal(keys_where(f, "i", DBD_CMP_LT, &three, buf, sizeof buf),
                        "op1,op2");
    assert_string_equal(keys_where(f, "i", DBD_CMP_GT, &three, buf, sizeof buf),
                        "op5,op6");
    assert_string_equal(keys_where(f, "i", DBD_CMP_LE, &three, buf, sizeof buf),
                        "op1,op2,op3");
    assert_string_equal(keys_where(f, "i", DBD_CMP_GE, &three, buf, sizeof buf),
                        "op3,op5,op6");
    /* 1=001 2=010 3=011 5=101 6=110: bit 0 */
    const dbd_value bit1 = dbd_int(1);
    assert_string_equal(keys_where(f, "i", DBD_CMP_BITAND, &bit1, buf,
                                   sizeof buf),
                        "op1,op3,op5");
    const dbd_value bits6 = dbd_int(6);
    assert_string_equal(keys_where(f, "i", DBD_CMP_BITAND, &bits6, buf,
                                   sizeof buf),
                        "op2,op3,op5,op6");
    const dbd_value list[] = {dbd_int(6), dbd_int(2), dbd_int(99)};
    assert_string_equal(keys_in(f, "i", list, 3, buf, sizeof buf), "op2,op6");
    const dbd_value strs[] = {STRV("op4"), STRV("nope")};
    assert_string_equal(keys_in(f, "k", strs, 2, buf, sizeof buf), "op4");
    const dbd_value none = dbd_null();
    assert_string_equal(keys_where(f, "i", DBD_CMP_ISNULL, &none, buf,
                                   sizeof buf),
                        "op4");
    assert_string_equal(keys_where(f, "i", DBD_CMP_NOTNULL, &none, buf,
                                   sizeof buf),
                        "op1,op2,op3,op5,op6");
    /* strings compare as strings */
    const dbd_value op3 = STRV("op3");
    assert_string_equal(keys_where(f, "k", DBD_CMP_GT, &op3, buf, sizeof buf),
                        "op4,op5,op6");
}

/* Comparing with NULL matches nothing, as in SQL. */
static void test_null_semantics(void **state)
{
    fx *f = *state;
    char buf[256];
    insert_op_rows(f);
    const dbd_value nul = dbd_null();
    static const dbd_cmp cmps[] = {DBD_CMP_EQ, DBD_CMP_NE, DBD_CMP_LT,
                                   DBD_CMP_GT, DBD_CMP_LE, DBD_CMP_GE,
                                   DBD_CMP_BITAND};
    for (size_t i = 0; i < N(cmps); i++)
        assert_string_equal(keys_where(f, "i", cmps[i], &nul, buf, sizeof buf),
                            "");
    const dbd_value list[] = {dbd_null(), dbd_int(1)};
    assert_string_equal(keys_in(f, "i", list, 2, buf, sizeof buf), "op1");
}

static void test_order_limit(void **state)
{
    fx *f = *state;
    char buf[256];
    /* (i, k): (1,a) (2,b) (1,c) (2,d) (1,e) */
    insert_ki(f, "a", dbd_int(1));
    insert_ki(f, "b", dbd_int(2));
    insert_ki(f, "c", dbd_int(1));
    insert_ki(f, "d", dbd_int(2));
    insert_ki(f, "e", dbd_int(1));

    struct {
        bool i_desc, k_desc;
        int64_t limit, offset;
        const char *want;
    } cases[] = {
        {false, false, -1, 0, "a,c,e,b,d"},
        {false, true, -1, 0, "e,c,a,d,b"},
        {true, false, -1, 0, "b,d,a,c,e"},
        {true, true, -1, 0, "d,b,e,c,a"},
        {false, false, 2, 0, "a,c"},
        {false, false, 2, 1, "c,e"},
        {false, false, -1, 3, "b,d"},
        {false, false, 0, 0, ""},
        {false, false, 10, 4, "d"},
        {false, false, 3, 9, ""},
    };
    for (size_t c = 0; c < N(cases); c++) {
        dbd_request *r = req(DBD_OP_QUERY, "t_types");
        add_column(r, "k");
        assert_int_equal(dbd_op_add_order(r, &r->op, "i", cases[c].i_desc), 0);
        assert_int_equal(dbd_op_add_order(r, &r->op, "k", cases[c].k_desc), 0);
        dbd_op_set_limit(&r->op, cases[c].limit, cases[c].offset);
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
        const char *got = column_list(f, 0, buf, sizeof buf);
        if (strcmp(got, cases[c].want) != 0)
            fail_msg("case %zu: got \"%s\", want \"%s\"", c, got,
                     cases[c].want);
    }
}

static void test_update_delete(void **state)
{
    fx *f = *state;
    char buf[256];
    insert_op_rows(f);

    dbd_request *r = req(DBD_OP_UPDATE, "t_types");
    add_value(r, "s", STRV("big"));
    add_where(r, "i", DBD_CMP_GE, dbd_int(3));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 3);
    assert_int_equal(f->info.last_id, 0);
    const dbd_value big = STRV("big");
    assert_string_equal(keys_where(f, "s", DBD_CMP_EQ, &big, buf, sizeof buf),
                        "op3,op5,op6");

    r = req(DBD_OP_UPDATE, "t_types"); /* no condition: every row */
    add_value(r, "d", dbd_double(0.5));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 6);

    r = req(DBD_OP_UPDATE, "t_types"); /* nothing matches */
    add_value(r, "d", dbd_double(1.5));
    add_where(r, "k", DBD_CMP_EQ, STRV("nobody"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 0);

    r = req(DBD_OP_DELETE, "t_types");
    add_where(r, "i", DBD_CMP_LT, dbd_int(3));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 2);
    const dbd_value half = dbd_double(0.5);
    assert_string_equal(keys_where(f, "d", DBD_CMP_EQ, &half, buf, sizeof buf),
                        "op3,op4,op5,op6");

    r = req(DBD_OP_DELETE, "t_types");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 4);
}

static void test_replace(void **state)
{
    fx *f = *state;
    char buf[256];
    for (int round = 1; round <= 2; round++) {
        dbd_request *r = req(DBD_OP_REPLACE, "t_types");
        add_value(r, "k", STRV("r1"));
        add_value(r, "i", dbd_int(round));
        add_value(r, "s", round == 1 ? STRV("first") : dbd_null());
        assert_int_equal(dbd_op_add_key(r, &r->op, "k"), 0);
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
        assert_int_equal(f->info.affected, 1);
    }
    dbd_request *r = req(DBD_OP_QUERY, "t_types");
    add_column(r, "id");
    add_column(r, "k");
    add_column(r, "i");
    add_column(r, "s");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1); /* updated in place */
    const dbd_value want[] = {dbd_int(1), STRV("r1"), dbd_int(2),
                              dbd_null()};
    for (size_t i = 0; i < N(want); i++)
        expect_cell(dbd_result_value(f->res, 0, i), &want[i]);

    /* only key columns: an existing row is kept as it is */
    r = req(DBD_OP_REPLACE, "t_types");
    add_value(r, "k", STRV("r1"));
    assert_int_equal(dbd_op_add_key(r, &r->op, "k"), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    const dbd_value r1 = STRV("r1");
    assert_string_equal(keys_where(f, "k", DBD_CMP_EQ, &r1, buf, sizeof buf),
                        "r1");
    expect_cell(dbd_result_value(f->res, 0, 0), &r1);

    /* keys that are not a unique key are refused by SQLite */
    r = req(DBD_OP_REPLACE, "t_types");
    add_value(r, "k", STRV("r2"));
    add_value(r, "i", dbd_int(1));
    assert_int_equal(dbd_op_add_key(r, &r->op, "i"), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_BAD);
}

static void test_constraint(void **state)
{
    fx *f = *state;
    insert_ki(f, "dup", dbd_int(1));
    dbd_request *r = req(DBD_OP_INSERT, "t_types");
    add_value(r, "k", STRV("dup"));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    assert_non_null(strstr(f->info.msg, "UNIQUE constraint failed: t_types.k"));

    r = req(DBD_OP_INSERT, "t_types"); /* k is NOT NULL */
    add_value(r, "k", dbd_null());
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    assert_non_null(strstr(f->info.msg, "NOT NULL"));

    insert_ki(f, "dup2", dbd_int(2));
    r = req(DBD_OP_UPDATE, "t_types");
    add_value(r, "k", STRV("dup"));
    add_where(r, "k", DBD_CMP_EQ, STRV("dup2"));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    /* the connection goes on */
    insert_ki(f, "dup3", dbd_int(3));
}

static void test_notfound(void **state)
{
    fx *f = *state;
    dbd_request *r = req(DBD_OP_QUERY, "nosuch");
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
    assert_non_null(strstr(f->info.msg, "no such table: nosuch"));

    r = req(DBD_OP_QUERY, "t_types");
    add_column(r, "zz");
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
    assert_non_null(strstr(f->info.msg, "zz"));

    r = req(DBD_OP_QUERY, "t_types");
    add_where(r, "zz", DBD_CMP_EQ, dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);

    r = req(DBD_OP_QUERY, "t_types");
    assert_int_equal(dbd_op_add_order(r, &r->op, "zz", true), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);

    r = req(DBD_OP_INSERT, "t_types");
    add_value(r, "k", STRV("nf"));
    add_value(r, "zz", dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
    assert_non_null(strstr(f->info.msg, "no column named zz"));

    r = req(DBD_OP_UPDATE, "nosuch");
    add_value(r, "a", dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);

    r = req(DBD_OP_DELETE, "nosuch");
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);

    /* a table dropped after its statement was cached */
    EXPECT_ST(f, run_raw(f, "CREATE TABLE gone (a INTEGER)", NULL, 0), DBD_OK);
    r = req(DBD_OP_QUERY, "gone");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    EXPECT_ST(f, run_raw(f, "DROP TABLE gone", NULL, 0), DBD_OK);
    r = req(DBD_OP_QUERY, "gone");
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
}

static void test_datetime(void **state)
{
    fx *f = *state;
    /* every precision, and before 1970 */
    static const int64_t stamps[] = {1709214301123456, 1709214301000000,
                                     1709214301000001, 0, -86400000000 + 5};
    for (size_t i = 0; i < N(stamps); i++) {
        char k[16];
        snprintf(k, sizeof k, "dt%zu", i);
        dbd_request *r = req(DBD_OP_INSERT, "t_types");
        add_value(r, "k", dbd_string(k, strlen(k)));
        add_value(r, "dt", dbd_datetime(stamps[i]));
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
        r = req(DBD_OP_QUERY, "t_types");
        add_column(r, "dt");
        add_where(r, "dt", DBD_CMP_EQ, dbd_datetime(stamps[i]));
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
        assert_int_equal(dbd_result_nrows(f->res), 1);
        const dbd_value want = dbd_datetime(stamps[i]);
        expect_cell(dbd_result_value(f->res, 0, 0), &want);
    }

    /* what Kamailio writes, an epoch integer, and text that is no date */
    EXPECT_ST(f, run_raw(f, "INSERT INTO t_types (k, dt) VALUES "
                            "('ka', '2024-01-02 03:04:05'), "
                            "('ep', 1704164645), ('bad', 'not a date')",
                         NULL, 0),
              DBD_OK);
    assert_int_equal(f->info.affected, 3);
    dbd_request *r = req(DBD_OP_QUERY, "t_types");
    add_column(r, "dt");
    const dbd_value keys[] = {STRV("ka"), STRV("ep"), STRV("bad")};
    assert_int_equal(dbd_op_add_where_in(r, &r->op, "k", keys, 3), 0);
    assert_int_equal(dbd_op_add_order(r, &r->op, "id", false), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 3);
    const dbd_value want[] = {dbd_datetime(1704164645000000),
                              dbd_datetime(1704164645000000),
                              STRV("not a date")};
    for (size_t i = 0; i < N(want); i++)
        expect_cell(dbd_result_value(f->res, i, 0), &want[i]);
}

/* SQL in a value is only ever data. */
static void test_sql_text_in_value(void **state)
{
    fx *f = *state;
    char buf[256];
    const dbd_value evil = STRV("x'); DROP TABLE t_types; --");
    dbd_request *r = req(DBD_OP_INSERT, "t_types");
    add_value(r, "k", STRV("inj"));
    add_value(r, "s", evil);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_string_equal(keys_where(f, "s", DBD_CMP_EQ, &evil, buf, sizeof buf),
                        "inj");
    r = req(DBD_OP_QUERY, "t_types");
    add_column(r, "s");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    expect_cell(dbd_result_value(f->res, 0, 0), &evil);

    /* in raw parameters too */
    EXPECT_ST(f, run_raw(f, "SELECT count(*) FROM t_types WHERE s = ?", &evil,
                         1),
              DBD_OK);
    const dbd_value one = dbd_int(1);
    expect_cell(dbd_result_value(f->res, 0, 0), &one);
    assert_int_equal(dbd_result_col_type(f->res, 0), DBD_TYPE_INT);
}

static dbd_stmt_cache *cache_of(void *conn)
{
    return ((sqlc_conn *)conn)->cache;
}

static void test_stmt_cache(void **state)
{
    fx *f = *state;
    uint64_t hits0, misses0, hits, misses;
    char buf[256];
    insert_op_rows(f);
    dbd_stmt_cache_stats(cache_of(f->conn), &hits0, &misses0);

    const dbd_value one = dbd_int(1), five = dbd_int(5);
    assert_string_equal(keys_where(f, "i", DBD_CMP_EQ, &one, buf, sizeof buf),
                        "op1");
    dbd_stmt_cache_stats(cache_of(f->conn), &hits, &misses);
    assert_int_equal(hits, hits0);
    assert_int_equal(misses, misses0 + 1);
    /* same shape, other value: the prepared statement is reused */
    assert_string_equal(keys_where(f, "i", DBD_CMP_EQ, &five, buf, sizeof buf),
                        "op5");
    dbd_stmt_cache_stats(cache_of(f->conn), &hits, &misses);
    assert_int_equal(hits, hits0 + 1);
    assert_int_equal(misses, misses0 + 1);
    /* another operator is another shape */
    assert_string_equal(keys_where(f, "i", DBD_CMP_GT, &five, buf, sizeof buf),
                        "op6");
    dbd_stmt_cache_stats(cache_of(f->conn), &hits, &misses);
    assert_int_equal(hits, hits0 + 1);
    assert_int_equal(misses, misses0 + 2);

    /* a cache of two: three shapes in turn keep evicting, results stay right */
    char url[1400], err[512];
    void *conn = NULL;
    snprintf(url, sizeof url, "%s?stmt_cache=2", f->url);
    EXPECT_ST(f, open_url(url, NULL, 0, &conn, err, sizeof err), DBD_OK);
    static const dbd_cmp cmps[] = {DBD_CMP_LT, DBD_CMP_GT, DBD_CMP_EQ};
    static const int64_t counts[] = {2, 2, 1};
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < N(cmps); i++) {
            dbd_request *r = req(DBD_OP_QUERY, "t_types");
            add_where(r, "i", cmps[i], dbd_int(3));
            EXPECT_ST(f, run_op_on(f, conn, &r->op), DBD_OK);
            dbd_request_destroy(&r);
            assert_int_equal(dbd_result_nrows(f->res), counts[i]);
            assert_true(dbd_stmt_cache_count(cache_of(conn)) <= 2);
        }
    }
    dbd_stmt_cache_stats(cache_of(conn), &hits, &misses);
    assert_int_equal(hits, 0);
    assert_int_equal(misses, 6);
    C->close(conn);
}

/* The declared types a cached statement keeps follow a schema change that
 * makes SQLite re-prepare it. */
static void test_stmt_cache_schema_change(void **state)
{
    fx *f = *state;
    EXPECT_ST(f, run_raw(f, "CREATE TABLE t_re (a DATETIME)", NULL, 0),
              DBD_OK);
    EXPECT_ST(f, run_raw(f, "INSERT INTO t_re VALUES (0)", NULL, 0), DBD_OK);
    dbd_request *r = req(DBD_OP_QUERY, "t_re");
    EXPECT_ST(f, run_op(f, &r->op), DBD_OK);
    assert_int_equal(dbd_result_col_type(f->res, 0), DBD_TYPE_DATETIME);
    assert_int_equal(dbd_result_value(f->res, 0, 0)->type, DBD_TYPE_DATETIME);
    EXPECT_ST(f, run_op(f, &r->op), DBD_OK); /* from the cache */
    assert_int_equal(dbd_result_col_type(f->res, 0), DBD_TYPE_DATETIME);

    EXPECT_ST(f, run_raw(f, "DROP TABLE t_re", NULL, 0), DBD_OK);
    /* as many columns as before: only the re-prepare tells */
    EXPECT_ST(f, run_raw(f, "CREATE TABLE t_re (a INTEGER)", NULL, 0),
              DBD_OK);
    EXPECT_ST(f, run_raw(f, "INSERT INTO t_re VALUES (0)", NULL, 0), DBD_OK);
    EXPECT_ST(f, run_op(f, &r->op), DBD_OK);
    assert_int_equal(dbd_result_col_type(f->res, 0), DBD_TYPE_INT);
    assert_int_equal(dbd_result_value(f->res, 0, 0)->type, DBD_TYPE_INT);

    EXPECT_ST(f, run_raw(f, "DROP TABLE t_re", NULL, 0), DBD_OK);
    EXPECT_ST(f, run_raw(f, "CREATE TABLE t_re (a INTEGER, b TEXT)", NULL, 0),
              DBD_OK);
    EXPECT_ST(f, run_raw(f, "INSERT INTO t_re VALUES (0, 'x')", NULL, 0),
              DBD_OK);
    EXPECT_ST(f, run_op(f, &r->op), DBD_OK);
    assert_int_equal(dbd_result_ncols(f->res), 2);
    assert_int_equal(dbd_result_col_type(f->res, 1), DBD_TYPE_STRING);
    dbd_request_destroy(&r);
}

static void test_sink_stop(void **state)
{
    fx *f = *state;
    insert_op_rows(f);
    dbd_request *r = req(DBD_OP_QUERY, "t_types");
    f->stop_after = 2;
    EXPECT_ST(f, run_op(f, &r->op), DBD_INTERNAL);
    assert_int_equal(f->rows_seen, 2);
    /* the statement was reset: the same shape runs again, complete */
    f->stop_after = 0;
    EXPECT_ST(f, run_op(f, &r->op), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 6);
    dbd_request_destroy(&r);
    /* writes can go on: no read transaction was left open */
    insert_ki(f, "after", dbd_int(7));
}

static void test_transactions(void **state)
{
    fx *f = *state;
    char buf[256];
    const dbd_value key = STRV("tx1");

    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    insert_ki(f, "tx1", dbd_int(1));
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_BAD); /* no nesting */
    EXPECT_ST(f, C->rollback(f->conn, &f->info), DBD_OK);
    assert_string_equal(keys_where(f, "k", DBD_CMP_EQ, &key, buf, sizeof buf),
                        "");

    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    insert_ki(f, "tx1", dbd_int(1));
    EXPECT_ST(f, C->commit(f->conn, &f->info), DBD_OK);
    assert_string_equal(keys_where(f, "k", DBD_CMP_EQ, &key, buf, sizeof buf),
                        "tx1");

    /* nothing to roll back is fine; nothing to commit is not */
    EXPECT_ST(f, C->rollback(f->conn, &f->info), DBD_OK);
    EXPECT_ST(f, C->commit(f->conn, &f->info), DBD_BAD);

    /* a second connection meets the write lock: BUSY after its timeout */
    char url[1400], err[512];
    void *conn = NULL;
    snprintf(url, sizeof url, "%s?busy_timeout=0", f->url);
    EXPECT_ST(f, open_url(url, NULL, 0, &conn, err, sizeof err), DBD_OK);
    EXPECT_ST(f, C->begin(f->conn, &f->info), DBD_OK);
    EXPECT_ST(f, C->begin(conn, &f->info), DBD_BUSY);
    dbd_request *r = req(DBD_OP_INSERT, "t_types");
    add_value(r, "k", STRV("tx2"));
    EXPECT_ST(f, run_op_on(f, conn, &r->op), DBD_BUSY);
    /* readers are not blocked (WAL) */
    dbd_request_destroy(&r);
    r = req(DBD_OP_QUERY, "t_types");
    EXPECT_ST(f, run_op_on(f, conn, &r->op), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    EXPECT_ST(f, C->commit(f->conn, &f->info), DBD_OK);
    dbd_request_destroy(&r);
    r = req(DBD_OP_INSERT, "t_types");
    add_value(r, "k", STRV("tx2"));
    EXPECT_ST(f, run_op_on(f, conn, &r->op), DBD_OK);
    dbd_request_destroy(&r);
    C->close(conn);
}

/* ---- raw ---- */

static void test_raw(void **state)
{
    fx *f = *state;
    insert_op_rows(f);
    const dbd_value two = dbd_int(2);
    EXPECT_ST(f, run_raw(f, "SELECT k, i * 10 AS ten FROM t_types WHERE i > ? "
                            "ORDER BY i DESC",
                         &two, 1),
              DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 3);
    assert_string_equal(dbd_result_col_name(f->res, 1), "ten");
    assert_int_equal(dbd_result_col_type(f->res, 0), DBD_TYPE_STRING);
    assert_int_equal(dbd_result_col_type(f->res, 1), DBD_TYPE_INT);
    const dbd_value sixty = dbd_int(60), op6 = STRV("op6");
    expect_cell(dbd_result_value(f->res, 0, 0), &op6);
    expect_cell(dbd_result_value(f->res, 0, 1), &sixty);

    const dbd_value params[] = {STRV("raw"), dbd_int(4)};
    EXPECT_ST(f, run_raw(f, "UPDATE t_types SET s = ? WHERE i < ?", params, 2),
              DBD_OK);
    assert_int_equal(f->info.affected, 3);
    assert_int_equal(f->info.last_id, 0);

    const dbd_value k = STRV("rawins");
    EXPECT_ST(f, run_raw(f, "INSERT INTO t_types (k) VALUES (?)", &k, 1),
              DBD_OK);
    assert_int_equal(f->info.affected, 1);
    assert_int_equal(f->info.last_id, 7);

    /* DDL changes no rows, whatever came before */
    EXPECT_ST(f, run_raw(f, "CREATE TABLE t_more (a INTEGER);  ", NULL, 0),
              DBD_OK);
    assert_int_equal(f->info.affected, 0);
    assert_int_equal(f->info.last_id, 0);

    /* an empty result still names its columns */
    EXPECT_ST(f, run_raw(f, "SELECT a FROM t_more -- nothing yet", NULL, 0),
              DBD_OK);
    assert_int_equal(f->columns_calls, 1);
    assert_int_equal(dbd_result_nrows(f->res), 0);
    assert_int_equal(dbd_result_col_type(f->res, 0), DBD_TYPE_INT);

    EXPECT_ST(f, run_raw(f, "SELECT ?, ?", &two, 1), DBD_BAD);
    assert_non_null(strstr(f->info.msg, "2 parameters, 1 given"));
    EXPECT_ST(f, run_raw(f, "SELECT 1", &two, 1), DBD_BAD);
    EXPECT_ST(f, run_raw(f, "SELEC 1", NULL, 0), DBD_BAD);
    EXPECT_ST(f, run_raw(f, "  -- only a comment", NULL, 0), DBD_BAD);
    EXPECT_ST(f, run_raw(f, "", NULL, 0), DBD_BAD);
    EXPECT_ST(f, run_raw(f, "SELECT * FROM nosuch", NULL, 0), DBD_NOTFOUND);
    EXPECT_ST(f, C->raw(f->conn, "SELECT 1\0; DROP TABLE t_types", 30, NULL,
                        0, NULL, &f->info),
              DBD_BAD);
}

static void test_raw_one_statement(void **state)
{
    fx *f = *state;
    insert_op_rows(f);
    EXPECT_ST(f, run_raw(f, "SELECT 1; SELECT 2", NULL, 0), DBD_BAD);
    assert_non_null(strstr(f->info.msg, "one statement"));
    EXPECT_ST(f, run_raw(f, "DELETE FROM t_types; DROP TABLE t_types", NULL,
                         0),
              DBD_BAD);
    EXPECT_ST(f, run_raw(f, "SELECT 1; garbage", NULL, 0), DBD_BAD);
    /* neither statement ran */
    EXPECT_ST(f, run_raw(f, "SELECT count(*) FROM t_types", NULL, 0), DBD_OK);
    const dbd_value six = dbd_int(6);
    expect_cell(dbd_result_value(f->res, 0, 0), &six);
    /* a trailing semicolon, blanks and comments are no second statement */
    EXPECT_ST(f, run_raw(f, "SELECT 1; ;\n /* end */ -- done\n", NULL, 0),
              DBD_OK);
}

/* ---- the tables inside ---- */

static void test_error_map(void **state)
{
    (void)state;
    static const struct {
        int rc;
        const char *msg;
        dbd_status want;
    } cases[] = {
        {SQLITE_CONSTRAINT_UNIQUE, "UNIQUE constraint failed", DBD_CONSTRAINT},
        {SQLITE_CONSTRAINT_NOTNULL, "NOT NULL", DBD_CONSTRAINT},
        {SQLITE_CONSTRAINT_FOREIGNKEY, "FOREIGN KEY", DBD_CONSTRAINT},
        {SQLITE_CONSTRAINT_PRIMARYKEY, "", DBD_CONSTRAINT},
        {SQLITE_ERROR, "no such table: x", DBD_NOTFOUND},
        {SQLITE_ERROR, "no such column: y", DBD_NOTFOUND},
        {SQLITE_ERROR, "table t has no column named z", DBD_NOTFOUND},
        {SQLITE_ERROR, "near \"SELEC\": syntax error", DBD_BAD},
        {SQLITE_ERROR, NULL, DBD_BAD},
        {SQLITE_BUSY, "database is locked", DBD_BUSY},
        {SQLITE_BUSY_SNAPSHOT, "", DBD_BUSY},
        {SQLITE_LOCKED, "", DBD_BUSY},
        {SQLITE_LOCKED_SHAREDCACHE, "", DBD_BUSY},
        {SQLITE_CANTOPEN, "", DBD_UNAVAILABLE},
        {SQLITE_IOERR, "", DBD_UNAVAILABLE},
        {SQLITE_IOERR_READ, "", DBD_UNAVAILABLE},
        {SQLITE_IOERR_NOMEM, "", DBD_INTERNAL},
        {SQLITE_CORRUPT, "", DBD_UNAVAILABLE},
        {SQLITE_NOTADB, "", DBD_UNAVAILABLE},
        {SQLITE_FULL, "", DBD_UNAVAILABLE},
        {SQLITE_MISMATCH, "", DBD_BAD},
        {SQLITE_RANGE, "", DBD_BAD},
        {SQLITE_TOOBIG, "", DBD_BAD},
        {SQLITE_READONLY, "", DBD_DENY},
        {SQLITE_READONLY_DBMOVED, "", DBD_UNAVAILABLE},
        {SQLITE_PERM, "", DBD_DENY},
        {SQLITE_AUTH, "", DBD_DENY},
        {SQLITE_NOMEM, "", DBD_INTERNAL},
        {SQLITE_MISUSE, "", DBD_INTERNAL},
        {SQLITE_INTERRUPT, "", DBD_TIMEOUT},
        {SQLITE_OK, "", DBD_OK},
        {SQLITE_DONE, "", DBD_OK},
        {12345, "", DBD_INTERNAL},
    };
    for (size_t i = 0; i < N(cases); i++) {
        dbd_status got = sqlc_status_of(cases[i].rc, cases[i].msg);
        if (got != cases[i].want)
            fail_msg("code %d: got %s, want %s", cases[i].rc,
                     dbd_status_name(got), dbd_status_name(cases[i].want));
    }
}

static void test_decl_types(void **state)
{
    (void)state;
    static const struct {
        const char *decl;
        dbd_type want;
    } cases[] = {
        {"INTEGER", DBD_TYPE_INT},       {"int(10) unsigned", DBD_TYPE_INT},
        {"BIGINT", DBD_TYPE_INT},        {"VARCHAR(64)", DBD_TYPE_STRING},
        {"CHAR(2)", DBD_TYPE_STRING},    {"TEXT", DBD_TYPE_STRING},
        {"CLOB", DBD_TYPE_STRING},       {"BLOB", DBD_TYPE_BLOB},
        {"REAL", DBD_TYPE_DOUBLE},       {"FLOAT", DBD_TYPE_DOUBLE},
        {"DOUBLE PRECISION", DBD_TYPE_DOUBLE},
        {"NUMERIC", DBD_TYPE_DOUBLE},    {"DATETIME", DBD_TYPE_DATETIME},
        {"timestamp", DBD_TYPE_DATETIME}, {"DATE", DBD_TYPE_DATETIME},
        {"BOOLEAN", DBD_TYPE_BOOL},      {"", DBD_TYPE_NULL},
        {NULL, DBD_TYPE_NULL},
    };
    for (size_t i = 0; i < N(cases); i++) {
        dbd_type got = sqlc_decl_type(cases[i].decl);
        if (got != cases[i].want)
            fail_msg("\"%s\": got %s, want %s",
                     cases[i].decl ? cases[i].decl : "(null)",
                     dbd_type_name(got), dbd_type_name(cases[i].want));
    }
}

#define FX(t) cmocka_unit_test_setup_teardown(t, setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX(test_descriptor),
        FX(test_open_missing_dir),
        FX(test_open_bad_options),
        FX(test_open_options),
        FX(test_open_readonly_and_create),
        FX(test_open_not_a_database),
        FX(test_file_removed),
        FX(test_ping),
        FX(test_insert_and_types),
        FX(test_empty_values_and_bool),
        FX(test_query_empty),
        FX(test_operators),
        FX(test_null_semantics),
        FX(test_order_limit),
        FX(test_update_delete),
        FX(test_replace),
        FX(test_constraint),
        FX(test_notfound),
        FX(test_datetime),
        FX(test_sql_text_in_value),
        FX(test_stmt_cache),
        FX(test_stmt_cache_schema_change),
        FX(test_sink_stop),
        FX(test_transactions),
        FX(test_raw),
        FX(test_raw_one_statement),
        cmocka_unit_test(test_error_map),
        cmocka_unit_test(test_decl_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
