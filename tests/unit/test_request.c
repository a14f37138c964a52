/* test_request.c - op and operator names, the builders and validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "request.h"

#define RULE "(letters, digits and _ only, first not a digit, at most 64)"
#define DS_RULE "(letters, digits, _ . and - only, 1 to 64)"

static void test_op_names(void **state)
{
    (void)state;
    static const char *const names[DBD_OP_COUNT] = {
        "ping", "query", "insert", "update", "delete", "replace", "batch",
        "raw", "datasources", "stats", "swap", "reload", "migrate", "audit",
        "hosts"};
    for (int k = 0; k < DBD_OP_COUNT; k++) {
        dbd_op_kind back = DBD_OP_COUNT;
        assert_string_equal(dbd_op_name((dbd_op_kind)k), names[k]);
        assert_true(dbd_op_from_name(names[k], strlen(names[k]), &back));
        assert_int_equal(back, k);
    }
    dbd_op_kind out = DBD_OP_PING;
    assert_null(dbd_op_name(DBD_OP_COUNT));
    assert_null(dbd_op_name((dbd_op_kind)-1));
    assert_false(dbd_op_from_name("QUERY", 5, &out));  /* wire is lowercase */
    assert_false(dbd_op_from_name("quer", 4, &out));
    assert_false(dbd_op_from_name("queryx", 6, &out));
    assert_false(dbd_op_from_name("", 0, &out));
    assert_false(dbd_op_from_name(NULL, 0, &out));
    assert_false(dbd_op_from_name("query\0", 6, &out));
    assert_int_equal(out, DBD_OP_PING);
    /* The name is len bytes, not NUL-terminated. */
    assert_true(dbd_op_from_name("rawxyz", 3, &out));
    assert_int_equal(out, DBD_OP_RAW);
}

