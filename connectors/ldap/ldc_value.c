/* ldc_value.c - typed values to and from attribute text (see ldc_value.h). */
#include "ldc_value.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static dbd_status bad(const ldc_column *col, char *msg, size_t msglen,
                      const char *why)
{
    return dbd_failf(DBD_BAD, msg, msglen, "column '%s' (%s): %s", col->name,
                     dbd_type_name(col->type), why);
}

bool ldc_parse_int(const char *p, size_t len, int64_t *out)
{
    bool neg = len > 0 && p[0] == '-';
    size_t i = neg ? 1 : 0;
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    if (i == len)
        return false;
    for (; i < len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        unsigned digit = (unsigned)(p[i] - '0');
        if (v > (limit - digit) / 10)
            return false;
        v = v * 10 + digit;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

bool ldc_parse_double(const char *p, size_t len, double *out)
{
    char text[LDC_TEXT_MAX * 2];
    char *end;
    if (len == 0 || len >= sizeof text || memchr(p, '\0', len) != NULL)
        return false;
    memcpy(text, p, len);
    text[len] = '\0';
    if (text[0] == ' ' || text[0] == '\t' || text[0] == '\n')
        return false; /* strtod would skip them */
    errno = 0;
    double d = strtod(text, &end);
    /* ERANGE on underflow still gives the nearest value (a subnormal or
     * zero); overflow gives inf, refused as every non-finite value. */
    if (end != text + len || !isfinite(d))
        return false;
    *out = d;
    return true;
}

/* The shortest "%.Ng" that reads back to the same bits. */
static void double_text(double d, char out[LDC_TEXT_MAX])
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, LDC_TEXT_MAX, "%.*g", prec, d);
        double back = strtod(out, NULL);
        if (memcmp(&back, &d, sizeof d) == 0)
            return;
    }
}

bool ldc_value_encode(const dbd_value *v, char buf[LDC_TEXT_MAX],
                      const char **p, size_t *len)
{
    switch (v->type) {
    case DBD_TYPE_INT:
        snprintf(buf, LDC_TEXT_MAX, "%" PRId64, v->u.i);
        break;
    case DBD_TYPE_DOUBLE:
        if (!isfinite(v->u.d))
            return false;
        double_text(v->u.d, buf);
        break;
    case DBD_TYPE_BOOL:
        snprintf(buf, LDC_TEXT_MAX, "%s", v->u.b ? "TRUE" : "FALSE");
        break;
    case DBD_TYPE_DATETIME:
        if (!ldc_gentime_format(v->u.usec, buf))
            return false;
        break;
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB:
        *p = v->u.s.ptr != NULL ? v->u.s.ptr : "";
        *len = v->u.s.len;
        return true;
    default:
        return false;
    }
    *p = buf;
    *len = strlen(buf);
    return true;
}

static const char *bytes(const dbd_value *v)
{
    return v->u.s.ptr != NULL ? v->u.s.ptr : "";
}

static dbd_status coerce_int(const ldc_column *col, const dbd_value *v,
                             dbd_value *out, char *msg, size_t msglen)
{
    double d;
    switch (v->type) {
    case DBD_TYPE_INT:
        *out = *v;
        return DBD_OK;
    case DBD_TYPE_BOOL:
        *out = dbd_int(v->u.b ? 1 : 0);
        return DBD_OK;
    case DBD_TYPE_DOUBLE:
        d = v->u.d;
        if (d >= -0x1p63 && d < 0x1p63 && d == trunc(d)) {
            *out = dbd_int((int64_t)d);
            return DBD_OK;
        }
        return bad(col, msg, msglen, "the double is not an integer");
    case DBD_TYPE_STRING:
        if (ldc_parse_int(bytes(v), v->u.s.len, &out->u.i)) {
            out->type = DBD_TYPE_INT;
            return DBD_OK;
        }
        return bad(col, msg, msglen, "the string is not a decimal integer");
    default:
        return dbd_failf(DBD_BAD, msg, msglen,
                         "column '%s' (int): a %s value is not an integer",
                         col->name, dbd_type_name(v->type));
    }
}

static dbd_status coerce_double(const ldc_column *col, const dbd_value *v,
                                dbd_value *out, char *msg, size_t msglen)
{
    switch (v->type) {
    case DBD_TYPE_DOUBLE:
        *out = *v;
        break;
    case DBD_TYPE_INT:
        *out = dbd_double((double)v->u.i);
        break;
    case DBD_TYPE_STRING:
        if (!ldc_parse_double(bytes(v), v->u.s.len, &out->u.d))
            return bad(col, msg, msglen, "the string is not a number");
        out->type = DBD_TYPE_DOUBLE;
        break;
    default:
        return dbd_failf(DBD_BAD, msg, msglen,
                         "column '%s' (double): a %s value is not a number",
                         col->name, dbd_type_name(v->type));
    }
    if (!isfinite(out->u.d))
        return bad(col, msg, msglen, "infinity and NaN cannot be stored");
    return DBD_OK;
}

