/*
 * url.c - backend URL parsing and redaction for logs (see url.h).
 *
 * One parse serves two readers: network backends use the split fields
 * (user, password, host, port, path), file backends use target, the whole
 * decoded text between "://" and '?'.  So the host part is not checked for
 * characters (it may be the first directory of a relative file path); only
 * the bracket syntax and the port are.  Error messages never quote the
 * user information, which may hold a password.
 */
#include "url.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "status.h"

/* dbd_url is the first member, so a dbd_url * is a url_box *. */
typedef struct url_box {
    dbd_url url;
    dbd_arena *arena;
} url_box;

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Percent-decodes s[0..len) into the arena.  NULL on a malformed escape or
 * on %00 (a NUL would silently cut the C string), with *bad set, or on
 * allocation failure with *bad clear.
 */
static char *decode(dbd_arena *a, const char *s, size_t len, bool *bad)
{
    *bad = false;
    char *out = dbd_arena_alloc(a, len + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '%') {
            out[o++] = s[i];
            continue;
        }
        int hi = i + 2 < len ? hex_value(s[i + 1]) : -1;
        int lo = i + 2 < len ? hex_value(s[i + 2]) : -1;
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            *bad = true;
            return NULL;
        }
        out[o++] = (char)(hi * 16 + lo);
        i += 2;
    }
    out[o] = '\0';
    return out;
}

static bool scheme_ok(const char *s, size_t len)
{
    if (len == 0 || !((s[0] >= 'a' && s[0] <= 'z') ||
                      (s[0] >= 'A' && s[0] <= 'Z')))
        return false;
    for (size_t i = 1; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
            return false;
    }
    return true;
}

/* Decimal 1..65535 only. */
static int parse_port(const char *s, size_t len)
{
    if (len == 0 || len > 5)
        return -1;
    int port = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        port = port * 10 + (s[i] - '0');
    }
    return port >= 1 && port <= 65535 ? port : -1;
}

