/*
 * out_json.c - the --json output of dbctl: one JSON object per result on
 * one line.  Strings are escaped per RFC 8259 (control characters and NUL
 * as \u00XX, invalid UTF-8 bytes replaced by U+FFFD); values JSON cannot
 * express carry their type: blobs as {"hex": "..."}, datetimes as
 * {"datetime": "ISO 8601 UTC", "usec": N}, non-finite doubles as the
 * strings "nan", "inf", "-inf".
 */
#include "dbctl.h"

#include <math.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        len = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4;
    else
        return 0;
    /* No overlong forms, no surrogates, nothing above U+10FFFF. */
    if (s[0] == 0xe0)
        lo = 0xa0;
    else if (s[0] == 0xed)
        hi = 0x9f;
    else if (s[0] == 0xf0)
        lo = 0x90;
    else if (s[0] == 0xf4)
        hi = 0x8f;
    if (len > n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return len;
}

static void json_string(FILE *f, const char *p, size_t len)
{
    const unsigned char *s = (const unsigned char *)p;

    fputc('"', f);
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq(s + i, len - i);

        if (n == 0) {
            fputs("\\ufffd", f);
            i++;
            continue;
        }
        if (n > 1) {
            fwrite(s + i, 1, n, f);
        } else if (s[i] == '"' || s[i] == '\\') {
            fputc('\\', f);
            fputc(s[i], f);
        } else if (s[i] == '\n') {
            fputs("\\n", f);
        } else if (s[i] == '\t') {
            fputs("\\t", f);
        } else if (s[i] == '\r') {
            fputs("\\r", f);
        } else if (s[i] == '\b') {
            fputs("\\b", f);
        } else if (s[i] == '\f') {
            fputs("\\f", f);
        } else if (s[i] < 0x20 || s[i] == 0x7f) {
            fprintf(f, "\\u%04x", s[i]);
        } else {
            fputc(s[i], f);
        }
        i += n;
    }
    fputc('"', f);
}

static void json_cstring(FILE *f, const char *s)
{
    json_string(f, s, strlen(s));
}

static int json_value(FILE *f, const dbd_value *v)
{
    strbuf b = {0};
    int rc = 0;

    switch (v->type) {
    case DBD_TYPE_NULL:
        fputs("null", f);
        break;
    case DBD_TYPE_INT:
        fprintf(f, "%lld", (long long)v->u.i);
        break;
    case DBD_TYPE_BOOL:
        fputs(v->u.b ? "true" : "false", f);
        break;
    case DBD_TYPE_DOUBLE:
        rc = format_double(&b, v->u.d);
        if (rc == 0 && isfinite(v->u.d))
            fputs(b.data, f);
        else if (rc == 0)
            json_cstring(f, b.data);
        break;
    case DBD_TYPE_STRING:
        json_string(f, v->u.s.ptr, v->u.s.len);
        break;
    case DBD_TYPE_BLOB:
        rc = format_value(&b, v);
        if (rc == 0) {
            fputs("{\"hex\":", f);
            json_cstring(f, b.data + 2); /* without the 0x */
            fputc('}', f);
        }
        break;
    case DBD_TYPE_DATETIME:
        rc = format_datetime(&b, v->u.usec);
        if (rc == 0) {
            fputs("{\"datetime\":", f);
            json_cstring(f, b.data);
            fprintf(f, ",\"usec\":%lld}", (long long)v->u.usec);
        }
        break;
    default:
        fputs("null", f);
        break;
    }
    sb_free(&b);
    return rc;
}

static int json_result(FILE *f, const dbd_result *r, const char *key,
                       const dbd_result *extra)
{
    dbd_status st = dbd_result_status(r);
    size_t ncols = dbd_result_ncols(r), nrows = dbd_result_nrows(r);
    size_t nsubs = dbd_result_nsubs(r);

    fputs("{\"status\":", f);
    json_cstring(f, dbd_status_name(st));
    fprintf(f, ",\"code\":%d,\"message\":", (int)st);
    json_cstring(f, dbd_result_message(r));
    if (ncols > 0) {
        fputs(",\"columns\":[", f);
        for (size_t c = 0; c < ncols; c++) {
            fputs(c ? ",{\"name\":" : "{\"name\":", f);
            json_cstring(f, dbd_result_col_name(r, c));
            fputs(",\"type\":", f);
            json_cstring(f, dbd_type_name(dbd_result_col_type(r, c)));
            fputc('}', f);
        }
        fputs("],\"rows\":[", f);
        for (size_t row = 0; row < nrows; row++) {
            fputs(row ? ",[" : "[", f);
            for (size_t c = 0; c < ncols; c++) {
                const dbd_value *v = dbd_result_value(r, row, c);
                dbd_value null = dbd_null();

                if (c > 0)
                    fputc(',', f);
                if (json_value(f, v != NULL ? v : &null) != 0)
                    return -1;
            }
            fputc(']', f);
        }
        fputc(']', f);
    }
    if (dbd_result_affected(r) >= 0)
        fprintf(f, ",\"affected\":%lld", (long long)dbd_result_affected(r));
    if (dbd_result_last_id(r) != 0)
        fprintf(f, ",\"last_id\":%lld", (long long)dbd_result_last_id(r));
    if (nsubs > 0) {
        fputs(",\"results\":[", f);
        for (size_t i = 0; i < nsubs; i++) {
            if (i > 0)
                fputc(',', f);
            if (json_result(f, dbd_result_sub(r, i), NULL, NULL) != 0)
                return -1;
        }
        fputc(']', f);
    }
    if (key != NULL && extra != NULL) {
        fputc(',', f);
        json_cstring(f, key);
        fputc(':', f);
        if (json_result(f, extra, NULL, NULL) != 0)
            return -1;
    }
    fputc('}', f);
    return 0;
}

int out_json_with(FILE *f, const dbd_result *r, const char *key,
                  const dbd_result *extra)
{
    if (json_result(f, r, key, extra) != 0)
        return -1;
    fputc('\n', f);
    return 0;
}

int out_json(FILE *f, const dbd_result *r)
{
    return out_json_with(f, r, NULL, NULL);
}
