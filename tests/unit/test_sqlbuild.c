/*
 * test_sqlbuild.c - the shared SQL builder: exact statement text and bind
 * order for every operation in each placeholder style and upsert form,
 * refusals, and shape keys (equal for equal shapes, distinct otherwise).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sql/sqlbuild.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
/* A string value usable in static initializers. */
#define STR(lit) {.type = DBD_TYPE_STRING, .u.s = {lit, sizeof(lit) - 1}}

/* A dialect in the SQL:2008 style some ODBC drivers want, and one that
 * can do neither upsert nor limits. */
static const dbd_sql_dialect fetch_dialect = {
    .name = "fetch",
    .quote_open = "[",
    .quote_close = "]",
    .placeholder = DBD_SQL_PLACEHOLDER_QMARK,
    .upsert = DBD_SQL_UPSERT_NONE,
    .limit = DBD_SQL_LIMIT_FETCH,
};
static const dbd_sql_dialect bare_dialect = {
    .name = "bare",
    .quote_open = "\"",
    .quote_close = "\"",
    .placeholder = DBD_SQL_PLACEHOLDER_QMARK,
    .upsert = DBD_SQL_UPSERT_NONE,
    .limit = DBD_SQL_LIMIT_NONE,
};

static dbd_op op_of(dbd_op_kind kind, const char *table)
{
    dbd_op op = {.kind = kind, .table = table, .limit = -1, .offset = 0};
    return op;
}

/* Builds op and checks the text and every bound value, in order. */
static void expect_sql(const dbd_sql_dialect *d, const dbd_op *op,
                       const char *text, const dbd_value *binds,
                       size_t nbinds)
{
    char err[256] = "";
    size_t len = 0;
    dbd_sql_stmt *s = dbd_sql_stmt_new(d);
    assert_non_null(s);
    dbd_status st = dbd_sql_stmt_build(s, op, err, sizeof err);
    if (st != DBD_OK)
        fail_msg("build for %s: got %s (%s), want OK", d->name,
                 dbd_status_name(st), err);
    assert_string_equal(dbd_sql_stmt_text(s, &len), text);
    assert_int_equal(len, strlen(text));
    assert_int_equal(dbd_sql_stmt_nbinds(s), nbinds);
    const dbd_value *got = dbd_sql_stmt_binds(s);
    for (size_t i = 0; i < nbinds; i++)
        if (!dbd_value_equal(&got[i], &binds[i]))
            fail_msg("%s: bind %zu differs (type %d, want %d)", d->name,
                     i + 1, (int)got[i].type, (int)binds[i].type);
    dbd_sql_stmt_destroy(&s);
    assert_null(s);
}

/* Builds op and checks that it is refused with st and a message. */
static void expect_fail(const dbd_sql_dialect *d, const dbd_op *op,
                        dbd_status want, const char *msg_part)
{
    char err[256] = "";
    dbd_sql_stmt *s = dbd_sql_stmt_new(d);
    assert_non_null(s);
    /* the shape-only build refuses alike */
    for (int shape_only = 0; shape_only < 2; shape_only++) {
        err[0] = '\0';
        dbd_status st = shape_only
                            ? dbd_sql_stmt_build_shape(s, op, err, sizeof err)
                            : dbd_sql_stmt_build(s, op, err, sizeof err);
        if (st != want)
            fail_msg("got %s (%s), want %s", dbd_status_name(st), err,
                     dbd_status_name(want));
        if (strstr(err, msg_part) == NULL)
            fail_msg("message \"%s\" lacks \"%s\"", err, msg_part);
        assert_string_equal(dbd_sql_stmt_text(s, NULL), "");
        assert_string_equal(dbd_sql_stmt_shape(s, NULL), "");
        assert_int_equal(dbd_sql_stmt_nbinds(s), 0);
    }
    dbd_sql_stmt_destroy(&s);
}

/* ---- query ---- */

static void test_query_all(void **state)
{
    (void)state;
    dbd_op op = op_of(DBD_OP_QUERY, "t_types");
    expect_sql(&dbd_sql_dialect_sqlite, &op, "SELECT * FROM \"t_types\"",
               NULL, 0);
    expect_sql(&dbd_sql_dialect_postgresql, &op,
               "SELECT * FROM \"t_types\"", NULL, 0);
    expect_sql(&dbd_sql_dialect_mysql, &op, "SELECT * FROM `t_types`", NULL,
               0);
}

