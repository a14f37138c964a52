/*
 * bdb_query.c - query: rows found by the plan, filtered, ordered, cut by
 * OFFSET and LIMIT and handed to the sink.
 *
 * Rows stream straight from the cursor when their order is already right:
 * no ORDER BY, at most one row, or an ORDER BY on the primary key's
 * columns in one direction over a scan (read backwards for DESC) or a key
 * prefix.  Otherwise the matching rows are kept in memory and sorted: ties
 * keep key order, NULL sorts first ascending and last descending, ints
 * and doubles numerically, strings and blobs bytewise.
 */
#include "bdb_plan.h"

#include <stdlib.h>
#include <string.h>

#include "bdb_codec.h"

typedef struct out_state {
    const dbd_sink *sink;
    size_t n;
    const char **names;
    dbd_type *types;
    size_t *cols;
    dbd_value *vals;
    bool started;
} out_state;

typedef struct held {
    char *bytes;      /* the row, copied */
    size_t len;
    size_t seq;       /* arrival order: breaks ties */
    dbd_value *keys;  /* the ORDER BY values, pointing into bytes */
} held;

typedef struct sort_ctx {
    const dbd_order *order;
    size_t n;
} sort_ctx;

static int start(out_state *o)
{
    if (o->started)
        return 0;
    o->started = true;
    return o->sink->columns(o->sink->ctx, o->n, o->names, o->types);
}

static int emit(out_state *o, const dbd_value *row)
{
    if (start(o) != 0)
        return -1;
    for (size_t i = 0; i < o->n; i++)
        o->vals[i] = row[o->cols[i]];
    return o->sink->row(o->sink->ctx, o->vals);
}

static dbd_status stopped(dbd_exec_info *info)
{
    return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                     "the receiver stopped the result");
}

static dbd_status damaged(const bdb_def *d, dbd_exec_info *info)
{
    return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                     "a stored row of table '%s' is damaged", d->name);
}

static dbd_status out_init(out_state *o, const bdb_def *d, const dbd_op *op,
                           const dbd_sink *sink, dbd_exec_info *info)
{
    memset(o, 0, sizeof *o);
    o->sink = sink;
    o->n = op->ncolumns > 0 ? op->ncolumns : d->ncols;
    o->names = calloc(o->n + 1, sizeof *o->names);
    o->types = calloc(o->n + 1, sizeof *o->types);
    o->cols = calloc(o->n + 1, sizeof *o->cols);
    o->vals = calloc(o->n + 1, sizeof *o->vals);
    if (o->names == NULL || o->types == NULL || o->cols == NULL ||
        o->vals == NULL)
        return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                         "out of memory");
    for (size_t i = 0; i < o->n; i++) {
        long c = (long)i;
        if (op->ncolumns > 0 && (c = bdb_def_find(d, op->columns[i])) < 0)
            return bdb_no_column(d, op->columns[i], info->msg,
                                 sizeof info->msg);
        o->cols[i] = (size_t)c;
        o->names[i] = d->cols[c].name;
        o->types[i] = d->cols[c].type;
    }
    return DBD_OK;
}

static void out_free(out_state *o)
{
    free(o->names);
    free(o->types);
    free(o->cols);
    free(o->vals);
}

/* Whether ORDER BY asks for primary-key order (*desc: backwards). */
static bool key_order(const bdb_def *d, const dbd_op *op, bool *desc)
{
    size_t n = op->norder < d->nkey ? op->norder : d->nkey;
    *desc = op->order[0].desc;
    for (size_t i = 0; i < n; i++)
        if (op->order[i].desc != *desc ||
            strcmp(op->order[i].column, d->cols[d->key[i]].name) != 0)
            return false;
    /* once the whole key is ordered, later columns cannot matter */
    return true;
}

static int compare_held(const void *pa, const void *pb, void *pctx)
{
    const held *a = pa, *b = pb;
    const sort_ctx *ctx = pctx;
    for (size_t i = 0; i < ctx->n; i++) {
        int r = bdb_value_cmp_cells(&a->keys[i], &b->keys[i]);
        if (r != 0)
            return ctx->order[i].desc ? -r : r;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq ? 1 : 0;
}

typedef struct run {
    bdb_conn *c;
    const bdb_table *t;
    const dbd_op *op;
    bdb_filter f;
    bdb_plan p;
    out_state o;
    dbd_value *row;  /* one decoded row */
    size_t *ord;     /* ORDER BY column numbers */
    held *h;
    size_t nheld, cap;
    dbd_value *keys; /* nheld * norder */
} run;

static dbd_status stream(run *r, bdb_iter *it, dbd_exec_info *info)
{
    const bdb_def *d = r->t->def;
    uint64_t skipped = 0, sent = 0;
    dbd_status st = DBD_OK;
    int more;

    while ((more = bdb_iter_next(it, &st, info->msg, sizeof info->msg)) ==
           1) {
        if (!bdb_row_decode(it->row, it->rowlen, r->row, d->ncols))
            return damaged(d, info);
        if (!bdb_filter_match(&r->f, r->row))
            continue;
        if (skipped < (uint64_t)r->op->offset) {
            skipped++;
            continue;
        }
        if (emit(&r->o, r->row) != 0)
            return stopped(info);
        if (r->op->limit >= 0 && ++sent >= (uint64_t)r->op->limit)
            break;
    }
    return more < 0 ? st : DBD_OK;
}

static dbd_status hold(run *r, const bdb_iter *it, dbd_exec_info *info)
{
    if (r->nheld == r->cap) {
        size_t cap = r->cap > 0 ? r->cap * 2 : 64;
        held *grown = realloc(r->h, cap * sizeof *grown);
        if (grown == NULL)
            goto oom;
        r->h = grown;
        r->cap = cap;
    }
    held *h = &r->h[r->nheld];
    memset(h, 0, sizeof *h);
    if ((h->bytes = malloc(it->rowlen > 0 ? it->rowlen : 1)) == NULL)
        goto oom;
    memcpy(h->bytes, it->row, it->rowlen);
    h->len = it->rowlen;
    h->seq = r->nheld++;
    return DBD_OK;
oom:
    return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                     "out of memory sorting %zu rows", r->nheld);
}

