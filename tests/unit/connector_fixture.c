/*
 * connector_fixture.c - the fixture the connector unit tests share: the
 * collecting sink, running through the connector under test, request
 * builders, result readers and scratch directories (see the header).
 */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "connector_fixture.h"
#include "url.h"

int fx_teardown(void **state)
{
    fx *f = *state;
    if (f == NULL)
        return 0;
    if (f->conn != NULL)
        C->close(f->conn);
    dbd_result_destroy(&f->res);
    remove_tree(f->dir);
    free(f);
    return 0;
}

void fx_expect_status(const fx *f, dbd_status got, dbd_status want,
                      int line)
{
    if (got == want)
        return;
    if (f->url[0] != '\0')
        fail_msg("line %d (%s): got %s (%s), want %s", line, f->url,
                 dbd_status_name(got), f->info.msg, dbd_status_name(want));
    fail_msg("line %d: got %s (%s), want %s", line, dbd_status_name(got),
             f->info.msg, dbd_status_name(want));
}

/* ---- the sink: rows into a dbd_result ---- */

static int sink_columns(void *ctx, size_t n, const char *const *names,
                        const dbd_type *types)
{
    fx *f = ctx;
    f->columns_calls++;
    return dbd_result_set_columns(f->res, n, names, types) == 0 ? 0 : -1;
}

static int sink_row(void *ctx, const dbd_value *values)
{
    fx *f = ctx;
    if (f->stop_after > 0 && f->rows_seen >= f->stop_after)
        return 1;
    f->rows_seen++;
    if (f->on_row != NULL && f->on_row(f, values) != 0)
        return -1;
    if (f->count_only) {
        if (f->rows_seen == 1)
            f->first = values[0];
        f->last = values[0];
        return 0;
    }
    return dbd_result_add_row(f->res, values) == 0 ? 0 : -1;
}

dbd_sink fx_sink(fx *f)
{
    dbd_sink sink = {f, sink_columns, sink_row};
    return sink;
}

void fresh_result(fx *f)
{
    dbd_result_destroy(&f->res);
    f->res = dbd_result_new();
    assert_non_null(f->res);
    f->rows_seen = 0;
    f->columns_calls = 0;
    memset(&f->info, 0, sizeof f->info);
}

/* ---- running ---- */

dbd_status run_op_on(fx *f, void *conn, const dbd_op *op)
{
    dbd_sink sink = fx_sink(f);
    fresh_result(f);
    return C->exec(conn, op, &sink, &f->info);
}

dbd_status run_op(fx *f, const dbd_op *op)
{
    return run_op_on(f, f->conn, op);
}

dbd_status run_req_on(fx *f, void *conn, dbd_request **preq)
{
    char err[256];
    assert_non_null(*preq);
    if (dbd_request_validate(*preq, err, sizeof err) != DBD_OK)
        fail_msg("request does not validate: %s", err);
    dbd_status st = run_op_on(f, conn, &(*preq)->op);
    dbd_request_destroy(preq);
    return st;
}

dbd_status run_req(fx *f, dbd_request **preq)
{
    return run_req_on(f, f->conn, preq);
}

dbd_status run_raw_on(fx *f, void *conn, const char *sql,
                      const dbd_value *params, size_t n)
{
    dbd_sink sink = fx_sink(f);
    fresh_result(f);
    return C->raw(conn, sql, strlen(sql), params, n, &sink, &f->info);
}

dbd_status run_raw(fx *f, const char *sql, const dbd_value *params,
                   size_t n)
{
    return run_raw_on(f, f->conn, sql, params, n);
}

dbd_status open_url(const char *url, const dbd_option *opts, size_t nopts,
                    void **conn, char *err, size_t errlen)
{
    dbd_url *u = dbd_url_parse(url, err, errlen);
    if (u == NULL)
        fail_msg("bad URL %s: %s", url, err);
    dbd_option all[16];
    size_t n = 0;
    for (size_t i = 0; i < nopts && n < N(all); i++)
        all[n++] = opts[i];
    for (size_t i = 0; i < u->nparams && n < N(all); i++)
        all[n++] = u->params[i];
    dbd_status st = C->open(NULL, u, all, n, conn, err, errlen);
    dbd_url_destroy(&u);
    return st;
}

/* ---- requests ---- */

dbd_request *req(dbd_op_kind kind, const char *table)
{
    dbd_request *r = dbd_request_new(kind, "test", table);
    assert_non_null(r);
    return r;
}

void add_value(dbd_request *r, const char *col, dbd_value v)
{
    assert_int_equal(dbd_op_add_value(r, &r->op, col, &v), 0);
}

void add_where(dbd_request *r, const char *col, dbd_cmp cmp, dbd_value v)
{
    assert_int_equal(dbd_op_add_where(r, &r->op, col, cmp, &v), 0);
}

void add_column(dbd_request *r, const char *col)
{
    assert_int_equal(dbd_op_add_column(r, &r->op, col), 0);
}