/* Every operator, multi-key order, limit and offset in one query. */
static const char *q_cols[] = {"id", "k"};
static const dbd_value q_in[] = {STR("x"), STR("y"), STR("z")};
static dbd_cond q_where[] = {
    {.column = "k", .cmp = DBD_CMP_EQ, .value = STR("a")},
    {.column = "i", .cmp = DBD_CMP_NE, .value = {.type = DBD_TYPE_INT, .u.i = 1}},
    {.column = "i", .cmp = DBD_CMP_LT, .value = {.type = DBD_TYPE_INT, .u.i = 2}},
    {.column = "i", .cmp = DBD_CMP_GT, .value = {.type = DBD_TYPE_INT, .u.i = 3}},
    {.column = "i", .cmp = DBD_CMP_LE, .value = {.type = DBD_TYPE_INT, .u.i = 4}},
    {.column = "i", .cmp = DBD_CMP_GE, .value = {.type = DBD_TYPE_INT, .u.i = 5}},
    {.column = "i", .cmp = DBD_CMP_BITAND, .value = {.type = DBD_TYPE_INT, .u.i = 6}},
    {.column = "s", .cmp = DBD_CMP_IN, .list = q_in, .nlist = 3},
    {.column = "d", .cmp = DBD_CMP_ISNULL},
    {.column = "dt", .cmp = DBD_CMP_NOTNULL},
};
static dbd_order q_order[] = {{"k", false}, {"id", true}};

static dbd_op full_query(void)
{
    dbd_op op = op_of(DBD_OP_QUERY, "t_types");
    op.columns = q_cols;
    op.ncolumns = N(q_cols);
    op.where = q_where;
    op.nwhere = N(q_where);
    op.order = q_order;
    op.norder = N(q_order);
    op.limit = 10;
    op.offset = 20;
    return op;
}

static void test_query_full(void **state)
{
    (void)state;
    dbd_op op = full_query();
    const dbd_value binds[] = {
        STR("a"), dbd_int(1), dbd_int(2), dbd_int(3), dbd_int(4), dbd_int(5),
        dbd_int(6), STR("x"), STR("y"), STR("z"), dbd_int(10), dbd_int(20),
    };
    expect_sql(&dbd_sql_dialect_sqlite, &op,
               "SELECT \"id\", \"k\" FROM \"t_types\" WHERE \"k\" = ? AND "
               "\"i\" <> ? AND \"i\" < ? AND \"i\" > ? AND \"i\" <= ? AND "
               "\"i\" >= ? AND (\"i\" & ?) <> 0 AND \"s\" IN (?, ?, ?) AND "
               "\"d\" IS NULL AND \"dt\" IS NOT NULL ORDER BY \"k\" ASC, "
               "\"id\" DESC LIMIT ? OFFSET ?",
               binds, N(binds));
    expect_sql(&dbd_sql_dialect_postgresql, &op,
               "SELECT \"id\", \"k\" FROM \"t_types\" WHERE \"k\" = $1 AND "
               "\"i\" <> $2 AND \"i\" < $3 AND \"i\" > $4 AND \"i\" <= $5 "
               "AND \"i\" >= $6 AND (\"i\" & $7) <> 0 AND \"s\" IN ($8, $9, "
               "$10) AND \"d\" IS NULL AND \"dt\" IS NOT NULL ORDER BY \"k\" "
               "ASC NULLS FIRST, \"id\" DESC NULLS LAST LIMIT $11 OFFSET $12",
               binds, N(binds));
    expect_sql(&dbd_sql_dialect_mysql, &op,
               "SELECT `id`, `k` FROM `t_types` WHERE `k` = ? AND `i` <> ? "
               "AND `i` < ? AND `i` > ? AND `i` <= ? AND `i` >= ? AND (`i` & "
               "?) <> 0 AND `s` IN (?, ?, ?) AND `d` IS NULL AND `dt` IS NOT "
               "NULL ORDER BY `k` ASC, `id` DESC LIMIT ? OFFSET ?",
               binds, N(binds));
    /* OFFSET comes first in the SQL:2008 form, and so does its value. */
    const dbd_value fetch_binds[] = {
        STR("a"), dbd_int(1), dbd_int(2), dbd_int(3), dbd_int(4), dbd_int(5),
        dbd_int(6), STR("x"), STR("y"), STR("z"), dbd_int(20), dbd_int(10),
    };
    expect_sql(&fetch_dialect, &op,
               "SELECT [id], [k] FROM [t_types] WHERE [k] = ? AND [i] <> ? "
               "AND [i] < ? AND [i] > ? AND [i] <= ? AND [i] >= ? AND ([i] & "
               "?) <> 0 AND [s] IN (?, ?, ?) AND [d] IS NULL AND [dt] IS NOT "
               "NULL ORDER BY [k] ASC, [id] DESC OFFSET ? ROWS FETCH FIRST ? "
               "ROWS ONLY",
               fetch_binds, N(fetch_binds));
}

