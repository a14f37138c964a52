/* txt_value.c - value conversion and comparison (see txt_value.h). */
#include "txt_value.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "txt_number.h"

static dbd_status bad(const txt_column *col, char *msg, size_t msglen,
                      const char *why)
{
    return dbd_failf(DBD_BAD, msg, msglen, "column '%s' (%s): %s", col->name,
                     txt_type_name(col->type), why);
}

/* A string value for messages: at most 40 bytes. */
static int shown_len(const dbd_value *v)
{
    return v->u.s.len > 40 ? 40 : (int)v->u.s.len;
}

static const char *str_ptr(const dbd_value *v)
{
    return v->u.s.ptr != NULL ? v->u.s.ptr : "";
}

/* A datetime as seconds: exact int when whole, else a double. */
static void usec_to_num(int64_t usec, txt_val *out)
{
    if (usec % 1000000 == 0) {
        out->num = TXT_NUM_INT;
        out->i = usec / 1000000;
    } else {
        out->num = TXT_NUM_DOUBLE;
        out->d = (double)usec / 1e6;
    }
}

/* Text columns accept every type as bytes or text. */
static void to_text(const dbd_value *v, txt_val *out)
{
    switch (v->type) {
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB:
        out->p = v->u.s.ptr != NULL ? v->u.s.ptr : "";
        out->len = v->u.s.len;
        return;
    case DBD_TYPE_INT:
        snprintf(out->text, sizeof out->text, "%" PRId64, v->u.i);
        break;
    case DBD_TYPE_BOOL:
        snprintf(out->text, sizeof out->text, "%d", v->u.b ? 1 : 0);
        break;
    case DBD_TYPE_DOUBLE:
        txt_double_text(v->u.d, out->text);
        break;
    case DBD_TYPE_DATETIME:
        dbd_datetime_format(v->u.usec, out->text);
        break;
    default:
        out->text[0] = '\0';
        break;
    }
    out->p = out->text;
    out->len = strlen(out->text);
}

/* A decimal string as a number. */
static bool text_to_num(const char *p, size_t n, txt_val *out)
{
    if (txt_parse_int(p, n, &out->i)) {
        out->num = TXT_NUM_INT;
        return true;
    }
    if (txt_parse_double(p, n, &out->d)) {
        out->num = TXT_NUM_DOUBLE;
        return true;
    }
    return false;
}

/* Key conversion for int and double columns. */
static dbd_status number_key(const txt_column *col, const dbd_value *v,
                             txt_val *out, char *msg, size_t msglen)
{
    switch (v->type) {
    case DBD_TYPE_INT:
        out->num = TXT_NUM_INT;
        out->i = v->u.i;
        return DBD_OK;
    case DBD_TYPE_BOOL:
        out->num = TXT_NUM_INT;
        out->i = v->u.b ? 1 : 0;
        return DBD_OK;
    case DBD_TYPE_DOUBLE:
        if (isnan(v->u.d))
            return bad(col, msg, msglen, "NaN compares with nothing");
        out->num = TXT_NUM_DOUBLE;
        out->d = v->u.d;
        return DBD_OK;
    case DBD_TYPE_STRING:
        if (text_to_num(str_ptr(v), v->u.s.len, out))
            return DBD_OK;
        return dbd_failf(DBD_BAD, msg, msglen,
                         "column '%s' (%s): '%.*s' is not a number", col->name,
                         txt_type_name(col->type),
                         shown_len(v), str_ptr(v));
    case DBD_TYPE_DATETIME:
        if (col->type == TXT_INT) {
            usec_to_num(v->u.usec, out);
            return DBD_OK;
        }
        return bad(col, msg, msglen, "a datetime is not a number");
    case DBD_TYPE_BLOB:
        return bad(col, msg, msglen, "a blob is not a number");
    default:
        return bad(col, msg, msglen, "unknown value type");
    }
}

static dbd_status time_key(const txt_column *col, const dbd_value *v,
                           txt_val *out, char *msg, size_t msglen)
{
    int64_t usec;
    switch (v->type) {
    case DBD_TYPE_DATETIME:
        usec_to_num(v->u.usec, out);
        return DBD_OK;
    case DBD_TYPE_INT:
        out->num = TXT_NUM_INT;
        out->i = v->u.i;
        return DBD_OK;
    case DBD_TYPE_STRING:
        if (dbd_datetime_parse(str_ptr(v), v->u.s.len, &usec)) {
            usec_to_num(usec, out);
            return DBD_OK;
        }
        if (txt_parse_int(str_ptr(v), v->u.s.len, &out->i)) {
            out->num = TXT_NUM_INT;
            return DBD_OK;
        }
        return dbd_failf(DBD_BAD, msg, msglen,
                         "column '%s' (time): '%.*s' is neither datetime text "
                         "nor integer seconds", col->name,
                         shown_len(v), str_ptr(v));
    default:
        return dbd_failf(DBD_BAD, msg, msglen,
                         "column '%s' (time): a %s value is not a time (give "
                         "a datetime or integer seconds)", col->name,
                         dbd_type_name(v->type));
    }
}

