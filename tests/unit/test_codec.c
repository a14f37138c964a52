/*
 * test_codec.c - the MessagePack codec against the golden vectors in
 * proto/vectors/ (both ways: structure -> exact bytes, bytes -> structure),
 * value round trips at every boundary, hostile and malformed input, and
 * the chunking reply writer.
 *
 * Hand-made messages are written in a small JSON-like notation (see mp())
 * so that the malformed-input cases read as what they send.
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec.h"
#include "codec_value.h"
#include "request.h"
#include "result.h"

#define ERRLEN 512

/* ======================================================================
 * Helpers: hex, vector files, the message notation
 * ====================================================================== */

static void print_hex(const char *label, const void *data, size_t len)
{
    const unsigned char *p = data;
    print_message("# %s (%zu bytes):", label, len);
    for (size_t i = 0; i < len; i++)
        print_message("%s%02x", i % 16 == 0 ? "\n#   " : " ", p[i]);
    print_message("\n");
}

/* Fails with both byte strings shown when they differ. */
static void expect_bytes(const char *what, const void *got, size_t got_len,
                         const void *want, size_t want_len)
{
    if (got_len == want_len && memcmp(got, want, got_len) == 0)
        return;
    print_message("# %s: bytes differ\n", what);
    print_hex("got", got, got_len);
    print_hex("want", want, want_len);
    fail_msg("%s: encoding differs from the vector", what);
}

/*
 * Loads proto/vectors/NAME.txt: lines starting with '#' are comments,
 * "name:" and "meaning:" lines describe the vector, and every hex digit
 * after the "hex:" line is a byte of the message.
 */
static void load_vector(const char *name, dbd_buf *out)
{
    char path[512];
    char line[1024];
    bool in_hex = false, named = false;

    snprintf(path, sizeof path, "%s/proto/vectors/%s.txt", TOP_SRCDIR, name);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        fail_msg("cannot open vector %s", path);
    dbd_buf_init(out);
    while (fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '#')
            continue;
        if (!in_hex) {
            if (strncmp(line, "name: ", 6) == 0) {
                line[strcspn(line, "\n")] = '\0';
                assert_string_equal(line + 6, name);
                named = true;
            } else if (strncmp(line, "hex:", 4) == 0) {
                in_hex = true;
            }
            continue;
        }
        for (const char *p = line; *p != '\0'; p++) {
            if (isspace((unsigned char)*p))
                continue;
            assert_true(isxdigit((unsigned char)p[0]) &&
                        isxdigit((unsigned char)p[1]));
            char hex[3] = {p[0], p[1], '\0'};
            unsigned char b = (unsigned char)strtoul(hex, NULL, 16);
            assert_int_equal(dbd_buf_append(out, &b, 1), 0);
            p++;
        }
    }
    fclose(f);
    assert_true(named);
    assert_true(in_hex && out->len > 0);
}

/*
 * The notation: {k: v, ...} map (any value as key), [a, ...] array,
 * "text" str with \" \\ \xNN escapes, b"bytes" bin, null true false,
 * 12 / -12 int (uint64 above INT64_MAX too), 1.5 float64, f1.5 float32,
 * eT:HEX ext of type T (may be negative) with HEX data, raw:HEX verbatim.
 */
static void mp_parse(const char **s, dbd_buf *out);

static void mp_ws(const char **s)
{
    while (isspace((unsigned char)**s))
        (*s)++;
}

static void mp_hex(const char **s, dbd_buf *out)
{
    while (isxdigit((unsigned char)(*s)[0]) &&
           isxdigit((unsigned char)(*s)[1])) {
        char hex[3] = {(*s)[0], (*s)[1], '\0'};
        unsigned char b = (unsigned char)strtoul(hex, NULL, 16);
        assert_int_equal(dbd_buf_append(out, &b, 1), 0);
        *s += 2;
    }
}

static void mp_quoted(const char **s, dbd_buf *text)
{
    assert_int_equal(**s, '"');
    (*s)++;
    while (**s != '"') {
        assert_true(**s != '\0');
        char c = **s;
        if (c == '\\') {
            (*s)++;
            if (**s == 'x') {
                char hex[3] = {(*s)[1], (*s)[2], '\0'};
                c = (char)strtoul(hex, NULL, 16);
                *s += 2;
            } else {
                c = **s;
            }
        }
        assert_int_equal(dbd_buf_append(text, &c, 1), 0);
        (*s)++;
    }
    (*s)++;
}

static void mp_container(const char **s, dbd_buf *out, msgpack_packer *pk)
{
    const bool map = **s == '{';
    const char close = map ? '}' : ']';
    dbd_buf body;
    size_t n = 0;

    dbd_buf_init(&body);
    (*s)++;
    mp_ws(s);
    while (**s != close) {
        mp_parse(s, &body);
        if (map) {
            mp_ws(s);
            assert_int_equal(**s, ':');
            (*s)++;
            mp_parse(s, &body);
        }
        n++;
        mp_ws(s);
        if (**s == ',')
            (*s)++;
        mp_ws(s);
    }
    (*s)++;
    assert_int_equal(map ? msgpack_pack_map(pk, n) : msgpack_pack_array(pk, n),
                     0);
    assert_int_equal(dbd_buf_append(out, body.data, body.len), 0);
    dbd_buf_free(&body);
}

static void mp_parse(const char **s, dbd_buf *out)
{
    msgpack_packer pk;
    dbd_buf text;

    dbd_packer_init(&pk, out);
    mp_ws(s);
    const char c = **s;
    if (c == '{' || c == '[') {
        mp_container(s, out, &pk);
    } else if (c == '"' || (c == 'b' && (*s)[1] == '"')) {
        dbd_buf_init(&text);
        if (c == 'b')
            (*s)++;
        mp_quoted(s, &text);
        if (c == 'b')
            assert_int_equal(msgpack_pack_bin_with_body(&pk, text.data,
                                                        text.len), 0);
        else
            assert_int_equal(dbd_pack_str(&pk, text.data, text.len), 0);
        dbd_buf_free(&text);
    } else if (strncmp(*s, "null", 4) == 0) {
        assert_int_equal(msgpack_pack_nil(&pk), 0);
        *s += 4;
    } else if (strncmp(*s, "true", 4) == 0) {
        assert_int_equal(msgpack_pack_true(&pk), 0);
        *s += 4;
    } else if (strncmp(*s, "false", 5) == 0) {
        assert_int_equal(msgpack_pack_false(&pk), 0);
        *s += 5;
    } else if (strncmp(*s, "raw:", 4) == 0) {
        *s += 4;
        mp_hex(s, out);
    } else if (c == 'e') {
        char *end;
        long type = strtol(*s + 1, &end, 10);
        assert_int_equal(*end, ':');
        *s = end + 1;
        dbd_buf_init(&text);
        mp_hex(s, &text);
        assert_int_equal(msgpack_pack_ext_with_body(&pk, text.data, text.len,
                                                    (int8_t)type), 0);
        dbd_buf_free(&text);
    } else if (c == 'f') {
        char *end;
        float v = strtof(*s + 1, &end);
        *s = end;
        assert_int_equal(msgpack_pack_float(&pk, v), 0);
    } else {
        char *end;
        size_t n = strspn(*s, "-0123456789.");
        assert_true(n > 0);
        if (memchr(*s, '.', n) != NULL)
            assert_int_equal(msgpack_pack_double(&pk, strtod(*s, &end)), 0);
        else if (c == '-')
            assert_int_equal(msgpack_pack_int64(&pk, strtoll(*s, &end, 10)),
                             0);
        else
            assert_int_equal(msgpack_pack_uint64(&pk, strtoull(*s, &end, 10)),
                             0);
        *s = end;
    }
}

/* The message the notation describes. */
static void mp(const char *text, dbd_buf *out)
{
    dbd_buf_init(out);
    mp_parse(&text, out);
    mp_ws(&text);
    assert_int_equal(*text, '\0');
}

/* ======================================================================
 * Structural comparison
 * ====================================================================== */

static void same_value(const dbd_value *got, const dbd_value *want)
{
    assert_int_equal(got->type, want->type);
    switch (want->type) {
    case DBD_TYPE_DOUBLE:
        if (isnan(want->u.d)) {
            assert_true(isnan(got->u.d));
        } else {
            assert_true(got->u.d == want->u.d);
            assert_int_equal(signbit(got->u.d) != 0, signbit(want->u.d) != 0);
        }
        break;
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB:
        assert_int_equal(got->u.s.len, want->u.s.len);
        if (want->u.s.len > 0)
            assert_memory_equal(got->u.s.ptr, want->u.s.ptr, want->u.s.len);
        /* The codec's copies are NUL-terminated. */
        assert_int_equal(got->u.s.ptr[got->u.s.len], '\0');
        break;
    default:
        assert_true(dbd_value_equal(got, want));
    }
}

static void same_str(const char *got, const char *want)
{
    if (want == NULL)
        assert_null(got);
    else
        assert_string_equal(got, want);
}

static void same_op(const dbd_op *got, const dbd_op *want)
{
    assert_int_equal(got->kind, want->kind);
    same_str(got->table, want->table);
    assert_int_equal(got->ncolumns, want->ncolumns);
    for (size_t i = 0; i < want->ncolumns; i++)
        assert_string_equal(got->columns[i], want->columns[i]);
    assert_int_equal(got->nwhere, want->nwhere);
    for (size_t i = 0; i < want->nwhere; i++) {
        const dbd_cond *g = &got->where[i], *w = &want->where[i];
        assert_string_equal(g->column, w->column);
        assert_int_equal(g->cmp, w->cmp);
        assert_int_equal(g->nlist, w->nlist);
        for (size_t j = 0; j < w->nlist; j++)
            same_value(&g->list[j], &w->list[j]);
        if (w->cmp != DBD_CMP_IN)
            same_value(&g->value, &w->value);
    }
    assert_int_equal(got->norder, want->norder);
    for (size_t i = 0; i < want->norder; i++) {
        assert_string_equal(got->order[i].column, want->order[i].column);
        assert_int_equal(got->order[i].desc, want->order[i].desc);
    }
    assert_int_equal(got->limit, want->limit);
    assert_int_equal(got->offset, want->offset);
    assert_int_equal(got->nvalues, want->nvalues);
    for (size_t i = 0; i < want->nvalues; i++) {
        assert_string_equal(got->values[i].column, want->values[i].column);
        same_value(&got->values[i].value, &want->values[i].value);
    }
    assert_int_equal(got->nkeys, want->nkeys);
    for (size_t i = 0; i < want->nkeys; i++)
        assert_string_equal(got->keys[i], want->keys[i]);
    if (want->kind == DBD_OP_BATCH)
        assert_int_equal(got->atomic, want->atomic);
    assert_int_equal(got->nops, want->nops);
    for (size_t i = 0; i < want->nops; i++)
        same_op(&got->ops[i], &want->ops[i]);
    assert_int_equal(got->sql_len, want->sql_len);
    if (want->sql == NULL)
        assert_null(got->sql);
    else
        assert_memory_equal(got->sql, want->sql, want->sql_len);
    assert_int_equal(got->nparams, want->nparams);
    for (size_t i = 0; i < want->nparams; i++)
        same_value(&got->params[i], &want->params[i]);
}

