/* txt_filter.c - prepared WHERE conditions (see txt_filter.h). */
#include "txt_filter.h"

#include <stdlib.h>

#include "txt_value.h"

typedef struct cond {
    size_t col;
    dbd_cmp cmp;
    txt_val *vals; /* one, or the IN list; none for null/notnull */
    size_t nvals;
} cond;

struct txt_filter {
    const txt_schema *schema;
    cond *conds;
    size_t n;
};

dbd_status txt_no_column(const char *table, const char *column, char *msg,
                         size_t msglen)
{
    return dbd_failf(DBD_NOTFOUND, msg, msglen,
                     "table '%s' has no column '%s'", table, column);
}

static dbd_status prepare(const txt_schema *s, const char *table,
                          const dbd_cond *dc, cond *c, char *msg,
                          size_t msglen)
{
    long col = txt_schema_find(s, dc->column);
    if (col < 0)
        return txt_no_column(table, dc->column, msg, msglen);
    c->col = (size_t)col;
    c->cmp = dc->cmp;
    const txt_column *column = &s->cols[col];

    switch (dc->cmp) {
    case DBD_CMP_ISNULL:
    case DBD_CMP_NOTNULL:
        return DBD_OK;
    case DBD_CMP_IN:
        if (dc->nlist == 0)
            return dbd_failf(DBD_BAD, msg, msglen,
                             "column '%s': empty IN list", dc->column);
        c->nvals = dc->nlist;
        break;
    case DBD_CMP_EQ:
    case DBD_CMP_NE:
    case DBD_CMP_LT:
    case DBD_CMP_GT:
    case DBD_CMP_LE:
    case DBD_CMP_GE:
    case DBD_CMP_BITAND:
        c->nvals = 1;
        break;
    default:
        return dbd_failf(DBD_BAD, msg, msglen,
                         "column '%s': unknown operator %d", dc->column,
                         (int)dc->cmp);
    }
    if (dc->cmp == DBD_CMP_BITAND && column->type != TXT_INT)
        return dbd_failf(DBD_BAD, msg, msglen,
                         "column '%s' (%s): operator & needs an int column",
                         column->name, txt_type_name(column->type));
    c->vals = calloc(c->nvals, sizeof *c->vals);
    if (c->vals == NULL)
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    for (size_t i = 0; i < c->nvals; i++) {
        const dbd_value *v = dc->cmp == DBD_CMP_IN ? &dc->list[i] : &dc->value;
        dbd_status st = txt_value_key(column, v, &c->vals[i], msg, msglen);
        if (st != DBD_OK)
            return st;
    }
    if (dc->cmp == DBD_CMP_BITAND && !c->vals[0].null &&
        c->vals[0].num != TXT_NUM_INT)
        return dbd_failf(DBD_BAD, msg, msglen,
                         "column '%s': operator & needs an integer value",
                         column->name);
    return DBD_OK;
}

dbd_status txt_filter_new(const txt_schema *s, const char *table,
                          const dbd_cond *conds, size_t n, txt_filter **out,
                          char *msg, size_t msglen)
{
    dbd_status st = DBD_INTERNAL;
    txt_filter *f = calloc(1, sizeof *f);

    *out = NULL;
    if (f == NULL ||
        (n > 0 && (f->conds = calloc(n, sizeof *f->conds)) == NULL)) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        goto out;
    }
    f->schema = s;
    for (size_t i = 0; i < n; i++) {
        f->n = i + 1; /* so destroy frees what prepare allocated */
        st = prepare(s, table, &conds[i], &f->conds[i], msg, msglen);
        if (st != DBD_OK)
            goto out;
    }
    *out = f;
    f = NULL;
    st = DBD_OK;
out:
    txt_filter_destroy(&f);
    return st;
}

static bool match_one(const txt_filter *f, const cond *c, const txt_row *r)
{
    const txt_cell *cell = &r->cells[c->col];
    const txt_column *col = &f->schema->cols[c->col];

    if (c->cmp == DBD_CMP_ISNULL)
        return cell->null;
    if (c->cmp == DBD_CMP_NOTNULL)
        return !cell->null;
    if (cell->null)
        return false;
    if (c->cmp == DBD_CMP_IN) {
        for (size_t i = 0; i < c->nvals; i++)
            if (!c->vals[i].null &&
                txt_cmp_cell_key(col, cell, &c->vals[i]) == 0)
                return true;
        return false;
    }
    const txt_val *k = &c->vals[0];
    if (k->null)
        return false;
    if (c->cmp == DBD_CMP_BITAND)
        return (cell->u.i & k->i) != 0;
    int r3 = txt_cmp_cell_key(col, cell, k);
    if (r3 == 2)
        return false;
    switch (c->cmp) {
    case DBD_CMP_EQ: return r3 == 0;
    case DBD_CMP_NE: return r3 != 0;
    case DBD_CMP_LT: return r3 < 0;
    case DBD_CMP_GT: return r3 > 0;
    case DBD_CMP_LE: return r3 <= 0;
    case DBD_CMP_GE: return r3 >= 0;
    default: return false;
    }
}

bool txt_filter_match(const txt_filter *f, const txt_row *r)
{
    for (size_t i = 0; i < f->n; i++)
        if (!match_one(f, &f->conds[i], r))
            return false;
    return true;
}

void txt_filter_destroy(txt_filter **pf)
{
    if (pf == NULL || *pf == NULL)
        return;
    txt_filter *f = *pf;
    for (size_t i = 0; i < f->n; i++)
        free(f->conds[i].vals);
    free(f->conds);
    free(f);
    *pf = NULL;
}
