/*
 * audit_line.c - reads the top-level fields of one audit record (a JSON
 * object on one line), matches it against the filters of "audit --follow"
 * and writes its readable one-line form.  The parser is small and strict:
 * it checks the whole line's JSON syntax, keeps only the known top-level
 * fields, and never reads past the given length (frames are not
 * NUL-terminated).
 */
#include "audit_line.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Nested arrays and objects are skipped by recursion: bound it. */
#define MAX_DEPTH 32

typedef enum field_type { F_STRING, F_NUMBER } field_type;

static const struct {
    const char *key;
    size_t offset;
    field_type type;
} fields[] = {
    {"ts", offsetof(audit_line, ts), F_STRING},
    {"seq", offsetof(audit_line, seq), F_NUMBER},
    {"client", offsetof(audit_line, client), F_STRING},
    {"name", offsetof(audit_line, name), F_STRING},
    {"peer", offsetof(audit_line, peer), F_STRING},
    {"ds", offsetof(audit_line, ds), F_STRING},
    {"host", offsetof(audit_line, host), F_NUMBER},
    {"op", offsetof(audit_line, op), F_STRING},
    {"table", offsetof(audit_line, table), F_STRING},
    {"status", offsetof(audit_line, status), F_STRING},
    {"rows", offsetof(audit_line, rows), F_NUMBER},
    {"latency_us", offsetof(audit_line, latency_us), F_NUMBER},
    {"id", offsetof(audit_line, id), F_NUMBER},
    {"detail", offsetof(audit_line, detail), F_STRING},
};

typedef struct parser {
    const char *p, *end;
    char *store; /* decoded strings and number texts, NUL-terminated */
    size_t used, cap;
    char *err;
    size_t errlen;
} parser;

__attribute__((format(printf, 2, 3)))
static int fail(parser *ps, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(ps->err, ps->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static void skip_blanks(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
                               *ps->p == '\r' || *ps->p == '\n'))
        ps->p++;
}

/* Decoded text never outgrows its JSON text, so store (the line's length
 * plus one) cannot overflow; checked anyway. */
static int put(parser *ps, const char *s, size_t n, bool keep)
{
    if (!keep)
        return 0;
    if (n > ps->cap - ps->used)
        return fail(ps, "record too large to decode");
    memcpy(ps->store + ps->used, s, n);
    ps->used += n;
    return 0;
}

static int hex4(parser *ps, unsigned *out)
{
    unsigned v = 0;

    if (ps->end - ps->p < 4)
        return fail(ps, "cut-short \\u escape");
    for (int i = 0; i < 4; i++) {
        char c = *ps->p++;
        unsigned d;

        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return fail(ps, "bad hex digit in a \\u escape");
        v = v * 16 + d;
    }
    *out = v;
    return 0;
}

/* The UTF-8 of a \u escape (a surrogate pair taken together). */
static int unicode_escape(parser *ps, bool keep)
{
    unsigned cp, lo;
    char u[4];
    size_t n;

    if (hex4(ps, &cp) != 0)
        return -1;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail(ps, "lone low surrogate in a \\u escape");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
            return fail(ps, "lone high surrogate in a \\u escape");
        ps->p += 2;
        if (hex4(ps, &lo) != 0)
            return -1;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return fail(ps, "bad surrogate pair in a \\u escape");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return put(ps, u, n, keep);
}

/* A string at ps->p (its opening quote); with keep, its unescaped text
 * and a NUL go to the store and *out points at them. */
static int parse_string(parser *ps, bool keep, const char **out)
{
    size_t start = ps->used;

    ps->p++; /* the opening quote */
    for (;;) {
        char c, e;

        if (ps->p == ps->end)
            return fail(ps, "unterminated string");
        c = *ps->p++;
        if (c == '"')
            break;
        if ((unsigned char)c < 0x20)
            return fail(ps, "control character in a string");
        if (c != '\\') {
            if (put(ps, &c, 1, keep) != 0)
                return -1;
            continue;
        }
        if (ps->p == ps->end)
            return fail(ps, "unterminated string");
        switch (e = *ps->p++) {
        case '"': case '\\': case '/': c = e; break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'u':
            if (unicode_escape(ps, keep) != 0)
                return -1;
            continue;
        default:
            return fail(ps, "bad escape \\%c in a string", e);
        }
        if (put(ps, &c, 1, keep) != 0)
            return -1;
    }
    if (put(ps, "", 1, keep) != 0)
        return -1;
    if (keep && out != NULL)
        *out = ps->store + start;
    return 0;
}