static void same_request(const dbd_request *got, const dbd_request *want)
{
    assert_int_equal(got->version, want->version);
    assert_int_equal(got->id, want->id);
    same_str(got->datasource, want->datasource);
    same_str(got->client, want->client);
    assert_int_equal(got->deadline_usec, want->deadline_usec);
    assert_int_equal(got->timeout_msec, want->timeout_msec);
    same_op(&got->op, &want->op);
}

static void same_result(const dbd_result *got, const dbd_result *want)
{
    assert_int_equal(dbd_result_status(got), dbd_result_status(want));
    assert_string_equal(dbd_result_message(got), dbd_result_message(want));
    assert_int_equal(dbd_result_affected(got), dbd_result_affected(want));
    assert_int_equal(dbd_result_last_id(got), dbd_result_last_id(want));
    assert_int_equal(dbd_result_ncols(got), dbd_result_ncols(want));
    for (size_t c = 0; c < dbd_result_ncols(want); c++) {
        assert_string_equal(dbd_result_col_name(got, c),
                            dbd_result_col_name(want, c));
        assert_int_equal(dbd_result_col_type(got, c),
                         dbd_result_col_type(want, c));
    }
    assert_int_equal(dbd_result_nrows(got), dbd_result_nrows(want));
    for (size_t r = 0; r < dbd_result_nrows(want); r++)
        for (size_t c = 0; c < dbd_result_ncols(want); c++)
            same_value(dbd_result_value(got, r, c),
                         dbd_result_value(want, r, c));
    assert_int_equal(dbd_result_nsubs(got), dbd_result_nsubs(want));
    for (size_t i = 0; i < dbd_result_nsubs(want); i++)
        same_result(dbd_result_sub(got, i), dbd_result_sub(want, i));
}

/* ======================================================================
 * The structures behind the golden vectors
 * ====================================================================== */

#define DT_2023 INT64_C(1700000000123456) /* 2023-11-14 22:13:20.123456 UTC */
static const char blob3[] = {'\x00', '\xff', '\x00'};

static dbd_value str_value(const char *s)
{
    return dbd_string(s, strlen(s));
}

static dbd_request *new_req(dbd_op_kind kind, const char *ds,
                            const char *table, uint64_t id)
{
    dbd_request *req = dbd_request_new(kind, ds, table);
    assert_non_null(req);
    req->id = id;
    return req;
}

static void add_where(dbd_request *req, dbd_op *op, const char *col,
                      dbd_cmp cmp, dbd_value v)
{
    assert_int_equal(dbd_op_add_where(req, op, col, cmp, &v), 0);
}

static void add_value(dbd_request *req, dbd_op *op, const char *col,
                      dbd_value v)
{
    assert_int_equal(dbd_op_add_value(req, op, col, &v), 0);
}

static dbd_request *vec_req_ping(void)
{
    return new_req(DBD_OP_PING, NULL, NULL, 1);
}

static dbd_request *vec_req_ping_ds(void)
{
    dbd_request *req = new_req(DBD_OP_PING, "sq", NULL, 2);
    req->timeout_msec = 250;
    return req;
}

static dbd_request *vec_req_query(void)
{
    dbd_request *req = new_req(DBD_OP_QUERY, "sq", "subscriber", 3);
    assert_int_equal(dbd_op_add_column(req, &req->op, "username"), 0);
    assert_int_equal(dbd_op_add_column(req, &req->op, "ha1"), 0);
    add_where(req, &req->op, "username", DBD_CMP_EQ, str_value("alice"));
    add_where(req, &req->op, "domain", DBD_CMP_EQ, str_value("example.org"));
    assert_int_equal(dbd_op_add_order(req, &req->op, "id", true), 0);
    assert_int_equal(dbd_op_add_order(req, &req->op, "username", false), 0);
    dbd_op_set_limit(&req->op, 10, 20);
    return req;
}

static dbd_request *vec_req_query_conds(void)
{
    const dbd_value list[] = {dbd_int(1), dbd_int(2), dbd_int(300)};
    dbd_request *req = new_req(DBD_OP_QUERY, "sq", "location", 4);
    req->deadline_usec = DT_2023;
    add_where(req, &req->op, "id", DBD_CMP_NE, dbd_int(-1));
    add_where(req, &req->op, "expires", DBD_CMP_GE, dbd_datetime(DT_2023));
    add_where(req, &req->op, "flags", DBD_CMP_BITAND, dbd_int(4));
    assert_int_equal(dbd_op_add_where_in(req, &req->op, "cflags", list, 3), 0);
    assert_int_equal(dbd_op_add_where(req, &req->op, "path", DBD_CMP_ISNULL,
                                      NULL), 0);
    assert_int_equal(dbd_op_add_where(req, &req->op, "received",
                                      DBD_CMP_NOTNULL, NULL), 0);
    add_where(req, &req->op, "q", DBD_CMP_LT, dbd_double(0.5));
    return req;
}

static dbd_request *vec_req_insert(void)
{
    dbd_request *req = new_req(DBD_OP_INSERT, "sq", "t_types", 5);
    add_value(req, &req->op, "k", str_value("k1"));
    add_value(req, &req->op, "i", dbd_int(-2));
    add_value(req, &req->op, "d", dbd_double(1.5));
    add_value(req, &req->op, "s", dbd_null());
    add_value(req, &req->op, "b", dbd_blob(blob3, sizeof blob3));
    add_value(req, &req->op, "dt", dbd_datetime(DT_2023));
    add_value(req, &req->op, "f", dbd_bool(true));
    return req;
}

static dbd_request *vec_req_update(void)
{
    dbd_request *req = new_req(DBD_OP_UPDATE, "sq", "subscriber", 6);
    add_value(req, &req->op, "ha1", str_value("5ebe2294ecd0e0f08eab7690d2a6ee69"));
    add_where(req, &req->op, "username", DBD_CMP_EQ, str_value("alice"));
    return req;
}

static dbd_request *vec_req_delete(void)
{
    dbd_request *req = new_req(DBD_OP_DELETE, "tx", "location", 7);
    add_where(req, &req->op, "expires", DBD_CMP_LT, dbd_datetime(DT_2023));
    return req;
}

static dbd_request *vec_req_replace(void)
{
    dbd_request *req = new_req(DBD_OP_REPLACE, "sq", "location", 8);
    add_value(req, &req->op, "ruid", str_value("r1"));
    add_value(req, &req->op, "username", str_value("alice"));
    add_value(req, &req->op, "contact", str_value("sip:alice@192.0.2.1"));
    add_value(req, &req->op, "expires", dbd_datetime(DT_2023));
    assert_int_equal(dbd_op_add_key(req, &req->op, "ruid"), 0);
    return req;
}

static dbd_request *vec_req_batch(void)
{
    const dbd_value in[] = {str_value("b1"), str_value("b2")};
    dbd_request *req = new_req(DBD_OP_BATCH, "sq", NULL, 9);
    dbd_op *op;

    op = dbd_request_add_op(req, DBD_OP_INSERT, "t_types");
    assert_non_null(op);
    add_value(req, op, "k", str_value("b1"));
    op = dbd_request_add_op(req, DBD_OP_UPDATE, "t_types");
    assert_non_null(op);
    add_value(req, op, "i", dbd_int(2));
    add_where(req, op, "k", DBD_CMP_EQ, str_value("b1"));
    op = dbd_request_add_op(req, DBD_OP_DELETE, "t_types");
    assert_non_null(op);
    assert_int_equal(dbd_op_add_where_in(req, op, "k", in, 2), 0);
    return req;
}

static dbd_request *vec_req_batch_nonatomic(void)
{
    dbd_request *req = new_req(DBD_OP_BATCH, "tx", NULL, 10);
    req->op.atomic = false;
    dbd_op *op = dbd_request_add_op(req, DBD_OP_DELETE, "location");
    assert_non_null(op);
    add_where(req, op, "username", DBD_CMP_EQ, str_value("bob"));
    op = dbd_request_add_op(req, DBD_OP_QUERY, "location");
    assert_non_null(op);
    assert_int_equal(dbd_op_add_column(req, op, "contact"), 0);
    return req;
}

static dbd_request *vec_req_raw(void)
{
    static const char sql[] = "SELECT k FROM t_types WHERE i > ? OR ?";
    dbd_request *req = new_req(DBD_OP_RAW, "sqraw", NULL, 11);
    const dbd_value p1 = dbd_int(10), p2 = dbd_bool(false);
    assert_int_equal(dbd_op_set_raw(req, &req->op, sql, strlen(sql)), 0);
    assert_int_equal(dbd_op_add_param(req, &req->op, &p1), 0);
    assert_int_equal(dbd_op_add_param(req, &req->op, &p2), 0);
    return req;
}

static dbd_request *vec_req_datasources(void)
{
    return new_req(DBD_OP_DATASOURCES, NULL, NULL, 12);
}

static dbd_request *vec_req_ping_client(void)
{
    dbd_request *req = new_req(DBD_OP_PING, "sq", NULL, 13);
    assert_int_equal(dbd_request_set_client(req, "sipproxy w1"), 0);
    return req;
}

typedef struct req_vector {
    const char *name;
    dbd_request *(*build)(void);
} req_vector;

static const req_vector req_vectors[] = {
    {"req_ping", vec_req_ping},
    {"req_ping_ds", vec_req_ping_ds},
    {"req_query", vec_req_query},
    {"req_query_conds", vec_req_query_conds},
    {"req_insert", vec_req_insert},
    {"req_update", vec_req_update},
    {"req_delete", vec_req_delete},
    {"req_replace", vec_req_replace},
    {"req_batch", vec_req_batch},
    {"req_batch_nonatomic", vec_req_batch_nonatomic},
    {"req_raw", vec_req_raw},
    {"req_datasources", vec_req_datasources},
    {"req_ping_client", vec_req_ping_client},
};
#define N_REQ_VECTORS (sizeof req_vectors / sizeof req_vectors[0])

static dbd_result *new_result(void)
{
    dbd_result *r = dbd_result_new();
    assert_non_null(r);
    return r;
}

static void set_cols(dbd_result *r, size_t n, const char *const *names,
                     const dbd_type *types)
{
    assert_int_equal(dbd_result_set_columns(r, n, names, types), 0);
}

static void add_row(dbd_result *r, const dbd_value *values)
{
    assert_int_equal(dbd_result_add_row(r, values), 0);
}

static const char *const rows_names[] = {"id", "k", "d", "b", "dt", "f"};
static const dbd_type rows_types[] = {DBD_TYPE_INT, DBD_TYPE_STRING,
                                      DBD_TYPE_DOUBLE, DBD_TYPE_BLOB,
                                      DBD_TYPE_DATETIME, DBD_TYPE_BOOL};

