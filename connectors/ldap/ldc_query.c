/*
 * ldc_query.c - the query operation.  The server returns the candidates
 * of the native filter; the connector keeps the rows that satisfy every
 * condition exactly.  Without ORDER BY, rows go to the sink as entries
 * arrive and OFFSET/LIMIT are counted on the way (the search is abandoned
 * once LIMIT rows went out).  With ORDER BY the matching rows are held in
 * memory, sorted, then paged: LDAP's server-side sorting follows matching
 * rules, not the SQL order the other backends give.
 */
#include "ldc_int.h"

#include <stdlib.h>

#include "buf.h"
#include "ldc_filter.h"
#include "ldc_rows.h"

typedef struct query {
    const ldc_table *t;
    const ldc_filter *filter;
    const dbd_sink *sink;
    size_t ncols;       /* columns of the result */
    size_t *cols;       /* their table indexes */
    const char **names;
    dbd_type *types;
    dbd_value *out;     /* one result row */
    bool columns_sent;
    int64_t skip;       /* rows still to pass over (OFFSET) */
    int64_t left;       /* rows still to send; -1 = no limit */
    ldc_rows *held;     /* ORDER BY: matching rows */
    char *msg;
    size_t msglen;
} query;

static dbd_status send_columns(query *q)
{
    if (q->columns_sent)
        return DBD_OK;
    q->columns_sent = true;
    if (q->sink->columns(q->sink->ctx, q->ncols, q->names, q->types) != 0)
        return dbd_failf(DBD_INTERNAL, q->msg, q->msglen,
                         "result delivery stopped");
    return DBD_OK;
}

static dbd_status send_row(query *q, const dbd_value *row)
{
    dbd_status st = send_columns(q);
    if (st != DBD_OK)
        return st;
    for (size_t i = 0; i < q->ncols; i++)
        q->out[i] = row[q->cols[i]];
    if (q->sink->row(q->sink->ctx, q->out) != 0)
        return dbd_failf(DBD_INTERNAL, q->msg, q->msglen,
                         "result delivery stopped");
    return DBD_OK;
}

/* A page position: skip OFFSET rows, then send until LIMIT is used up. */
static dbd_status page_row(query *q, const dbd_value *row, bool *stop)
{
    if (q->left == 0) {
        *stop = true;
        return DBD_OK;
    }
    if (q->skip > 0) {
        q->skip--;
        return DBD_OK;
    }
    if (q->left > 0)
        q->left--;
    dbd_status st = send_row(q, row);
    if (q->left == 0)
        *stop = true;
    return st;
}

static dbd_status on_entry(void *ctx, LDAPMessage *entry,
                           const dbd_value *row, bool *stop)
{
    query *q = ctx;
    (void)entry;
    if (!ldc_filter_match(q->filter, row))
        return DBD_OK;
    if (q->held != NULL) {
        if (ldc_rows_add(q->held, row, NULL) != 0)
            return dbd_failf(DBD_INTERNAL, q->msg, q->msglen,
                             "out of memory holding rows to sort");
        return DBD_OK;
    }
    return page_row(q, row, stop);
}

/* The result's columns: the requested ones, or every column. */
static dbd_status pick_columns(query *q, const dbd_op *op, bool *want)
{
    q->ncols = op->ncolumns > 0 ? op->ncolumns : q->t->ncols;
    q->cols = calloc(q->ncols + 1, sizeof *q->cols);
    q->names = calloc(q->ncols + 1, sizeof *q->names);
    q->types = calloc(q->ncols + 1, sizeof *q->types);
    q->out = calloc(q->ncols + 1, sizeof *q->out);
    if (q->cols == NULL || q->names == NULL || q->types == NULL ||
        q->out == NULL)
        return dbd_failf(DBD_INTERNAL, q->msg, q->msglen, "out of memory");
    for (size_t i = 0; i < q->ncols; i++) {
        long c = (long)i;
        if (op->ncolumns > 0 &&
            (c = ldc_table_column(q->t, op->columns[i])) < 0)
            return ldc_no_column(q->t, op->columns[i], q->msg, q->msglen);
        q->cols[i] = (size_t)c;
        q->names[i] = q->t->cols[c].name;
        q->types[i] = q->t->cols[c].type;
        want[c] = true;
    }
    return DBD_OK;
}