static bool is_digit(const parser *ps)
{
    return ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9';
}

static void skip_digits(parser *ps)
{
    while (is_digit(ps))
        ps->p++;
}

/* A number per RFC 8259; with keep, its text is stored for *out. */
static int parse_number(parser *ps, bool keep, const char **out)
{
    const char *from = ps->p;
    size_t start = ps->used;

    if (ps->p < ps->end && *ps->p == '-')
        ps->p++;
    if (!is_digit(ps))
        return fail(ps, "bad number");
    if (*ps->p++ != '0')
        skip_digits(ps);
    if (ps->p < ps->end && *ps->p == '.') {
        ps->p++;
        if (!is_digit(ps))
            return fail(ps, "bad number");
        skip_digits(ps);
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
            ps->p++;
        if (!is_digit(ps))
            return fail(ps, "bad number");
        skip_digits(ps);
    }
    if (put(ps, from, (size_t)(ps->p - from), keep) != 0 ||
        put(ps, "", 1, keep) != 0)
        return -1;
    if (keep && out != NULL)
        *out = ps->store + start;
    return 0;
}

static int skip_value(parser *ps, int depth);

static int skip_word(parser *ps, const char *word)
{
    size_t n = strlen(word);

    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail(ps, "unexpected character '%c'", *ps->p);
    ps->p += n;
    return 0;
}

/* An array or object at ps->p, checked and skipped. */
static int skip_container(parser *ps, int depth)
{
    char close = *ps->p == '{' ? '}' : ']';
    bool object = close == '}';

    if (depth >= MAX_DEPTH)
        return fail(ps, "nested deeper than %d", MAX_DEPTH);
    ps->p++;
    skip_blanks(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return 0;
    }
    for (;;) {
        if (object) {
            if (ps->p == ps->end || *ps->p != '"')
                return fail(ps, "object key is not a string");
            if (parse_string(ps, false, NULL) != 0)
                return -1;
            skip_blanks(ps);
            if (ps->p == ps->end || *ps->p++ != ':')
                return fail(ps, "no ':' after an object key");
            skip_blanks(ps);
        }
        if (skip_value(ps, depth + 1) != 0)
            return -1;
        skip_blanks(ps);
        if (ps->p == ps->end)
            return fail(ps, "unterminated %s", object ? "object" : "array");
        if (*ps->p == close) {
            ps->p++;
            return 0;
        }
        if (*ps->p++ != ',')
            return fail(ps, "no ',' between elements");
        skip_blanks(ps);
    }
}

static int skip_value(parser *ps, int depth)
{
    if (ps->p == ps->end)
        return fail(ps, "value missing");
    switch (*ps->p) {
    case '"': return parse_string(ps, false, NULL);
    case '{': case '[': return skip_container(ps, depth);
    case 't': return skip_word(ps, "true");
    case 'f': return skip_word(ps, "false");
    case 'n': return skip_word(ps, "null");
    default: return parse_number(ps, false, NULL);
    }
}

/* One member of the top-level object: a known field is kept. */
static int parse_member(parser *ps, audit_line *out)
{
    size_t mark = ps->used;
    const char *key = NULL, **slot = NULL;
    field_type type = F_STRING;

    if (ps->p == ps->end || *ps->p != '"')
        return fail(ps, "object key is not a string");
    if (parse_string(ps, true, &key) != 0)
        return -1;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(fields[i].key, key) == 0) {
            slot = (const char **)(void *)((char *)out + fields[i].offset);
            type = fields[i].type;
            break;
        }
    if (slot != NULL && *slot != NULL)
        return fail(ps, "key \"%s\" appears twice", key);
    skip_blanks(ps);
    if (ps->p == ps->end || *ps->p++ != ':')
        return fail(ps, "no ':' after key \"%s\"", key);
    skip_blanks(ps);
    if (slot == NULL) {
        ps->used = mark; /* the key is not kept */
        return skip_value(ps, 1);
    }
    if (type == F_STRING) {
        if (ps->p == ps->end || *ps->p != '"')
            return fail(ps, "\"%s\" is not a string", key);
        return parse_string(ps, true, slot);
    }
    if (ps->p == ps->end || (*ps->p != '-' && (*ps->p < '0' || *ps->p > '9')))
        return fail(ps, "\"%s\" is not a number", key);
    return parse_number(ps, true, slot);
}