static void rows_row(size_t i, dbd_value v[6])
{
    static const char *const keys[] = {"k1", "k2", "k3"};
    v[0] = dbd_int((int64_t)i + 1);
    v[1] = str_value(keys[i % 3]);
    v[2] = i == 1 ? dbd_null() : dbd_double(-0.25);
    v[3] = i == 2 ? dbd_null() : dbd_blob(blob3, sizeof blob3);
    v[4] = dbd_datetime(DT_2023 + (int64_t)i);
    v[5] = dbd_bool(i != 1);
}

/* The query result the chunk vectors split up: three rows. */
static dbd_result *vec_rep_rows(void)
{
    dbd_result *r = new_result();
    dbd_value v[6];
    set_cols(r, 6, rows_names, rows_types);
    for (size_t i = 0; i < 3; i++) {
        rows_row(i, v);
        add_row(r, v);
    }
    return r;
}

static dbd_result *vec_rep_empty(void)
{
    static const char *const names[] = {"contact"};
    static const dbd_type types[] = {DBD_TYPE_STRING};
    dbd_result *r = new_result();
    set_cols(r, 1, names, types);
    return r;
}

static dbd_result *vec_rep_insert(void)
{
    dbd_result *r = new_result();
    dbd_result_set_affected(r, 1);
    dbd_result_set_last_id(r, 42);
    return r;
}

static dbd_result *vec_rep_error(void)
{
    dbd_result *r = new_result();
    assert_int_equal(dbd_result_set_status(r, DBD_NOTFOUND,
                                           "no such table: nosuch"), 0);
    return r;
}

static dbd_result *vec_rep_bad_version(void)
{
    dbd_result *r = new_result();
    assert_int_equal(dbd_result_set_status(r, DBD_BAD,
        "unsupported protocol version 2 (server speaks 1..1)"), 0);
    return r;
}

static dbd_result *vec_rep_batch(void)
{
    dbd_result *r = new_result();
    dbd_result *sub = new_result();
    dbd_result_set_affected(sub, 1);
    dbd_result_set_last_id(sub, 5);
    assert_int_equal(dbd_result_add_sub(r, &sub), 0);
    sub = new_result();
    assert_int_equal(dbd_result_set_status(sub, DBD_TIMEOUT,
        "database is locked"), 0);
    assert_int_equal(dbd_result_add_sub(r, &sub), 0);
    assert_int_equal(dbd_result_set_status(r, DBD_TIMEOUT,
        "operation 2 of 3 (update) failed: database is locked; the batch "
        "was rolled back"), 0);
    return r;
}

static dbd_result *vec_rep_batch_nonatomic(void)
{
    static const char *const names[] = {"contact"};
    static const dbd_type types[] = {DBD_TYPE_STRING};
    const dbd_value row = str_value("sip:bob@192.0.2.2");
    dbd_result *r = new_result();
    dbd_result *sub = new_result();
    dbd_result_set_affected(sub, 0);
    assert_int_equal(dbd_result_add_sub(r, &sub), 0);
    sub = new_result();
    set_cols(sub, 1, names, types);
    add_row(sub, &row);
    assert_int_equal(dbd_result_add_sub(r, &sub), 0);
    return r;
}

typedef struct rep_vector {
    const char *name;
    uint64_t id;
    dbd_result *(*build)(void);
} rep_vector;

static const rep_vector rep_vectors[] = {
    {"rep_rows", 3, vec_rep_rows},
    {"rep_empty", 4, vec_rep_empty},
    {"rep_insert", 5, vec_rep_insert},
    {"rep_error", 7, vec_rep_error},
    {"rep_bad_version", 13, vec_rep_bad_version},
    {"rep_batch", 9, vec_rep_batch},
    {"rep_batch_nonatomic", 10, vec_rep_batch_nonatomic},
};
#define N_REP_VECTORS (sizeof rep_vectors / sizeof rep_vectors[0])

/* ======================================================================
 * Vector tests
 * ====================================================================== */

static void test_request_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_REQ_VECTORS; i++) {
        dbd_buf want, got;
        dbd_request *req = req_vectors[i].build(), *dec = NULL;
        char err[ERRLEN];
        uint64_t id = 99;

        print_message("# vector %s\n", req_vectors[i].name);
        load_vector(req_vectors[i].name, &want);
        /* structure -> bytes */
        dbd_buf_init(&got);
        assert_int_equal(dbd_request_encode(req, &got), 0);
        expect_bytes(req_vectors[i].name, got.data, got.len, want.data,
                     want.len);
        /* bytes -> structure */
        dbd_status st = dbd_request_decode(want.data, want.len, &dec, &id, err,
                                           sizeof err);
        if (st != DBD_OK)
            fail_msg("%s: %s", req_vectors[i].name, err);
        assert_int_equal(id, req->id);
        same_request(dec, req);
        /* and the decoded request encodes to the same bytes */
        dbd_buf_reset(&got);
        assert_int_equal(dbd_request_encode(dec, &got), 0);
        expect_bytes(req_vectors[i].name, got.data, got.len, want.data,
                     want.len);
        dbd_request_destroy(&dec);
        dbd_request_destroy(&req);
        dbd_buf_free(&got);
        dbd_buf_free(&want);
    }
}

static void test_reply_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_REP_VECTORS; i++) {
        dbd_buf want, got;
        dbd_result *r = rep_vectors[i].build();
        dbd_result *dec = new_result();
        char err[ERRLEN];
        uint64_t id = 0, peek = 0;
        bool more = true;

        print_message("# vector %s\n", rep_vectors[i].name);
        load_vector(rep_vectors[i].name, &want);
        dbd_buf_init(&got);
        assert_int_equal(dbd_reply_encode(rep_vectors[i].id, r, &got), 0);
        expect_bytes(rep_vectors[i].name, got.data, got.len, want.data,
                     want.len);
        dbd_status st = dbd_reply_decode(want.data, want.len, dec, &id, &more,
                                         err, sizeof err);
        if (st != DBD_OK)
            fail_msg("%s: %s", rep_vectors[i].name, err);
        assert_int_equal(id, rep_vectors[i].id);
        assert_false(more);
        same_result(dec, r);
        assert_true(dbd_reply_peek_id(want.data, want.len, &peek));
        assert_int_equal(peek, rep_vectors[i].id);
        /* decoded, it encodes to the same bytes */
        dbd_buf_reset(&got);
        assert_int_equal(dbd_reply_encode(id, dec, &got), 0);
        expect_bytes(rep_vectors[i].name, got.data, got.len, want.data,
                     want.len);
        dbd_result_destroy(&dec);
        dbd_result_destroy(&r);
        dbd_buf_free(&got);
        dbd_buf_free(&want);
    }
}

/* Collects the messages a reply writer flushes. */
#define MAX_MSGS 64
typedef struct sink {
    dbd_buf msg[MAX_MSGS];
    bool more[MAX_MSGS];
    size_t n;
    size_t fail_at; /* flush number that fails; 0 = never */
} sink;

static int sink_flush(void *ctx, const void *data, size_t len, bool more)
{
    sink *s = ctx;
    if (s->fail_at != 0 && s->n + 1 == s->fail_at)
        return -1;
    assert_true(s->n < MAX_MSGS);
    dbd_buf_init(&s->msg[s->n]);
    assert_int_equal(dbd_buf_append(&s->msg[s->n], data, len), 0);
    s->more[s->n++] = more;
    return 0;
}

static void sink_free(sink *s)
{
    for (size_t i = 0; i < s->n; i++)
        dbd_buf_free(&s->msg[i]);
    s->n = 0;
}

/* Writes rep_rows (3 rows) through a writer with the given chunk size. */
static void write_rows(sink *s, size_t chunk_bytes, size_t nrows,
                       dbd_status final)
{
    dbd_reply_writer *w = dbd_reply_writer_new(3, chunk_bytes, sink_flush, s);
    dbd_value v[6];
    assert_non_null(w);
    assert_int_equal(dbd_reply_writer_columns(w, 6, rows_names, rows_types),
                     0);
    for (size_t i = 0; i < nrows; i++) {
        rows_row(i % 3, v);
        assert_int_equal(dbd_reply_writer_row(w, v), 0);
    }
    assert_int_equal(dbd_reply_writer_rows(w), nrows);
    assert_int_equal(dbd_reply_writer_finish(w, final,
                                             final ? "disk I/O error" : NULL,
                                             -1, 0), 0);
    /* nothing more after finish */
    assert_int_equal(dbd_reply_writer_finish(w, DBD_OK, NULL, -1, 0), -1);
    dbd_reply_writer_destroy(&w);
    assert_null(w);
    dbd_reply_writer_destroy(&w);
}

static void test_chunk_vectors(void **state)
{
    sink s = {.n = 0};
    dbd_buf c1, c2, whole;
    dbd_result *r = new_result(), *want = vec_rep_rows();
    char err[ERRLEN];
    uint64_t id = 0;
    bool more = false;

    (void)state;
    load_vector("rep_chunk1", &c1);
    load_vector("rep_chunk2", &c2);
    load_vector("rep_rows", &whole);
    /* 40 bytes: the first chunk closes after the rows of 30 and 22 bytes */
    write_rows(&s, 40, 3, DBD_OK);
    assert_int_equal(s.n, 2);
    assert_true(s.more[0]);
    assert_false(s.more[1]);
    expect_bytes("rep_chunk1", s.msg[0].data, s.msg[0].len, c1.data, c1.len);
    expect_bytes("rep_chunk2", s.msg[1].data, s.msg[1].len, c2.data, c2.len);
    sink_free(&s);
    /* without chunking the writer produces exactly what encode() does */
    write_rows(&s, 0, 3, DBD_OK);
    assert_int_equal(s.n, 1);
    expect_bytes("rep_rows", s.msg[0].data, s.msg[0].len, whole.data,
                 whole.len);
    sink_free(&s);
    /* the two chunks merge into the whole result */
    assert_int_equal(dbd_reply_decode(c1.data, c1.len, r, &id, &more, err,
                                      sizeof err), DBD_OK);
    assert_int_equal(id, 3);
    assert_true(more);
    assert_int_equal(dbd_result_nrows(r), 2);
    assert_int_equal(dbd_reply_decode(c2.data, c2.len, r, &id, &more, err,
                                      sizeof err), DBD_OK);
    assert_false(more);
    same_result(r, want);
    dbd_result_destroy(&r);
    dbd_result_destroy(&want);
    dbd_buf_free(&c1);
    dbd_buf_free(&c2);
    dbd_buf_free(&whole);
}

/* ======================================================================
 * Value round trips
 * ====================================================================== */

