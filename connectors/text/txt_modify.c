/* txt_modify.c - writes applied to rows in memory (see txt_modify.h). */
#include "txt_modify.h"

#include <stdlib.h>
#include <string.h>

#include "txt_filter.h"
#include "txt_value.h"

/* The request's values converted for their columns. */
typedef struct assigns {
    size_t n;
    size_t *col;
    txt_val *val;
} assigns;

static void assigns_free(assigns *a)
{
    free(a->col);
    free(a->val);
}

static dbd_status assigns_prepare(const txt_table *t, const dbd_op *op,
                                  assigns *a, char *msg, size_t msglen)
{
    const txt_schema *s = t->schema;
    a->n = op->nvalues;
    a->col = calloc(a->n + 1, sizeof *a->col);
    a->val = calloc(a->n + 1, sizeof *a->val);
    if (a->col == NULL || a->val == NULL)
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    for (size_t i = 0; i < a->n; i++) {
        long c = txt_schema_find(s, op->values[i].column);
        if (c < 0)
            return txt_no_column(t->name, op->values[i].column, msg, msglen);
        a->col[i] = (size_t)c;
        dbd_status st = txt_value_store(&s->cols[c], &op->values[i].value,
                                        &a->val[i], msg, msglen);
        if (st != DBD_OK)
            return st;
    }
    return DBD_OK;
}

static dbd_status not_null(const txt_column *col, char *msg, size_t msglen)
{
    return dbd_failf(DBD_CONSTRAINT, msg, msglen,
                     "column '%s' may not be NULL (it has no null attribute)",
                     col->name);
}

/* Builds the row an update of old with a makes. */
static dbd_status updated_row(const txt_schema *s, const txt_row *old,
                              const assigns *a, txt_cell *cells,
                              txt_row **out, char *msg, size_t msglen)
{
    memcpy(cells, old->cells, s->ncols * sizeof *cells);
    for (size_t i = 0; i < a->n; i++) {
        const txt_column *col = &s->cols[a->col[i]];
        if (a->val[i].null && !col->nullable)
            return not_null(col, msg, msglen);
        cells[a->col[i]] = txt_value_cell(col, &a->val[i]);
    }
    *out = txt_row_new(s, cells);
    if (*out == NULL)
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    return DBD_OK;
}

/* The largest auto id of t's rows (0 for none). */
static int64_t auto_max_of(const txt_table *t, size_t ac)
{
    int64_t max = 0;
    for (size_t r = 0; r < t->rows.n; r++) {
        const txt_cell *c = &t->rows.v[r]->cells[ac];
        if (!c->null && c->u.i > max)
            max = c->u.i;
    }
    return max;
}

/* The row an insert of a makes; auto_max: the table's largest auto id
 * when the caller knows it, else NULL (the rows are scanned). */
static dbd_status new_row(const txt_table *t, const assigns *a,
                          txt_cell *cells, const int64_t *auto_max,
                          txt_row **row, txt_outcome *res, char *msg,
                          size_t msglen)
{
    const txt_schema *s = t->schema;
    bool *given = calloc(s->ncols, sizeof *given);
    dbd_status st = DBD_INTERNAL;

    *row = NULL;
    if (given == NULL)
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    memset(cells, 0, s->ncols * sizeof *cells);
    for (size_t i = 0; i < s->ncols; i++) {
        cells[i].null = s->cols[i].nullable;
        if (txt_type_is_text(s->cols[i].type) && !s->cols[i].nullable)
            cells[i].u.s.p = ""; /* the empty string, see txt_modify.h */
    }
    for (size_t i = 0; i < a->n; i++) {
        size_t c = a->col[i];
        const txt_column *col = &s->cols[c];
        if (a->val[i].null && !col->nullable && !col->autoinc) {
            st = not_null(col, msg, msglen);
            goto out;
        }
        cells[c] = txt_value_cell(col, &a->val[i]);
        given[c] = !a->val[i].null;
    }
    for (size_t i = 0; i < s->ncols; i++) {
        const txt_column *col = &s->cols[i];
        if (given[i] || col->nullable || col->autoinc ||
            txt_type_is_text(col->type))
            continue;
        st = dbd_failf(DBD_CONSTRAINT, msg, msglen,
                       "column '%s' (%s) needs a value: it has no null "
                       "attribute and db_text has no defaults", col->name,
                       txt_type_name(col->type));
        goto out;
    }
    res->last_id = 0;
    if (s->auto_col >= 0) {
        size_t ac = (size_t)s->auto_col;
        if (!given[ac]) {
            int64_t max = auto_max != NULL ? *auto_max : auto_max_of(t, ac);
            if (max == INT64_MAX) {
                st = dbd_failf(DBD_CONSTRAINT, msg, msglen,
                               "auto column '%s' has no id left",
                               s->cols[ac].name);
                goto out;
            }
            cells[ac].null = false;
            cells[ac].u.i = max + 1;
        }
        res->last_id = cells[ac].u.i;
    }
    *row = txt_row_new(s, cells);
    if (*row == NULL) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        goto out;
    }
    res->affected = 1;
    res->changed = true;
    st = DBD_OK;
out:
    free(given);
    return st;
}

static dbd_status insert_row(const txt_table *t, const assigns *a,
                             txt_cell *cells, txt_rows *out,
                             txt_outcome *res, char *msg, size_t msglen)
{
    txt_row *row = NULL;
    dbd_status st = new_row(t, a, cells, NULL, &row, res, msg, msglen);

    if (st != DBD_OK)
        return st;
    if (txt_rows_copy(out, &t->rows) != 0) {
        txt_row_unref(&row);
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    }
    if (txt_rows_push(out, row) != 0) /* consumes row */
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    return DBD_OK;
}