static void test_op_classes(void **state)
{
    (void)state;
    static const struct {
        dbd_op_kind kind;
        bool writes, admin;
    } cases[] = {
        {DBD_OP_PING, false, true},     {DBD_OP_QUERY, false, false},
        {DBD_OP_INSERT, true, false},   {DBD_OP_UPDATE, true, false},
        {DBD_OP_DELETE, true, false},   {DBD_OP_REPLACE, true, false},
        {DBD_OP_BATCH, true, false},    {DBD_OP_RAW, true, false},
        {DBD_OP_DATASOURCES, false, true}, {DBD_OP_STATS, false, true},
        {DBD_OP_SWAP, false, false},    {DBD_OP_RELOAD, false, true},
        {DBD_OP_MIGRATE, false, false}, {DBD_OP_AUDIT, false, true},
        {DBD_OP_HOSTS, false, true},    {DBD_OP_COUNT, false, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (dbd_op_writes(cases[i].kind) != cases[i].writes)
            fail_msg("writes(%d): want %d", cases[i].kind, cases[i].writes);
        if (dbd_op_is_admin(cases[i].kind) != cases[i].admin)
            fail_msg("is_admin(%d): want %d", cases[i].kind, cases[i].admin);
    }
}

static void test_cmp_names(void **state)
{
    (void)state;
    static const char *const names[DBD_CMP_COUNT] = {
        "=", "<>", "<", ">", "<=", ">=", "&", "in", "null", "notnull"};
    for (int c = 0; c < DBD_CMP_COUNT; c++) {
        dbd_cmp back = DBD_CMP_COUNT;
        assert_string_equal(dbd_cmp_name((dbd_cmp)c), names[c]);
        assert_true(dbd_cmp_from_name(names[c], strlen(names[c]), &back));
        assert_int_equal(back, c);
    }
    dbd_cmp out = DBD_CMP_EQ;
    static const char *const bad[] = {"==", "!=", "IN", "is", "", "=<",
                                      "not null", "NULL", "like"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (dbd_cmp_from_name(bad[i], strlen(bad[i]), &out))
            fail_msg("\"%s\" accepted", bad[i]);
    assert_int_equal(out, DBD_CMP_EQ);
    assert_null(dbd_cmp_name(DBD_CMP_COUNT));
    /* "<" is a prefix of "<=" and "<>": length decides. */
    assert_true(dbd_cmp_from_name("<=", 1, &out));
    assert_int_equal(out, DBD_CMP_LT);
}

static void test_new_defaults(void **state)
{
    (void)state;
    char ds[] = "sq", table[] = "location";
    dbd_request *req = dbd_request_new(DBD_OP_QUERY, ds, table);
    assert_non_null(req);
    ds[0] = 'X';
    table[0] = 'X';
    assert_string_equal(req->datasource, "sq");
    assert_string_equal(req->op.table, "location");
    assert_int_equal(req->version, DBD_PROTOCOL_VERSION);
    assert_int_equal(req->id, 0);
    assert_int_equal(req->deadline_usec, 0);
    assert_int_equal(req->timeout_msec, 0);
    assert_int_equal(req->op.kind, DBD_OP_QUERY);
    assert_int_equal(req->op.limit, -1);
    assert_int_equal(req->op.offset, 0);
    assert_false(req->op.atomic);
    assert_int_equal(req->op.ncolumns + req->op.nwhere + req->op.norder +
                     req->op.nvalues + req->op.nkeys + req->op.nops +
                     req->op.nparams, 0);
    assert_null(req->op.sql);
    assert_non_null(req->arena);
    dbd_request_destroy(&req);
    assert_null(req);
    dbd_request_destroy(&req);
    dbd_request_destroy(NULL);

    req = dbd_request_new(DBD_OP_BATCH, "sq", NULL);
    assert_non_null(req);
    assert_true(req->op.atomic);
    assert_null(req->op.table);
    dbd_request_destroy(&req);

    req = dbd_request_new(DBD_OP_PING, NULL, NULL);
    assert_non_null(req);
    assert_null(req->datasource);
    dbd_request_destroy(&req);

    assert_null(dbd_request_new(DBD_OP_COUNT, "sq", "t"));
    assert_null(dbd_request_new((dbd_op_kind)-1, "sq", "t"));
}

static void test_builders_copy(void **state)
{
    (void)state;
    dbd_request *req = dbd_request_new(DBD_OP_QUERY, "sq", "t_types");
    assert_non_null(req);
    dbd_op *op = &req->op;
    char col[] = "k";
    char str[] = "abc";
    char blob[] = {'x', '\0', 'y'};
    dbd_value sv = dbd_string(str, 3);
    dbd_value bv = dbd_blob(blob, 3);
    dbd_value list[] = {dbd_int(1), dbd_string(str, 2), dbd_null()};

    assert_int_equal(dbd_op_add_column(req, op, col), 0);
    assert_int_equal(dbd_op_add_where(req, op, col, DBD_CMP_EQ, &sv), 0);
    assert_int_equal(dbd_op_add_where(req, op, "b", DBD_CMP_NE, &bv), 0);
    assert_int_equal(dbd_op_add_where(req, op, "s", DBD_CMP_ISNULL, NULL), 0);
    assert_int_equal(dbd_op_add_where_in(req, op, "i", list, 3), 0);
    assert_int_equal(dbd_op_add_order(req, op, col, true), 0);
    dbd_op_set_limit(op, 10, 5);
    col[0] = 'Z';
    str[0] = 'Z';
    blob[0] = 'Z';
    list[0] = dbd_int(99);

    assert_int_equal(op->ncolumns, 1);
    assert_string_equal(op->columns[0], "k");
    assert_int_equal(op->nwhere, 4);
    assert_string_equal(op->where[0].column, "k");
    assert_int_equal(op->where[0].cmp, DBD_CMP_EQ);
    assert_int_equal(op->where[0].value.type, DBD_TYPE_STRING);
    assert_int_equal(op->where[0].value.u.s.len, 3);
    assert_string_equal(op->where[0].value.u.s.ptr, "abc"); /* NUL-ended */
    assert_int_equal(op->where[1].value.type, DBD_TYPE_BLOB);
    assert_memory_equal(op->where[1].value.u.s.ptr, "x\0y\0", 4);
    assert_int_equal(op->where[2].cmp, DBD_CMP_ISNULL);
    assert_int_equal(op->where[2].value.type, DBD_TYPE_NULL);
    assert_int_equal(op->where[3].cmp, DBD_CMP_IN);
    assert_int_equal(op->where[3].nlist, 3);
    assert_int_equal(op->where[3].list[0].u.i, 1);
    assert_int_equal(op->where[3].list[1].u.s.len, 2);
    assert_string_equal(op->where[3].list[1].u.s.ptr, "ab");
    assert_int_equal(op->where[3].list[2].type, DBD_TYPE_NULL);
    assert_int_equal(op->norder, 1);
    assert_string_equal(op->order[0].column, "k");
    assert_true(op->order[0].desc);
    assert_int_equal(op->limit, 10);
    assert_int_equal(op->offset, 5);
    char err[256];
    assert_int_equal(dbd_request_validate(req, err, sizeof(err)), DBD_OK);
    assert_string_equal(err, "");
    dbd_request_destroy(&req);
}

static void test_builders_bad_arguments(void **state)
{
    (void)state;
    dbd_request *req = dbd_request_new(DBD_OP_QUERY, "sq", "t");
    assert_non_null(req);
    dbd_op *op = &req->op;
    dbd_value v = dbd_int(1);
    dbd_value bad_type = {.type = DBD_TYPE_COUNT};
    dbd_value no_bytes = dbd_string(NULL, 4);

    assert_int_equal(dbd_op_add_column(req, op, NULL), -1);
    assert_int_equal(dbd_op_add_column(NULL, op, "a"), -1);
    assert_int_equal(dbd_op_add_column(req, NULL, "a"), -1);
    assert_int_equal(dbd_op_add_where(req, op, "a", DBD_CMP_IN, &v), -1);
    assert_int_equal(dbd_op_add_where(req, op, "a", DBD_CMP_EQ, NULL), -1);
    assert_int_equal(dbd_op_add_where(req, op, "a", DBD_CMP_COUNT, &v), -1);
    assert_int_equal(dbd_op_add_where(req, op, NULL, DBD_CMP_EQ, &v), -1);
    assert_int_equal(dbd_op_add_where(req, op, "a", DBD_CMP_EQ, &bad_type), -1);
    assert_int_equal(dbd_op_add_where(req, op, "a", DBD_CMP_EQ, &no_bytes), -1);
    assert_int_equal(dbd_op_add_where_in(req, op, "a", NULL, 2), -1);
    assert_int_equal(dbd_op_add_order(req, op, NULL, false), -1);
    assert_int_equal(dbd_op_add_value(req, op, "a", NULL), -1);
    assert_int_equal(dbd_op_add_value(req, op, NULL, &v), -1);
    assert_int_equal(dbd_op_add_key(req, op, NULL), -1);
    assert_int_equal(dbd_op_set_raw(req, op, NULL, 0), -1);
    assert_int_equal(dbd_op_add_param(req, op, NULL), -1);
    assert_int_equal(dbd_op_add_param(req, op, &bad_type), -1);
    /* Only a batch takes sub-operations. */
    assert_null(dbd_request_add_op(req, DBD_OP_INSERT, "t"));
    assert_null(dbd_request_add_op(NULL, DBD_OP_INSERT, "t"));
    /* A failed call leaves nothing half-added behind. */
    assert_int_equal(op->ncolumns + op->nwhere + op->norder + op->nvalues +
                     op->nkeys + op->nparams, 0);
    dbd_op_set_limit(NULL, 1, 1);
    dbd_request_destroy(&req);
}

static void test_growth(void **state)
{
    (void)state;
    enum { N = 1000 };
    dbd_request *req = dbd_request_new(DBD_OP_BATCH, "sq", NULL);
    assert_non_null(req);
    char name[32];
    for (int i = 0; i < N; i++) {
        dbd_op *op = dbd_request_add_op(req, DBD_OP_INSERT, "t_types");
        assert_non_null(op);
        assert_int_equal(op->limit, -1);
        assert_false(op->atomic);
        snprintf(name, sizeof(name), "v%d", i);
        dbd_value s = dbd_string(name, strlen(name));
        assert_int_equal(dbd_op_add_value(req, op, "k", &s), 0);
        dbd_value iv = dbd_int(i);
        assert_int_equal(dbd_op_add_value(req, op, "i", &iv), 0);
    }
    assert_int_equal(req->op.nops, N);
    for (int i = 0; i < N; i++) {
        const dbd_op *op = &req->op.ops[i];
        snprintf(name, sizeof(name), "v%d", i);
        assert_int_equal(op->kind, DBD_OP_INSERT);
        assert_string_equal(op->table, "t_types");
        assert_int_equal(op->nvalues, 2);
        assert_string_equal(op->values[0].value.u.s.ptr, name);
        assert_int_equal(op->values[1].value.u.i, i);
    }
    /* Long arrays on one op. */
    dbd_op *q = dbd_request_add_op(req, DBD_OP_RAW, NULL);
    assert_non_null(q);
    assert_int_equal(dbd_op_set_raw(req, q, "SELECT ?", 8), 0);
    for (int i = 0; i < N; i++) {
        dbd_value v = dbd_int(i);
        assert_int_equal(dbd_op_add_param(req, q, &v), 0);
    }
    for (int i = 0; i < N; i++)
        assert_int_equal(q->params[i].u.i, i);
    assert_string_equal(q->sql, "SELECT ?");
    assert_int_equal(q->sql_len, 8);
    char err[256];
    assert_int_equal(dbd_request_validate(req, err, sizeof(err)), DBD_OK);
    dbd_request_destroy(&req);
}

/* Arrays filled by hand (as a decoder may do) are grown safely. */
static void test_growth_of_exact_arrays(void **state)
{
    (void)state;
    dbd_request *req = dbd_request_new(DBD_OP_QUERY, "sq", "t");
    assert_non_null(req);
    const char *cols[3] = {"a", "b", "c"};
    req->op.columns = cols;
    req->op.ncolumns = 3;
    assert_int_equal(dbd_op_add_column(req, &req->op, "d"), 0);
    assert_int_equal(req->op.ncolumns, 4);
    assert_ptr_not_equal(req->op.columns, cols);
    assert_string_equal(req->op.columns[0], "a");
    assert_string_equal(req->op.columns[3], "d");
    dbd_request_destroy(&req);
}

/* --- validation: each case builds a request and names the message --- */

typedef dbd_request *(*build_fn)(void);

static dbd_request *query(const char *table)
{
    return dbd_request_new(DBD_OP_QUERY, "sq", table);
}

static dbd_request *insert_kv(void)
{
    dbd_request *req = dbd_request_new(DBD_OP_INSERT, "sq", "t_types");
    dbd_value k = dbd_string("a", 1), i = dbd_int(1);
    if (dbd_op_add_value(req, &req->op, "k", &k) < 0 ||
        dbd_op_add_value(req, &req->op, "i", &i) < 0)
        fail_msg("build failed");
    return req;
}

static dbd_request *ok_query(void)
{
    dbd_request *req = query("location");
    dbd_value v = dbd_string("alice", 5);
    dbd_value in[] = {dbd_int(1), dbd_int(2)};
    if (dbd_op_add_column(req, &req->op, "contact") < 0 ||
        dbd_op_add_where(req, &req->op, "username", DBD_CMP_EQ, &v) < 0 ||
        dbd_op_add_where(req, &req->op, "flags", DBD_CMP_BITAND, &in[0]) < 0 ||
        dbd_op_add_where(req, &req->op, "ruid", DBD_CMP_NOTNULL, NULL) < 0 ||
        dbd_op_add_where_in(req, &req->op, "cseq", in, 2) < 0 ||
        dbd_op_add_order(req, &req->op, "q", true) < 0)
        fail_msg("build failed");
    dbd_op_set_limit(&req->op, 0, 0);
    return req;
}
static dbd_request *ok_query_all(void) { return query("version"); }
static dbd_request *ok_insert(void) { return insert_kv(); }
static dbd_request *ok_update(void)
{
    dbd_request *req = dbd_request_new(DBD_OP_UPDATE, "sq", "t_types");
    dbd_value v = dbd_double(2.5);
    if (dbd_op_add_value(req, &req->op, "d", &v) < 0)
        fail_msg("build failed");
    return req;
}
static dbd_request *ok_delete_all(void)
{
    return dbd_request_new(DBD_OP_DELETE, "sq", "t_types");
}
static dbd_request *ok_replace(void)
{
    dbd_request *req = insert_kv();
    req->op.kind = DBD_OP_REPLACE;
    if (dbd_op_add_key(req, &req->op, "k") < 0)
        fail_msg("build failed");
    return req;
}
static dbd_request *ok_raw(void)
{
    dbd_request *req = dbd_request_new(DBD_OP_RAW, "sqraw", NULL);
    dbd_value p = dbd_null();
    if (dbd_op_set_raw(req, &req->op, "SELECT ?", 8) < 0 ||
        dbd_op_add_param(req, &req->op, &p) < 0)
        fail_msg("build failed");
    return req;
}
static dbd_request *ok_batch(void)
{
    dbd_request *req = dbd_request_new(DBD_OP_BATCH, "my-ds.v2_1", NULL);
    dbd_op *op = dbd_request_add_op(req, DBD_OP_DELETE, "t_types");
    dbd_op *raw = dbd_request_add_op(req, DBD_OP_RAW, NULL);
    if (op == NULL || raw == NULL || dbd_op_set_raw(req, raw, "x", 1) < 0)
        fail_msg("build failed");
    return req;
}
static dbd_request *ok_ping(void)
{
    return dbd_request_new(DBD_OP_PING, NULL, NULL);
}
static dbd_request *ok_ping_ds(void)
{
    return dbd_request_new(DBD_OP_PING, "sq", NULL);
}
static dbd_request *ok_datasources(void)
{
    return dbd_request_new(DBD_OP_DATASOURCES, NULL, NULL);
}
static dbd_request *ok_stats(void)
{
    return dbd_request_new(DBD_OP_STATS, NULL, NULL);
}
static dbd_request *ok_reload(void)
{
    return dbd_request_new(DBD_OP_RELOAD, NULL, NULL);
}
static dbd_request *ok_swap(void)
{
    dbd_request *r = dbd_request_new(DBD_OP_SWAP, "main", NULL);
    if (r != NULL && dbd_request_set_swap(r, "sqlite:///x.db", NULL) != 0)
        dbd_request_destroy(&r);
    return r;
}
/* Reserved ops pass validation so that the daemon answers UNSUPPORTED. */
static dbd_request *ok_migrate(void)
{
    return dbd_request_new(DBD_OP_MIGRATE, NULL, NULL);
}
static dbd_request *ok_ident_64(void)
{
    char name[65];
    memset(name, 'a', 64);
    name[64] = '\0';
    return query(name);
}
static dbd_request *ok_ds_64(void)
{
    char name[65];
    memset(name, 'd', 64);
    name[64] = '\0';
    return dbd_request_new(DBD_OP_QUERY, name, "t");
}

static dbd_request *bad_table_injection(void)
{
    return query("subscriber; DROP TABLE location");
}
static dbd_request *bad_table_quote(void) { return query("a\"b"); }
static dbd_request *bad_table_empty(void) { return query(""); }
static dbd_request *bad_table_digit(void) { return query("1abc"); }
static dbd_request *bad_table_missing(void) { return query(NULL); }
static dbd_request *bad_table_65(void)
{
    char name[66];
    memset(name, 'a', 65);
    name[65] = '\0';
    return query(name);
}
static dbd_request *bad_table_200(void)
{
    char name[201];
    memset(name, 'b', 200);
    name[200] = '\0';
    return query(name);
}
static dbd_request *bad_table_control(void) { return query("a\n\x01\\"); }
static dbd_request *bad_column_backtick(void)
{
    dbd_request *req = query("t");
    if (dbd_op_add_column(req, &req->op, "a") < 0 ||
        dbd_op_add_column(req, &req->op, "a`b") < 0)
        fail_msg("build failed");
    return req;
}
static dbd_request *bad_where_column(void)
{
    dbd_request *req = query("t");
    dbd_value v = dbd_int(1);
    if (dbd_op_add_where(req, &req->op, "9lives", DBD_CMP_EQ, &v) < 0)
        fail_msg("build failed");
    return req;
}
static dbd_request *bad_order_utf8(void)
{
    dbd_request *req = query("t");
    if (dbd_op_add_order(req, &req->op, "\xc3\xa9t\xc3\xa9", false) < 0)
        fail_msg("build failed");
    return req;
}
static dbd_request *bad_value_column(void)
{
    dbd_request *req = insert_kv();
    dbd_value v = dbd_int(1);
    if (dbd_op_add_value(req, &req->op, "x y", &v) < 0)
        fail_msg("build failed");
    return req;
}
static dbd_request *bad_key_column(void)
{
    dbd_request *req = ok_replace();
    if (dbd_op_add_key(req, &req->op, "k;") < 0)
        fail_msg("build failed");
    return req;
}
static dbd_request *bad_insert_empty(void)
{
    return dbd_request_new(DBD_OP_INSERT, "sq", "t");
}
static dbd_request *bad_update_empty(void)
{
    return dbd_request_new(DBD_OP_UPDATE, "sq", "t");
}
static dbd_request *bad_delete_no_table(void)
{
    return dbd_request_new(DBD_OP_DELETE, "sq", NULL);
}
static dbd_request *bad_duplicate_value(void)
{
    dbd_request *req = insert_kv();
    dbd_value v = dbd_int(2);
    if (dbd_op_add_value(req, &req->op, "k", &v) < 0)
        fail_msg("build failed");
    return req;
}
static dbd_request *bad_duplicate_many(void)
{
    /* More columns than fit the validator's stack set. */
    dbd_request *req = dbd_request_new(DBD_OP_INSERT, "sq", "t");
    char name[16];
    dbd_value v = dbd_int(0);
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof(name), "c%d", i);
        if (dbd_op_add_value(req, &req->op, name, &v) < 0)
            fail_msg("build failed");
    }
    if (dbd_op_add_value(req, &req->op, "c57", &v) < 0)
        fail_msg("build failed");
    return req;
}
static dbd_request *bad_replace_no_keys(void)
{
    dbd_request *req = insert_kv();
    req->op.kind = DBD_OP_REPLACE;
    return req;
}
static dbd_request *bad_replace_key_missing(void)
{
    dbd_request *req = insert_kv();
    req->op.kind = DBD_OP_REPLACE;
    if (dbd_op_add_key(req, &req->op, "id") < 0)
        fail_msg("build failed");
    return req;
}
static dbd_request *bad_replace_key_twice(void)
{
    dbd_request *req = ok_replace();
    if (dbd_op_add_key(req, &req->op, "i") < 0 ||
        dbd_op_add_key(req, &req->op, "k") < 0)
        fail_msg("build failed");
    return req;
}
static dbd_request *bad_in_empty(void)
{
    dbd_request *req = query("t");
    if (dbd_op_add_where_in(req, &req->op, "i", NULL, 0) < 0)
        fail_msg("build failed");
    return req;
}
static dbd_request *bad_null_with_value(void)
{
    dbd_request *req = query("t");
    if (dbd_op_add_where(req, &req->op, "i", DBD_CMP_ISNULL, NULL) < 0)
        fail_msg("build failed");
    req->op.where[0].value = dbd_int(3);
    return req;
}
static dbd_request *bad_value_type(void)
{
    dbd_request *req = query("t");
    dbd_value v = dbd_int(1);
    if (dbd_op_add_where(req, &req->op, "i", DBD_CMP_LE, &v) < 0)
        fail_msg("build failed");
    req->op.where[0].value.type = (dbd_type)99;
    return req;
}
static dbd_request *bad_limit(void)
{
    dbd_request *req = query("t");
    dbd_op_set_limit(&req->op, -2, 0);
    return req;
}
static dbd_request *bad_offset(void)
{
    dbd_request *req = query("t");
    dbd_op_set_limit(&req->op, 5, -1);
    return req;
}
static dbd_request *bad_raw_no_sql(void)
{
    return dbd_request_new(DBD_OP_RAW, "sqraw", NULL);
}
static dbd_request *bad_raw_empty_sql(void)
{
    dbd_request *req = dbd_request_new(DBD_OP_RAW, "sqraw", NULL);
    if (dbd_op_set_raw(req, &req->op, "", 0) < 0)
        fail_msg("build failed");
    return req;
}
static dbd_request *bad_batch_empty(void)
{
    return dbd_request_new(DBD_OP_BATCH, "sq", NULL);
}
static dbd_request *bad_batch_nested(void)
{
    dbd_request *req = ok_batch();
    if (dbd_request_add_op(req, DBD_OP_BATCH, NULL) == NULL)
        fail_msg("build failed");
    return req;
}
static dbd_request *bad_batch_admin(void)
{
    dbd_request *req = dbd_request_new(DBD_OP_BATCH, "sq", NULL);
    if (dbd_request_add_op(req, DBD_OP_PING, NULL) == NULL)
        fail_msg("build failed");
    return req;
}
static dbd_request *bad_batch_sub_duplicate(void)
{
    dbd_request *req = ok_batch();
    dbd_op *op = dbd_request_add_op(req, DBD_OP_INSERT, "t_types");
    dbd_value v = dbd_int(1);
    if (op == NULL || dbd_op_add_value(req, op, "k", &v) < 0 ||
        dbd_op_add_value(req, op, "k", &v) < 0)
        fail_msg("build failed");
    return req;
}
static dbd_request *bad_batch_sub_table(void)
{
    dbd_request *req = dbd_request_new(DBD_OP_BATCH, "sq", NULL);
    if (dbd_request_add_op(req, DBD_OP_UPDATE, "bad name") == NULL)
        fail_msg("build failed");
    return req;
}
static dbd_request *bad_ds_missing(void)
{
    return dbd_request_new(DBD_OP_QUERY, NULL, "t");
}
static dbd_request *bad_ds_empty(void)
{
    return dbd_request_new(DBD_OP_INSERT, "", "t");
}
static dbd_request *bad_ds_chars(void)
{
    return dbd_request_new(DBD_OP_QUERY, "sq raw/..", "t");
}
static dbd_request *bad_ds_65(void)
{
    char name[66];
    memset(name, 'd', 65);
    name[65] = '\0';
    return dbd_request_new(DBD_OP_QUERY, name, "t");
}
static dbd_request *bad_ping_ds(void)
{
    return dbd_request_new(DBD_OP_PING, "s q", NULL);
}
static dbd_request *bad_batch_no_ds(void)
{
    dbd_request *req = ok_batch();
    req->datasource = NULL;
    return req;
}
static dbd_request *bad_version(void)
{
    dbd_request *req = ok_ping();
    req->version = 2;
    return req;
}
static dbd_request *bad_version_0(void)
{
    dbd_request *req = ok_ping();
    req->version = 0;
    return req;
}
static dbd_request *bad_deadline(void)
{
    dbd_request *req = ok_ping();
    req->deadline_usec = -5;
    return req;
}
static dbd_request *bad_op_kind(void)
{
    dbd_request *req = ok_ping();
    req->op.kind = DBD_OP_COUNT;
    return req;
}