/* ORDER BY: sort the held rows, then page them out. */
static dbd_status send_sorted(query *q, const dbd_op *op)
{
    size_t *keys = calloc(op->norder, sizeof *keys);
    bool *desc = calloc(op->norder, sizeof *desc);
    dbd_status st = DBD_OK;
    if (keys == NULL || desc == NULL) {
        st = dbd_failf(DBD_INTERNAL, q->msg, q->msglen, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < op->norder; i++) {
        keys[i] = (size_t)ldc_table_column(q->t, op->order[i].column);
        desc[i] = op->order[i].desc;
    }
    ldc_rows_sort(q->held, keys, desc, op->norder);
    bool stop = false;
    for (size_t i = 0; i < ldc_rows_count(q->held) && !stop && st == DBD_OK;
         i++)
        st = page_row(q, ldc_rows_cells(q->held, i), &stop);
out:
    free(keys);
    free(desc);
    return st;
}

dbd_status ldc_query(ldc_conn *c, const dbd_op *op, const dbd_sink *sink,
                     dbd_exec_info *info)
{
    query q = {.sink = sink, .msg = info->msg, .msglen = sizeof info->msg};
    ldc_filter *filter = NULL;
    bool *want = NULL;
    dbd_buf text;
    dbd_status st;

    dbd_buf_init(&text);
    q.t = ldc_map_table(c->map, op->table);
    if (q.t == NULL) {
        st = dbd_failf(DBD_NOTFOUND, q.msg, q.msglen,
                       "no table '%s' in the LDAP mapping", op->table);
        goto out;
    }
    if ((want = calloc(q.t->ncols, sizeof *want)) == NULL) {
        st = dbd_failf(DBD_INTERNAL, q.msg, q.msglen, "out of memory");
        goto out;
    }
    st = pick_columns(&q, op, want);
    if (st != DBD_OK)
        goto out;
    for (size_t i = 0; i < op->norder; i++) {
        long col = ldc_table_column(q.t, op->order[i].column);
        if (col < 0) {
            st = ldc_no_column(q.t, op->order[i].column, q.msg, q.msglen);
            goto out;
        }
        want[col] = true;
    }
    st = ldc_filter_new(q.t, op->where, op->nwhere, &filter, q.msg,
                        q.msglen);
    if (st != DBD_OK)
        goto out;
    ldc_filter_columns(filter, want);
    q.filter = filter;
    if (ldc_filter_text(filter, &text) != 0) {
        st = dbd_failf(DBD_INTERNAL, q.msg, q.msglen, "out of memory");
        goto out;
    }
    q.skip = op->offset > 0 ? op->offset : 0;
    q.left = op->limit >= 0 ? op->limit : -1;
    if (op->norder > 0 && (q.held = ldc_rows_new(q.t->ncols)) == NULL) {
        st = dbd_failf(DBD_INTERNAL, q.msg, q.msglen, "out of memory");
        goto out;
    }
    st = ldc_search(c, q.t, dbd_buf_text(&text), want, 0, on_entry, &q,
                    q.msg, q.msglen);
    if (st == DBD_OK && q.held != NULL)
        st = send_sorted(&q, op);
    if (st == DBD_OK)
        st = send_columns(&q); /* an empty result has columns too */
out:
    ldc_rows_destroy(&q.held);
    ldc_filter_destroy(&filter);
    dbd_buf_free(&text);
    free(want);
    free(q.cols);
    free(q.names);
    free(q.types);
    free(q.out);
    return st;
}
