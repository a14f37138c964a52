/* bdb_value.c - conversion and comparison of values (see bdb_value.h). */
#include "bdb_value.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dbd_status bad(const bdb_column *col, const dbd_value *v, char *msg,
                      size_t msglen, const char *why)
{
    return dbd_failf(DBD_BAD, msg, msglen, "column '%s' (%s): a %s value %s",
                     col->name, dbd_type_name(col->type),
                     dbd_type_name(v->type), why);
}

/* Decimal text of a string value as int64 or double. */
static bool text_number(const dbd_value *v, bool *is_int, int64_t *i,
                        double *d)
{
    char buf[64];
    char *end;
    if (v->u.s.len == 0 || v->u.s.len >= sizeof buf)
        return false;
    memcpy(buf, v->u.s.ptr, v->u.s.len);
    buf[v->u.s.len] = '\0';
    errno = 0;
    long long n = strtoll(buf, &end, 10);
    if (errno == 0 && *end == '\0' && end != buf) {
        *is_int = true;
        *i = n;
        return true;
    }
    errno = 0;
    *d = strtod(buf, &end);
    if (errno == 0 && *end == '\0' && end != buf && !isnan(*d)) {
        *is_int = false;
        return true;
    }
    return false;
}

/* The shortest text that reads back as d. */
static void double_text(double d, char *out, size_t len)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, len, "%.*g", prec, d);
        if (strtod(out, NULL) == d)
            return;
    }
}

/* d as an exact int64 when it is a whole number in range. */
static bool double_int(double d, int64_t *out)
{
    if (!(d >= -0x1p63 && d < 0x1p63) || d != trunc(d))
        return false;
    *out = (int64_t)d;
    return true;
}

static void set_int_or_double(bdb_cval *out, double d)
{
    int64_t i;
    if (double_int(d, &i)) {
        out->v = dbd_int(i);
        out->exact = true;
    } else {
        out->v = dbd_double(d);
        out->exact = false;
    }
}

static dbd_status to_int(const bdb_column *col, const dbd_value *v,
                         bdb_cval *out, char *msg, size_t msglen)
{
    bool is_int;
    int64_t i;
    double d;
    switch (v->type) {
    case DBD_TYPE_INT:
        out->v = *v;
        out->exact = true;
        return DBD_OK;
    case DBD_TYPE_BOOL:
        out->v = dbd_int(v->u.b ? 1 : 0);
        out->exact = true;
        return DBD_OK;
    case DBD_TYPE_DOUBLE:
        if (isnan(v->u.d))
            return bad(col, v, msg, msglen, "NaN compares with nothing");
        set_int_or_double(out, v->u.d);
        return DBD_OK;
    case DBD_TYPE_STRING:
        if (!text_number(v, &is_int, &i, &d))
            return dbd_failf(DBD_BAD, msg, msglen, "column '%s' (int): "
                             "'%.*s' is not a number", col->name,
                             v->u.s.len > 40 ? 40 : (int)v->u.s.len,
                             v->u.s.ptr);
        if (is_int) {
            out->v = dbd_int(i);
            out->exact = true;
        } else {
            set_int_or_double(out, d);
        }
        return DBD_OK;
    default:
        return bad(col, v, msg, msglen, "is not a number");
    }
}

static dbd_status to_double(const bdb_column *col, const dbd_value *v,
                            bdb_cval *out, char *msg, size_t msglen)
{
    bool is_int;
    int64_t i;
    double d;
    out->exact = true;
    switch (v->type) {
    case DBD_TYPE_DOUBLE:
        if (isnan(v->u.d))
            return bad(col, v, msg, msglen, "NaN compares with nothing");
        out->v = *v;
        return DBD_OK;
    case DBD_TYPE_INT:
        out->v = dbd_double((double)v->u.i);
        return DBD_OK;
    case DBD_TYPE_BOOL:
        out->v = dbd_double(v->u.b ? 1.0 : 0.0);
        return DBD_OK;
    case DBD_TYPE_STRING:
        if (!text_number(v, &is_int, &i, &d))
            return dbd_failf(DBD_BAD, msg, msglen, "column '%s' (double): "
                             "'%.*s' is not a number", col->name,
                             v->u.s.len > 40 ? 40 : (int)v->u.s.len,
                             v->u.s.ptr);
        out->v = dbd_double(is_int ? (double)i : d);
        return DBD_OK;
    default:
        return bad(col, v, msg, msglen, "is not a number");
    }
}

/* Text columns take text and bytes as they are, numbers as their text. */
static dbd_status to_text(const bdb_column *col, const dbd_value *v,
                          bdb_cval *out, char *msg, size_t msglen)
{
    out->exact = true;
    switch (v->type) {
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB:
        out->v = *v;
        out->v.type = col->type;
        if (out->v.u.s.ptr == NULL)
            out->v.u.s.ptr = "";
        return DBD_OK;
    case DBD_TYPE_INT:
        if (col->type == DBD_TYPE_BLOB)
            break;
        snprintf(out->text, sizeof out->text, "%" PRId64, v->u.i);
        break;
    case DBD_TYPE_BOOL:
        if (col->type == DBD_TYPE_BLOB)
            break;
        snprintf(out->text, sizeof out->text, "%d", v->u.b ? 1 : 0);
        break;
    case DBD_TYPE_DOUBLE:
        if (col->type == DBD_TYPE_BLOB)
            break;
        double_text(v->u.d, out->text, sizeof out->text);
        break;
    case DBD_TYPE_DATETIME:
        if (col->type == DBD_TYPE_BLOB)
            break;
        dbd_datetime_format(v->u.usec, out->text);
        break;
    default:
        break;
    }
    if (out->text[0] == '\0')
        return bad(col, v, msg, msglen, "does not fit");
    out->v = dbd_string(out->text, strlen(out->text));
    return DBD_OK;
}