static void test_query_limits(void **state)
{
    (void)state;
    dbd_op op = op_of(DBD_OP_QUERY, "t");
    const dbd_value five[] = {dbd_int(5)};
    const dbd_value zero[] = {dbd_int(0)};

    op.limit = 5; /* limit alone */
    expect_sql(&dbd_sql_dialect_sqlite, &op, "SELECT * FROM \"t\" LIMIT ?",
               five, 1);
    expect_sql(&dbd_sql_dialect_postgresql, &op,
               "SELECT * FROM \"t\" LIMIT $1", five, 1);
    expect_sql(&fetch_dialect, &op,
               "SELECT * FROM [t] FETCH FIRST ? ROWS ONLY", five, 1);
    op.limit = 0; /* a limit of zero is a limit */
    expect_sql(&dbd_sql_dialect_mysql, &op, "SELECT * FROM `t` LIMIT ?",
               zero, 1);

    op.limit = -1; /* offset alone: each dialect's "no limit" */
    op.offset = 5;
    expect_sql(&dbd_sql_dialect_sqlite, &op,
               "SELECT * FROM \"t\" LIMIT -1 OFFSET ?", five, 1);
    expect_sql(&dbd_sql_dialect_postgresql, &op,
               "SELECT * FROM \"t\" OFFSET $1", five, 1);
    expect_sql(&dbd_sql_dialect_mysql, &op,
               "SELECT * FROM `t` LIMIT 18446744073709551615 OFFSET ?", five,
               1);
    expect_sql(&fetch_dialect, &op, "SELECT * FROM [t] OFFSET ? ROWS", five,
               1);

    /* Without a limit form, only the limits are refused. */
    expect_fail(&bare_dialect, &op, DBD_UNSUPPORTED, "limit");
    op.offset = 0;
    expect_sql(&bare_dialect, &op, "SELECT * FROM \"t\"", NULL, 0);
    op.offset = -3;
    expect_fail(&dbd_sql_dialect_sqlite, &op, DBD_BAD, "offset");
}

/* Placeholder numbers keep counting past one digit, in order. */
static void test_dollar_numbering(void **state)
{
    (void)state;
    dbd_value list[11];
    for (size_t i = 0; i < N(list); i++)
        list[i] = dbd_int((int64_t)i * 7);
    dbd_cond where[] = {
        {.column = "a", .cmp = DBD_CMP_IN, .list = list, .nlist = N(list)},
        {.column = "b", .cmp = DBD_CMP_EQ, .value = {.type = DBD_TYPE_BOOL, .u.b = true}},
    };
    dbd_op op = op_of(DBD_OP_DELETE, "t");
    op.where = where;
    op.nwhere = N(where);
    dbd_value binds[12];
    memcpy(binds, list, sizeof list);
    binds[11] = dbd_bool(true);
    expect_sql(&dbd_sql_dialect_postgresql, &op,
               "DELETE FROM \"t\" WHERE \"a\" IN ($1, $2, $3, $4, $5, $6, $7, "
               "$8, $9, $10, $11) AND \"b\" = $12",
               binds, N(binds));
}

/* ---- writes ---- */

static dbd_assign w_values[] = {
    {"k", STR("key1")},
    {"i", {.type = DBD_TYPE_INT, .u.i = 42}},
    {"s", {.type = DBD_TYPE_NULL}},
};