static void roundtrip_value(const dbd_value *v)
{
    dbd_request *req = new_req(DBD_OP_INSERT, "sq", "t", 1), *dec = NULL;
    dbd_result *r = new_result(), *got = new_result();
    static const char *const names[] = {"c"};
    dbd_buf buf;
    char err[ERRLEN];
    uint64_t id;
    bool more;

    /* in a request */
    add_value(req, &req->op, "c", *v);
    dbd_buf_init(&buf);
    assert_int_equal(dbd_request_encode(req, &buf), 0);
    dbd_status st = dbd_request_decode(buf.data, buf.len, &dec, &id, err,
                                       sizeof err);
    if (st != DBD_OK)
        fail_msg("decode: %s", err);
    same_value(&dec->op.values[0].value, v);
    /* in a reply row */
    set_cols(r, 1, names, &v->type);
    add_row(r, v);
    dbd_buf_reset(&buf);
    assert_int_equal(dbd_reply_encode(1, r, &buf), 0);
    st = dbd_reply_decode(buf.data, buf.len, got, &id, &more, err, sizeof err);
    if (st != DBD_OK)
        fail_msg("reply decode: %s", err);
    same_value(dbd_result_value(got, 0, 0), v);
    dbd_buf_free(&buf);
    dbd_request_destroy(&dec);
    dbd_request_destroy(&req);
    dbd_result_destroy(&r);
    dbd_result_destroy(&got);
}

static void test_value_roundtrips(void **state)
{
    static const char nul_str[] = {'a', '\0', 'b'};
    const dbd_value values[] = {
        dbd_null(),
        dbd_int(0), dbd_int(1), dbd_int(-1), dbd_int(127), dbd_int(128),
        dbd_int(-32), dbd_int(-33), dbd_int(255), dbd_int(256),
        dbd_int(65535), dbd_int(65536), dbd_int(INT32_MAX),
        dbd_int(INT32_MIN), dbd_int(UINT32_MAX), dbd_int(INT64_C(1) << 32),
        dbd_int(INT64_MIN), dbd_int(INT64_MAX),
        dbd_double(0.0), dbd_double(-0.0), dbd_double(1e308),
        dbd_double(-5e-324), dbd_double(INFINITY), dbd_double(-INFINITY),
        dbd_double(NAN),
        dbd_string("", 0), dbd_string(nul_str, sizeof nul_str),
        str_value("h\xc3\xa9llo"),
        dbd_blob("", 0), dbd_blob(blob3, sizeof blob3),
        dbd_datetime(0), dbd_datetime(-1), dbd_datetime(DT_2023),
        dbd_datetime(INT64_MIN), dbd_datetime(INT64_MAX),
        dbd_bool(true), dbd_bool(false),
    };
    (void)state;
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        roundtrip_value(&values[i]);
}

static void test_value_big(void **state)
{
    const size_t n = 1u << 20;
    char *big = malloc(n);
    (void)state;
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)(i * 7);
    const dbd_value blob = dbd_blob(big, n), str = dbd_string(big, n);
    roundtrip_value(&blob);
    roundtrip_value(&str);
    free(big);
}

/* The smallest encodings, byte for byte. */
static void test_value_encodings(void **state)
{
    static const struct {
        dbd_value v;
        const char *hex;
    } cases[] = {
        {{.type = DBD_TYPE_NULL}, "c0"},
        {{.type = DBD_TYPE_BOOL, .u.b = true}, "c3"},
        {{.type = DBD_TYPE_BOOL, .u.b = false}, "c2"},
        {{.type = DBD_TYPE_INT, .u.i = 0}, "00"},
        {{.type = DBD_TYPE_INT, .u.i = 127}, "7f"},
        {{.type = DBD_TYPE_INT, .u.i = 128}, "cc80"},
        {{.type = DBD_TYPE_INT, .u.i = 256}, "cd0100"},
        {{.type = DBD_TYPE_INT, .u.i = 65536}, "ce00010000"},
        {{.type = DBD_TYPE_INT, .u.i = INT64_C(4294967296)},
         "cf0000000100000000"},
        {{.type = DBD_TYPE_INT, .u.i = -1}, "ff"},
        {{.type = DBD_TYPE_INT, .u.i = -32}, "e0"},
        {{.type = DBD_TYPE_INT, .u.i = -33}, "d0df"},
        {{.type = DBD_TYPE_INT, .u.i = -129}, "d1ff7f"},
        {{.type = DBD_TYPE_INT, .u.i = INT64_MIN}, "d38000000000000000"},
        {{.type = DBD_TYPE_INT, .u.i = INT64_MAX}, "cf7fffffffffffffff"},
        {{.type = DBD_TYPE_DOUBLE, .u.d = 1.5}, "cb3ff8000000000000"},
        {{.type = DBD_TYPE_STRING, .u.s = {"ab", 2}}, "a26162"},
        {{.type = DBD_TYPE_BLOB, .u.s = {"\0", 1}}, "c40100"},
        {{.type = DBD_TYPE_DATETIME, .u.usec = 1}, "d7010000000000000001"},
        {{.type = DBD_TYPE_DATETIME, .u.usec = -1}, "d701ffffffffffffffff"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dbd_buf got, want;
        msgpack_packer pk;
        const char *h = cases[i].hex;
        dbd_buf_init(&got);
        dbd_buf_init(&want);
        mp_hex(&h, &want);
        dbd_packer_init(&pk, &got);
        assert_int_equal(dbd_pack_value(&pk, &cases[i].v), 0);
        expect_bytes(cases[i].hex, got.data, got.len, want.data, want.len);
        dbd_buf_free(&got);
        dbd_buf_free(&want);
    }
}

/* Decodes the notation of one value the way a request field would. */
static int decode_one(const char *text, dbd_value *v, char *why)
{
    dbd_buf buf;
    msgpack_unpacked u;
    mp(text, &buf);
    msgpack_unpacked_init(&u);
    size_t off = 0;
    assert_int_equal(msgpack_unpack_next(&u, buf.data, buf.len, &off),
                     MSGPACK_UNPACK_SUCCESS);
    int rc = dbd_unpack_value(&u.data, NULL, v, why, ERRLEN);
    msgpack_unpacked_destroy(&u);
    dbd_buf_free(&buf);
    return rc;
}

static void test_value_decode_forms(void **state)
{
    dbd_value v;
    char why[ERRLEN];
    (void)state;

    /* float32 becomes a double */
    assert_int_equal(decode_one("f1.5", &v, why), 0);
    assert_int_equal(v.type, DBD_TYPE_DOUBLE);
    assert_true(v.u.d == 1.5);
    /* the standard timestamp extension, all three sizes */
    assert_int_equal(decode_one("e-1:6553f100", &v, why), 0); /* 32-bit */
    assert_int_equal(v.type, DBD_TYPE_DATETIME);
    assert_int_equal(v.u.usec, INT64_C(1700000000) * 1000000);
    /* 64-bit: nsec 123456789 << 34 | sec 1700000000 */
    assert_int_equal(decode_one("e-1:1d6f34546553f100", &v, why), 0);
    assert_int_equal(v.u.usec, INT64_C(1700000000123456));
    /* 96-bit: nsec 999, sec -1 */
    assert_int_equal(decode_one("e-1:000003e7ffffffffffffffff", &v, why), 0);
    assert_int_equal(v.u.usec, -1000000);
    /* 96-bit, nsec 1500: truncated to 1 µs */
    assert_int_equal(decode_one("e-1:000005dc0000000000000000", &v, why), 0);
    assert_int_equal(v.u.usec, 1);
    /* refusals */
    assert_int_equal(decode_one("e-1:0000", &v, why), -1);
    assert_string_equal(why, "timestamp of 2 bytes (want 4, 8 or 12)");
    assert_int_equal(decode_one("e-1:3b9aca0000000000000000", &v, why), -1);
    assert_int_equal(decode_one("e-1:3b9aca000000000000000000", &v, why), -1);
    assert_string_equal(why, "timestamp nanoseconds 1000000000 out of range");
    assert_int_equal(decode_one("e-1:000000007fffffffffffffff", &v, why), -1);
    assert_string_equal(why, "timestamp 9223372036854775807 s out of range");
    assert_int_equal(decode_one("e1:0001", &v, why), -1);
    assert_string_equal(why, "datetime ext of 2 bytes (want 8)");
    assert_int_equal(decode_one("e7:00", &v, why), -1);
    assert_string_equal(why, "unknown ext type 7");
    assert_int_equal(decode_one("18446744073709551615", &v, why), -1);
    assert_string_equal(why,
        "integer 18446744073709551615 out of range (int64)");
    assert_int_equal(decode_one("9223372036854775808", &v, why), -1);
    assert_int_equal(decode_one("9223372036854775807", &v, why), 0);
    assert_int_equal(v.u.i, INT64_MAX);
    assert_int_equal(decode_one("[1]", &v, why), -1);
    assert_string_equal(why, "expected a value, got array");
}

/* ======================================================================
 * Malformed requests
 * ====================================================================== */

static void test_truncated(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_REQ_VECTORS; i++) {
        dbd_buf msg;
        load_vector(req_vectors[i].name, &msg);
        for (size_t cut = 0; cut < msg.len; cut++) {
            dbd_request *req = (dbd_request *)1;
            uint64_t id = 77;
            char err[ERRLEN] = "";
            /* a copy of exactly cut bytes, so ASan sees any overread */
            char *part = malloc(cut ? cut : 1);
            assert_non_null(part);
            memcpy(part, msg.data, cut);
            dbd_status st = dbd_request_decode(part, cut, &req, &id, err,
                                               sizeof err);
            if (st != DBD_BAD)
                fail_msg("%s cut at %zu: status %s", req_vectors[i].name, cut,
                         dbd_status_name(st));
            assert_null(req);
            assert_int_equal(id, 0);
            assert_true(err[0] != '\0');
            free(part);
        }
        dbd_buf_free(&msg);
    }
}

static void test_truncated_replies(void **state)
{
    static const char *const names[] = {"rep_rows", "rep_batch",
                                        "rep_chunk1", "rep_error"};
    (void)state;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        dbd_buf msg;
        load_vector(names[i], &msg);
        for (size_t cut = 0; cut < msg.len; cut++) {
            dbd_result *r = new_result();
            uint64_t id = 77;
            bool more;
            char err[ERRLEN] = "";
            char *part = malloc(cut ? cut : 1);
            assert_non_null(part);
            memcpy(part, msg.data, cut);
            assert_int_equal(dbd_reply_decode(part, cut, r, &id, &more, err,
                                              sizeof err), DBD_BAD);
            assert_int_equal(dbd_result_status(r), DBD_OK);
            assert_int_equal(dbd_result_nrows(r), 0);
            assert_int_equal(dbd_result_nsubs(r), 0);
            free(part);
            dbd_result_destroy(&r);
        }
        dbd_buf_free(&msg);
    }
}

typedef struct bad_case {
    const char *msg;   /* in the notation of mp() */
    uint64_t id;       /* the id the decoder must report */
    const char *err;   /* the exact message, or a prefix ending in '*' */
} bad_case;

#define Q(rest) "{\"v\":1,\"id\":5,\"op\":\"query\",\"ds\":\"sq\"," rest "}"
#define I(rest) "{\"v\":1,\"id\":5,\"op\":\"insert\",\"ds\":\"sq\"," \
                "\"table\":\"t\"," rest "}"
#define B(rest) "{\"v\":1,\"id\":5,\"op\":\"batch\",\"ds\":\"sq\"," rest "}"