dbd_status txt_modify_append(txt_table *t, const dbd_op *op,
                             int64_t *auto_max, bool *auto_known,
                             txt_outcome *res, char *msg, size_t msglen)
{
    dbd_status st;
    assigns a = {0};
    txt_row *row = NULL;
    int ac = t->schema->auto_col;
    txt_cell *cells = calloc(t->schema->ncols, sizeof *cells);

    memset(res, 0, sizeof *res);
    if (cells == NULL) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        goto out;
    }
    st = assigns_prepare(t, op, &a, msg, msglen);
    if (st != DBD_OK)
        goto out;
    if (ac >= 0 && !*auto_known) {
        *auto_max = auto_max_of(t, (size_t)ac);
        *auto_known = true;
    }
    st = new_row(t, &a, cells, ac >= 0 ? auto_max : NULL, &row, res, msg,
                 msglen);
    if (st != DBD_OK)
        goto out;
    if (ac >= 0 && res->last_id > *auto_max)
        *auto_max = res->last_id;
    if (txt_rows_push(&t->rows, row) != 0) { /* consumes row */
        *auto_known = false;
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    }
out:
    if (st != DBD_OK)
        memset(res, 0, sizeof *res);
    assigns_free(&a);
    free(cells);
    return st;
}

/* Update (and delete when a is NULL) every row the filter matches; with
 * first_only, only the first. */
static dbd_status rewrite_rows(const txt_table *t, const txt_filter *f,
                               const assigns *a, bool first_only,
                               txt_cell *cells, txt_rows *out,
                               txt_outcome *res, char *msg, size_t msglen)
{
    for (size_t r = 0; r < t->rows.n; r++) {
        txt_row *row = t->rows.v[r];
        bool hit = (!first_only || res->affected == 0) &&
                   txt_filter_match(f, row);
        txt_row *keep = NULL;
        if (!hit) {
            keep = txt_row_ref(row);
        } else {
            res->affected++;
            if (a == NULL)
                continue; /* delete */
            dbd_status st = updated_row(t->schema, row, a, cells, &keep, msg,
                                        msglen);
            if (st != DBD_OK)
                return st;
        }
        if (txt_rows_push(out, keep) != 0)
            return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    }
    res->changed = res->affected > 0;
    return DBD_OK;
}

/* The conditions "key = value" of a replace. */
static dbd_status replace_filter(const txt_table *t, const dbd_op *op,
                                 txt_filter **f, char *msg, size_t msglen)
{
    dbd_status st;
    dbd_cond *conds = calloc(op->nkeys + 1, sizeof *conds);
    if (conds == NULL)
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    for (size_t k = 0; k < op->nkeys; k++) {
        size_t v = 0;
        while (v < op->nvalues && strcmp(op->values[v].column, op->keys[k]))
            v++;
        if (v == op->nvalues) {
            st = dbd_failf(DBD_BAD, msg, msglen,
                           "replace key '%s' has no value", op->keys[k]);
            goto out;
        }
        conds[k] = (dbd_cond){.column = op->keys[k], .cmp = DBD_CMP_EQ,
                              .value = op->values[v].value};
    }
    st = txt_filter_new(t->schema, t->name, conds, op->nkeys, f, msg, msglen);
out:
    free(conds);
    return st;
}

dbd_status txt_modify(const txt_table *t, const dbd_op *op, txt_rows *out,
                      txt_outcome *res, char *msg, size_t msglen)
{
    dbd_status st = DBD_INTERNAL;
    assigns a = {0};
    txt_filter *f = NULL;
    txt_cell *cells = calloc(t->schema->ncols, sizeof *cells);

    memset(res, 0, sizeof *res);
    if (cells == NULL) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        goto out;
    }
    if (op->kind != DBD_OP_DELETE &&
        (st = assigns_prepare(t, op, &a, msg, msglen)) != DBD_OK)
        goto out;
    switch (op->kind) {
    case DBD_OP_INSERT:
        st = insert_row(t, &a, cells, out, res, msg, msglen);
        break;
    case DBD_OP_UPDATE:
    case DBD_OP_DELETE:
        st = txt_filter_new(t->schema, t->name, op->where, op->nwhere, &f,
                            msg, msglen);
        if (st == DBD_OK)
            st = rewrite_rows(t, f, op->kind == DBD_OP_UPDATE ? &a : NULL,
                              false, cells, out, res, msg, msglen);
        break;
    case DBD_OP_REPLACE:
        if (op->nkeys == 0) {
            st = dbd_failf(DBD_BAD, msg, msglen, "replace needs key columns");
            break;
        }
        st = replace_filter(t, op, &f, msg, msglen);
        if (st == DBD_OK)
            st = rewrite_rows(t, f, &a, true, cells, out, res, msg, msglen);
        if (st == DBD_OK && res->affected == 0) {
            txt_rows_clear(out);
            st = insert_row(t, &a, cells, out, res, msg, msglen);
        }
        break;
    default:
        st = dbd_failf(DBD_UNSUPPORTED, msg, msglen,
                       "operation %s is not a write", dbd_op_name(op->kind));
        break;
    }
out:
    if (st != DBD_OK || !res->changed) {
        txt_rows_clear(out);
        if (st != DBD_OK)
            memset(res, 0, sizeof *res);
    }
    txt_filter_destroy(&f);
    assigns_free(&a);
    free(cells);
    return st;
}