static void test_insert(void **state)
{
    (void)state;
    dbd_op op = op_of(DBD_OP_INSERT, "t_types");
    op.values = w_values;
    op.nvalues = N(w_values);
    const dbd_value binds[] = {STR("key1"), dbd_int(42), dbd_null()};
    expect_sql(&dbd_sql_dialect_sqlite, &op,
               "INSERT INTO \"t_types\" (\"k\", \"i\", \"s\") VALUES (?, ?, ?)",
               binds, N(binds));
    expect_sql(&dbd_sql_dialect_postgresql, &op,
               "INSERT INTO \"t_types\" (\"k\", \"i\", \"s\") VALUES ($1, $2, "
               "$3)",
               binds, N(binds));
    expect_sql(&dbd_sql_dialect_mysql, &op,
               "INSERT INTO `t_types` (`k`, `i`, `s`) VALUES (?, ?, ?)",
               binds, N(binds));
    op.nvalues = 0;
    expect_fail(&dbd_sql_dialect_sqlite, &op, DBD_BAD, "at least one value");
}

static void test_update(void **state)
{
    (void)state;
    const dbd_value ids[] = {dbd_int(7), dbd_int(8)};
    dbd_cond where[] = {
        {.column = "k", .cmp = DBD_CMP_EQ, .value = STR("key1")},
        {.column = "id", .cmp = DBD_CMP_IN, .list = ids, .nlist = 2},
    };
    dbd_op op = op_of(DBD_OP_UPDATE, "t_types");
    op.values = &w_values[1];
    op.nvalues = 2;
    op.where = where;
    op.nwhere = N(where);
    const dbd_value binds[] = {dbd_int(42), dbd_null(), STR("key1"),
                               dbd_int(7), dbd_int(8)};
    expect_sql(&dbd_sql_dialect_sqlite, &op,
               "UPDATE \"t_types\" SET \"i\" = ?, \"s\" = ? WHERE \"k\" = ? "
               "AND \"id\" IN (?, ?)",
               binds, N(binds));
    expect_sql(&dbd_sql_dialect_postgresql, &op,
               "UPDATE \"t_types\" SET \"i\" = $1, \"s\" = $2 WHERE \"k\" = $3 "
               "AND \"id\" IN ($4, $5)",
               binds, N(binds));
    expect_sql(&dbd_sql_dialect_mysql, &op,
               "UPDATE `t_types` SET `i` = ?, `s` = ? WHERE `k` = ? AND `id` "
               "IN (?, ?)",
               binds, N(binds));
    op.nwhere = 0; /* every row */
    expect_sql(&dbd_sql_dialect_sqlite, &op,
               "UPDATE \"t_types\" SET \"i\" = ?, \"s\" = ?", binds, 2);
    /* order and limit mean nothing to an update */
    op.order = q_order;
    op.norder = N(q_order);
    op.limit = 3;
    expect_sql(&dbd_sql_dialect_sqlite, &op,
               "UPDATE \"t_types\" SET \"i\" = ?, \"s\" = ?", binds, 2);
    op.nvalues = 0;
    expect_fail(&dbd_sql_dialect_sqlite, &op, DBD_BAD, "at least one value");
}

static void test_delete(void **state)
{
    (void)state;
    dbd_cond where[] = {
        {.column = "flags", .cmp = DBD_CMP_BITAND, .value = {.type = DBD_TYPE_INT, .u.i = 4}},
        {.column = "s", .cmp = DBD_CMP_ISNULL},
    };
    dbd_op op = op_of(DBD_OP_DELETE, "location");
    expect_sql(&dbd_sql_dialect_sqlite, &op, "DELETE FROM \"location\"", NULL,
               0);
    op.where = where;
    op.nwhere = N(where);
    const dbd_value binds[] = {dbd_int(4)};
    expect_sql(&dbd_sql_dialect_sqlite, &op,
               "DELETE FROM \"location\" WHERE (\"flags\" & ?) <> 0 AND \"s\" "
               "IS NULL",
               binds, 1);
    expect_sql(&dbd_sql_dialect_postgresql, &op,
               "DELETE FROM \"location\" WHERE (\"flags\" & $1) <> 0 AND \"s\" "
               "IS NULL",
               binds, 1);
    expect_sql(&dbd_sql_dialect_mysql, &op,
               "DELETE FROM `location` WHERE (`flags` & ?) <> 0 AND `s` IS "
               "NULL",
               binds, 1);
}