#define CLIENT_RULE "must be 1 to 64 printable ASCII characters"
#define CLIENT_64 "0123456789abcdef0123456789abcdef" \
                  "0123456789abcdef0123456789abcdef"
#define CLIENT_65 CLIENT_64 "x"

static const bad_case bad_cases[] = {
    /* not a request map at all */
    {"[1, 2]", 0, "message is not a map, got array"},
    {"\"ping\"", 0, "message is not a map, got str"},
    {"7", 0, "message is not a map, got int"},
    {"raw:c1", 0, "malformed MessagePack: byte 0xc1 at offset 0"},
    {"raw:82a1760101", 0, "truncated message (5 bytes)"},
    {"raw:83a17601a2696401a26f70a470696e6700", 0,
     "1 trailing bytes after the message"},
    {"{1: 2, \"v\": 1, \"id\": 5, \"op\": \"ping\"}", 5,
     "request: map key of type int (keys are strings)"},
    /* v, id, op */
    {"{}", 0, "id: missing"},
    {"{\"v\":1,\"op\":\"ping\"}", 0, "id: missing"},
    {"{\"v\":1,\"id\":-5,\"op\":\"ping\"}", 0,
     "id: expected an unsigned integer, got int"},
    {"{\"v\":1,\"id\":\"5\",\"op\":\"ping\"}", 0,
     "id: expected an unsigned integer, got str"},
    {"{\"id\":18446744073709551615,\"op\":\"ping\"}", UINT64_MAX,
     "v: missing"},
    {"{\"v\":\"1\",\"id\":5,\"op\":\"ping\"}", 5,
     "v: expected an unsigned integer, got str"},
    {"{\"v\":2,\"id\":5,\"op\":\"ping\"}", 5,
     "unsupported protocol version 2 (server speaks 1..1)"},
    {"{\"v\":0,\"id\":5,\"op\":\"ping\"}", 5,
     "unsupported protocol version 0 (server speaks 1..1)"},
    {"{\"v\":1,\"id\":5}", 5, "op: missing"},
    {"{\"v\":1,\"id\":5,\"op\":7}", 5, "op: expected a string, got int"},
    {"{\"v\":1,\"id\":5,\"op\":\"select\"}", 5, "op: \"select\" unknown"},
    {"{\"v\":1,\"id\":5,\"op\":\"PING\"}", 5, "op: \"PING\" unknown"},
    {"{\"v\":1,\"id\":5,\"op\":\"ping\",\"op\":\"ping\"}", 5,
     "op: duplicate key"},
    /* fields an op does not use, required fields */
    {"{\"v\":1,\"id\":5,\"op\":\"ping\",\"table\":\"t\"}", 5,
     "table: not used by ping"},
    {"{\"v\":1,\"id\":5,\"op\":\"stats\",\"ds\":\"sq\"}", 5,
     "ds: not used by stats"},
    {Q("\"table\":\"t\",\"set\":{\"a\":1}"), 5, "set: not used by query"},
    {"{\"v\":1,\"id\":5,\"op\":\"delete\",\"ds\":\"sq\",\"table\":\"t\","
     "\"limit\":1}", 5, "limit: not used by delete"},
    {"{\"v\":1,\"id\":5,\"op\":\"query\",\"table\":\"t\"}", 5,
     "ds: missing or empty"},
    {Q("\"columns\":[\"a\"]"), 5, "table: missing or empty"},
    {I("\"values\":{}"), 5, "values: missing or empty"},
    {"{\"v\":1,\"id\":5,\"op\":\"update\",\"ds\":\"sq\",\"table\":\"t\","
     "\"values\":{\"a\":1}}", 5, "values: not used by update"},
    {"{\"v\":1,\"id\":5,\"op\":\"update\",\"ds\":\"sq\",\"table\":\"t\"}", 5,
     "set: missing or empty"},
    {"{\"v\":1,\"id\":5,\"op\":\"replace\",\"ds\":\"sq\",\"table\":\"t\","
     "\"values\":{\"a\":1}}", 5, "keys: missing or empty"},
    {"{\"v\":1,\"id\":5,\"op\":\"replace\",\"ds\":\"sq\",\"table\":\"t\","
     "\"values\":{\"a\":1},\"keys\":[\"b\"]}", 5,
     "keys[0]: column \"b\" not in values"},
    {"{\"v\":1,\"id\":5,\"op\":\"raw\",\"ds\":\"sq\"}", 5,
     "sql: missing or empty"},
    {"{\"v\":1,\"id\":5,\"op\":\"swap\",\"ds\":\"sq\"}", 5,
     "url: missing or empty"},
    {"{\"v\":1,\"id\":5,\"op\":\"swap\",\"url\":\"sqlite:///x\"}", 5,
     "ds: missing or empty"},
    {"{\"v\":1,\"id\":5,\"op\":\"swap\",\"ds\":\"sq\",\"url\":7}", 5,
     "url: expected a string, got int"},
    {"{\"v\":1,\"id\":5,\"op\":\"hosts\",\"url\":\"x\"}", 5,
     "url: not used by hosts"},
    {"{\"v\":1,\"id\":5,\"op\":\"raw\",\"ds\":\"sq\",\"sql\":\"\"}", 5,
     "sql: empty"},
    /* types and identifiers */
    {Q("\"table\":7"), 5, "table: expected a string, got int"},
    {Q("\"table\":\"t;drop table x\""), 5,
     "table: bad identifier \"t;drop table x\""},
    {Q("\"table\":\"\""), 5, "table: bad identifier \"\""},
    {Q("\"table\":\"a\\x00b\""), 5, "table: bad identifier \"a\\x00b\""},
    {Q("\"table\":\"t\",\"columns\":[\"a\",\"1b\"]"), 5,
     "columns[1]: bad identifier \"1b\""},
    {Q("\"table\":\"t\",\"columns\":\"a\""), 5,
     "columns: expected an array, got str"},
    {"{\"v\":1,\"id\":5,\"op\":\"ping\",\"ds\":[\"sq\"]}", 5,
     "ds: expected a string, got array"},
    {"{\"v\":1,\"id\":5,\"op\":\"ping\",\"ds\":\"s q\"}", 5,
     "ds: invalid datasource name*"},
    {"{\"v\":1,\"id\":5,\"op\":\"ping\",\"timeout\":-1}", 5,
     "timeout: must not be negative"},
    {"{\"v\":1,\"id\":5,\"op\":\"ping\",\"deadline\":1.5}", 5,
     "deadline: expected an unsigned integer, got float"},
    {Q("\"table\":\"t\",\"limit\":-1"), 5, "limit: must not be negative"},
    {Q("\"table\":\"t\",\"limit\":\"10\""), 5,
     "limit: expected an unsigned integer, got str"},
    {Q("\"table\":\"t\",\"offset\":9223372036854775808"), 5,
     "offset: 9223372036854775808 out of range"},
    {Q("\"table\":\"t\",\"where\":[[\"a\",\"=\",1],[\"b\",\"~\",2]]"), 5,
     "where[1]: operator \"~\" unknown"},
    {Q("\"table\":\"t\",\"where\":[\"a\",\"=\",1]"), 5,
     "where[0]: expected an array [column, operator, value], got str"},
    {Q("\"table\":\"t\",\"where\":[[\"a\"]]"), 5,
     "where[0]: 1 elements (want [column, operator] or [column, operator, "
     "value])"},
    {Q("\"table\":\"t\",\"where\":[[\"a\",\"=\"]]"), 5,
     "where[0]: \"=\" needs a value"},
    {Q("\"table\":\"t\",\"where\":[[\"a\",\"null\",null]]"), 5,
     "where[0]: \"null\" takes no value"},
    {Q("\"table\":\"t\",\"where\":[[\"a\",1,2]]"), 5,
     "where[0]: operator: expected a string, got int"},
    {Q("\"table\":\"t\",\"where\":[[\"a b\",\"=\",2]]"), 5,
     "where[0]: bad identifier \"a b\""},
    {Q("\"table\":\"t\",\"where\":[[\"a\",\"in\",[]]]"), 5,
     "where[0]: \"in\" needs a non-empty array, got an empty one"},
    {Q("\"table\":\"t\",\"where\":[[\"a\",\"in\",1]]"), 5,
     "where[0]: \"in\" needs a non-empty array, got int"},
    {Q("\"table\":\"t\",\"where\":[[\"a\",\"in\",[1,{}]]]"), 5,
     "where[0][1]: expected a value, got map"},
    {Q("\"table\":\"t\",\"where\":[[\"a\",\"&\",\"x\"]]"), 5,
     "where[0]: \"&\" needs an int value, got string"},
    {Q("\"table\":\"t\",\"where\":[[\"a\",\"=\",[1]]]"), 5,
     "where[0]: expected a value, got array"},
    {Q("\"table\":\"t\",\"order\":[[\"a\",\"up\"]]"), 5,
     "order[0]: direction \"up\" unknown (want \"asc\" or \"desc\")"},
    {Q("\"table\":\"t\",\"order\":[\"a\"]"), 5,
     "order[0]: expected an array [column, \"asc\"|\"desc\"], got str"},
    {Q("\"table\":\"t\",\"order\":[[\"a\"]]"), 5,
     "order[0]: 1 elements (want [column, \"asc\"|\"desc\"])"},
    {Q("\"table\":\"t\",\"order\":[[\"a\",true]]"), 5,
     "order[0]: direction: expected a string, got bool"},
    {I("\"values\":[1]"), 5, "values: expected a map, got array"},
    {I("\"values\":{\"k\":{\"a\":1}}"), 5,
     "values.k: expected a value, got map"},
    {I("\"values\":{\"k\":[]}"), 5, "values.k: expected a value, got array"},
    {I("\"values\":{\"i\":18446744073709551615}"), 5,
     "values.i: integer 18446744073709551615 out of range (int64)"},
    {I("\"values\":{\"x\":e5:00}"), 5, "values.x: unknown ext type 5"},
    {I("\"values\":{\"x\":e1:00000000}"), 5,
     "values.x: datetime ext of 4 bytes (want 8)"},
    {I("\"values\":{\"1x\":1}"), 5, "values: bad identifier \"1x\""},
    {I("\"values\":{7:1}"), 5, "values: expected a string, got int"},
    {I("\"values\":{\"a\":1,\"a\":2}"), 5, "values: duplicate column \"a\""},
    {"{\"v\":1,\"id\":5,\"op\":\"raw\",\"ds\":\"sq\",\"sql\":\"x\","
     "\"params\":[1,{}]}", 5, "params[1]: expected a value, got map"},
    {"{\"v\":1,\"id\":5,\"op\":\"raw\",\"ds\":\"sq\",\"sql\":b\"x\"}", 5,
     "sql: expected a string, got bin"},
    /* client: 1 to 64 printable ASCII bytes, top level only */
    {"{\"v\":1,\"id\":5,\"op\":\"ping\",\"client\":\"\"}", 5,
     "client: " CLIENT_RULE},
    {"{\"v\":1,\"id\":5,\"op\":\"ping\",\"client\":\"" CLIENT_65 "\"}", 5,
     "client: " CLIENT_RULE},
    {"{\"v\":1,\"id\":5,\"op\":\"ping\",\"client\":\"a\\x1fb\"}", 5,
     "client: " CLIENT_RULE},
    {"{\"v\":1,\"id\":5,\"op\":\"ping\",\"client\":\"a\\x00b\"}", 5,
     "client: " CLIENT_RULE},
    {"{\"v\":1,\"id\":5,\"op\":\"ping\",\"client\":\"\\x7f\"}", 5,
     "client: " CLIENT_RULE},
    {"{\"v\":1,\"id\":5,\"op\":\"ping\",\"client\":\"caf\\xc3\\xa9\"}", 5,
     "client: " CLIENT_RULE},
    {"{\"v\":1,\"id\":5,\"op\":\"ping\",\"client\":7}", 5,
     "client: expected a string, got int"},
    {"{\"v\":1,\"id\":5,\"op\":\"ping\",\"client\":b\"x\"}", 5,
     "client: expected a string, got bin"},
    {"{\"v\":1,\"id\":5,\"op\":\"ping\",\"client\":\"a\",\"client\":\"a\"}",
     5, "client: duplicate key"},
    {"{\"v\":1,\"id\":5,\"op\":\"migrate\",\"client\":\"\"}", 5,
     "client: " CLIENT_RULE},
    {B("\"ops\":[{\"op\":\"delete\",\"table\":\"t\",\"client\":\"x\"}]"), 5,
     "ops[0].client: not allowed in a batch operation"},
    /* batch */
    {B("\"ops\":[]"), 5, "ops: missing or empty"},
    {B("\"ops\":{}"), 5, "ops: expected an array, got map"},
    {B("\"atomic\":\"yes\",\"ops\":[{\"op\":\"delete\",\"table\":\"t\"}]"), 5,
     "atomic: expected a bool, got str"},
    {B("\"ops\":[7]"), 5, "ops[0]: expected a map, got int"},
    {B("\"ops\":[{\"table\":\"t\"}]"), 5, "ops[0].op: missing"},
    {B("\"ops\":[{\"op\":\"delete\",\"table\":\"t\"},{\"op\":\"batch\","
       "\"ops\":[{\"op\":\"delete\",\"table\":\"t\"}]}]"), 5,
     "ops[1].op: \"batch\" not allowed in a batch"},
    {B("\"ops\":[{\"op\":\"ping\"}]"), 5,
     "ops[0].op: \"ping\" not allowed in a batch"},
    {B("\"ops\":[{\"op\":\"delete\",\"table\":\"t\",\"ds\":\"other\"}]"), 5,
     "ops[0].ds: not allowed in a batch operation"},
    {B("\"ops\":[{\"op\":\"delete\",\"table\":\"t\",\"id\":3}]"), 5,
     "ops[0].id: not allowed in a batch operation"},
    {B("\"ops\":[{\"op\":\"delete\",\"table\":\"t\",\"values\":{}}]"), 5,
     "ops[0].values: not used by delete"},
    {B("\"ops\":[{\"op\":\"insert\",\"table\":\"t\"}]"), 5,
     "ops[0].values: missing or empty"},
    {B("\"ops\":[{\"op\":\"query\",\"table\":\"t\",\"where\":[[\"a\",\"~\",1]]"
       "}]"), 5, "ops[0].where[0]: operator \"~\" unknown"},
    {B("\"ops\":[{\"op\":\"delete\",\"table\":\"t\",1:2}]"), 5,
     "ops[0]: map key of type int (keys are strings)"},
    /* hostile sizes and nesting */
    {"raw:dfffffffff", 0, "truncated message (5 bytes): container at "
     "offset 0 declares 8589934590 elements"},
    {"raw:dbffffffff41", 0, "truncated message (6 bytes)"},
    {"raw:c6ffffffff41", 0, "truncated message (6 bytes)"},
    {"raw:c9ffffffff0141", 0, "truncated message (7 bytes)"},
    {Q("\"table\":\"t\",\"columns\":raw:ddffffffff"), 0,
     "truncated message (44 bytes): container at offset 39 declares "
     "4294967295 elements"},
    {Q("\"table\":\"t\",\"x\":[[[[[[[[1]]]]]]]]"), 0,
     "containers nested deeper than 8"},
};