int audit_line_parse(const char *text, size_t len, audit_line *out,
                     char *err, size_t errlen)
{
    parser ps = {.p = text, .end = text + len, .err = err,
                 .errlen = errlen};
    int rc = -1;

    memset(out, 0, sizeof *out);
    ps.cap = len + 1;
    ps.store = malloc(ps.cap);
    if (ps.store == NULL) {
        fail(&ps, "out of memory");
        goto out;
    }
    skip_blanks(&ps);
    if (ps.p == ps.end || *ps.p++ != '{') {
        fail(&ps, "not a JSON object");
        goto out;
    }
    skip_blanks(&ps);
    if (ps.p < ps.end && *ps.p == '}') {
        ps.p++;
    } else {
        for (;;) {
            if (parse_member(&ps, out) != 0)
                goto out;
            skip_blanks(&ps);
            if (ps.p == ps.end) {
                fail(&ps, "unterminated object");
                goto out;
            }
            if (*ps.p == '}') {
                ps.p++;
                break;
            }
            if (*ps.p++ != ',') {
                fail(&ps, "no ',' between members");
                goto out;
            }
            skip_blanks(&ps);
        }
    }
    skip_blanks(&ps);
    if (ps.p != ps.end) {
        fail(&ps, "text after the object");
        goto out;
    }
    out->store = ps.store;
    ps.store = NULL;
    rc = 0;
out:
    if (rc != 0)
        memset(out, 0, sizeof *out);
    free(ps.store);
    return rc;
}

void audit_line_free(audit_line *l)
{
    if (l == NULL)
        return;
    free(l->store);
    memset(l, 0, sizeof *l);
}

bool audit_filter_match(const audit_filter *f, const audit_line *l)
{
    if (f->datasource != NULL &&
        (l->ds == NULL || strcmp(l->ds, f->datasource) != 0))
        return false;
    if (f->client != NULL &&
        (l->client == NULL || strstr(l->client, f->client) == NULL) &&
        (l->name == NULL || strstr(l->name, f->client) == NULL))
        return false;
    if (f->status != NULL &&
        (l->status == NULL || strcasecmp(l->status, f->status) != 0))
        return false;
    if (f->table != NULL &&
        (l->table == NULL || strcmp(l->table, f->table) != 0))
        return false;
    return true;
}

/* s with control characters as \xHH (a decoded "\n" must not split the
 * line), or "-" when absent. */
static int put_text(strbuf *b, const char *s)
{
    if (s == NULL)
        return sb_append(b, "-", 1);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        int rc = c < 0x20 || c == 0x7F ? sb_printf(b, "\\x%02X", c)
                                       : sb_append(b, s, 1);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Microseconds as milliseconds with three decimals; the JSON text as is
 * (with "us") when it is not a non-negative integer. */
static int put_latency(strbuf *b, const char *us)
{
    char *end;
    long long v;

    if (us == NULL)
        return sb_append(b, "-", 1);
    errno = 0;
    v = strtoll(us, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0)
        return sb_printf(b, "%sus", us);
    return sb_printf(b, "%lld.%03lldms", v / 1000, v % 1000);
}

int audit_line_format(strbuf *b, const audit_line *l)
{
    int rc = 0;

    rc |= put_text(b, l->ts);
    rc |= sb_append(b, "  ", 2);
    rc |= put_text(b, l->seq);
    rc |= sb_append(b, "  ", 2);
    rc |= put_text(b, l->client);
    if (l->name != NULL) {
        rc |= sb_append(b, " (", 2);
        rc |= put_text(b, l->name);
        rc |= sb_append(b, ")", 1);
    }
    rc |= sb_append(b, "  ", 2);
    rc |= put_text(b, l->ds);
    if (l->host != NULL) {
        rc |= sb_append(b, "#", 1);
        rc |= put_text(b, l->host);
    }
    rc |= sb_append(b, "  ", 2);
    rc |= put_text(b, l->op);
    rc |= sb_append(b, " ", 1);
    rc |= put_text(b, l->table);
    rc |= sb_append(b, "  ", 2);
    rc |= put_text(b, l->status);
    rc |= sb_append(b, "  rows=", 7);
    rc |= put_text(b, l->rows);
    rc |= sb_append(b, "  ", 2);
    rc |= put_latency(b, l->latency_us);
    rc |= sb_append(b, "  id=", 5);
    rc |= put_text(b, l->id);
    if (l->detail != NULL) {
        rc |= sb_append(b, "  detail=", 9);
        rc |= put_text(b, l->detail);
    }
    return rc != 0 ? -1 : 0;
}
