/* ldc_cmp.c - the connector's own comparisons (see ldc_cmp.h). */
#include "ldc_cmp.h"

#include <math.h>
#include <string.h>

#include "ldc_value.h"

static dbd_status bad(const ldc_column *col, const dbd_value *v, char *msg,
                      size_t msglen)
{
    return dbd_failf(DBD_BAD, msg, msglen,
                     "column '%s' (%s) cannot be compared with a %s value",
                     col->name, dbd_type_name(col->type),
                     dbd_type_name(v->type));
}

/* Numbers for int, double and bool columns. */
static dbd_status number(const ldc_column *col, const dbd_value *v,
                         ldc_cval *out, char *msg, size_t msglen)
{
    const char *p = v->u.s.ptr != NULL ? v->u.s.ptr : "";
    switch (v->type) {
    case DBD_TYPE_INT:
        out->kind = LDC_CVAL_INT;
        out->i = v->u.i;
        return DBD_OK;
    case DBD_TYPE_BOOL:
        out->kind = LDC_CVAL_INT;
        out->i = v->u.b ? 1 : 0;
        return DBD_OK;
    case DBD_TYPE_DOUBLE:
        if (isnan(v->u.d))
            return dbd_failf(DBD_BAD, msg, msglen,
                             "column '%s': NaN compares with nothing",
                             col->name);
        out->kind = LDC_CVAL_DOUBLE;
        out->d = v->u.d;
        return DBD_OK;
    case DBD_TYPE_STRING:
        if (ldc_parse_int(p, v->u.s.len, &out->i)) {
            out->kind = LDC_CVAL_INT;
            return DBD_OK;
        }
        if (ldc_parse_double(p, v->u.s.len, &out->d)) {
            out->kind = LDC_CVAL_DOUBLE;
            return DBD_OK;
        }
        return dbd_failf(DBD_BAD, msg, msglen,
                         "column '%s' (%s): '%.*s' is not a number",
                         col->name, dbd_type_name(col->type),
                         v->u.s.len > 40 ? 40 : (int)v->u.s.len, p);
    default:
        return bad(col, v, msg, msglen);
    }
}

dbd_status ldc_cval_make(const ldc_column *col, const dbd_value *v,
                         ldc_cval *out, char *msg, size_t msglen)
{
    memset(out, 0, sizeof *out);
    if (v->type == DBD_TYPE_NULL) {
        out->null = true;
        return DBD_OK;
    }
    switch (col->type) {
    case DBD_TYPE_INT:
    case DBD_TYPE_DOUBLE:
    case DBD_TYPE_BOOL:
        return number(col, v, out, msg, msglen);
    case DBD_TYPE_DATETIME:
        out->kind = LDC_CVAL_INT;
        if (v->type == DBD_TYPE_DATETIME) {
            out->i = v->u.usec;
            return DBD_OK;
        }
        if (v->type == DBD_TYPE_STRING &&
            dbd_datetime_parse(v->u.s.ptr != NULL ? v->u.s.ptr : "",
                               v->u.s.len, &out->i))
            return DBD_OK;
        return bad(col, v, msg, msglen);
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB:
        if (v->type != DBD_TYPE_STRING && v->type != DBD_TYPE_BLOB)
            return bad(col, v, msg, msglen);
        out->kind = LDC_CVAL_BYTES;
        out->p = v->u.s.ptr != NULL ? v->u.s.ptr : "";
        out->len = v->u.s.len;
        return DBD_OK;
    default:
        return bad(col, v, msg, msglen);
    }
}

static int cmp_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int r = n > 0 ? memcmp(a, b, n) : 0;
    if (r != 0)
        return r < 0 ? -1 : 1;
    return alen < blen ? -1 : alen > blen ? 1 : 0;
}

static int cmp_int(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b ? 1 : 0;
}

/* An int64 against a double, exactly (no rounding of a to double). */
static int cmp_int_double(int64_t a, double d)
{
    if (isnan(d))
        return 2;
    if (d >= 0x1p63)
        return -1;
    if (d < -0x1p63)
        return 1;
    double t = trunc(d);
    int r = cmp_int(a, (int64_t)t);
    if (r != 0)
        return r;
    return d > t ? -1 : d < t ? 1 : 0;
}

static int cmp_double(double a, double b)
{
    if (isnan(a) || isnan(b))
        return 2;
    return a < b ? -1 : a > b ? 1 : 0;
}

/* The int view of an int, bool or datetime cell. */
static int64_t cell_int(const dbd_value *c)
{
    switch (c->type) {
    case DBD_TYPE_BOOL: return c->u.b ? 1 : 0;
    case DBD_TYPE_DATETIME: return c->u.usec;
    default: return c->u.i;
    }
}

int ldc_cmp_cell(const dbd_value *cell, const ldc_cval *k)
{
    switch (cell->type) {
    case DBD_TYPE_INT:
    case DBD_TYPE_BOOL:
    case DBD_TYPE_DATETIME:
        if (k->kind == LDC_CVAL_INT)
            return cmp_int(cell_int(cell), k->i);
        if (k->kind == LDC_CVAL_DOUBLE)
            return cmp_int_double(cell_int(cell), k->d);
        return 2;
    case DBD_TYPE_DOUBLE:
        if (k->kind == LDC_CVAL_DOUBLE)
            return cmp_double(cell->u.d, k->d);
        if (k->kind == LDC_CVAL_INT) {
            int r = cmp_int_double(k->i, cell->u.d);
            return r == 2 ? 2 : -r;
        }
        return 2;
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB:
        if (k->kind != LDC_CVAL_BYTES)
            return 2;
        return cmp_bytes(cell->u.s.ptr, cell->u.s.len, k->p, k->len);
    default:
        return 2;
    }
}

int ldc_cmp_cells(const dbd_value *a, const dbd_value *b)
{
    bool an = a->type == DBD_TYPE_NULL, bn = b->type == DBD_TYPE_NULL;
    if (an || bn)
        return an && bn ? 0 : an ? -1 : 1;
    switch (a->type) {
    case DBD_TYPE_DOUBLE:
        /* finite: ldc_parse_double refuses inf and NaN */
        return cmp_double(a->u.d, b->u.d);
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB:
        return cmp_bytes(a->u.s.ptr, a->u.s.len, b->u.s.ptr, b->u.s.len);
    default:
        return cmp_int(cell_int(a), cell_int(b));
    }
}
