/*
 * binding.c - the location rows of an AoR as the registrar sees them: the
 * queries that read them, rows into reg_binding, and the Contact URI
 * comparison that says which stored binding a Contact refreshes.
 */
#include "binding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every location column reg_binding holds, in the order queries ask for. */
static const char *const binding_columns[] = {
    "ruid", "contact", "expires", "q", "callid", "cseq", "last_modified",
    "user_agent", "received", "path", "socket", "instance", "reg_id",
};
#define NBINDING_COLUMNS (sizeof binding_columns / sizeof binding_columns[0])

int binding_where_aor(dbd_request *req, dbd_op *op, const char *username,
                      const char *domain)
{
    dbd_value user = dbd_string(username, strlen(username));
    if (dbd_op_add_where(req, op, "username", DBD_CMP_EQ, &user) < 0)
        return -1;
    /* Kamailio without use_domain stores NULL, which "=" never matches. */
    if (domain == NULL)
        return dbd_op_add_where(req, op, "domain", DBD_CMP_ISNULL, NULL);
    dbd_value dom = dbd_string(domain, strlen(domain));
    return dbd_op_add_where(req, op, "domain", DBD_CMP_EQ, &dom);
}

/* A query of the AoR's rows with every binding column; NULL on failure. */
static dbd_request *aor_query(const char *ds, const char *table,
                              const char *username, const char *domain)
{
    if (ds == NULL || table == NULL || username == NULL)
        return NULL;
    dbd_request *req = dbd_request_new(DBD_OP_QUERY, ds, table);
    if (req == NULL)
        return NULL;
    for (size_t i = 0; i < NBINDING_COLUMNS; i++)
        if (dbd_op_add_column(req, &req->op, binding_columns[i]) < 0)
            goto fail;
    if (binding_where_aor(req, &req->op, username, domain) < 0)
        goto fail;
    return req;
fail:
    dbd_request_destroy(&req);
    return NULL;
}

dbd_request *reg_query_bindings(const char *ds, const char *table,
                                const char *username, const char *domain)
{
    dbd_request *req = aor_query(ds, table, username, domain);
    if (req != NULL && dbd_op_add_order(req, &req->op, "q", true) < 0)
        dbd_request_destroy(&req);
    return req;
}

dbd_request *reg_query_lookup(const char *ds, const char *table,
                              const char *username, const char *domain,
                              int64_t now_us)
{
    dbd_request *req = aor_query(ds, table, username, domain);
    if (req == NULL)
        return NULL;
    dbd_value now = dbd_datetime(now_us);
    if (dbd_op_add_where(req, &req->op, "expires", DBD_CMP_GT, &now) < 0 ||
        dbd_op_add_order(req, &req->op, "q", true) < 0 ||
        dbd_op_add_order(req, &req->op, "last_modified", true) < 0)
        dbd_request_destroy(&req);
    return req;
}

void binding_clear(reg_binding *b)
{
    if (b == NULL)
        return;
    free(b->ruid);
    free(b->contact);
    free(b->callid);
    free(b->user_agent);
    free(b->received);
    free(b->path);
    free(b->socket);
    free(b->instance);
    memset(b, 0, sizeof(*b));
}

void reg_bindings_free(reg_binding *b, size_t n)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        binding_clear(&b[i]);
    free(b);
}

/* strdup that keeps NULL as NULL; false on allocation failure. */
static bool dup_opt(char **dst, const char *src)
{
    *dst = NULL;
    return src == NULL || (*dst = strdup(src)) != NULL;
}

int binding_copy(reg_binding *dst, const reg_binding *src)
{
    *dst = *src;
    dst->ruid = dst->contact = dst->callid = dst->user_agent = NULL;
    dst->received = dst->path = dst->socket = dst->instance = NULL;
    if (!dup_opt(&dst->ruid, src->ruid) ||
        !dup_opt(&dst->contact, src->contact) ||
        !dup_opt(&dst->callid, src->callid) ||
        !dup_opt(&dst->user_agent, src->user_agent) ||
        !dup_opt(&dst->received, src->received) ||
        !dup_opt(&dst->path, src->path) ||
        !dup_opt(&dst->socket, src->socket) ||
        !dup_opt(&dst->instance, src->instance)) {
        binding_clear(dst);
        return -1;
    }
    return 0;
}

