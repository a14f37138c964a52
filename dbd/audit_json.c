/*
 * audit_json.c - writes the JSON text of one audit record (audit_json.h):
 * string escaping with UTF-8 repair, value printing per policy, and the
 * fixed key order of the record format.
 */
#include "audit_json.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

const char *const dbd_audit_default_secrets[DBD_AUDIT_DEFAULT_NSECRETS] = {
    "password", "ha1", "ha1b",
};

static const char hex_digits[] = "0123456789abcdef";

/* Length of the valid UTF-8 sequence starting at s[0] (Unicode table 3-7:
 * no overlongs, no surrogates, nothing above U+10FFFF), or 0 if s[0] does
 * not start one.  Only ASCII control bytes need escaping besides " and \,
 * so this is only asked about bytes >= 0x80. */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n;

    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4;
    else
        return 0;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (avail < n)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

static int append_u00(dbd_buf *out, unsigned char c)
{
    char esc[6] = {'\\', 'u', '0', '0', hex_digits[c >> 4],
                   hex_digits[c & 0x0F]};
    return dbd_buf_append(out, esc, sizeof esc);
}

int dbd_audit_json_string(dbd_buf *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0; /* start of the bytes still to copy unchanged */
    size_t i = 0;
    int rc = -1;

    /* One reserve up front keeps a long plain value to one allocation. */
    if (dbd_buf_reserve(out, len + 2) < 0)
        goto out;
    if (dbd_buf_append_char(out, '"') < 0)
        goto out;
    while (i < len) {
        unsigned char c = p[i];
        const char *esc = NULL;
        size_t seq;

        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0x80) {
            seq = utf8_seq_len(p + i, len - i);
            if (seq > 0) {
                i += seq;
                continue;
            }
        }
        if (dbd_buf_append(out, p + run, i - run) < 0)
            goto out;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\t': esc = "\\t"; break;
        case '\r': esc = "\\r"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        default: break;
        }
        if (esc ? dbd_buf_append(out, esc, 2) < 0 : append_u00(out, c) < 0)
            goto out;
        i++;
        run = i;
    }
    if (dbd_buf_append(out, p + run, i - run) < 0)
        goto out;
    if (dbd_buf_append_char(out, '"') < 0)
        goto out;
    rc = 0;
out:
    return rc;
}

static int append_cstr(dbd_buf *out, const char *s)
{
    return dbd_audit_json_string(out, s, strlen(s));
}

static int append_int(dbd_buf *out, int64_t v)
{
    /* Without printf: several numbers go into every record. */
    if (v >= 0)
        return dbd_buf_append_uint(out, (unsigned long long)v);
    if (dbd_buf_append_char(out, '-') < 0)
        return -1;
    return dbd_buf_append_uint(out, 0ULL - (unsigned long long)v);
}

static int append_double(dbd_buf *out, double d)
{
    char num[40];
    int n;

    /* JSON has no NaN or infinity; a string keeps the line parseable. */
    if (isnan(d))
        return dbd_buf_append_str(out, "\"nan\"");
    if (isinf(d))
        return dbd_buf_append_str(out, d > 0 ? "\"inf\"" : "\"-inf\"");
    n = snprintf(num, sizeof num, "%.17g", d);
    if (n < 0 || (size_t)n >= sizeof num)
        return -1;
    return dbd_buf_append(out, num, (size_t)n);
}

/* ISO-8601 UTC with microseconds always, e.g. 2026-11-26T17:52:00.123456Z:
 * a fixed width sorts and parses more easily in a log. */
static int append_iso_time(dbd_buf *out, int64_t usec)
{
    char text[DBD_DATETIME_TEXT_MAX + 8];
    char *space;
    size_t n;

    dbd_datetime_format(usec, text);
    space = strchr(text, ' ');
    if (space != NULL)
        *space = 'T';
    n = strlen(text);
    if (strchr(text, '.') == NULL) {
        memcpy(text + n, ".000000", 7);
        n += 7;
    }
    text[n++] = 'Z';
    if (dbd_buf_append_char(out, '"') < 0 || dbd_buf_append(out, text, n) < 0)
        return -1;
    return dbd_buf_append_char(out, '"');
}

