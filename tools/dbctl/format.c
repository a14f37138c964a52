/*
 * format.c - a growable string and the display text of values shared by
 * the table and JSON output: shortest round-trip doubles, ISO 8601 UTC
 * datetimes, 0x-prefixed hex blobs.
 */
#include "dbctl.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int sb_append(strbuf *b, const char *s, size_t len)
{
    if (len >= b->cap - b->len || b->data == NULL) {
        size_t cap = b->cap ? b->cap : 64;
        char *data;

        while (cap - b->len <= len) {
            if (cap > SIZE_MAX / 2)
                return -1;
            cap *= 2;
        }
        data = realloc(b->data, cap);
        if (data == NULL)
            return -1;
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int sb_printf(strbuf *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return -1; /* only used for short numbers */
    return sb_append(b, tmp, (size_t)n);
}

void sb_free(strbuf *b)
{
    free(b->data);
    *b = (strbuf){0};
}

int format_double(strbuf *b, double d)
{
    char tmp[40];

    if (isnan(d))
        return sb_append(b, "nan", 3);
    if (isinf(d))
        return d < 0 ? sb_append(b, "-inf", 4) : sb_append(b, "inf", 3);
    /* The shortest text that reads back as the same double. */
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    return sb_append(b, tmp, strlen(tmp));
}

int format_datetime(strbuf *b, int64_t usec)
{
    char tmp[DBD_DATETIME_TEXT_MAX];
    char *space;

    dbd_datetime_format(usec, tmp);
    space = strchr(tmp, ' ');
    if (space != NULL)
        *space = 'T';
    if (sb_append(b, tmp, strlen(tmp)) != 0)
        return -1;
    return sb_append(b, "Z", 1);
}

static int format_hex(strbuf *b, const char *p, size_t len)
{
    static const char digits[] = "0123456789abcdef";

    if (sb_append(b, "0x", 2) != 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        char two[2] = {digits[(unsigned char)p[i] >> 4],
                       digits[(unsigned char)p[i] & 15]};

        if (sb_append(b, two, 2) != 0)
            return -1;
    }
    return 0;
}

/* Strings: control characters and backslashes escaped so that each cell
 * stays on one line and reads unambiguously. */
static int format_text(strbuf *b, const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)p[i];
        int rc;

        if (ch == '\\')
            rc = sb_append(b, "\\\\", 2);
        else if (ch == '\n')
            rc = sb_append(b, "\\n", 2);
        else if (ch == '\t')
            rc = sb_append(b, "\\t", 2);
        else if (ch == '\r')
            rc = sb_append(b, "\\r", 2);
        else if (ch == 0)
            rc = sb_append(b, "\\0", 2);
        else if (ch < 0x20 || ch == 0x7f)
            rc = sb_printf(b, "\\x%02x", ch);
        else
            rc = sb_append(b, (const char *)&p[i], 1);
        if (rc != 0)
            return -1;
    }
    return 0;
}

int format_value(strbuf *b, const dbd_value *v)
{
    switch (v->type) {
    case DBD_TYPE_NULL:
        return sb_append(b, "NULL", 4);
    case DBD_TYPE_INT:
        return sb_printf(b, "%lld", (long long)v->u.i);
    case DBD_TYPE_DOUBLE:
        return format_double(b, v->u.d);
    case DBD_TYPE_BOOL:
        return v->u.b ? sb_append(b, "true", 4) : sb_append(b, "false", 5);
    case DBD_TYPE_DATETIME:
        return format_datetime(b, v->u.usec);
    case DBD_TYPE_STRING:
        return format_text(b, v->u.s.ptr, v->u.s.len);
    case DBD_TYPE_BLOB:
        return format_hex(b, v->u.s.ptr, v->u.s.len);
    default:
        return sb_append(b, "?", 1);
    }
}
