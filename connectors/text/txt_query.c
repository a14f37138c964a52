/* txt_query.c - in-memory query execution (see txt_query.h). */
#include "txt_query.h"

#include <stdlib.h>

#include "txt_filter.h"
#include "txt_value.h"

typedef struct hit {
    const txt_row *row;
    size_t index; /* position in the file: ties keep file order */
} hit;

typedef struct sort_key {
    const txt_column *col;
    size_t index;
    bool desc;
} sort_key;

typedef struct sort_ctx {
    const sort_key *keys;
    size_t n;
} sort_ctx;

static int compare_hits(const void *pa, const void *pb, void *pctx)
{
    const hit *a = pa, *b = pb;
    const sort_ctx *ctx = pctx;
    for (size_t i = 0; i < ctx->n; i++) {
        const sort_key *k = &ctx->keys[i];
        int r = txt_cmp_cells(k->col, &a->row->cells[k->index],
                              &b->row->cells[k->index]);
        if (r != 0)
            return k->desc ? -r : r;
    }
    return a->index < b->index ? -1 : a->index > b->index ? 1 : 0;
}

static dbd_value cell_value(const txt_column *col, const txt_cell *c)
{
    if (c->null)
        return dbd_null();
    switch (col->type) {
    case TXT_INT: return dbd_int(c->u.i);
    case TXT_DOUBLE: return dbd_double(c->u.d);
    case TXT_STR: return dbd_string(c->u.s.p, c->u.s.len);
    case TXT_BLOB: return dbd_blob(c->u.s.p, c->u.s.len);
    /* Range checked when read or stored (TXT_TIME_MAX_SEC). */
    case TXT_TIME: return dbd_datetime(c->u.i * 1000000);
    }
    return dbd_null();
}

dbd_status txt_query_run(const txt_table *t, const dbd_op *op,
                         const dbd_sink *sink, char *msg, size_t msglen)
{
    const txt_schema *s = t->schema;
    dbd_status st = DBD_INTERNAL;
    size_t ncols = op->ncolumns > 0 ? op->ncolumns : s->ncols;
    size_t *cols = calloc(ncols, sizeof *cols);
    const char **names = calloc(ncols, sizeof *names);
    dbd_type *types = calloc(ncols, sizeof *types);
    dbd_value *vals = calloc(ncols, sizeof *vals);
    sort_key *keys = op->norder > 0 ? calloc(op->norder, sizeof *keys) : NULL;
    hit *hits = t->rows.n > 0 ? calloc(t->rows.n, sizeof *hits) : NULL;
    txt_filter *filter = NULL;
    size_t nhits = 0;

    if (cols == NULL || names == NULL || types == NULL || vals == NULL ||
        (op->norder > 0 && keys == NULL) || (t->rows.n > 0 && hits == NULL)) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < ncols; i++) {
        long c = (long)i;
        if (op->ncolumns > 0 && (c = txt_schema_find(s, op->columns[i])) < 0) {
            st = txt_no_column(t->name, op->columns[i], msg, msglen);
            goto out;
        }
        cols[i] = (size_t)c;
        names[i] = s->cols[c].name;
        types[i] = txt_type_result(s->cols[c].type);
    }
    for (size_t i = 0; i < op->norder; i++) {
        long c = txt_schema_find(s, op->order[i].column);
        if (c < 0) {
            st = txt_no_column(t->name, op->order[i].column, msg, msglen);
            goto out;
        }
        keys[i] = (sort_key){&s->cols[c], (size_t)c, op->order[i].desc};
    }
    st = txt_filter_new(s, t->name, op->where, op->nwhere, &filter, msg,
                        msglen);
    if (st != DBD_OK)
        goto out;

    for (size_t i = 0; i < t->rows.n; i++)
        if (txt_filter_match(filter, t->rows.v[i]))
            hits[nhits++] = (hit){t->rows.v[i], i};
    if (op->norder > 0 && nhits > 1) {
        sort_ctx ctx = {keys, op->norder};
        qsort_r(hits, nhits, sizeof *hits, compare_hits, &ctx);
    }
    size_t first = op->offset > 0 ? (size_t)op->offset : 0;
    size_t last = nhits;
    if (first > nhits)
        first = nhits;
    if (op->limit >= 0 && (uint64_t)op->limit < last - first)
        last = first + (size_t)op->limit;

    if (sink->columns(sink->ctx, ncols, names, types) != 0) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "result delivery stopped");
        goto out;
    }
    for (size_t h = first; h < last; h++) {
        for (size_t i = 0; i < ncols; i++)
            vals[i] = cell_value(&s->cols[cols[i]],
                                 &hits[h].row->cells[cols[i]]);
        if (sink->row(sink->ctx, vals) != 0) {
            st = dbd_failf(DBD_INTERNAL, msg, msglen,
                           "result delivery stopped");
            goto out;
        }
    }
    st = DBD_OK;
out:
    txt_filter_destroy(&filter);
    free(cols);
    free(names);
    free(types);
    free(vals);
    free(keys);
    free(hits);
    return st;
}