static int append_base64(dbd_buf *out, const unsigned char *p, size_t len)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;

    if (dbd_buf_reserve(out, (len + 2) / 3 * 4) < 0)
        return -1;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        char q[4] = {alphabet[v >> 18], alphabet[(v >> 12) & 63],
                     alphabet[(v >> 6) & 63], alphabet[v & 63]};
        if (dbd_buf_append(out, q, 4) < 0)
            return -1;
    }
    if (i < len) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)p[i + 1] << 8;
        char q[4] = {alphabet[v >> 18], alphabet[(v >> 12) & 63],
                     i + 1 < len ? alphabet[(v >> 6) & 63] : '=', '='};
        if (dbd_buf_append(out, q, 4) < 0)
            return -1;
    }
    return 0;
}

static int append_value(dbd_buf *out, const dbd_value *v)
{
    switch (v->type) {
    case DBD_TYPE_NULL:
        return dbd_buf_append_str(out, "null");
    case DBD_TYPE_INT:
        return append_int(out, v->u.i);
    case DBD_TYPE_DOUBLE:
        return append_double(out, v->u.d);
    case DBD_TYPE_BOOL:
        return dbd_buf_append_str(out, v->u.b ? "true" : "false");
    case DBD_TYPE_STRING:
        if (v->u.s.len > 0 && v->u.s.ptr == NULL)
            return -1;
        return dbd_audit_json_string(out, v->u.s.ptr, v->u.s.len);
    case DBD_TYPE_BLOB:
        if (v->u.s.len > 0 && v->u.s.ptr == NULL)
            return -1;
        if (dbd_buf_append_str(out, "{\"b64\":\"") < 0 ||
            append_base64(out, (const unsigned char *)v->u.s.ptr,
                          v->u.s.len) < 0)
            return -1;
        return dbd_buf_append_str(out, "\"}");
    case DBD_TYPE_DATETIME:
        return append_iso_time(out, v->u.usec);
    case DBD_TYPE_COUNT:
    default:
        return -1;
    }
}

static bool is_secret(const char *name, const char *const *secret,
                      size_t nsecret)
{
    for (size_t i = 0; i < nsecret; i++)
        if (secret[i] != NULL && strcmp(name, secret[i]) == 0)
            return true;
    return false;
}

/* One [column, how, value] entry; masked prints "***" for the value. */
static int append_pair(dbd_buf *out, const dbd_audit_pair *pair, bool masked)
{
    if (dbd_buf_append_char(out, '[') < 0 || append_cstr(out, pair->name) < 0 ||
        dbd_buf_append_char(out, ',') < 0 ||
        append_cstr(out, pair->how != NULL ? pair->how : "=") < 0 ||
        dbd_buf_append_char(out, ',') < 0)
        return -1;
    if (masked) {
        if (dbd_buf_append_str(out, "\"***\"") < 0)
            return -1;
    } else if (pair->list != NULL) {
        if (dbd_buf_append_char(out, '[') < 0)
            return -1;
        for (size_t k = 0; k < pair->nlist; k++)
            if ((k > 0 && dbd_buf_append_char(out, ',') < 0) ||
                append_value(out, &pair->list[k]) < 0)
                return -1;
        if (dbd_buf_append_char(out, ']') < 0)
            return -1;
    } else if (append_value(out, &pair->value) < 0) {
        return -1;
    }
    return dbd_buf_append_char(out, ']');
}

static int append_values(dbd_buf *out, const dbd_audit_record *r,
                         dbd_audit_values policy, const char *const *secret,
                         size_t nsecret)
{
    if (dbd_buf_append_str(out, ",\"values\":[") < 0)
        return -1;
    for (size_t i = 0; i < r->nvalues; i++) {
        const dbd_audit_pair *pair = &r->values[i];
        bool masked = policy == DBD_AUDIT_VALUES_MASKED ||
                      is_secret(pair->name, secret, nsecret);
        if (i > 0 && dbd_buf_append_char(out, ',') < 0)
            return -1;
        if (append_pair(out, pair, masked) < 0)
            return -1;
    }
    return dbd_buf_append_char(out, ']');
}

/* The record's arguments are usable: required strings present, arrays
 * present where counted, no NULL names. */