static void test_replace(void **state)
{
    (void)state;
    const char *keys[] = {"k"};
    dbd_op op = op_of(DBD_OP_REPLACE, "t_types");
    op.values = w_values;
    op.nvalues = N(w_values);
    op.keys = keys;
    op.nkeys = 1;
    const dbd_value binds[] = {STR("key1"), dbd_int(42), dbd_null()};
    expect_sql(&dbd_sql_dialect_sqlite, &op,
               "INSERT INTO \"t_types\" (\"k\", \"i\", \"s\") VALUES (?, ?, ?) "
               "ON CONFLICT (\"k\") DO UPDATE SET \"i\" = excluded.\"i\", "
               "\"s\" = excluded.\"s\"",
               binds, N(binds));
    expect_sql(&dbd_sql_dialect_postgresql, &op,
               "INSERT INTO \"t_types\" (\"k\", \"i\", \"s\") VALUES ($1, $2, "
               "$3) ON CONFLICT (\"k\") DO UPDATE SET \"i\" = excluded.\"i\", "
               "\"s\" = excluded.\"s\"",
               binds, N(binds));
    expect_sql(&dbd_sql_dialect_mysql, &op,
               "INSERT INTO `t_types` (`k`, `i`, `s`) VALUES (?, ?, ?) ON "
               "DUPLICATE KEY UPDATE `i` = VALUES(`i`), `s` = VALUES(`s`)",
               binds, N(binds));
    expect_fail(&fetch_dialect, &op, DBD_UNSUPPORTED, "replace");
}

/* A key in the middle, two keys, and a row that is nothing but keys. */
static void test_replace_keys(void **state)
{
    (void)state;
    dbd_assign values[] = {
        {"username", STR("alice")},
        {"ha1", STR("h")},
        {"domain", STR("example.org")},
    };
    const char *keys[] = {"username", "domain"};
    dbd_op op = op_of(DBD_OP_REPLACE, "subscriber");
    op.values = values;
    op.nvalues = N(values);
    op.keys = keys;
    op.nkeys = 2;
    const dbd_value binds[] = {STR("alice"), STR("h"), STR("example.org")};
    expect_sql(&dbd_sql_dialect_sqlite, &op,
               "INSERT INTO \"subscriber\" (\"username\", \"ha1\", \"domain\") "
               "VALUES (?, ?, ?) ON CONFLICT (\"username\", \"domain\") DO "
               "UPDATE SET \"ha1\" = excluded.\"ha1\"",
               binds, 3);
    expect_sql(&dbd_sql_dialect_mysql, &op,
               "INSERT INTO `subscriber` (`username`, `ha1`, `domain`) VALUES "
               "(?, ?, ?) ON DUPLICATE KEY UPDATE `ha1` = VALUES(`ha1`)",
               binds, 3);

    values[1] = values[2]; /* now only the keys */
    op.nvalues = 2;
    const dbd_value kbinds[] = {STR("alice"), STR("example.org")};
    expect_sql(&dbd_sql_dialect_sqlite, &op,
               "INSERT INTO \"subscriber\" (\"username\", \"domain\") VALUES "
               "(?, ?) ON CONFLICT (\"username\", \"domain\") DO NOTHING",
               kbinds, 2);
    expect_sql(&dbd_sql_dialect_postgresql, &op,
               "INSERT INTO \"subscriber\" (\"username\", \"domain\") VALUES "
               "($1, $2) ON CONFLICT (\"username\", \"domain\") DO NOTHING",
               kbinds, 2);
    expect_sql(&dbd_sql_dialect_mysql, &op,
               "INSERT INTO `subscriber` (`username`, `domain`) VALUES (?, ?) "
               "ON DUPLICATE KEY UPDATE `username` = `username`",
               kbinds, 2);

    const char *stray[] = {"username", "ha1"};
    op.keys = stray;
    expect_fail(&dbd_sql_dialect_sqlite, &op, DBD_BAD,
                "key ha1 is not among the values");
    op.nkeys = 0;
    expect_fail(&dbd_sql_dialect_sqlite, &op, DBD_BAD, "at least one key");
}