static void check_bad(const bad_case *c)
{
    dbd_buf msg;
    dbd_request *req = (dbd_request *)1;
    uint64_t id = 77;
    char err[ERRLEN] = "";

    mp(c->msg, &msg);
    dbd_status st = dbd_request_decode(msg.data, msg.len, &req, &id, err,
                                       sizeof err);
    if (st != DBD_BAD)
        fail_msg("%s: got %s (%s), want BAD", c->msg, dbd_status_name(st),
                 err);
    assert_null(req);
    size_t n = strlen(c->err);
    if (n > 0 && c->err[n - 1] == '*') {
        if (strncmp(err, c->err, n - 1) != 0)
            fail_msg("%s\n# got  %s\n# want %s", c->msg, err, c->err);
    } else if (strcmp(err, c->err) != 0) {
        fail_msg("%s\n# got  %s\n# want %s", c->msg, err, c->err);
    }
    if (id != c->id)
        fail_msg("%s: id %" PRIu64 ", want %" PRIu64, c->msg, id, c->id);
    dbd_buf_free(&msg);
}

static void test_bad_requests(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++)
        check_bad(&bad_cases[i]);
}

/* Decodes msg, which must be a valid request; returns it. */
static dbd_request *decode_ok(const char *text)
{
    dbd_buf msg;
    dbd_request *req = NULL;
    uint64_t id;
    char err[ERRLEN];

    mp(text, &msg);
    dbd_status st = dbd_request_decode(msg.data, msg.len, &req, &id, err,
                                       sizeof err);
    if (st != DBD_OK)
        fail_msg("%s: %s", text, err);
    dbd_buf_free(&msg);
    return req;
}

static void test_good_requests(void **state)
{
    dbd_request *req;
    (void)state;

    /* unknown keys are skipped, even nested ones within the depth limit */
    req = decode_ok("{\"future\":{\"a\":[[[[[[1]]]]]]},\"v\":1,\"id\":5,"
                    "\"op\":\"ping\",\"token\":\"x\"}");
    assert_int_equal(req->op.kind, DBD_OP_PING);
    assert_int_equal(req->id, 5);
    assert_null(req->datasource);
    dbd_request_destroy(&req);
    /* the reserved op decodes, whatever else it carries */
    req = decode_ok("{\"v\":1,\"id\":5,\"op\":\"migrate\","
                    "\"url\":\"sqlite:///x\",\"table\":{}}");
    assert_int_equal(req->op.kind, DBD_OP_MIGRATE);
    dbd_request_destroy(&req);
    /* audit takes no keys */
    req = decode_ok("{\"v\":1,\"id\":5,\"op\":\"audit\"}");
    assert_int_equal(req->op.kind, DBD_OP_AUDIT);
    dbd_request_destroy(&req);
    /* swap carries ds, url and an optional mode; reload nothing */
    req = decode_ok("{\"v\":1,\"id\":6,\"op\":\"swap\",\"ds\":\"m\","
                    "\"url\":\"pgsql://h/db sqlite:///x\",\"mode\":\"failover\"}");
    assert_int_equal(req->op.kind, DBD_OP_SWAP);
    assert_string_equal(req->datasource, "m");
    assert_string_equal(req->op.url, "pgsql://h/db sqlite:///x");
    assert_string_equal(req->op.mode, "failover");
    dbd_request_destroy(&req);
    req = decode_ok("{\"v\":1,\"id\":7,\"op\":\"hosts\"}");
    assert_int_equal(req->op.kind, DBD_OP_HOSTS);
    dbd_request_destroy(&req);
    /* defaults: no limit, no offset, atomic batch, no deadline */
    req = decode_ok(Q("\"table\":\"t\""));
    assert_int_equal(req->op.limit, -1);
    assert_int_equal(req->op.offset, 0);
    assert_int_equal(req->deadline_usec, 0);
    assert_int_equal(req->timeout_msec, 0);
    assert_int_equal(req->op.ncolumns, 0);
    dbd_request_destroy(&req);
    req = decode_ok(B("\"ops\":[{\"op\":\"delete\",\"table\":\"t\"}]"));
    assert_true(req->op.atomic);
    assert_int_equal(req->op.nops, 1);
    assert_int_equal(req->op.ops[0].nwhere, 0);
    dbd_request_destroy(&req);
    /* limit 0 is a limit; float32 and timestamp values; in with null */
    req = decode_ok(Q("\"table\":\"t\",\"limit\":0,\"where\":[[\"d\",\"<\","
                      "f2.5],[\"t\",\">\",e-1:00000001],"
                      "[\"k\",\"in\",[null,\"a\"]]]"));
    assert_int_equal(req->op.limit, 0);
    assert_int_equal(req->op.where[0].value.type, DBD_TYPE_DOUBLE);
    assert_int_equal(req->op.where[1].value.type, DBD_TYPE_DATETIME);
    assert_int_equal(req->op.where[1].value.u.usec, 1000000);
    assert_int_equal(req->op.where[2].nlist, 2);
    dbd_request_destroy(&req);
    /* strings are copied: the request outlives the message */
    dbd_buf msg;
    uint64_t id;
    char err[ERRLEN];
    mp(I("\"values\":{\"s\":\"hello\",\"b\":b\"\\x00\\x01\"}"), &msg);
    assert_int_equal(dbd_request_decode(msg.data, msg.len, &req, &id, err,
                                        sizeof err), DBD_OK);
    memset(msg.data, 0, msg.len);
    dbd_buf_free(&msg);
    assert_string_equal(req->datasource, "sq");
    assert_string_equal(req->op.table, "t");
    assert_string_equal(req->op.values[0].column, "s");
    assert_memory_equal(req->op.values[0].value.u.s.ptr, "hello", 6);
    assert_memory_equal(req->op.values[1].value.u.s.ptr, "\0\1", 3);
    dbd_request_destroy(&req);
}

/*
 * The "client" key: decoded for every op (reserved ones too), absent as
 * NULL, round trips through the encoder, and the builder and the
 * validator apply the same rule as the decoder.
 */
