/*
 * describe.c - values for diagnostics ("# got X, want Y") and the exact
 * comparison the round-trip cases use.
 */
#include "conf.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Bytes shown of a string or blob; the length is always given. */
#define SHOWN 40

static size_t put(char *out, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static size_t put(char *out, size_t n, const char *fmt, ...)
{
    va_list ap;
    int w;

    if (n >= CONF_DESCRIBE_MAX)
        return n;
    va_start(ap, fmt);
    w = vsnprintf(out + n, CONF_DESCRIBE_MAX - n, fmt, ap);
    va_end(ap);
    if (w < 0)
        return n;
    n += (size_t)w;
    return n < CONF_DESCRIBE_MAX ? n : CONF_DESCRIBE_MAX;
}

/* Printable ASCII as it is, everything else as \xNN. */
static size_t put_bytes(char *out, size_t n, const char *p, size_t len,
                        bool text)
{
    size_t shown = len < SHOWN ? len : SHOWN;

    n = put(out, n, "%s", text ? "\"" : "x'");
    for (size_t i = 0; i < shown; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (!text)
            n = put(out, n, "%02x", ch);
        else if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
            n = put(out, n, "%c", ch);
        else
            n = put(out, n, "\\x%02x", ch);
    }
    n = put(out, n, "%s%s", shown < len ? "..." : "", text ? "\"" : "'");
    return put(out, n, " (%zu bytes)", len);
}

void conf_describe(const dbd_value *v, char out[CONF_DESCRIBE_MAX])
{
    size_t n = 0;
    char dt[DBD_DATETIME_TEXT_MAX];

    out[0] = '\0';
    switch (v->type) {
    case DBD_TYPE_NULL:
        put(out, n, "NULL");
        break;
    case DBD_TYPE_INT:
        put(out, n, "int %" PRId64, v->u.i);
        break;
    case DBD_TYPE_DOUBLE:
        put(out, n, "double %.17g (%a)", v->u.d, v->u.d);
        break;
    case DBD_TYPE_BOOL:
        put(out, n, "bool %s", v->u.b ? "true" : "false");
        break;
    case DBD_TYPE_DATETIME:
        dbd_datetime_format(v->u.usec, dt);
        put(out, n, "datetime %s (%" PRId64 " us)", dt, v->u.usec);
        break;
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB:
        n = put(out, n, "%s ", v->type == DBD_TYPE_STRING ? "string" : "blob");
        put_bytes(out, n, v->u.s.ptr != NULL ? v->u.s.ptr : "", v->u.s.len,
                  v->type == DBD_TYPE_STRING);
        break;
    default:
        put(out, n, "type %d", (int)v->type);
        break;
    }
}

bool conf_value_same(const dbd_value *a, const dbd_value *b)
{
    uint64_t x, y;

    if (a->type != b->type)
        return false;
    switch (a->type) {
    case DBD_TYPE_NULL:
        return true;
    case DBD_TYPE_INT:
        return a->u.i == b->u.i;
    case DBD_TYPE_DOUBLE:
        memcpy(&x, &a->u.d, sizeof x);
        memcpy(&y, &b->u.d, sizeof y);
        return x == y;
    case DBD_TYPE_BOOL:
        return a->u.b == b->u.b;
    case DBD_TYPE_DATETIME:
        return a->u.usec == b->u.usec;
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB:
        return a->u.s.len == b->u.s.len &&
               (a->u.s.len == 0 ||
                memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0);
    default:
        return false;
    }
}
