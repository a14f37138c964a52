/*
 * connector_collect.c - the copying sink, dbd_op helpers, directory
 * opening and checks shared by the bdb and text connector tests (see the
 * header).
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

#include "connector_collect.h"

/* ---- the sink ---- */

void collected_clear(collected *c)
{
    for (size_t i = 0; i < c->nrows * c->ncols; i++)
        if (c->vals[i].type == DBD_TYPE_STRING ||
            c->vals[i].type == DBD_TYPE_BLOB)
            free((void *)c->vals[i].u.s.ptr);
    for (size_t i = 0; i < c->ncols; i++)
        free(c->names[i]);
    free(c->names);
    free(c->types);
    free(c->vals);
    size_t stop = c->stop_at_row;
    memset(c, 0, sizeof *c);
    c->stop_at_row = stop;
}

static int sink_columns(void *ctx, size_t n, const char *const *names,
                        const dbd_type *types)
{
    collected *c = ctx;
    c->columns_calls++;
    c->ncols = n;
    c->names = calloc(n + 1, sizeof *c->names);
    c->types = calloc(n + 1, sizeof *c->types);
    if (c->names == NULL || c->types == NULL)
        return 1;
    for (size_t i = 0; i < n; i++) {
        c->names[i] = strdup(names[i]);
        c->types[i] = types[i];
    }
    return 0;
}

static int sink_row(void *ctx, const dbd_value *values)
{
    collected *c = ctx;
    if (c->stop_at_row > 0 && c->nrows + 1 >= c->stop_at_row)
        return 1;
    if (c->nrows == c->caprows) {
        /* geometric growth: the sanitizer's realloc always copies */
        size_t cap = c->caprows > 0 ? c->caprows * 2 : 16;
        dbd_value *grown = realloc(c->vals, cap * (c->ncols + 1) *
                                                sizeof *grown);
        if (grown == NULL)
            return 1;
        c->vals = grown;
        c->caprows = cap;
    }
    for (size_t i = 0; i < c->ncols; i++) {
        dbd_value v = values[i];
        if (v.type == DBD_TYPE_STRING || v.type == DBD_TYPE_BLOB) {
            char *copy = malloc(v.u.s.len + 1);
            if (copy == NULL)
                return 1;
            if (v.u.s.len > 0)
                memcpy(copy, v.u.s.ptr, v.u.s.len);
            copy[v.u.s.len] = '\0';
            v.u.s.ptr = copy;
        }
        c->vals[c->nrows * c->ncols + i] = v;
    }
    c->nrows++;
    return 0;
}

const dbd_value *cell(const collected *c, size_t row, size_t col)
{
    assert_true(row < c->nrows);
    assert_true(col < c->ncols);
    return &c->vals[row * c->ncols + col];
}

/* ---- values ---- */

void assert_bytes(const dbd_value *v, dbd_type type, const void *p,
                  size_t n)
{
    assert_int_equal(v->type, type);
    assert_int_equal(v->u.s.len, n);
    if (n > 0)
        assert_memory_equal(v->u.s.ptr, p, n);
}

void assert_str(const dbd_value *v, const char *s)
{
    assert_bytes(v, DBD_TYPE_STRING, s, strlen(s));
}

void assert_int(const dbd_value *v, int64_t i)
{
    assert_int_equal(v->type, DBD_TYPE_INT);
    if (v->u.i != i)
        fail_msg("got %lld, want %lld", (long long)v->u.i, (long long)i);
}

void assert_nullv(const dbd_value *v)
{
    assert_int_equal(v->type, DBD_TYPE_NULL);
}

/* ---- the host and opening ---- */