dbd_status txt_value_key(const txt_column *col, const dbd_value *v,
                         txt_val *out, char *msg, size_t msglen)
{
    memset(out, 0, sizeof *out);
    if (v->type == DBD_TYPE_NULL) {
        out->null = true;
        return DBD_OK;
    }
    switch (col->type) {
    case TXT_INT:
    case TXT_DOUBLE:
        return number_key(col, v, out, msg, msglen);
    case TXT_TIME:
        return time_key(col, v, out, msg, msglen);
    case TXT_STR:
    case TXT_BLOB:
        to_text(v, out);
        return DBD_OK;
    }
    return bad(col, msg, msglen, "unknown column type");
}

dbd_status txt_value_store(const txt_column *col, const dbd_value *v,
                           txt_val *out, char *msg, size_t msglen)
{
    char num[TXT_DOUBLE_TEXT_MAX];
    dbd_status st = txt_value_key(col, v, out, msg, msglen);
    if (st != DBD_OK || out->null)
        return st;

    switch (col->type) {
    case TXT_INT:
        if (v->type == DBD_TYPE_DATETIME) {
            out->num = TXT_NUM_INT;
            out->i = txt_usec_to_sec(v->u.usec);
        } else if (out->num == TXT_NUM_DOUBLE) {
            double d = out->d;
            if (!(d >= -0x1p63 && d < 0x1p63 && d == trunc(d))) {
                txt_double_text(d, num);
                return dbd_failf(DBD_BAD, msg, msglen,
                                 "column '%s' (int): %s is not an integer",
                                 col->name, num);
            }
            out->num = TXT_NUM_INT;
            out->i = (int64_t)d;
        }
        break;
    case TXT_TIME:
    {
        int64_t usec;
        if (v->type == DBD_TYPE_DATETIME)
            out->i = txt_usec_to_sec(v->u.usec);
        else if (v->type == DBD_TYPE_STRING &&
                 dbd_datetime_parse(str_ptr(v), v->u.s.len, &usec))
            out->i = txt_usec_to_sec(usec);
        out->num = TXT_NUM_INT;
        if (out->i > TXT_TIME_MAX_SEC || out->i < -TXT_TIME_MAX_SEC)
            return dbd_failf(DBD_BAD, msg, msglen,
                             "column '%s' (time): %" PRId64
                             " seconds is out of range", col->name, out->i);
        break;
    }
    case TXT_DOUBLE:
        if (out->num == TXT_NUM_INT) {
            out->num = TXT_NUM_DOUBLE;
            out->d = (double)out->i;
        }
        if (!isfinite(out->d))
            return bad(col, msg, msglen,
                       "infinity cannot be stored in a db_text file");
        break;
    case TXT_STR:
    case TXT_BLOB:
        break;
    }
    return DBD_OK;
}

txt_cell txt_value_cell(const txt_column *col, const txt_val *v)
{
    txt_cell c;
    memset(&c, 0, sizeof c);
    if (v->null) {
        c.null = true;
        return c;
    }
    switch (col->type) {
    case TXT_INT:
    case TXT_TIME:
        c.u.i = v->i;
        break;
    case TXT_DOUBLE:
        c.u.d = v->d;
        break;
    case TXT_STR:
    case TXT_BLOB:
        c.u.s.p = v->p;
        c.u.s.len = v->len;
        break;
    }
    return c;
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

static int cmp_double(double a, double b)
{
    if (isnan(a) || isnan(b))
        return 2;
    return a < b ? -1 : a > b ? 1 : 0;
}

int txt_cmp_cell_key(const txt_column *col, const txt_cell *c,
                     const txt_val *k)
{
    switch (col->type) {
    case TXT_INT:
    case TXT_TIME:
        if (k->num == TXT_NUM_INT)
            return cmp_int(c->u.i, k->i);
        return txt_cmp_int_double(c->u.i, k->d);
    case TXT_DOUBLE:
        if (k->num == TXT_NUM_DOUBLE)
            return cmp_double(c->u.d, k->d);
        {
            int r = txt_cmp_int_double(k->i, c->u.d);
            return r == 2 ? 2 : -r;
        }
    case TXT_STR:
    case TXT_BLOB:
        return cmp_bytes(c->u.s.p, c->u.s.len, k->p, k->len);
    }
    return 2;
}

int txt_cmp_cells(const txt_column *col, const txt_cell *a,
                  const txt_cell *b)
{
    if (a->null || b->null)
        return a->null && b->null ? 0 : a->null ? -1 : 1;
    switch (col->type) {
    case TXT_INT:
    case TXT_TIME:
        return cmp_int(a->u.i, b->u.i);
    case TXT_DOUBLE:
        /* Files hold no NaN, so this is a total order. */
        return a->u.d < b->u.d ? -1 : a->u.d > b->u.d ? 1 : 0;
    case TXT_STR:
    case TXT_BLOB:
        return cmp_bytes(a->u.s.p, a->u.s.len, b->u.s.p, b->u.s.len);
    }
    return 0;
}