static void test_client_key(void **state)
{
    dbd_request *req;
    dbd_buf out;
    char err[ERRLEN];
    (void)state;

    req = decode_ok("{\"v\":1,\"id\":5,\"op\":\"stats\",\"client\":"
                    "\" dbctl ~!\"}");
    assert_string_equal(req->client, " dbctl ~!");
    dbd_request_destroy(&req);
    req = decode_ok("{\"v\":1,\"id\":5,\"op\":\"ping\",\"client\":\""
                    CLIENT_64 "\"}");
    assert_string_equal(req->client, CLIENT_64);
    dbd_request_destroy(&req);
    req = decode_ok("{\"v\":1,\"id\":5,\"op\":\"migrate\",\"client\":\"m\"}");
    assert_string_equal(req->client, "m");
    dbd_request_destroy(&req);
    req = decode_ok(B("\"client\":\"b\",\"ops\":[{\"op\":\"delete\","
                      "\"table\":\"t\"}]"));
    assert_string_equal(req->client, "b");
    dbd_request_destroy(&req);
    req = decode_ok(Q("\"table\":\"t\""));
    assert_null(req->client);
    dbd_request_destroy(&req);

    /* builder -> bytes -> request: the key sits right after "op" */
    req = new_req(DBD_OP_QUERY, "sq", "t", 9);
    assert_int_equal(dbd_request_set_client(req, "dbctl"), 0);
    dbd_buf_init(&out);
    assert_int_equal(dbd_request_encode(req, &out), 0);
    static const char head[] = "\x86\xa1v\x01\xa2id\x09\xa2op\xa5query"
                               "\xa6" "client\xa5" "dbctl\xa2" "ds";
    assert_true(out.len > sizeof head - 1);
    assert_memory_equal(out.data, head, sizeof head - 1);
    dbd_request *back = NULL;
    uint64_t id = 0;
    assert_int_equal(dbd_request_decode(out.data, out.len, &back, &id, err,
                                        sizeof err), DBD_OK);
    same_request(back, req);
    dbd_request_destroy(&back);
    dbd_buf_free(&out);

    /* the builder refuses what the decoder refuses and keeps the old name */
    static const char *const bad[] = {"", CLIENT_65, "a\tb", "\x7f",
                                      "caf\xc3\xa9"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(dbd_request_set_client(req, bad[i]), -1);
        assert_string_equal(req->client, "dbctl");
    }
    assert_int_equal(dbd_request_set_client(req, CLIENT_64), 0);
    assert_string_equal(req->client, CLIENT_64);
    assert_int_equal(dbd_request_set_client(req, NULL), 0);
    assert_null(req->client);
    assert_int_equal(dbd_request_set_client(NULL, "x"), -1);

    /* a name put in by hand is checked by the validator */
    req->client = "a\nb";
    assert_int_equal(dbd_request_validate(req, err, sizeof err), DBD_BAD);
    assert_string_equal(err, "client: " CLIENT_RULE);
    req->client = "ok";
    assert_int_equal(dbd_request_validate(req, err, sizeof err), DBD_OK);
    dbd_request_destroy(&req);
}

/* Nesting exactly at the limit passes; one more level is refused. */
static void test_depth_limit(void **state)
{
    (void)state;
    for (int extra = 0; extra <= 1; extra++) {
        dbd_buf msg;
        msgpack_packer pk;
        dbd_request *req = NULL;
        uint64_t id;
        char err[ERRLEN];
        dbd_buf_init(&msg);
        dbd_packer_init(&pk, &msg);
        /* top map (1) + nested arrays under an unknown key */
        assert_int_equal(msgpack_pack_map(&pk, 4), 0);
        assert_int_equal(dbd_pack_cstr(&pk, "v"), 0);
        assert_int_equal(msgpack_pack_uint8(&pk, 1), 0);
        assert_int_equal(dbd_pack_cstr(&pk, "id"), 0);
        assert_int_equal(msgpack_pack_uint8(&pk, 1), 0);
        assert_int_equal(dbd_pack_cstr(&pk, "op"), 0);
        assert_int_equal(dbd_pack_cstr(&pk, "ping"), 0);
        assert_int_equal(dbd_pack_cstr(&pk, "x"), 0);
        for (int i = 0; i < DBD_CODEC_MAX_DEPTH - 1 + extra; i++)
            assert_int_equal(msgpack_pack_array(&pk, 1), 0);
        assert_int_equal(msgpack_pack_nil(&pk), 0);
        dbd_status st = dbd_request_decode(msg.data, msg.len, &req, &id, err,
                                           sizeof err);
        assert_int_equal(st, extra ? DBD_BAD : DBD_OK);
        dbd_request_destroy(&req);
        dbd_buf_free(&msg);
    }
    /* thousands of levels: refused without recursion */
    dbd_buf msg;
    dbd_request *req = NULL;
    uint64_t id;
    char err[ERRLEN];
    dbd_buf_init(&msg);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(dbd_buf_append(&msg, "\x91", 1), 0);
    assert_int_equal(dbd_buf_append(&msg, "\xc0", 1), 0);
    assert_int_equal(dbd_request_decode(msg.data, msg.len, &req, &id, err,
                                        sizeof err), DBD_BAD);
    assert_string_equal(err, "containers nested deeper than 8");
    dbd_buf_free(&msg);
}

/* Lists longer than DBD_CODEC_MAX_ITEMS are refused by count. */
static void test_count_limit(void **state)
{
    dbd_buf msg;
    msgpack_packer pk;
    dbd_request *req = NULL;
    uint64_t id;
    char err[ERRLEN];
    (void)state;

    for (int extra = 0; extra <= 1; extra++) {
        const size_t n = DBD_CODEC_MAX_ITEMS + (size_t)extra;
        dbd_buf_init(&msg);
        dbd_packer_init(&pk, &msg);
        assert_int_equal(msgpack_pack_map(&pk, 6), 0);
        assert_int_equal(dbd_pack_cstr(&pk, "v"), 0);
        assert_int_equal(msgpack_pack_uint8(&pk, 1), 0);
        assert_int_equal(dbd_pack_cstr(&pk, "id"), 0);
        assert_int_equal(msgpack_pack_uint8(&pk, 9), 0);
        assert_int_equal(dbd_pack_cstr(&pk, "op"), 0);
        assert_int_equal(dbd_pack_cstr(&pk, "raw"), 0);
        assert_int_equal(dbd_pack_cstr(&pk, "ds"), 0);
        assert_int_equal(dbd_pack_cstr(&pk, "sq"), 0);
        assert_int_equal(dbd_pack_cstr(&pk, "sql"), 0);
        assert_int_equal(dbd_pack_cstr(&pk, "SELECT 1"), 0);
        assert_int_equal(dbd_pack_cstr(&pk, "params"), 0);
        assert_int_equal(msgpack_pack_array(&pk, n), 0);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(msgpack_pack_nil(&pk), 0);
        dbd_status st = dbd_request_decode(msg.data, msg.len, &req, &id, err,
                                           sizeof err);
        if (extra) {
            assert_int_equal(st, DBD_BAD);
            assert_string_equal(err, "params: 65537 elements (at most 65536)");
            assert_int_equal(id, 9);
        } else {
            assert_int_equal(st, DBD_OK);
            assert_int_equal(req->op.nparams, n);
        }
        dbd_request_destroy(&req);
        dbd_buf_free(&msg);
    }
}

static void test_encode_refuses(void **state)
{
    dbd_buf buf;
    dbd_request *req = new_req(DBD_OP_INSERT, "sq", "t", 1);
    (void)state;
    add_value(req, &req->op, "a", dbd_int(1));
    req->op.values[0].value.type = DBD_TYPE_COUNT; /* corrupt */
    dbd_buf_init(&buf);
    assert_int_equal(dbd_buf_append(&buf, "xy", 2), 0);
    assert_int_equal(dbd_request_encode(req, &buf), -1);
    assert_int_equal(buf.len, 2); /* left as it was */
    dbd_buf_free(&buf);
    dbd_request_destroy(&req);
}

/* ======================================================================
 * Replies: malformed input, writer behaviour, peek
 * ====================================================================== */

typedef struct bad_reply {
    const char *msg;
    const char *err;
} bad_reply;

static const bad_reply bad_replies[] = {
    {"[1]", "message is not a map, got array"},
    {"{\"v\":1,\"st\":0}", "id: missing"},
    {"{\"v\":1,\"id\":-1,\"st\":0}", "id: expected an unsigned integer, got int"},
    {"{\"v\":1,\"id\":1}", "st: missing"},
    {"{\"v\":1,\"id\":1,\"st\":11}", "st: expected a status code"},
    {"{\"v\":1,\"id\":1,\"st\":\"OK\"}", "st: expected a status code"},
    {"{\"v\":1,\"id\":1,\"st\":1,\"msg\":7}", "msg: expected a string, got int"},
    {"{\"v\":\"x\",\"id\":1,\"st\":0}", "v: expected an unsigned integer, got str"},
    {"{\"v\":1,\"id\":1,\"st\":0,\"more\":1}", "more: expected a bool, got int"},
    {"{\"v\":1,\"id\":1,\"st\":4,\"more\":true}",
     "more: a chunk must have st 0 and no results"},
    {"{\"v\":1,\"id\":1,\"st\":0,\"cols\":[[\"a\",9]]}",
     "cols[0]: type code 9 unknown"},
    {"{\"v\":1,\"id\":1,\"st\":0,\"cols\":[\"a\"]}",
     "cols[0]: expected [name, typecode]"},
    {"{\"v\":1,\"id\":1,\"st\":0,\"rows\":[[1]]}", "rows: rows without cols"},
    {"{\"v\":1,\"id\":1,\"st\":0,\"cols\":[[\"a\",1]],\"rows\":[[1,2]]}",
     "rows[0]: expected an array of 1 values"},
    {"{\"v\":1,\"id\":1,\"st\":0,\"cols\":[[\"a\",1]],\"rows\":[[{}]]}",
     "rows[0][0]: expected a value, got map"},
    {"{\"v\":1,\"id\":1,\"st\":0,\"cols\":[[\"a\",1]],"
     "\"rows\":[[18446744073709551615]]}",
     "rows[0][0]: integer 18446744073709551615 out of range (int64)"},
    {"{\"v\":1,\"id\":1,\"st\":0,\"affected\":\"1\"}",
     "affected: expected an int64, got str"},
    {"{\"v\":1,\"id\":1,\"st\":0,\"results\":{}}",
     "results: expected an array, got map"},
    {"{\"v\":1,\"id\":1,\"st\":0,\"results\":[1]}",
     "results[0]: expected a map, got int"},
    {"{\"v\":1,\"id\":1,\"st\":0,\"results\":[{\"affected\":1}]}",
     "results[0].st: missing"},
    {"{\"v\":1,\"id\":1,\"st\":0,\"results\":[{\"st\":0},"
     "{\"st\":0,\"cols\":[[\"a\",1]],\"rows\":[[]]}]}",
     "results[1].rows[0]: expected an array of 1 values"},
};

static void test_bad_replies(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_replies / sizeof bad_replies[0]; i++) {
        dbd_buf msg;
        dbd_result *r = new_result();
        uint64_t id = 0;
        bool more = true;
        char err[ERRLEN] = "";
        mp(bad_replies[i].msg, &msg);
        dbd_status st = dbd_reply_decode(msg.data, msg.len, r, &id, &more, err,
                                         sizeof err);
        if (st != DBD_BAD || strcmp(err, bad_replies[i].err) != 0)
            fail_msg("%s\n# got  %s %s\n# want BAD %s", bad_replies[i].msg,
                     dbd_status_name(st), err, bad_replies[i].err);
        assert_int_equal(dbd_result_status(r), DBD_OK);
        assert_int_equal(dbd_result_nsubs(r), 0);
        assert_int_equal(dbd_result_ncols(r), 0);
        dbd_result_destroy(&r);
        dbd_buf_free(&msg);
    }
}

