/* bdb_literal.c - literals of table-definition files (see bdb_literal.h). */
#include "bdb_literal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bdb_value.h"

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 'text' with '' for a quote; *p is at the opening quote. */
static dbd_status quoted(const char **p, char **bytes, size_t *len,
                         char *err, size_t errlen)
{
    const char *s = *p + 1;
    char *out = malloc(strlen(s) + 1);
    size_t n = 0;
    if (out == NULL)
        return dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
    for (;;) {
        if (*s == '\0') {
            free(out);
            return dbd_failf(DBD_BAD, err, errlen, "a quoted value has no "
                             "closing quote");
        }
        if (*s == '\'' && s[1] == '\'') {
            out[n++] = '\'';
            s += 2;
        } else if (*s == '\'') {
            s++;
            break;
        } else {
            out[n++] = *s++;
        }
    }
    out[n] = '\0';
    *p = s;
    *bytes = out;
    *len = n;
    return DBD_OK;
}

static dbd_status hex_blob(const char **p, char **bytes, size_t *len,
                           char *err, size_t errlen)
{
    dbd_status st = quoted(p, bytes, len, err, errlen);
    if (st != DBD_OK)
        return st;
    char *h = *bytes;
    if (*len % 2 != 0)
        goto bad;
    for (size_t i = 0; i < *len / 2; i++) {
        int hi = hex_digit(h[2 * i]), lo = hex_digit(h[2 * i + 1]);
        if (hi < 0 || lo < 0)
            goto bad;
        h[i] = (char)(hi << 4 | lo);
    }
    *len /= 2;
    return DBD_OK;
bad:
    free(*bytes);
    *bytes = NULL;
    return dbd_failf(DBD_BAD, err, errlen, "x'...' wants an even number of "
                     "hex digits");
}

/* A bare word: number, true, false or null. */
static dbd_status word(const char **p, dbd_value *v, char *err, size_t errlen)
{
    char buf[64];
    size_t n = strcspn(*p, " \t,");
    char *end;
    if (n == 0 || n >= sizeof buf)
        return dbd_failf(DBD_BAD, err, errlen, "expected a value at '%.20s'",
                         *p);
    memcpy(buf, *p, n);
    buf[n] = '\0';
    *p += n;
    if (strcasecmp(buf, "null") == 0) {
        *v = dbd_null();
        return DBD_OK;
    }
    if (strcasecmp(buf, "true") == 0 || strcasecmp(buf, "false") == 0) {
        *v = dbd_bool(strcasecmp(buf, "true") == 0);
        return DBD_OK;
    }
    errno = 0;
    long long i = strtoll(buf, &end, 10);
    if (errno == 0 && *end == '\0') {
        *v = dbd_int(i);
        return DBD_OK;
    }
    errno = 0;
    double d = strtod(buf, &end);
    if (errno == 0 && *end == '\0' && !isnan(d)) {
        *v = dbd_double(d);
        return DBD_OK;
    }
    return dbd_failf(DBD_BAD, err, errlen, "'%s' is not a value (quote "
                     "text as 'text')", buf);
}

dbd_status bdb_literal_parse(const char **p, dbd_value *v, char **bytes,
                             char *err, size_t errlen)
{
    size_t len = 0;
    dbd_status st;

    *bytes = NULL;
    while (**p == ' ' || **p == '\t')
        (*p)++;
    if (**p == '\'') {
        if ((st = quoted(p, bytes, &len, err, errlen)) == DBD_OK)
            *v = dbd_string(*bytes, len);
        return st;
    }
    if ((**p == 'x' || **p == 'X') && (*p)[1] == '\'') {
        (*p)++;
        if ((st = hex_blob(p, bytes, &len, err, errlen)) == DBD_OK)
            *v = dbd_blob(*bytes, len);
        return st;
    }
    return word(p, v, err, errlen);
}

dbd_status bdb_literal_for_column(const bdb_column *col, const dbd_value *lit,
                                  dbd_value *out, char **bytes, char *err,
                                  size_t errlen)
{
    bdb_cval cv;
    *bytes = NULL;
    dbd_status st = bdb_value_for_store(col, lit, &cv, err, errlen);
    if (st != DBD_OK)
        return st;
    *out = cv.v;
    if (out->type != DBD_TYPE_STRING && out->type != DBD_TYPE_BLOB)
        return DBD_OK;
    if ((*bytes = malloc(out->u.s.len + 1)) == NULL)
        return dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
    if (out->u.s.len > 0)
        memcpy(*bytes, out->u.s.ptr, out->u.s.len);
    (*bytes)[out->u.s.len] = '\0';
    out->u.s.ptr = *bytes;
    return DBD_OK;
}