static dbd_status to_datetime(const bdb_column *col, const dbd_value *v,
                              bdb_cval *out, char *msg, size_t msglen)
{
    int64_t usec;
    out->exact = true;
    if (v->type == DBD_TYPE_DATETIME) {
        out->v = *v;
        return DBD_OK;
    }
    if (v->type == DBD_TYPE_STRING &&
        dbd_datetime_parse(v->u.s.ptr != NULL ? v->u.s.ptr : "",
                           v->u.s.len, &usec)) {
        out->v = dbd_datetime(usec);
        return DBD_OK;
    }
    if (v->type == DBD_TYPE_STRING)
        return dbd_failf(DBD_BAD, msg, msglen, "column '%s' (datetime): "
                         "'%.*s' is not 'YYYY-MM-DD HH:MM:SS[.ffffff]'",
                         col->name, v->u.s.len > 40 ? 40 : (int)v->u.s.len,
                         v->u.s.ptr);
    return bad(col, v, msg, msglen, "is not a datetime");
}

static dbd_status to_bool(const bdb_column *col, const dbd_value *v,
                          bdb_cval *out, char *msg, size_t msglen)
{
    out->exact = true;
    if (v->type == DBD_TYPE_BOOL) {
        out->v = *v;
        return DBD_OK;
    }
    if (v->type == DBD_TYPE_INT && (v->u.i == 0 || v->u.i == 1)) {
        out->v = dbd_bool(v->u.i == 1);
        return DBD_OK;
    }
    return bad(col, v, msg, msglen, "is not a bool (or 0 or 1)");
}

dbd_status bdb_value_for_compare(const bdb_column *col, const dbd_value *v,
                                 bdb_cval *out, char *msg, size_t msglen)
{
    memset(out, 0, sizeof *out);
    if (v->type == DBD_TYPE_NULL) {
        out->v = dbd_null();
        out->exact = true;
        return DBD_OK;
    }
    switch (col->type) {
    case DBD_TYPE_INT:
        return to_int(col, v, out, msg, msglen);
    case DBD_TYPE_DOUBLE:
        return to_double(col, v, out, msg, msglen);
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB:
        return to_text(col, v, out, msg, msglen);
    case DBD_TYPE_DATETIME:
        return to_datetime(col, v, out, msg, msglen);
    case DBD_TYPE_BOOL:
        return to_bool(col, v, out, msg, msglen);
    default:
        return bad(col, v, msg, msglen, "has no column type to fit");
    }
}

dbd_status bdb_value_for_store(const bdb_column *col, const dbd_value *v,
                               bdb_cval *out, char *msg, size_t msglen)
{
    dbd_status st = bdb_value_for_compare(col, v, out, msg, msglen);
    if (st != DBD_OK || out->exact)
        return st;
    char num[40];
    double_text(out->v.u.d, num, sizeof num);
    return dbd_failf(DBD_BAD, msg, msglen, "column '%s' (int): %s is not an "
                     "integer", col->name, num);
}

static int cmp_int(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b ? 1 : 0;
}

/* Exact comparison of an int64 with a double. */
static int cmp_int_double(int64_t i, double d)
{
    if (isnan(d))
        return 2;
    if (d >= 0x1p63)
        return -1;
    if (d < -0x1p63)
        return 1;
    double t = trunc(d);
    int r = cmp_int(i, (int64_t)t);
    if (r != 0)
        return r;
    return d > t ? -1 : d < t ? 1 : 0;
}

static int cmp_bytes(const dbd_value *a, const dbd_value *b)
{
    size_t n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
    int r = n > 0 ? memcmp(a->u.s.ptr, b->u.s.ptr, n) : 0;
    if (r != 0)
        return r < 0 ? -1 : 1;
    return a->u.s.len < b->u.s.len ? -1 : a->u.s.len > b->u.s.len ? 1 : 0;
}

int bdb_value_cmp_key(const dbd_value *cell, const dbd_value *key)
{
    switch (cell->type) {
    case DBD_TYPE_INT:
        if (key->type == DBD_TYPE_INT)
            return cmp_int(cell->u.i, key->u.i);
        if (key->type == DBD_TYPE_DOUBLE)
            return cmp_int_double(cell->u.i, key->u.d);
        return 2;
    case DBD_TYPE_DOUBLE:
        if (key->type != DBD_TYPE_DOUBLE || isnan(cell->u.d))
            return 2;
        return cell->u.d < key->u.d ? -1 : cell->u.d > key->u.d ? 1 : 0;
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB:
        if (key->type != DBD_TYPE_STRING && key->type != DBD_TYPE_BLOB)
            return 2;
        return cmp_bytes(cell, key);
    case DBD_TYPE_DATETIME:
        if (key->type != DBD_TYPE_DATETIME)
            return 2;
        return cmp_int(cell->u.usec, key->u.usec);
    case DBD_TYPE_BOOL:
        if (key->type != DBD_TYPE_BOOL)
            return 2;
        return cmp_int(cell->u.b, key->u.b);
    default:
        return 2;
    }
}

int bdb_value_cmp_cells(const dbd_value *a, const dbd_value *b)
{
    bool an = a->type == DBD_TYPE_NULL, bn = b->type == DBD_TYPE_NULL;
    if (an || bn)
        return an && bn ? 0 : an ? -1 : 1;
    int r = bdb_value_cmp_key(a, b);
    return r == 2 ? 0 : r;
}