static void decode_into(const char *text, dbd_result *r, dbd_status want)
{
    dbd_buf msg;
    uint64_t id;
    bool more;
    char err[ERRLEN] = "";
    mp(text, &msg);
    dbd_status st = dbd_reply_decode(msg.data, msg.len, r, &id, &more, err,
                                     sizeof err);
    if (st != want)
        fail_msg("%s: got %s (%s)", text, dbd_status_name(st), err);
    dbd_buf_free(&msg);
}

static void test_reply_merge_rules(void **state)
{
    dbd_result *r = new_result();
    (void)state;

    /* cols only in the first message of a result */
    decode_into("{\"v\":1,\"id\":1,\"st\":0,\"cols\":[[\"a\",1]],"
                "\"rows\":[[1]],\"more\":true}", r, DBD_OK);
    decode_into("{\"v\":1,\"id\":1,\"st\":0,\"cols\":[[\"a\",1]],"
                "\"rows\":[[2]]}", r, DBD_BAD);
    assert_int_equal(dbd_result_nrows(r), 1);
    /* a later chunk's rows need no cols; unknown reply keys are skipped */
    decode_into("{\"v\":1,\"id\":1,\"st\":0,\"rows\":[[2]],\"more\":true,"
                "\"later\":[1]}", r, DBD_OK);
    assert_int_equal(dbd_result_nrows(r), 2);
    /* the final message carries the error: rows dropped, columns kept */
    decode_into("{\"v\":1,\"id\":1,\"st\":10,\"msg\":\"disk I/O error\"}", r,
                DBD_OK);
    assert_int_equal(dbd_result_status(r), DBD_INTERNAL);
    assert_string_equal(dbd_result_message(r), "disk I/O error");
    assert_int_equal(dbd_result_nrows(r), 0);
    assert_int_equal(dbd_result_ncols(r), 1);
    dbd_result_destroy(&r);
    /* a status without msg gets the default text */
    r = new_result();
    decode_into("{\"v\":1,\"id\":1,\"st\":9}", r, DBD_OK);
    assert_int_equal(dbd_result_status(r), DBD_BUSY);
    assert_string_equal(dbd_result_message(r), dbd_status_text(DBD_BUSY));
    assert_int_equal(dbd_result_affected(r), -1);
    dbd_result_destroy(&r);
}

static void test_writer_chunking(void **state)
{
    sink s = {.n = 0};
    dbd_result *r = new_result();
    char err[ERRLEN];
    uint64_t id = 0;
    bool more = false;
    const size_t nrows = 50;
    (void)state;

    /* small chunks: many messages, all but the last "more" */
    write_rows(&s, 16, nrows, DBD_OK);
    assert_true(s.n > 10);
    for (size_t i = 0; i < s.n; i++) {
        assert_int_equal(s.more[i], i + 1 < s.n);
        uint64_t peek = 0;
        assert_true(dbd_reply_peek_id(s.msg[i].data, s.msg[i].len, &peek));
        assert_int_equal(peek, 3);
        assert_int_equal(dbd_reply_decode(s.msg[i].data, s.msg[i].len, r, &id,
                                          &more, err, sizeof err), DBD_OK);
        assert_int_equal(more, s.more[i]);
    }
    assert_int_equal(dbd_result_status(r), DBD_OK);
    assert_int_equal(dbd_result_nrows(r), nrows);
    assert_int_equal(dbd_result_ncols(r), 6);
    for (size_t i = 0; i < nrows; i++) {
        dbd_value v[6];
        rows_row(i % 3, v);
        for (size_t c = 0; c < 6; c++)
            same_value(dbd_result_value(r, i, c), &v[c]);
    }
    dbd_result_destroy(&r);
    sink_free(&s);

    /* an error after chunks: the final message has no rows, and the
     * decoder drops the rows of the earlier chunks */
    r = new_result();
    write_rows(&s, 16, nrows, DBD_INTERNAL);
    assert_true(s.n > 2);
    for (size_t i = 0; i < s.n; i++)
        assert_int_equal(dbd_reply_decode(s.msg[i].data, s.msg[i].len, r, &id,
                                          &more, err, sizeof err), DBD_OK);
    assert_int_equal(dbd_result_status(r), DBD_INTERNAL);
    assert_string_equal(dbd_result_message(r), "disk I/O error");
    assert_int_equal(dbd_result_nrows(r), 0);
    dbd_result_destroy(&r);
    sink_free(&s);

    /* an error before any chunk: one message, no rows */
    write_rows(&s, 0, 5, DBD_TIMEOUT);
    assert_int_equal(s.n, 1);
    r = new_result();
    assert_int_equal(dbd_reply_decode(s.msg[0].data, s.msg[0].len, r, &id,
                                      &more, err, sizeof err), DBD_OK);
    assert_int_equal(dbd_result_status(r), DBD_TIMEOUT);
    assert_int_equal(dbd_result_ncols(r), 0);
    dbd_result_destroy(&r);
    sink_free(&s);
}

static void test_writer_misuse(void **state)
{
    sink s = {.n = 0, .fail_at = 2};
    dbd_value v[6];
    (void)state;

    assert_null(dbd_reply_writer_new(1, 0, NULL, NULL));
    /* rows before columns, columns twice */
    dbd_reply_writer *w = dbd_reply_writer_new(1, 16, sink_flush, &s);
    assert_non_null(w);
    rows_row(0, v);
    assert_int_equal(dbd_reply_writer_row(w, v), -1);
    assert_int_equal(dbd_reply_writer_columns(w, 6, rows_names, rows_types),
                     0);
    assert_int_equal(dbd_reply_writer_columns(w, 6, rows_names, rows_types),
                     -1);
    /* the second flush fails (client gone): the writer stops */
    int rc = 0;
    for (int i = 0; i < 10 && rc == 0; i++)
        rc = dbd_reply_writer_row(w, v);
    assert_int_equal(rc, -1);
    assert_int_equal(s.n, 1);
    assert_int_equal(dbd_reply_writer_row(w, v), -1);
    assert_int_equal(dbd_reply_writer_finish(w, DBD_OK, NULL, -1, 0), -1);
    dbd_reply_writer_destroy(&w);
    sink_free(&s);

    /* a batch through the writer equals encode() of the same result */
    dbd_result *want = vec_rep_batch();
    dbd_buf enc;
    s.fail_at = 0;
    w = dbd_reply_writer_new(9, 16, sink_flush, &s);
    assert_non_null(w);
    for (size_t i = 0; i < dbd_result_nsubs(want); i++)
        assert_int_equal(dbd_reply_writer_sub(w, dbd_result_sub(want, i)), 0);
    assert_int_equal(dbd_reply_writer_finish(w, dbd_result_status(want),
        dbd_result_message(want), -1, 0), 0);
    dbd_reply_writer_destroy(&w);
    dbd_buf_init(&enc);
    assert_int_equal(dbd_reply_encode(9, want, &enc), 0);
    assert_int_equal(s.n, 1);
    expect_bytes("batch via writer", s.msg[0].data, s.msg[0].len, enc.data,
                 enc.len);
    dbd_buf_free(&enc);
    dbd_result_destroy(&want);
    sink_free(&s);

    /* counters in the final message */
    w = dbd_reply_writer_new(5, 0, sink_flush, &s);
    assert_non_null(w);
    assert_int_equal(dbd_reply_writer_finish(w, DBD_OK, NULL, 1, 42), 0);
    dbd_reply_writer_destroy(&w);
    dbd_buf vec;
    load_vector("rep_insert", &vec);
    expect_bytes("rep_insert via writer", s.msg[0].data, s.msg[0].len,
                 vec.data, vec.len);
    dbd_buf_free(&vec);
    sink_free(&s);
}

static void test_peek_id(void **state)
{
    static const struct {
        const char *msg;
        bool ok;
        uint64_t id;
    } cases[] = {
        {"{\"id\":0}", true, 0},
        {"{\"v\":1,\"id\":127}", true, 127},
        {"{\"rows\":[[1,2],[3]],\"cols\":{\"x\":b\"y\"},\"id\":65536}", true,
         65536},
        {"{\"v\":1,\"id\":18446744073709551615}", true, UINT64_MAX},
        {"{\"v\":1,\"id\":-1}", false, 0},
        {"{\"v\":1,\"id\":\"1\"}", false, 0},
        {"{\"v\":1}", false, 0},
        {"[\"id\",1]", false, 0},
        /* peek reads no further than the id */
        {"raw:82a2696401", true, 1},       /* map of 2, only one pair */
        {"raw:81a269", false, 0},          /* key cut short */
        {"raw:81a26964", false, 0},        /* value missing */
        {"raw:81a26964cd00", false, 0},    /* value cut short */
        {"raw:82c1c0a2696401", false, 0},  /* invalid byte before */
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dbd_buf msg;
        uint64_t id = 0;
        mp(cases[i].msg, &msg);
        /* exact-size copy so that ASan catches an overread */
        char *copy = malloc(msg.len);
        assert_non_null(copy);
        memcpy(copy, msg.data, msg.len);
        bool ok = dbd_reply_peek_id(copy, msg.len, &id);
        if (ok != cases[i].ok)
            fail_msg("%s: got %d, want %d", cases[i].msg, ok, cases[i].ok);
        if (ok)
            assert_int_equal(id, cases[i].id);
        free(copy);
        dbd_buf_free(&msg);
    }
    uint64_t id;
    assert_false(dbd_reply_peek_id(NULL, 0, &id));
    assert_false(dbd_reply_peek_id("", 0, &id));
}

static void test_buf(void **state)
{
    dbd_buf b;
    (void)state;
    dbd_buf_init(&b);
    assert_null(b.data);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(dbd_buf_append(&b, "0123456789", 10), 0);
    assert_int_equal(b.len, 10000);
    assert_true(b.cap >= b.len);
    assert_memory_equal(b.data + 9990, "0123456789", 10);
    dbd_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_non_null(b.data);
    assert_int_equal(dbd_buf_append(&b, NULL, 0), 0);
    dbd_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.cap, 0);
    dbd_buf_free(&b);
    dbd_buf_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_request_vectors),
        cmocka_unit_test(test_reply_vectors),
        cmocka_unit_test(test_chunk_vectors),
        cmocka_unit_test(test_value_encodings),
        cmocka_unit_test(test_value_roundtrips),
        cmocka_unit_test(test_value_big),
        cmocka_unit_test(test_value_decode_forms),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_truncated_replies),
        cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_good_requests),
        cmocka_unit_test(test_client_key),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_count_limit),
        cmocka_unit_test(test_encode_refuses),
        cmocka_unit_test(test_bad_replies),
        cmocka_unit_test(test_reply_merge_rules),
        cmocka_unit_test(test_writer_chunking),
        cmocka_unit_test(test_writer_misuse),
        cmocka_unit_test(test_peek_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