static void vlog(int level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void vlog(int level, const char *fmt, va_list ap)
{
    fprintf(stderr, "# log %d: ", level);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

static void log_all(void *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void log_all(void *ctx, int level, const char *fmt, ...)
{
    va_list ap;
    (void)ctx;
    va_start(ap, fmt);
    vlog(level, fmt, ap);
    va_end(ap);
}

static void log_warnings(void *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void log_warnings(void *ctx, int level, const char *fmt, ...)
{
    va_list ap;
    (void)ctx;
    if (level > DBD_LOG_WARNING)
        return;
    va_start(ap, fmt);
    vlog(level, fmt, ap);
    va_end(ap);
}

const dbd_host host_all_logs = {NULL, log_all};
const dbd_host host_warning_logs = {NULL, log_warnings};

dbd_status open_dir(const dbd_host *host, const char *scheme,
                    const char *dir, const dbd_option *opts, size_t nopts,
                    void **conn, char *err, size_t errlen)
{
    char scheme_copy[32];
    char target[PATH_MAX];
    dbd_url u;

    memset(&u, 0, sizeof u);
    snprintf(scheme_copy, sizeof scheme_copy, "%s", scheme);
    snprintf(target, sizeof target, "%s", dir);
    u.scheme = scheme_copy;
    u.target = target;
    return C->open(host, &u, opts, nopts, conn, err, errlen);
}

/* ---- operations ---- */

dbd_op op_of(dbd_op_kind kind, const char *table)
{
    dbd_op op;
    memset(&op, 0, sizeof op);
    op.kind = kind;
    op.table = table;
    op.limit = -1;
    return op;
}

dbd_op query_op(const char *table)
{
    return op_of(DBD_OP_QUERY, table);
}

dbd_status run(void *conn, const dbd_op *op, collected *out,
               dbd_exec_info *info)
{
    dbd_sink sink = {out, sink_columns, sink_row};
    collected_clear(out);
    return C->exec(conn, op, &sink, info);
}

dbd_status write_op(void *conn, dbd_op_kind kind, const char *table,
                    dbd_assign *values, size_t nvalues, dbd_cond *where,
                    size_t nwhere, dbd_exec_info *info)
{
    dbd_op op = op_of(kind, table);
    op.values = values;
    op.nvalues = nvalues;
    op.where = where;
    op.nwhere = nwhere;
    return C->exec(conn, &op, NULL, info);
}

/* ---- checks ---- */

void expect_status(dbd_status got, dbd_status want,
                   const dbd_exec_info *info)
{
    if (got != want)
        fail_msg("got %s (%s), want %s", dbd_status_name(got), info->msg,
                 dbd_status_name(want));
}

void expect_msg(const char *msg, const char *part)
{
    if (strstr(msg, part) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", msg, part);
}

void expect_ids(void *conn, const dbd_op *op, const int64_t *want,
                size_t nwant)
{
    collected c = {0};
    dbd_exec_info info;
    dbd_status st = run(conn, op, &c, &info);
    if (st != DBD_OK)
        fail_msg("query failed: %s: %s", dbd_status_name(st), info.msg);
    assert_int_equal(c.columns_calls, 1);
    if (c.nrows != nwant) {
        fprintf(stderr, "# got %zu rows, want %zu:", c.nrows, nwant);
        for (size_t r = 0; r < c.nrows; r++)
            fprintf(stderr, " %lld", (long long)cell(&c, r, 0)->u.i);
        fputc('\n', stderr);
    }
    assert_int_equal(c.nrows, nwant);
    for (size_t r = 0; r < nwant; r++) {
        const dbd_value *v = cell(&c, r, 0);
        if (v->type != DBD_TYPE_INT || v->u.i != want[r])
            fail_msg("row %zu: %s %lld, want id %lld", r,
                     dbd_type_name(v->type), (long long)v->u.i,
                     (long long)want[r]);
    }
    collected_clear(&c);
}

void expect_where_ids(void *conn, const char *table, dbd_cond cond,
                      const int64_t *want, size_t nwant)
{
    const char *cols[] = {"id"};
    dbd_order order = {"id", false};
    dbd_op op = op_of(DBD_OP_QUERY, table);
    op.columns = cols;
    op.ncolumns = 1;
    op.where = &cond;
    op.nwhere = 1;
    op.order = &order;
    op.norder = 1;
    expect_ids(conn, &op, want, nwant);
}