static bool record_ok(const dbd_audit_record *r, dbd_audit_values policy,
                      const char *const *secret, size_t nsecret)
{
    if (r == NULL || r->client == NULL || r->op == NULL)
        return false;
    if (policy != DBD_AUDIT_VALUES_NONE && policy != DBD_AUDIT_VALUES_MASKED &&
        policy != DBD_AUDIT_VALUES_FULL)
        return false;
    if ((r->ncols > 0 && r->cols == NULL) ||
        (r->nvalues > 0 && r->values == NULL) ||
        (nsecret > 0 && secret == NULL))
        return false;
    for (size_t i = 0; i < r->ncols; i++)
        if (r->cols[i] == NULL)
            return false;
    for (size_t i = 0; i < r->nvalues; i++)
        if (r->values[i].name == NULL ||
            (r->values[i].list != NULL && r->values[i].nlist == 0))
            return false;
    return true;
}

/* ,"key":"s" when s is not NULL. */
static int append_opt_str(dbd_buf *out, const char *key, const char *s)
{
    if (s == NULL)
        return 0;
    if (dbd_buf_append_str(out, key) < 0)
        return -1;
    return append_cstr(out, s);
}

int dbd_audit_json_head(int64_t ts_us, uint64_t seq, dbd_buf *out)
{
    size_t start;

    if (out == NULL || out->failed)
        return -1;
    start = out->len;
    if (dbd_buf_append_str(out, "{\"ts\":") < 0 ||
        append_iso_time(out, ts_us) < 0 ||
        dbd_buf_append_str(out, ",\"seq\":") < 0 ||
        dbd_buf_append_uint(out, seq) < 0) {
        dbd_buf_truncate(out, start);
        return -1;
    }
    return 0;
}

int dbd_audit_json_rest(const dbd_audit_record *r, dbd_audit_values policy,
                        const char *const *secret, size_t nsecret,
                        dbd_buf *out)
{
    size_t start;
    int rc = -1;

    /* A buffer that failed earlier stays failed: truncating it below would
     * hide the caller's own lost bytes. */
    if (out == NULL || out->failed)
        return -1;
    start = out->len;
    if (secret == NULL) {
        secret = dbd_audit_default_secrets;
        nsecret = DBD_AUDIT_DEFAULT_NSECRETS;
    }
    if (!record_ok(r, policy, secret, nsecret))
        goto out;
    if (append_opt_str(out, ",\"client\":", r->client) < 0 ||
        append_opt_str(out, ",\"name\":", r->name) < 0 ||
        append_opt_str(out, ",\"peer\":", r->peer) < 0 ||
        append_opt_str(out, ",\"ds\":", r->ds) < 0)
        goto out;
    if (r->host != -1 && (dbd_buf_append_str(out, ",\"host\":") < 0 ||
                          append_int(out, r->host) < 0))
        goto out;
    if (append_opt_str(out, ",\"op\":", r->op) < 0 ||
        append_opt_str(out, ",\"table\":", r->table) < 0)
        goto out;
    if (dbd_buf_append_str(out, ",\"cols\":[") < 0)
        goto out;
    for (size_t i = 0; i < r->ncols; i++) {
        if (i > 0 && dbd_buf_append_char(out, ',') < 0)
            goto out;
        if (append_cstr(out, r->cols[i]) < 0)
            goto out;
    }
    if (dbd_buf_append_char(out, ']') < 0)
        goto out;
    if (policy != DBD_AUDIT_VALUES_NONE &&
        append_values(out, r, policy, secret, nsecret) < 0)
        goto out;
    if (append_opt_str(out, ",\"status\":", dbd_status_name(r->status)) < 0)
        goto out;
    if (r->rows != -1 && (dbd_buf_append_str(out, ",\"rows\":") < 0 ||
                          append_int(out, r->rows) < 0))
        goto out;
    if (dbd_buf_append_str(out, ",\"latency_us\":") < 0 ||
        append_int(out, r->latency_us) < 0 ||
        dbd_buf_append_str(out, ",\"id\":") < 0 ||
        dbd_buf_append_uint(out, r->id) < 0 ||
        append_opt_str(out, ",\"detail\":", r->detail) < 0)
        goto out;
    rc = 0;
out:
    if (rc < 0)
        dbd_buf_truncate(out, start);
    return rc;
}

int dbd_audit_json_body(const dbd_audit_record *r, dbd_audit_values policy,
                        const char *const *secret, size_t nsecret,
                        dbd_buf *out)
{
    size_t start;

    if (out == NULL || out->failed || r == NULL)
        return -1;
    start = out->len;
    if (dbd_audit_json_head(r->ts_us, r->seq, out) < 0)
        return -1;
    if (dbd_audit_json_rest(r, policy, secret, nsecret, out) < 0) {
        dbd_buf_truncate(out, start);
        return -1;
    }
    return 0;
}
