/* ldc_filter.c - WHERE conditions as LDAP filter and in-memory test
 * (see ldc_filter.h). */
#include "ldc_filter.h"

#include <stdlib.h>
#include <string.h>

#include "ldc_cmp.h"
#include "ldc_value.h"

typedef struct cond {
    size_t col;
    dbd_cmp cmp;
    ldc_cval *vals; /* one, or the IN list; none for null/notnull */
    size_t nvals;
} cond;

struct ldc_filter {
    const ldc_table *t;
    cond *conds;
    size_t n;
};

static dbd_status prepare(const ldc_table *t, const dbd_cond *dc, cond *c,
                          char *msg, size_t msglen)
{
    long col = ldc_table_column(t, dc->column);
    if (col < 0)
        return ldc_no_column(t, dc->column, msg, msglen);
    const ldc_column *column = &t->cols[col];
    c->col = (size_t)col;
    c->cmp = dc->cmp;
    switch (dc->cmp) {
    case DBD_CMP_ISNULL:
    case DBD_CMP_NOTNULL:
        return DBD_OK;
    case DBD_CMP_IN:
        if (dc->nlist == 0 || dc->list == NULL)
            return dbd_failf(DBD_BAD, msg, msglen,
                             "column '%s': empty IN list", dc->column);
        c->nvals = dc->nlist;
        break;
    case DBD_CMP_BITAND:
        if (column->type != DBD_TYPE_INT)
            return dbd_failf(DBD_BAD, msg, msglen,
                             "column '%s' (%s): operator & needs an int "
                             "column", column->name,
                             dbd_type_name(column->type));
        c->nvals = 1;
        break;
    case DBD_CMP_EQ:
    case DBD_CMP_NE:
    case DBD_CMP_LT:
    case DBD_CMP_GT:
    case DBD_CMP_LE:
    case DBD_CMP_GE:
        c->nvals = 1;
        break;
    default:
        return dbd_failf(DBD_BAD, msg, msglen,
                         "column '%s': unknown operator %d", dc->column,
                         (int)dc->cmp);
    }
    if ((c->vals = calloc(c->nvals, sizeof *c->vals)) == NULL)
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    for (size_t i = 0; i < c->nvals; i++) {
        const dbd_value *v = dc->cmp == DBD_CMP_IN ? &dc->list[i] : &dc->value;
        dbd_status st = ldc_cval_make(column, v, &c->vals[i], msg, msglen);
        if (st != DBD_OK)
            return st;
    }
    if (dc->cmp == DBD_CMP_BITAND && !c->vals[0].null &&
        c->vals[0].kind != LDC_CVAL_INT)
        return dbd_failf(DBD_BAD, msg, msglen,
                         "column '%s': operator & needs an integer value",
                         column->name);
    return DBD_OK;
}

dbd_status ldc_filter_new(const ldc_table *t, const dbd_cond *conds,
                          size_t n, ldc_filter **out, char *msg,
                          size_t msglen)
{
    dbd_status st = DBD_INTERNAL;
    ldc_filter *f = calloc(1, sizeof *f);

    *out = NULL;
    if (f == NULL ||
        (n > 0 && (f->conds = calloc(n, sizeof *f->conds)) == NULL)) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        goto out;
    }
    f->t = t;
    for (size_t i = 0; i < n; i++) {
        f->n = i + 1; /* so destroy frees what prepare allocated */
        st = prepare(t, &conds[i], &f->conds[i], msg, msglen);
        if (st != DBD_OK)
            goto out;
    }
    *out = f;
    f = NULL;
    st = DBD_OK;
out:
    ldc_filter_destroy(&f);
    return st;
}

void ldc_filter_destroy(ldc_filter **pf)
{
    if (pf == NULL || *pf == NULL)
        return;
    ldc_filter *f = *pf;
    for (size_t i = 0; i < f->n; i++)
        free(f->conds[i].vals);
    free(f->conds);
    free(f);
    *pf = NULL;
}

int ldc_filter_escape(dbd_buf *b, const char *p, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)p[i];
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
            (ch >= '0' && ch <= '9') ||
            (ch != '\0' && strchr("-._@:/+=,;", ch) != NULL)) {
            dbd_buf_append_char(b, (char)ch);
        } else {
            char esc[3] = {'\\', hex[ch >> 4], hex[ch & 15]};
            dbd_buf_append(b, esc, sizeof esc);
        }
    }
    return b->failed ? -1 : 0;
}

/* The assertion text of k for an equality on col, written to b; false when
 * the server could not test it exactly enough to narrow the candidates
 * (doubles, whose stored text may be spelled in several ways). */