static dbd_status sort_and_send(run *r, bdb_iter *it, dbd_exec_info *info)
{
    const bdb_def *d = r->t->def;
    const size_t norder = r->op->norder;
    dbd_status st = DBD_OK;
    int more;

    while ((more = bdb_iter_next(it, &st, info->msg, sizeof info->msg)) ==
           1) {
        if (!bdb_row_decode(it->row, it->rowlen, r->row, d->ncols))
            return damaged(d, info);
        if (bdb_filter_match(&r->f, r->row) &&
            (st = hold(r, it, info)) != DBD_OK)
            return st;
    }
    if (more < 0)
        return st;
    if (r->nheld > 0 &&
        (r->keys = calloc(r->nheld * norder, sizeof *r->keys)) == NULL)
        return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                         "out of memory sorting %zu rows", r->nheld);
    for (size_t i = 0; i < r->nheld; i++) {
        held *h = &r->h[i];
        if (!bdb_row_decode(h->bytes, h->len, r->row, d->ncols))
            return damaged(d, info);
        h->keys = &r->keys[i * norder];
        for (size_t k = 0; k < norder; k++)
            h->keys[k] = r->row[r->ord[k]];
    }
    sort_ctx ctx = {r->op->order, norder};
    if (r->nheld > 1)
        qsort_r(r->h, r->nheld, sizeof *r->h, compare_held, &ctx);
    size_t first = (uint64_t)r->op->offset < r->nheld
                       ? (size_t)r->op->offset : r->nheld;
    size_t last = r->nheld;
    if (r->op->limit >= 0 && (uint64_t)r->op->limit < last - first)
        last = first + (size_t)r->op->limit;
    for (size_t i = first; i < last; i++) {
        if (!bdb_row_decode(r->h[i].bytes, r->h[i].len, r->row, d->ncols))
            return damaged(d, info);
        if (emit(&r->o, r->row) != 0)
            return stopped(info);
    }
    return DBD_OK;
}

static void run_free(run *r)
{
    for (size_t i = 0; i < r->nheld; i++)
        free(r->h[i].bytes);
    free(r->h);
    free(r->keys);
    free(r->ord);
    free(r->row);
    out_free(&r->o);
    bdb_plan_free(&r->p);
    bdb_filter_free(&r->f);
}

dbd_status bdb_query(bdb_conn *c, bdb_table *t, const dbd_op *op,
                     DB_TXN *txn, const dbd_sink *sink, bool *started,
                     dbd_exec_info *info)
{
    const bdb_def *d = t->def;
    run r = {.c = c, .t = t, .op = op};
    bdb_iter it;
    bool opened = false, desc = false;
    dbd_status st;

    dbd_buf_init(&r.p.prefix);
    if ((st = out_init(&r.o, d, op, sink, info)) != DBD_OK)
        goto out;
    r.row = calloc(d->ncols, sizeof *r.row);
    r.ord = calloc(op->norder + 1, sizeof *r.ord);
    if (r.row == NULL || r.ord == NULL) {
        st = dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                       "out of memory");
        goto out;
    }
    for (size_t i = 0; i < op->norder; i++) {
        long col = bdb_def_find(d, op->order[i].column);
        if (col < 0) {
            st = bdb_no_column(d, op->order[i].column, info->msg,
                               sizeof info->msg);
            goto out;
        }
        r.ord[i] = (size_t)col;
    }
    if ((st = bdb_filter_init(&r.f, d, op->where, op->nwhere, info->msg,
                              sizeof info->msg)) != DBD_OK)
        goto out;
    if (bdb_plan_choose(&r.p, t, &r.f, c->opts.indexes) != 0) {
        st = dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                       "out of memory");
        goto out;
    }
    bool ordered = op->norder == 0 || bdb_plan_single(&r.p, t, &r.f);
    if (!ordered && bdb_plan_in_key_order(&r.p) && key_order(d, op, &desc) &&
        (!desc || r.p.kind == BDB_PLAN_SCAN)) {
        ordered = true;
        r.p.reverse = desc;
    }
    if (op->limit != 0 && !r.f.never) {
        if ((st = bdb_iter_open(&it, c, t, &r.p, txn, false, info->msg,
                                sizeof info->msg)) != DBD_OK)
            goto out;
        opened = true;
        st = ordered ? stream(&r, &it, info) : sort_and_send(&r, &it, info);
        if (st != DBD_OK)
            goto out;
    }
    if (start(&r.o) != 0)
        st = stopped(info);
out:
    if (opened)
        bdb_iter_close(&it);
    *started = r.o.started;
    run_free(&r);
    return st;
}