/* host[:port] or [v6]:port of the authority after any userinfo. */
static int parse_host(url_box *box, const char *s, size_t len, char *err,
                      size_t errlen)
{
    dbd_url *u = &box->url;
    const char *port = NULL;
    size_t hostlen = len;
    const char *host = s;

    if (len > 0 && s[0] == '[') {
        const char *close = memchr(s, ']', len);
        if (close == NULL) {
            dbd_errf(err, errlen, "host: missing ']' after IPv6 address");
            return -1;
        }
        host = s + 1;
        hostlen = (size_t)(close - host);
        size_t rest = len - (size_t)(close + 1 - s);
        if (hostlen == 0) {
            dbd_errf(err, errlen, "host: empty IPv6 address");
            return -1;
        }
        for (size_t i = 0; i < hostlen; i++) {
            if (hex_value(host[i]) < 0 && host[i] != ':' && host[i] != '.') {
                dbd_errf(err, errlen, "host: invalid IPv6 address");
                return -1;
            }
        }
        if (rest > 0) {
            if (close[1] != ':') {
                dbd_errf(err, errlen, "host: unexpected text after ']'");
                return -1;
            }
            port = close + 2;
        }
    } else {
        const char *colon = memchr(s, ':', len);
        if (colon != NULL) {
            hostlen = (size_t)(colon - s);
            port = colon + 1;
        }
    }
    if (port != NULL) {
        size_t portlen = len - (size_t)(port - s);
        if ((u->port = parse_port(port, portlen)) < 0) {
            dbd_errf(err, errlen, "port: invalid port \"%.*s\" (1 to 65535)",
                     (int)(portlen > 16 ? 16 : portlen), port);
            return -1;
        }
    }
    if (hostlen > 0 &&
        (u->host = dbd_arena_strndup(box->arena, host, hostlen)) == NULL) {
        dbd_errf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* Decodes s[0..len) into *out, naming field in the error. */
static int decode_field(url_box *box, const char *field, const char *s,
                        size_t len, char **out, char *err, size_t errlen)
{
    bool bad;
    *out = decode(box->arena, s, len, &bad);
    if (*out != NULL)
        return 0;
    if (bad)
        dbd_errf(err, errlen, "%s: invalid percent-escape", field);
    else
        dbd_errf(err, errlen, "out of memory");
    return -1;
}

static int parse_params(url_box *box, const char *q, char *err, size_t errlen)
{
    dbd_url *u = &box->url;
    size_t max = 1;
    for (const char *p = q; *p != '\0'; p++)
        max += *p == '&';
    u->params = dbd_arena_calloc(box->arena, max, sizeof(*u->params));
    if (u->params == NULL) {
        dbd_errf(err, errlen, "out of memory");
        return -1;
    }
    const char *p = q;
    while (*p != '\0') {
        size_t seglen = strcspn(p, "&");
        if (seglen > 0) {
            const char *eq = memchr(p, '=', seglen);
            size_t keylen = eq != NULL ? (size_t)(eq - p) : seglen;
            dbd_option *opt = &u->params[u->nparams];
            char *key, *value;
            if (keylen == 0) {
                dbd_errf(err, errlen, "parameter %zu: empty name",
                         u->nparams + 1);
                return -1;
            }
            if (decode_field(box, "parameter name", p, keylen, &key, err,
                             errlen) < 0)
                return -1;
            const char *v = eq != NULL ? eq + 1 : p + seglen;
            if (decode_field(box, "parameter value", v,
                             (size_t)(p + seglen - v), &value, err,
                             errlen) < 0)
                return -1;
            opt->key = key;
            opt->value = value;
            u->nparams++;
        }
        p += seglen;
        if (*p == '&')
            p++;
    }
    return 0;
}

dbd_url *dbd_url_parse(const char *s, char *err, size_t errlen)
{
    dbd_arena *arena = NULL;
    url_box *box = NULL;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (s == NULL) {
        dbd_errf(err, errlen, "no URL");
        goto fail;
    }
    for (size_t i = 0; s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) {
            dbd_errf(err, errlen, "control character at offset %zu", i);
            goto fail;
        }
    }
    const char *sep = strstr(s, "://");
    if (sep == NULL) {
        dbd_errf(err, errlen, "missing scheme (expected scheme://...)");
        goto fail;
    }
    size_t schemelen = (size_t)(sep - s);
    if (!scheme_ok(s, schemelen)) {
        dbd_errf(err, errlen,
                 "scheme: invalid scheme \"%.*s\" (a letter, then letters, "
                 "digits, + . or -)",
                 (int)(schemelen > 32 ? 32 : schemelen), s);
        goto fail;
    }

    if ((arena = dbd_arena_new()) == NULL ||
        (box = dbd_arena_alloc(arena, sizeof(*box))) == NULL) {
        dbd_errf(err, errlen, "out of memory");
        goto fail;
    }
    box->arena = arena;
    dbd_url *u = &box->url;
    if ((u->scheme = dbd_arena_strndup(arena, s, schemelen)) == NULL) {
        dbd_errf(err, errlen, "out of memory");
        goto fail;
    }
    for (char *c = u->scheme; *c != '\0'; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');

    const char *rest = sep + 3;
    size_t restlen = strcspn(rest, "?");
    if (decode_field(box, "target", rest, restlen, &u->target, err,
                     errlen) < 0)
        goto fail;

    /* The authority ends at the first '/'; the userinfo at its last '@'. */
    const char *slash = memchr(rest, '/', restlen);
    size_t authlen = slash != NULL ? (size_t)(slash - rest) : restlen;
    const char *host = rest;
    size_t hostlen = authlen;
    const char *at = NULL;
    for (size_t i = authlen; i > 0; i--) {
        if (rest[i - 1] == '@') {
            at = rest + i - 1;
            break;
        }
    }
    if (at != NULL) {
        size_t uilen = (size_t)(at - rest);
        const char *colon = memchr(rest, ':', uilen);
        size_t userlen = colon != NULL ? (size_t)(colon - rest) : uilen;
        if (decode_field(box, "user", rest, userlen, &u->user, err,
                         errlen) < 0)
            goto fail;
        if (colon != NULL &&
            decode_field(box, "password", colon + 1,
                         (size_t)(at - colon - 1), &u->password, err,
                         errlen) < 0)
            goto fail;
        host = at + 1;
        hostlen = authlen - uilen - 1;
    }
    if (parse_host(box, host, hostlen, err, errlen) < 0)
        goto fail;
    if (slash != NULL &&
        decode_field(box, "path", slash + 1, restlen - authlen - 1, &u->path,
                     err, errlen) < 0)
        goto fail;
    if (rest[restlen] == '?' &&
        parse_params(box, rest + restlen + 1, err, errlen) < 0)
        goto fail;
    return u;

fail:
    dbd_arena_destroy(&arena);
    return NULL;
}

void dbd_url_destroy(dbd_url **purl)
{
    if (purl == NULL || *purl == NULL)
        return;
    /* The box lives in its own arena. */
    dbd_arena *arena = ((url_box *)*purl)->arena;
    dbd_arena_destroy(&arena);
    *purl = NULL;
}

const char *dbd_url_param(const dbd_url *u, const char *key)
{
    if (u == NULL || key == NULL)
        return NULL;
    for (size_t i = 0; i < u->nparams; i++)
        if (strcmp(u->params[i].key, key) == 0)
            return u->params[i].value;
    return NULL;
}

static bool secret_param(const char *key, size_t len)
{
    static const char *const names[] = {"password", "passwd", "pwd"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i]) == len && strncasecmp(key, names[i], len) == 0)
            return true;
    return false;
}