static bool assertion(const ldc_column *col, const ldc_cval *k, dbd_buf *b)
{
    char text[LDC_TEXT_MAX];
    const char *p;
    size_t len;
    dbd_value v;

    if (k->null)
        return false;
    switch (col->type) {
    case DBD_TYPE_INT:
        if (k->kind != LDC_CVAL_INT)
            return false;
        v = dbd_int(k->i);
        break;
    case DBD_TYPE_BOOL:
        if (k->kind != LDC_CVAL_INT || (k->i != 0 && k->i != 1))
            return false;
        v = dbd_bool(k->i == 1);
        break;
    case DBD_TYPE_DATETIME:
        v = dbd_datetime(k->i);
        break;
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB:
        v = dbd_blob(k->p, k->len);
        break;
    default:
        return false;
    }
    if (!ldc_value_encode(&v, text, &p, &len))
        return false;
    ldc_filter_escape(b, p, len);
    return true;
}

static void present(dbd_buf *b, const char *attr)
{
    dbd_buf_append_str(b, "(");
    dbd_buf_append_str(b, attr);
    dbd_buf_append_str(b, "=*)");
}

/* One equality (a=v), or nothing when v cannot be tested by the server. */
static bool equality(const ldc_column *col, const ldc_cval *k, dbd_buf *b)
{
    size_t mark = b->len;
    dbd_buf_append_str(b, "(");
    dbd_buf_append_str(b, col->attr);
    dbd_buf_append_str(b, "=");
    if (!assertion(col, k, b)) {
        dbd_buf_truncate(b, mark);
        return false;
    }
    dbd_buf_append_str(b, ")");
    return true;
}

static void cond_text(const ldc_filter *f, const cond *c, dbd_buf *b)
{
    const ldc_column *col = &f->t->cols[c->col];
    size_t mark = b->len;

    switch (c->cmp) {
    case DBD_CMP_ISNULL:
        dbd_buf_append_str(b, "(!");
        present(b, col->attr);
        dbd_buf_append_str(b, ")");
        return;
    case DBD_CMP_EQ:
        if (equality(col, &c->vals[0], b))
            return;
        break;
    case DBD_CMP_NE:
        /* SQL: a NULL column does not match <>, hence (a=*) */
        if (!col->exact || col->type == DBD_TYPE_DATETIME)
            break;
        dbd_buf_append_str(b, "(&");
        present(b, col->attr);
        dbd_buf_append_str(b, "(!");
        if (equality(col, &c->vals[0], b)) {
            dbd_buf_append_str(b, "))");
            return;
        }
        dbd_buf_truncate(b, mark);
        break;
    case DBD_CMP_IN: {
        size_t pushed = 0;
        dbd_buf_append_str(b, "(|");
        for (size_t i = 0; i < c->nvals; i++) {
            if (c->vals[i].null)
                continue; /* NULL is in no list */
            if (!equality(col, &c->vals[i], b)) {
                pushed = 0;
                break;
            }
            pushed++;
        }
        if (pushed > 0) {
            dbd_buf_append_str(b, ")");
            return;
        }
        dbd_buf_truncate(b, mark);
        break;
    }
    default:
        break;
    }
    present(b, col->attr);
}

int ldc_filter_text(const ldc_filter *f, dbd_buf *b)
{
    dbd_buf_append_str(b, "(&");
    dbd_buf_append_str(b, f->t->class_filter);
    for (size_t i = 0; i < f->n; i++)
        cond_text(f, &f->conds[i], b);
    dbd_buf_append_str(b, ")");
    return b->failed ? -1 : 0;
}

static bool match_one(const cond *c, const dbd_value *cell)
{
    if (c->cmp == DBD_CMP_ISNULL)
        return cell->type == DBD_TYPE_NULL;
    if (c->cmp == DBD_CMP_NOTNULL)
        return cell->type != DBD_TYPE_NULL;
    if (cell->type == DBD_TYPE_NULL)
        return false;
    if (c->cmp == DBD_CMP_IN) {
        for (size_t i = 0; i < c->nvals; i++)
            if (!c->vals[i].null && ldc_cmp_cell(cell, &c->vals[i]) == 0)
                return true;
        return false;
    }
    const ldc_cval *k = &c->vals[0];
    if (k->null)
        return false;
    if (c->cmp == DBD_CMP_BITAND)
        return (cell->u.i & k->i) != 0;
    int r = ldc_cmp_cell(cell, k);
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

bool ldc_filter_match(const ldc_filter *f, const dbd_value *row)
{
    for (size_t i = 0; i < f->n; i++)
        if (!match_one(&f->conds[i], &row[f->conds[i].col]))
            return false;
    return true;
}

void ldc_filter_columns(const ldc_filter *f, bool *want)
{
    for (size_t i = 0; i < f->n; i++)
        want[f->conds[i].col] = true;
}