/* ---- refusals ---- */

static void test_refusals(void **state)
{
    (void)state;
    dbd_op op = op_of(DBD_OP_QUERY, "t; DROP TABLE t");
    expect_fail(&dbd_sql_dialect_sqlite, &op, DBD_BAD, "invalid table name");
    op.table = NULL;
    expect_fail(&dbd_sql_dialect_sqlite, &op, DBD_BAD, "missing table");

    const char *badcol[] = {"id", "k\"--"};
    op = op_of(DBD_OP_QUERY, "t");
    op.columns = badcol;
    op.ncolumns = 2;
    expect_fail(&dbd_sql_dialect_sqlite, &op, DBD_BAD, "invalid column name");

    dbd_cond empty_in[] = {{.column = "a", .cmp = DBD_CMP_IN, .nlist = 0}};
    op = op_of(DBD_OP_QUERY, "t");
    op.where = empty_in;
    op.nwhere = 1;
    expect_fail(&dbd_sql_dialect_sqlite, &op, DBD_BAD, "empty \"in\" list");

    dbd_cond bad_cmp[] = {{.column = "a", .cmp = DBD_CMP_COUNT}};
    op.where = bad_cmp;
    expect_fail(&dbd_sql_dialect_sqlite, &op, DBD_BAD, "unknown operator");

    dbd_order bad_order[] = {{"a b", false}};
    op = op_of(DBD_OP_QUERY, "t");
    op.order = bad_order;
    op.norder = 1;
    expect_fail(&dbd_sql_dialect_sqlite, &op, DBD_BAD, "invalid order column");

    static const dbd_op_kind not_data[] = {DBD_OP_PING, DBD_OP_BATCH,
                                           DBD_OP_RAW, DBD_OP_STATS};
    for (size_t i = 0; i < N(not_data); i++) {
        op = op_of(not_data[i], "t");
        expect_fail(&dbd_sql_dialect_sqlite, &op, DBD_BAD,
                    "not a data operation");
    }
    expect_fail(&dbd_sql_dialect_sqlite, NULL, DBD_BAD, "missing operation");
}

/* A value that looks like SQL only ever travels as a bound value. */
static void test_values_never_in_text(void **state)
{
    (void)state;
    static const char evil[] = "x'); DROP TABLE t_types; --";
    dbd_assign values[] = {{"k", STR(evil)}, {"b", {.type = DBD_TYPE_BLOB, .u.s = {"\0'\"", 3}}}};
    dbd_op op = op_of(DBD_OP_INSERT, "t_types");
    op.values = values;
    op.nvalues = 2;
    const dbd_value binds[] = {STR(evil), dbd_blob("\0'\"", 3)};
    expect_sql(&dbd_sql_dialect_sqlite, &op,
               "INSERT INTO \"t_types\" (\"k\", \"b\") VALUES (?, ?)", binds,
               2);
}

/* One statement object serves build after build; a failure empties it. */
static void test_reuse(void **state)
{
    (void)state;
    char err[128];
    dbd_sql_stmt *s = dbd_sql_stmt_new(&dbd_sql_dialect_postgresql);
    assert_non_null(s);
    dbd_op q = full_query();
    assert_int_equal(dbd_sql_stmt_build(s, &q, err, sizeof err), DBD_OK);
    assert_int_equal(dbd_sql_stmt_nbinds(s), 12);

    dbd_op del = op_of(DBD_OP_DELETE, "t");
    assert_int_equal(dbd_sql_stmt_build(s, &del, err, sizeof err), DBD_OK);
    assert_string_equal(dbd_sql_stmt_text(s, NULL), "DELETE FROM \"t\"");
    assert_string_equal(dbd_sql_stmt_shape(s, NULL), "delete|t|");
    assert_int_equal(dbd_sql_stmt_nbinds(s), 0);
    assert_string_equal(err, "");

    assert_int_equal(dbd_sql_stmt_build(s, &q, err, sizeof err), DBD_OK);
    del.table = "1t";
    assert_int_equal(dbd_sql_stmt_build(s, &del, err, sizeof err), DBD_BAD);
    assert_string_equal(dbd_sql_stmt_text(s, NULL), "");
    assert_int_equal(dbd_sql_stmt_nbinds(s), 0);
    /* err may be NULL */
    assert_int_equal(dbd_sql_stmt_build(s, &del, NULL, 0), DBD_BAD);

    dbd_sql_stmt_destroy(&s);
    dbd_sql_stmt_destroy(&s);
    dbd_sql_stmt_destroy(NULL);
    assert_null(dbd_sql_stmt_new(NULL));
}