void add_order(dbd_request *r, const char *col, bool desc)
{
    assert_int_equal(dbd_op_add_order(r, &r->op, col, desc), 0);
}

dbd_value str(const char *s)
{
    return dbd_string(s, strlen(s));
}

int64_t insert_kgi_into(fx *f, const char *table, const char *k,
                        dbd_value grp, dbd_value i)
{
    dbd_request *r = req(DBD_OP_INSERT, table);
    add_value(r, "k", str(k));
    add_value(r, "grp", grp);
    add_value(r, "i", i);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    return f->info.last_id;
}

/* ---- reading results ---- */

const char *column_list(const fx *f, size_t col, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t row = 0; row < dbd_result_nrows(f->res); row++) {
        const dbd_value *v = dbd_result_value(f->res, row, col);
        assert_non_null(v);
        const char *sep = row > 0 ? "," : "";
        int n;
        if (v->type == DBD_TYPE_STRING)
            n = snprintf(buf + used, len - used, "%s%.*s", sep,
                         (int)v->u.s.len, v->u.s.ptr);
        else if (v->type == DBD_TYPE_INT)
            n = snprintf(buf + used, len - used, "%s%lld", sep,
                         (long long)v->u.i);
        else if (v->type == DBD_TYPE_NULL)
            n = snprintf(buf + used, len - used, "%s-", sep);
        else
            n = snprintf(buf + used, len - used, "%s?", sep);
        /* an empty first string writes nothing, and that is fine */
        assert_true(n >= 0 && (size_t)n < len - used);
        used += (size_t)n;
    }
    return buf;
}

const char *keys_matching(fx *f, const char *table, const char *order_by,
                          const char *col, dbd_cmp cmp, const dbd_value *v,
                          size_t nv, char *buf, size_t len)
{
    dbd_request *r = req(DBD_OP_QUERY, table);
    add_column(r, "k");
    if (cmp == DBD_CMP_IN)
        assert_int_equal(dbd_op_add_where_in(r, &r->op, col, v, nv), 0);
    else
        assert_int_equal(dbd_op_add_where(r, &r->op, col, cmp, v), 0);
    add_order(r, order_by, false);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    for (size_t row = 0; row < dbd_result_nrows(f->res); row++) {
        const dbd_value *k = dbd_result_value(f->res, row, 0);
        assert_non_null(k);
        assert_int_equal(k->type, DBD_TYPE_STRING);
    }
    return column_list(f, 0, buf, len);
}

void expect_cell(const dbd_value *got, const dbd_value *want)
{
    assert_non_null(got);
    if (dbd_value_equal(got, want))
        return;
    if (got->type == DBD_TYPE_DOUBLE && want->type == DBD_TYPE_DOUBLE)
        fail_msg("value differs: got %.17g, want %.17g", got->u.d,
                 want->u.d);
    if (got->type == DBD_TYPE_INT && want->type == DBD_TYPE_INT)
        fail_msg("value differs: got %lld, want %lld", (long long)got->u.i,
                 (long long)want->u.i);
    if (got->type == DBD_TYPE_DATETIME && want->type == DBD_TYPE_DATETIME)
        fail_msg("value differs: got %lld us, want %lld us",
                 (long long)got->u.usec, (long long)want->u.usec);
    if (got->type == DBD_TYPE_STRING && want->type == DBD_TYPE_STRING)
        fail_msg("value differs: got \"%.*s\" (%zu bytes), want "
                 "\"%.*s\" (%zu bytes)",
                 (int)(got->u.s.len > 60 ? 60 : got->u.s.len), got->u.s.ptr,
                 got->u.s.len,
                 (int)(want->u.s.len > 60 ? 60 : want->u.s.len),
                 want->u.s.ptr, want->u.s.len);
    fail_msg("value differs: got type %s, want %s", dbd_type_name(got->type),
             dbd_type_name(want->type));
}

const dbd_value *raw_scalar(fx *f, void *conn, const char *sql)
{
    EXPECT_ST(f, run_raw_on(f, conn, sql, NULL, 0), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    const dbd_value *v = dbd_result_value(f->res, 0, 0);
    assert_non_null(v);
    return v;
}

int64_t raw_int(fx *f, void *conn, const char *sql)
{
    int64_t n = 0;
    (void)raw_scalar(f, conn, sql);
    assert_int_equal(dbd_result_get_int64(f->res, 0, 0, &n), 0);
    return n;
}

/* ---- files ---- */

int make_temp_dir(char *dir, size_t len, const char *name)
{
    const char *tmp = getenv("TMPDIR");
    int n = snprintf(dir, len, "%s/%s-XXXXXX",
                     tmp != NULL && tmp[0] != '\0' ? tmp : P_tmpdir, name);
    if (n < 0 || (size_t)n >= len || mkdtemp(dir) == NULL)
        return -1;
    return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag,
                        struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void remove_tree(const char *dir)
{
    if (dir[0] != '\0')
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
}