typedef struct validate_case {
    const char *name;
    build_fn build;
    dbd_status status;
    const char *msg;
} validate_case;

#define OK_CASE(fn) {#fn, fn, DBD_OK, ""}
#define BAD_CASE(fn, msg) {#fn, fn, DBD_BAD, msg}

static const validate_case validate_cases[] = {
    OK_CASE(ok_query),
    OK_CASE(ok_query_all),
    OK_CASE(ok_insert),
    OK_CASE(ok_update),
    OK_CASE(ok_delete_all),
    OK_CASE(ok_replace),
    OK_CASE(ok_raw),
    OK_CASE(ok_batch),
    OK_CASE(ok_ping),
    OK_CASE(ok_ping_ds),
    OK_CASE(ok_datasources),
    OK_CASE(ok_stats),
    OK_CASE(ok_reload),
    OK_CASE(ok_swap),
    OK_CASE(ok_migrate),
    OK_CASE(ok_ident_64),
    OK_CASE(ok_ds_64),
    BAD_CASE(bad_table_injection,
             "table: invalid identifier \"subscriber; DROP TABLE location\" "
             RULE),
    BAD_CASE(bad_table_quote, "table: invalid identifier \"a\\\"b\" " RULE),
    BAD_CASE(bad_table_empty, "table: invalid identifier \"\" " RULE),
    BAD_CASE(bad_table_digit, "table: invalid identifier \"1abc\" " RULE),
    BAD_CASE(bad_table_missing, "table: missing (required for query)"),
    BAD_CASE(bad_table_65,
             "table: invalid identifier \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" " RULE),
    BAD_CASE(bad_table_200,
             "table: invalid identifier \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
             "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"... " RULE),
    BAD_CASE(bad_table_control,
             "table: invalid identifier \"a\\x0a\\x01\\\\\" " RULE),
    BAD_CASE(bad_column_backtick,
             "columns[1]: invalid identifier \"a`b\" " RULE),
    BAD_CASE(bad_where_column, "where[0]: invalid identifier \"9lives\" " RULE),
    BAD_CASE(bad_order_utf8,
             "order[0]: invalid identifier \"\\xc3\\xa9t\\xc3\\xa9\" " RULE),
    BAD_CASE(bad_value_column, "values: invalid identifier \"x y\" " RULE),
    BAD_CASE(bad_key_column, "keys[1]: invalid identifier \"k;\" " RULE),
    BAD_CASE(bad_insert_empty, "values: at least one column required"),
    BAD_CASE(bad_update_empty, "set: at least one column required"),
    BAD_CASE(bad_delete_no_table, "table: missing (required for delete)"),
    BAD_CASE(bad_duplicate_value, "values: duplicate column \"k\""),
    BAD_CASE(bad_duplicate_many, "values: duplicate column \"c57\""),
    BAD_CASE(bad_replace_no_keys, "keys: at least one key column required"),
    BAD_CASE(bad_replace_key_missing, "keys[0]: column \"id\" not in values"),
    BAD_CASE(bad_replace_key_twice, "keys: duplicate column \"k\""),
    BAD_CASE(bad_in_empty, "where[0]: in needs a non-empty list"),
    BAD_CASE(bad_null_with_value, "where[0]: null takes no value"),
    BAD_CASE(bad_value_type, "where[0]: invalid value type 99"),
    BAD_CASE(bad_limit, "limit: -2 is negative"),
    BAD_CASE(bad_offset, "offset: -1 is negative"),
    BAD_CASE(bad_raw_no_sql, "sql: missing (required for raw)"),
    BAD_CASE(bad_raw_empty_sql, "sql: empty"),
    BAD_CASE(bad_batch_empty, "ops: at least one operation required"),
    BAD_CASE(bad_batch_nested, "ops[2]: op: nested batch not allowed"),
    BAD_CASE(bad_batch_admin, "ops[0]: op: ping not allowed in a batch"),
    BAD_CASE(bad_batch_sub_duplicate, "ops[2]: values: duplicate column \"k\""),
    BAD_CASE(bad_batch_sub_table,
             "ops[0]: table: invalid identifier \"bad name\" " RULE),
    BAD_CASE(bad_ds_missing, "ds: missing (required for query)"),
    BAD_CASE(bad_ds_empty, "ds: invalid datasource name \"\" " DS_RULE),
    BAD_CASE(bad_ds_chars,
             "ds: invalid datasource name \"sq raw/..\" " DS_RULE),
    BAD_CASE(bad_ds_65,
             "ds: invalid datasource name \"ddddddddddddddddddddddddddddddddd"
             "dddddddddddddddddddddddddddddddd\" " DS_RULE),
    BAD_CASE(bad_ping_ds, "ds: invalid datasource name \"s q\" " DS_RULE),
    BAD_CASE(bad_batch_no_ds, "ds: missing (required for batch)"),
    BAD_CASE(bad_version, "v: unsupported protocol version 2 (supported 1 to 1)"),
    BAD_CASE(bad_version_0,
             "v: unsupported protocol version 0 (supported 1 to 1)"),
    BAD_CASE(bad_deadline, "deadline: -5 is negative"),
    BAD_CASE(bad_op_kind, "op: unknown operation 15"),
};

static void test_validate_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(validate_cases) / sizeof(validate_cases[0]);
         i++) {
        const validate_case *c = &validate_cases[i];
        dbd_request *req = c->build();
        if (req == NULL)
            fail_msg("%s: build failed", c->name);
        char err[512];
        memset(err, 'x', sizeof(err));
        dbd_status st = dbd_request_validate(req, err, sizeof(err));
        dbd_request_destroy(&req);
        if (st != c->status)
            fail_msg("%s: got %s (%s), want %s", c->name, dbd_status_name(st),
                     err, dbd_status_name(c->status));
        if (strcmp(err, c->msg) != 0)
            fail_msg("%s: got message\n  \"%s\"\nwant\n  \"%s\"", c->name, err,
                     c->msg);
    }
}