dbd_status ldc_value_coerce(const ldc_column *col, const dbd_value *v,
                            dbd_value *out, char *msg, size_t msglen)
{
    int64_t usec;
    if (v->type == DBD_TYPE_NULL) {
        *out = *v;
        return DBD_OK;
    }
    switch (col->type) {
    case DBD_TYPE_INT:
        return coerce_int(col, v, out, msg, msglen);
    case DBD_TYPE_DOUBLE:
        return coerce_double(col, v, out, msg, msglen);
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB:
        if (v->type != DBD_TYPE_STRING && v->type != DBD_TYPE_BLOB)
            return dbd_failf(DBD_BAD, msg, msglen,
                             "column '%s' (%s): a %s value is not text or "
                             "bytes", col->name, dbd_type_name(col->type),
                             dbd_type_name(v->type));
        *out = *v;
        out->type = col->type;
        return DBD_OK;
    case DBD_TYPE_DATETIME:
        if (v->type == DBD_TYPE_DATETIME) {
            *out = *v;
        } else if (v->type == DBD_TYPE_STRING &&
                   dbd_datetime_parse(bytes(v), v->u.s.len, &usec)) {
            *out = dbd_datetime(usec);
        } else {
            return bad(col, msg, msglen, "give a datetime or datetime text");
        }
        char text[LDC_TEXT_MAX];
        if (!ldc_gentime_format(out->u.usec, text))
            return bad(col, msg, msglen,
                       "LDAP GeneralizedTime holds years 0000 to 9999 only");
        return DBD_OK;
    case DBD_TYPE_BOOL:
        if (v->type == DBD_TYPE_BOOL)
            *out = *v;
        else if (v->type == DBD_TYPE_INT && (v->u.i == 0 || v->u.i == 1))
            *out = dbd_bool(v->u.i == 1);
        else
            return bad(col, msg, msglen, "give a bool (or int 0 or 1)");
        return DBD_OK;
    default:
        return bad(col, msg, msglen, "the column has no storable type");
    }
}

dbd_status ldc_value_decode(const ldc_column *col, const char *p, size_t len,
                            dbd_value *out, char *msg, size_t msglen)
{
    int shown = len > 40 ? 40 : (int)len;
    switch (col->type) {
    case DBD_TYPE_INT:
        out->type = DBD_TYPE_INT;
        if (ldc_parse_int(p, len, &out->u.i))
            return DBD_OK;
        break;
    case DBD_TYPE_DOUBLE:
        out->type = DBD_TYPE_DOUBLE;
        if (ldc_parse_double(p, len, &out->u.d))
            return DBD_OK;
        break;
    case DBD_TYPE_STRING:
        *out = dbd_string(p, len);
        return DBD_OK;
    case DBD_TYPE_BLOB:
        *out = dbd_blob(p, len);
        return DBD_OK;
    case DBD_TYPE_DATETIME:
        out->type = DBD_TYPE_DATETIME;
        if (ldc_gentime_parse(p, len, &out->u.usec))
            return DBD_OK;
        break;
    case DBD_TYPE_BOOL:
        if (len == 4 && strncasecmp(p, "TRUE", 4) == 0) {
            *out = dbd_bool(true);
            return DBD_OK;
        }
        if (len == 5 && strncasecmp(p, "FALSE", 5) == 0) {
            *out = dbd_bool(false);
            return DBD_OK;
        }
        break;
    default:
        break;
    }
    return dbd_failf(DBD_BAD, msg, msglen,
                     "attribute %s holds '%.*s', which is not a %s (column "
                     "'%s')", col->attr, shown, p, dbd_type_name(col->type),
                     col->name);
}

bool ldc_value_parse_text(dbd_type t, const char *text, dbd_value *out)
{
    size_t len = strlen(text);
    switch (t) {
    case DBD_TYPE_INT:
        out->type = DBD_TYPE_INT;
        return ldc_parse_int(text, len, &out->u.i);
    case DBD_TYPE_DOUBLE:
        out->type = DBD_TYPE_DOUBLE;
        return ldc_parse_double(text, len, &out->u.d);
    case DBD_TYPE_STRING:
        *out = dbd_string(text, len);
        return true;
    case DBD_TYPE_BLOB:
        *out = dbd_blob(text, len);
        return true;
    case DBD_TYPE_DATETIME:
        out->type = DBD_TYPE_DATETIME;
        return dbd_datetime_parse(text, len, &out->u.usec) ||
               ldc_gentime_parse(text, len, &out->u.usec);
    case DBD_TYPE_BOOL:
        if (strcasecmp(text, "true") == 0 || strcmp(text, "1") == 0)
            *out = dbd_bool(true);
        else if (strcasecmp(text, "false") == 0 || strcmp(text, "0") == 0)
            *out = dbd_bool(false);
        else
            return false;
        return true;
    default:
        return false;
    }
}