/* --- rows into bindings --- */

enum { COL_RUID, COL_CONTACT, COL_EXPIRES, COL_Q, COL_CALLID, COL_CSEQ,
       COL_LAST_MODIFIED, COL_USER_AGENT, COL_RECEIVED, COL_PATH,
       COL_SOCKET, COL_INSTANCE, COL_REG_ID };

/* A NULL cell: fine (0) unless required (-1 with err). */
static int null_cell(size_t row, int which, bool required, char *err,
                     size_t errlen)
{
    if (!required)
        return 0;
    snprintf(err, errlen, "location row %zu: column %s is NULL", row,
             binding_columns[which]);
    return -1;
}

/* Text cell into an owned string; NULL stays NULL unless required. */
static int row_string(const dbd_result *r, size_t row, const long *cols,
                      int which, bool required, char **dst, char *err,
                      size_t errlen)
{
    size_t col = (size_t)cols[which];
    const char *s;
    size_t len;
    if (dbd_result_is_null(r, row, col))
        return null_cell(row, which, required, err, errlen);
    if (dbd_result_get_string(r, row, col, &s, &len) < 0) {
        snprintf(err, errlen, "location row %zu: column %s is not text", row,
                 binding_columns[which]);
        return -1;
    }
    if ((*dst = strndup(s, len)) == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* Number cell; NULL gives dflt unless required. */
static int row_number(const dbd_result *r, size_t row, const long *cols,
                      int which, bool required, int64_t dflt, int64_t *dst,
                      char *err, size_t errlen)
{
    size_t col = (size_t)cols[which];
    bool datetime = which == COL_EXPIRES || which == COL_LAST_MODIFIED;
    if (dbd_result_is_null(r, row, col)) {
        *dst = dflt;
        return null_cell(row, which, required, err, errlen);
    }
    int rc = datetime ? dbd_result_get_datetime(r, row, col, dst)
                      : dbd_result_get_int64(r, row, col, dst);
    if (rc < 0) {
        snprintf(err, errlen, "location row %zu: column %s is not %s", row,
                 binding_columns[which], datetime ? "a datetime" : "an integer");
        return -1;
    }
    return 0;
}

static int row_binding(const dbd_result *r, size_t row, const long *cols,
                       reg_binding *b, char *err, size_t errlen)
{
    if (row_string(r, row, cols, COL_RUID, true, &b->ruid, err, errlen) < 0 ||
        row_string(r, row, cols, COL_CONTACT, true, &b->contact, err, errlen) < 0 ||
        row_string(r, row, cols, COL_CALLID, false, &b->callid, err, errlen) < 0 ||
        row_string(r, row, cols, COL_USER_AGENT, false, &b->user_agent, err,
                   errlen) < 0 ||
        row_string(r, row, cols, COL_RECEIVED, false, &b->received, err,
                   errlen) < 0 ||
        row_string(r, row, cols, COL_PATH, false, &b->path, err, errlen) < 0 ||
        row_string(r, row, cols, COL_SOCKET, false, &b->socket, err, errlen) < 0 ||
        row_string(r, row, cols, COL_INSTANCE, false, &b->instance, err,
                   errlen) < 0)
        return -1;
    if (row_number(r, row, cols, COL_EXPIRES, true, 0, &b->expires_us, err,
                   errlen) < 0 ||
        row_number(r, row, cols, COL_LAST_MODIFIED, false, 0,
                   &b->last_modified_us, err, errlen) < 0 ||
        row_number(r, row, cols, COL_CSEQ, false, 0, &b->cseq, err, errlen) < 0 ||
        row_number(r, row, cols, COL_REG_ID, false, 0, &b->reg_id, err,
                   errlen) < 0)
        return -1;
    b->q = 1.0;
    size_t qcol = (size_t)cols[COL_Q];
    if (!dbd_result_is_null(r, row, qcol) &&
        dbd_result_get_double(r, row, qcol, &b->q) < 0) {
        snprintf(err, errlen, "location row %zu: column q is not a number", row);
        return -1;
    }
    return 0;
}

int reg_bindings_from_result(const dbd_result *r, reg_binding **out,
                             size_t *n, char *err, size_t errlen)
{
    reg_binding *b = NULL;
    size_t nrows = 0;
    long cols[NBINDING_COLUMNS];
    int rc = -1;

    *out = NULL;
    *n = 0;
    if (r == NULL) {
        snprintf(err, errlen, "no location result");
        goto out;
    }
    if (dbd_result_status(r) != DBD_OK) {
        snprintf(err, errlen, "location query failed: %s",
                 dbd_result_message(r));
        goto out;
    }
    for (size_t i = 0; i < NBINDING_COLUMNS; i++) {
        if ((cols[i] = dbd_result_col_index(r, binding_columns[i])) < 0) {
            snprintf(err, errlen, "location result has no column %s",
                     binding_columns[i]);
            goto out;
        }
    }
    nrows = dbd_result_nrows(r);
    if (nrows == 0) {
        rc = 0;
        goto out;
    }
    if ((b = calloc(nrows, sizeof(*b))) == NULL) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (size_t row = 0; row < nrows; row++)
        if (row_binding(r, row, cols, &b[row], err, errlen) < 0)
            goto out;
    *out = b;
    *n = nrows;
    b = NULL;
    rc = 0;
out:
    /* calloc'd: rows not reached hold only NULL pointers. */
    reg_bindings_free(b, nrows);
    return rc;
}

/* --- URI equality (RFC 3261 19.1.4) --- */

typedef struct span {
    const char *p;
    size_t n;
} span;

typedef struct uri_parts {
    span scheme, user, host, port, params, headers;
    bool has_user, has_port;
} uri_parts;

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The byte of s at *i with %HH decoded, advancing *i; -1 at the end. */
static int next_byte(span s, size_t *i)
{
    if (*i >= s.n)
        return -1;
    int c = (unsigned char)s.p[*i];
    if (c == '%' && *i + 2 < s.n && hexval(s.p[*i + 1]) >= 0 &&
        hexval(s.p[*i + 2]) >= 0) {
        c = hexval(s.p[*i + 1]) * 16 + hexval(s.p[*i + 2]);
        *i += 3;
        return c;
    }
    (*i)++;
    return c;
}

static bool span_equal(span a, span b, bool icase)
{
    size_t i = 0, j = 0;
    for (;;) {
        int x = next_byte(a, &i), y = next_byte(b, &j);
        if (icase) {
            x = lower(x);
            y = lower(y);
        }
        if (x != y)
            return false;
        if (x < 0)
            return true;
    }
}

static bool span_is(span s, const char *word)
{
    span w = {word, strlen(word)};
    return span_equal(s, w, true);
}

/* Blanks and one pair of angle brackets around the URI are not part of it. */
static span trim_uri(const char *s)
{
    span t = {s, strlen(s)};
    while (t.n > 0 && (*t.p == ' ' || *t.p == '\t')) {
        t.p++;
        t.n--;
    }
    while (t.n > 0 && (t.p[t.n - 1] == ' ' || t.p[t.n - 1] == '\t'))
        t.n--;
    if (t.n >= 2 && t.p[0] == '<' && t.p[t.n - 1] == '>') {
        t.p++;
        t.n -= 2;
    }
    return t;
}

static const char *find_any(const char *p, const char *end, const char *set)
{
    for (; p < end; p++)
        if (strchr(set, *p) != NULL)
            return p;
    return end;
}

/* Splits a sip:/sips: URI; false for other schemes or without a host. */
static bool uri_split(span s, uri_parts *u)
{
    memset(u, 0, sizeof(*u));
    const char *end = s.p + s.n;
    const char *colon = memchr(s.p, ':', s.n);
    if (colon == NULL)
        return false;
    u->scheme = (span){s.p, (size_t)(colon - s.p)};
    if (!span_is(u->scheme, "sip") && !span_is(u->scheme, "sips"))
        return false;
    const char *p = colon + 1;
    const char *at = memchr(p, '@', (size_t)(end - p));
    if (at != NULL) {
        u->has_user = true;
        u->user = (span){p, (size_t)(at - p)};
        p = at + 1;
    }
    const char *hp_end = find_any(p, end, ";?");
    const char *host_end = hp_end;
    if (p < hp_end && *p == '[') {
        const char *close = memchr(p, ']', (size_t)(hp_end - p));
        if (close == NULL)
            return false;
        host_end = close + 1;
        if (host_end < hp_end && *host_end != ':')
            return false;
    } else {
        for (const char *c = hp_end; c > p; c--) {
            if (c[-1] == ':') {
                host_end = c - 1;
                break;
            }
        }
    }
    u->host = (span){p, (size_t)(host_end - p)};
    if (u->host.n == 0)
        return false;
    if (host_end < hp_end) {
        u->has_port = true;
        u->port = (span){host_end + 1, (size_t)(hp_end - host_end - 1)};
    }
    p = hp_end;
    const char *q = memchr(p, '?', (size_t)(end - p));
    if (q == NULL)
        q = end;
    u->params = (span){p, (size_t)(q - p)};
    if (q < end)
        u->headers = (span){q + 1, (size_t)(end - q - 1)};
    return true;
}

typedef struct item {
    span name, value;
    bool has_value;
} item;

/* Takes the next non-empty sep-separated item off *rest; false when none. */
static bool next_item(span *rest, char sep, item *it)
{
    while (rest->n > 0 && *rest->p == sep) {
        rest->p++;
        rest->n--;
    }
    if (rest->n == 0)
        return false;
    const char *end = memchr(rest->p, sep, rest->n);
    size_t len = end != NULL ? (size_t)(end - rest->p) : rest->n;
    span whole = {rest->p, len};
    const char *eq = memchr(whole.p, '=', whole.n);
    it->has_value = eq != NULL;
    it->name = (span){whole.p, eq != NULL ? (size_t)(eq - whole.p) : whole.n};
    it->value = eq != NULL ? (span){eq + 1, (size_t)(whole.p + len - eq - 1)}
                           : (span){whole.p + len, 0};
    rest->p += len;
    rest->n -= len;
    return true;
}

static bool find_item(span list, char sep, span name, item *found)
{
    while (next_item(&list, sep, found))
        if (span_equal(found->name, name, true))
            return true;
    return false;
}

static bool item_value_equal(const item *a, const item *b, bool icase)
{
    if (a->has_value != b->has_value)
        return false;
    return span_equal(a->value, b->value, icase);
}

/* Parameters that make URIs differ when only one of them has it. */
static bool param_must_match(span name)
{
    return span_is(name, "user") || span_is(name, "ttl") ||
           span_is(name, "method") || span_is(name, "maddr") ||
           span_is(name, "transport");
}

/* Every item of a either in b and equal, or (when only_some) ignorable. */
static bool items_covered(span a, span b, char sep, bool icase,
                          bool only_some)
{
    item x, y;
    while (next_item(&a, sep, &x)) {
        if (find_item(b, sep, x.name, &y)) {
            if (!item_value_equal(&x, &y, icase))
                return false;
        } else if (!only_some || param_must_match(x.name)) {
            return false;
        }
    }
    return true;
}

bool binding_uri_equal(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return false;
    span sa = trim_uri(a), sb = trim_uri(b);
    uri_parts ua, ub;
    bool sip_a = uri_split(sa, &ua), sip_b = uri_split(sb, &ub);
    if (!sip_a || !sip_b) {
        if (sip_a || sip_b)
            return false;
        /* Not SIP (or malformed): scheme case-insensitive, rest exact. */
        const char *ca = memchr(sa.p, ':', sa.n), *cb = memchr(sb.p, ':', sb.n);
        if (ca == NULL || cb == NULL)
            return sa.n == sb.n && memcmp(sa.p, sb.p, sa.n) == 0;
        span scha = {sa.p, (size_t)(ca - sa.p)}, schb = {sb.p, (size_t)(cb - sb.p)};
        size_t ra = sa.n - scha.n, rb = sb.n - schb.n;
        return span_equal(scha, schb, true) && ra == rb &&
               memcmp(ca, cb, ra) == 0;
    }
    if (!span_equal(ua.scheme, ub.scheme, true) || ua.has_user != ub.has_user ||
        !span_equal(ua.user, ub.user, false) ||
        !span_equal(ua.host, ub.host, true) || ua.has_port != ub.has_port ||
        !span_equal(ua.port, ub.port, false))
        return false;
    return items_covered(ua.params, ub.params, ';', true, true) &&
           items_covered(ub.params, ua.params, ';', true, true) &&
           items_covered(ua.headers, ub.headers, '&', false, false) &&
           items_covered(ub.headers, ua.headers, '&', false, false);
}