static void test_validate_small_buffers(void **state)
{
    (void)state;
    dbd_request *req = bad_table_injection();
    assert_non_null(req);
    char err[16];
    memset(err, 'x', sizeof(err));
    assert_int_equal(dbd_request_validate(req, err, 8), DBD_BAD);
    assert_string_equal(err, "table: ");
    assert_int_equal(err[8], 'x');   /* nothing written past errlen */
    /* A prefix longer than the buffer. */
    dbd_request_destroy(&req);
    req = bad_batch_sub_duplicate();
    assert_non_null(req);
    assert_int_equal(dbd_request_validate(req, err, 4), DBD_BAD);
    assert_string_equal(err, "ops");
    assert_int_equal(dbd_request_validate(req, err, 1), DBD_BAD);
    assert_string_equal(err, "");
    assert_int_equal(dbd_request_validate(req, NULL, 0), DBD_BAD);
    assert_int_equal(dbd_request_validate(NULL, err, sizeof(err)), DBD_BAD);
    dbd_request_destroy(&req);
}

static void test_validate_many_values(void **state)
{
    (void)state;
    /* Many distinct columns: accepted (and not in quadratic time). */
    enum { N = 20000 };
    dbd_request *req = dbd_request_new(DBD_OP_REPLACE, "sq", "t");
    assert_non_null(req);
    char name[16];
    dbd_value v = dbd_int(0);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "c%d", i);
        assert_int_equal(dbd_op_add_value(req, &req->op, name, &v), 0);
        if (i % 2 == 0)
            assert_int_equal(dbd_op_add_key(req, &req->op, name), 0);
    }
    char err[256];
    assert_int_equal(dbd_request_validate(req, err, sizeof(err)), DBD_OK);
    assert_int_equal(dbd_op_add_key(req, &req->op, "c20000"), 0);
    assert_int_equal(dbd_request_validate(req, err, sizeof(err)), DBD_BAD);
    assert_string_equal(err, "keys[10000]: column \"c20000\" not in values");
    dbd_request_destroy(&req);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_op_names),
        cmocka_unit_test(test_op_classes),
        cmocka_unit_test(test_cmp_names),
        cmocka_unit_test(test_new_defaults),
        cmocka_unit_test(test_builders_copy),
        cmocka_unit_test(test_builders_bad_arguments),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_growth_of_exact_arrays),
        cmocka_unit_test(test_validate_table),
        cmocka_unit_test(test_validate_small_buffers),
        cmocka_unit_test(test_validate_many_values),
    };
    return cmocka_run_group_tests_name("request", tests, NULL, NULL);
}