/* Appends s[0..len) at out + *o. */
static void put(char *out, size_t *o, const char *s, size_t len)
{
    memcpy(out + *o, s, len);
    *o += len;
}

char *dbd_url_redact(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t len = strlen(s);
    size_t amps = 0;
    for (const char *p = s; *p != '\0'; p++)
        amps += *p == '&';
    /* Each replacement grows the text by at most 3 bytes: one for the
     * userinfo and one per parameter. */
    if (amps > (SIZE_MAX - len - 1) / 3 - 2)
        return NULL;
    char *out = malloc(len + 3 * (amps + 2) + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;

    const char *sep = strstr(s, "://");
    if (sep == NULL) {
        put(out, &o, s, len);
        out[o] = '\0';
        return out;
    }
    const char *rest = sep + 3;
    size_t restlen = strcspn(rest, "?");
    size_t authlen = strcspn(rest, "/?");
    const char *at = NULL;
    for (size_t i = authlen; i > 0; i--) {
        if (rest[i - 1] == '@') {
            at = rest + i - 1;
            break;
        }
    }
    const char *colon = at != NULL ? memchr(rest, ':', (size_t)(at - rest))
                                   : NULL;
    if (colon != NULL) {
        put(out, &o, s, (size_t)(colon + 1 - s));
        put(out, &o, "***", 3);
        put(out, &o, at, (size_t)(rest + restlen - at));
    } else {
        put(out, &o, s, (size_t)(rest + restlen - s));
    }

    const char *p = rest + restlen;
    if (*p == '?')
        put(out, &o, p++, 1);
    while (*p != '\0') {
        size_t seglen = strcspn(p, "&");
        const char *eq = memchr(p, '=', seglen);
        if (eq != NULL && secret_param(p, (size_t)(eq - p))) {
            put(out, &o, p, (size_t)(eq + 1 - p));
            put(out, &o, "***", 3);
        } else {
            put(out, &o, p, seglen);
        }
        p += seglen;
        if (*p == '&')
            put(out, &o, p++, 1);
    }
    out[o] = '\0';
    return out;
}