/* ---- shape keys ---- */

/* The shape key and text of op; the shape-only build must give the same
 * key and bind list and no text. */
static void shape_of(const dbd_op *op, char *out, size_t outlen, char *text,
                     size_t textlen)
{
    char err[128] = "";
    dbd_sql_stmt *s = dbd_sql_stmt_new(&dbd_sql_dialect_sqlite);
    dbd_sql_stmt *k = dbd_sql_stmt_new(&dbd_sql_dialect_sqlite);
    assert_non_null(s);
    assert_non_null(k);
    if (dbd_sql_stmt_build(s, op, err, sizeof err) != DBD_OK)
        fail_msg("build: %s", err);
    if (dbd_sql_stmt_build_shape(k, op, err, sizeof err) != DBD_OK)
        fail_msg("build_shape: %s", err);
    snprintf(out, outlen, "%s", dbd_sql_stmt_shape(s, NULL));
    snprintf(text, textlen, "%s", dbd_sql_stmt_text(s, NULL));
    assert_string_equal(dbd_sql_stmt_shape(k, NULL), out);
    assert_string_equal(dbd_sql_stmt_text(k, NULL), "");
    assert_int_equal(dbd_sql_stmt_nbinds(k), dbd_sql_stmt_nbinds(s));
    for (size_t i = 0; i < dbd_sql_stmt_nbinds(s); i++)
        assert_true(dbd_value_equal(&dbd_sql_stmt_binds(k)[i],
                                    &dbd_sql_stmt_binds(s)[i]));
    /* and a full build after a shape-only one writes the text again */
    if (dbd_sql_stmt_build(k, op, err, sizeof err) != DBD_OK)
        fail_msg("build: %s", err);
    assert_string_equal(dbd_sql_stmt_text(k, NULL), text);
    dbd_sql_stmt_destroy(&s);
    dbd_sql_stmt_destroy(&k);
}

static void test_shape_same(void **state)
{
    (void)state;
    char a[512], b[512], ta[1024], tb[1024];
    dbd_op op = full_query();
    shape_of(&op, a, sizeof a, ta, sizeof ta);
    assert_string_equal(a, "query|t_types|id,k|k =,i <>,i <,i >,i <=,i >=,"
                           "i &,s in3,d null,dt notnull|k asc,id desc|LO");

    /* other values, same shape: same key, same text */
    const dbd_value in2[] = {dbd_int(1), dbd_null(), STR("q")};
    dbd_cond where[N(q_where)];
    memcpy(where, q_where, sizeof where);
    where[0].value = dbd_int(99);
    where[1].value = dbd_null();
    where[7].list = in2;
    op.where = where;
    op.limit = 1;
    op.offset = 1000;
    shape_of(&op, b, sizeof b, tb, sizeof tb);
    assert_string_equal(a, b);
    assert_string_equal(ta, tb);
}

