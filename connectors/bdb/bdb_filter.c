/* bdb_filter.c - prepared WHERE conditions (see bdb_plan.h). */
#include "bdb_plan.h"

#include <stdlib.h>
#include <string.h>

dbd_status bdb_no_column(const bdb_def *d, const char *column, char *msg,
                         size_t msglen)
{
    return dbd_failf(DBD_NOTFOUND, msg, msglen,
                     "table '%s' has no column '%s'", d->name, column);
}

static dbd_status prepare(const bdb_def *d, const dbd_cond *dc, bdb_pcond *pc,
                          bool *never, char *msg, size_t msglen)
{
    long col = bdb_def_find(d, dc->column);
    if (col < 0)
        return bdb_no_column(d, dc->column, msg, msglen);
    const bdb_column *column = &d->cols[col];
    pc->col = (size_t)col;
    pc->cmp = dc->cmp;

    switch (dc->cmp) {
    case DBD_CMP_ISNULL:
    case DBD_CMP_NOTNULL:
        return DBD_OK;
    case DBD_CMP_IN:
        if (dc->nlist == 0 || dc->list == NULL)
            return dbd_failf(DBD_BAD, msg, msglen,
                             "column '%s': empty IN list", dc->column);
        pc->nvals = dc->nlist;
        break;
    case DBD_CMP_BITAND:
        if (column->type != DBD_TYPE_INT)
            return dbd_failf(DBD_BAD, msg, msglen, "column '%s' (%s): "
                             "operator & needs an int column", column->name,
                             dbd_type_name(column->type));
        /* fall through */
    case DBD_CMP_EQ:
    case DBD_CMP_NE:
    case DBD_CMP_LT:
    case DBD_CMP_GT:
    case DBD_CMP_LE:
    case DBD_CMP_GE:
        pc->nvals = 1;
        break;
    default:
        return dbd_failf(DBD_BAD, msg, msglen, "column '%s': unknown "
                         "operator %d", dc->column, (int)dc->cmp);
    }
    if ((pc->vals = calloc(pc->nvals, sizeof *pc->vals)) == NULL)
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    bool all_null = true;
    for (size_t i = 0; i < pc->nvals; i++) {
        const dbd_value *v = dc->cmp == DBD_CMP_IN ? &dc->list[i] : &dc->value;
        dbd_status st = bdb_value_for_compare(column, v, &pc->vals[i], msg,
                                              msglen);
        if (st != DBD_OK)
            return st;
        if (pc->vals[i].v.type != DBD_TYPE_NULL)
            all_null = false;
    }
    if (dc->cmp == DBD_CMP_BITAND && !all_null && !pc->vals[0].exact)
        return dbd_failf(DBD_BAD, msg, msglen, "column '%s': operator & "
                         "needs an integer value", column->name);
    /* SQL: a comparison with NULL is never true */
    if (all_null)
        *never = true;
    return DBD_OK;
}

dbd_status bdb_filter_init(bdb_filter *f, const bdb_def *d,
                           const dbd_cond *conds, size_t n, char *msg,
                           size_t msglen)
{
    memset(f, 0, sizeof *f);
    f->def = d;
    if (n == 0)
        return DBD_OK;
    if ((f->conds = calloc(n, sizeof *f->conds)) == NULL)
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    for (size_t i = 0; i < n; i++) {
        f->n = i + 1; /* so that free releases what prepare allocated */
        dbd_status st = prepare(d, &conds[i], &f->conds[i], &f->never, msg,
                                msglen);
        if (st != DBD_OK)
            return st;
    }
    return DBD_OK;
}

static bool match_one(const bdb_pcond *c, const dbd_value *cell)
{
    if (c->cmp == DBD_CMP_ISNULL)
        return cell->type == DBD_TYPE_NULL;
    if (c->cmp == DBD_CMP_NOTNULL)
        return cell->type != DBD_TYPE_NULL;
    if (cell->type == DBD_TYPE_NULL)
        return false;
    if (c->cmp == DBD_CMP_IN) {
        for (size_t i = 0; i < c->nvals; i++)
            if (c->vals[i].v.type != DBD_TYPE_NULL &&
                bdb_value_cmp_key(cell, &c->vals[i].v) == 0)
                return true;
        return false;
    }
    const dbd_value *k = &c->vals[0].v;
    if (k->type == DBD_TYPE_NULL)
        return false;
    if (c->cmp == DBD_CMP_BITAND)
        return cell->type == DBD_TYPE_INT && (cell->u.i & k->u.i) != 0;
    int r = bdb_value_cmp_key(cell, k);
    if (r == 2)
        return false;
    switch (c->cmp) {
    case DBD_CMP_EQ: return r == 0;
    case DBD_CMP_NE: return r != 0;
    case DBD_CMP_LT: return r < 0;
    case DBD_CMP_GT: return r > 0;
    case DBD_CMP_LE: return r <= 0;
    case DBD_CMP_GE: return r >= 0;
    default: return false;
    }
}

bool bdb_filter_match(const bdb_filter *f, const dbd_value *row)
{
    if (f->never)
        return false;
    for (size_t i = 0; i < f->n; i++)
        if (!match_one(&f->conds[i], &row[f->conds[i].col]))
            return false;
    return true;
}

void bdb_filter_free(bdb_filter *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->conds[i].vals);
    free(f->conds);
    memset(f, 0, sizeof *f);
}