/* Ops that differ in exactly one shape-deciding way. */
static void test_shape_distinct(void **state)
{
    (void)state;
    enum { NOPS = 18 };
    dbd_op ops[NOPS];
    const char *cols_ki[] = {"k", "i"};
    const char *cols_ik[] = {"i", "k"};
    const char *cols_k[] = {"k"};
    const dbd_value two[] = {dbd_int(1), dbd_int(2)};
    const dbd_value three[] = {dbd_int(1), dbd_int(2), dbd_int(3)};
    dbd_cond eq[] = {{.column = "k", .cmp = DBD_CMP_EQ, .value = {.type = DBD_TYPE_INT}}};
    dbd_cond ne[] = {{.column = "k", .cmp = DBD_CMP_NE, .value = {.type = DBD_TYPE_INT}}};
    dbd_cond eq_i[] = {{.column = "i", .cmp = DBD_CMP_EQ, .value = {.type = DBD_TYPE_INT}}};
    dbd_cond in_2[] = {{.column = "k", .cmp = DBD_CMP_IN, .list = two, .nlist = 2}};
    dbd_cond in_3[] = {{.column = "k", .cmp = DBD_CMP_IN, .list = three, .nlist = 3}};
    dbd_cond isnull[] = {{.column = "k", .cmp = DBD_CMP_ISNULL}};
    dbd_cond notnull[] = {{.column = "k", .cmp = DBD_CMP_NOTNULL}};
    dbd_order asc[] = {{"k", false}};
    dbd_order desc[] = {{"k", true}};
    dbd_assign vals_k[] = {{"k", {.type = DBD_TYPE_INT}}};
    dbd_assign vals_ki[] = {{"k", {.type = DBD_TYPE_INT}}, {"i", {.type = DBD_TYPE_INT}}};
    const char *key_k[] = {"k"};
    const char *key_i[] = {"i"};

    for (size_t i = 0; i < NOPS; i++)
        ops[i] = op_of(DBD_OP_QUERY, "t");
    ops[1].table = "u";
    ops[2].columns = cols_ki, ops[2].ncolumns = 2;
    ops[3].columns = cols_ik, ops[3].ncolumns = 2;
    ops[4].columns = cols_k, ops[4].ncolumns = 1;
    ops[5].where = eq, ops[5].nwhere = 1;
    ops[6].where = ne, ops[6].nwhere = 1;
    ops[7].where = in_2, ops[7].nwhere = 1;
    ops[8].where = in_3, ops[8].nwhere = 1;
    ops[9].where = isnull, ops[9].nwhere = 1;
    ops[10].where = notnull, ops[10].nwhere = 1;
    ops[11].order = asc, ops[11].norder = 1;
    ops[12].order = desc, ops[12].norder = 1;
    ops[13].limit = 5;
    ops[14].offset = 5;
    ops[15].where = eq_i, ops[15].nwhere = 1;
    ops[16] = op_of(DBD_OP_DELETE, "t");
    ops[17] = op_of(DBD_OP_UPDATE, "t");
    ops[17].values = vals_k, ops[17].nvalues = 1;

    /* writes among themselves */
    dbd_op w[5];
    w[0] = op_of(DBD_OP_INSERT, "t");
    w[0].values = vals_k, w[0].nvalues = 1;
    w[1] = w[0];
    w[1].values = vals_ki, w[1].nvalues = 2;
    w[2] = w[1];
    w[2].kind = DBD_OP_REPLACE, w[2].keys = key_k, w[2].nkeys = 1;
    w[3] = w[2];
    w[3].keys = key_i;
    w[4] = ops[17];
    w[4].where = eq, w[4].nwhere = 1;

    char shapes[NOPS + 5][256], texts[NOPS + 5][512];
    for (size_t i = 0; i < NOPS + 5; i++)
        shape_of(i < NOPS ? &ops[i] : &w[i - NOPS], shapes[i],
                 sizeof shapes[i], texts[i], sizeof texts[i]);
    for (size_t i = 0; i < NOPS + 5; i++)
        for (size_t j = i + 1; j < NOPS + 5; j++)
            if (strcmp(shapes[i], shapes[j]) == 0)
                fail_msg("ops %zu and %zu share the shape \"%s\"", i, j,
                         shapes[i]);
    assert_string_equal(shapes[0], "query|t|*|||");
    assert_string_equal(shapes[8], "query|t|*|k in3||");
    assert_string_equal(shapes[14], "query|t|*|||O");
    assert_string_equal(shapes[NOPS + 2], "replace|t|k,i|k");
    assert_string_equal(shapes[NOPS + 4], "update|t|k|k =");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_all),
        cmocka_unit_test(test_query_full),
        cmocka_unit_test(test_query_limits),
        cmocka_unit_test(test_dollar_numbering),
        cmocka_unit_test(test_insert),
        cmocka_unit_test(test_update),
        cmocka_unit_test(test_delete),
        cmocka_unit_test(test_replace),
        cmocka_unit_test(test_replace_keys),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_values_never_in_text),
        cmocka_unit_test(test_reuse),
        cmocka_unit_test(test_shape_same),
        cmocka_unit_test(test_shape_distinct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
