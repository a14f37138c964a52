/*
 * auth.c - SIP digest authentication: credentials from libosip2's parsed
 * Authorization header, challenge text, verification against an HA1, and
 * the choice of HA1 from a subscriber row.
 */
#include "auth.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osipparser2/osip_port.h>
#include <osipparser2/osip_uri.h>

/* An HA1 nobody has: used for unknown users so that they cost the same
 * hashing as a wrong password.  The verdict is FAIL whatever it yields. */
static const char dummy_ha1[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

typedef enum unquote_rc { UNQUOTE_OK, UNQUOTE_BAD, UNQUOTE_NOMEM } unquote_rc;

/*
 * *out = a copy of in without surrounding quotes, quoted-pairs (\x)
 * resolved; tokens are copied as they are; in NULL gives *out NULL.
 */
static unquote_rc dup_unquoted(const char *in, char **out)
{
    size_t len, j = 0;
    char *s;

    *out = NULL;
    if (in == NULL)
        return UNQUOTE_OK;
    len = strlen(in);
    if (len == 0 || in[0] != '"') {
        s = strdup(in);
        if (s == NULL)
            return UNQUOTE_NOMEM;
        *out = s;
        return UNQUOTE_OK;
    }
    s = malloc(len);  /* the text between the quotes plus a NUL fits */
    if (s == NULL)
        return UNQUOTE_NOMEM;
    for (size_t i = 1; i < len; i++) {
        if (in[i] == '\\' && i + 1 < len) {
            s[j++] = in[++i];
        } else if (in[i] == '"') {
            if (i != len - 1)
                break;  /* text after the closing quote */
            s[j] = '\0';
            *out = s;
            return UNQUOTE_OK;
        } else {
            s[j++] = in[i];
        }
    }
    free(s);
    return UNQUOTE_BAD;
}

/* One field of the header: where it comes from and where it goes. */
typedef struct field_map {
    const char *name;
    size_t hdr_off;   /* char * in osip_authorization_t */
    size_t cred_off;  /* char * in sip_credentials */
    bool required;
} field_map;

#define FIELD(name, hdr, cred, req) \
    { name, offsetof(osip_authorization_t, hdr), offsetof(sip_credentials, cred), req }

static const field_map fields[] = {
    FIELD("username", username, username, true),
    FIELD("realm", realm, realm, true),
    FIELD("nonce", nonce, nonce, true),
    FIELD("uri", uri, uri, true),
    FIELD("response", response, response, true),
    FIELD("cnonce", cnonce, cnonce, false),
    FIELD("nc", nonce_count, nc, false),
    FIELD("qop", message_qop, qop, false),
    FIELD("opaque", opaque, opaque, false),
    FIELD("algorithm", algorithm, algorithm, false),
};

static bool is_nc(const char *s)
{
    size_t i;

    for (i = 0; s[i] != '\0'; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return i == 8;
}

int sip_credentials_parse(const osip_authorization_t *h, sip_credentials *out,
                          char *err, size_t errlen)
{
    int rc = -1;

    if (out == NULL) {
        set_err(err, errlen, "no place for the credentials");
        return -1;
    }
    memset(out, 0, sizeof *out);
    out->alg = SIP_DIGEST_MD5;
    if (h == NULL) {
        set_err(err, errlen, "no Authorization header");
        goto out;
    }
    if (h->auth_type == NULL || strcasecmp(h->auth_type, "Digest") != 0) {
        set_err(err, errlen, "authorization scheme %s is not Digest",
                h->auth_type != NULL ? h->auth_type : "(none)");
        goto out;
    }
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const field_map *f = &fields[i];
        const char *src = *(char *const *)(const void *)((const char *)h + f->hdr_off);
        char **dst = (char **)(void *)((char *)out + f->cred_off);

        switch (dup_unquoted(src, dst)) {
        case UNQUOTE_OK:
            break;
        case UNQUOTE_BAD:
            set_err(err, errlen, "authorization field %s: malformed quoted string", f->name);
            goto out;
        case UNQUOTE_NOMEM:
            set_err(err, errlen, "out of memory");
            goto out;
        }
        if (f->required && (*dst == NULL || (*dst)[0] == '\0')) {
            set_err(err, errlen, "authorization field %s is missing", f->name);
            goto out;
        }
    }
    if (out->algorithm != NULL && !sip_digest_alg_parse(out->algorithm, &out->alg)) {
        set_err(err, errlen, "unsupported digest algorithm %s", out->algorithm);
        goto out;
    }
    if (out->qop != NULL) {
        if (strcasecmp(out->qop, "auth") != 0) {
            set_err(err, errlen, "unsupported qop %s (only auth is offered)", out->qop);
            goto out;
        }
        if (out->nc == NULL || out->cnonce == NULL || out->cnonce[0] == '\0') {
            set_err(err, errlen, "qop=auth without %s", out->nc == NULL ? "nc" : "cnonce");
            goto out;
        }
        if (!is_nc(out->nc)) {
            set_err(err, errlen, "nc %s is not 8 hex digits", out->nc);
            goto out;
        }
    }
    rc = 0;
out:
    if (rc != 0)
        sip_credentials_free(out);
    return rc;
}

void sip_credentials_free(sip_credentials *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        char **p = (char **)(void *)((char *)c + fields[i].cred_off);
        free(*p);
    }
    memset(c, 0, sizeof *c);
    c->alg = SIP_DIGEST_MD5;
}

/* A bounded writer: once something does not fit, everything fails. */
typedef struct text_buf {
    char *p;
    size_t len, cap;
    bool overflow;
} text_buf;

static void tb_putc(text_buf *b, char c)
{
    if (b->len + 1 >= b->cap) {
        b->overflow = true;
        return;
    }
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
}

static void tb_puts(text_buf *b, const char *s)
{
    for (; *s != '\0'; s++)
        tb_putc(b, *s);
}

static void tb_quoted(text_buf *b, const char *s)
{
    tb_putc(b, '"');
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            tb_putc(b, '\\');
        tb_putc(b, *s);
    }
    tb_putc(b, '"');
}

int sip_auth_challenge(char *out, size_t outlen, const char *realm, const char *nonce,
                       sip_digest_alg alg, bool stale)
{
    text_buf b = { out, 0, outlen, false };

    if (out == NULL || outlen == 0 || realm == NULL || nonce == NULL)
        return -1;
    out[0] = '\0';
    /* A line break in a value would end the header: header injection. */
    if (strpbrk(realm, "\r\n") != NULL || strpbrk(nonce, "\r\n") != NULL)
        return -1;
    tb_puts(&b, "Digest realm=");
    tb_quoted(&b, realm);
    tb_puts(&b, ", nonce=");
    tb_quoted(&b, nonce);
    tb_puts(&b, ", qop=\"auth\", algorithm=");
    tb_puts(&b, sip_digest_alg_name(alg));
    if (stale)
        tb_puts(&b, ", stale=true");
    if (b.overflow) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}

sip_auth_verdict sip_auth_verify(const sip_credentials *c, const char *method,
                                 const char *expected_realm, const char *ha1,
                                 const sip_nonce_key *k, int64_t now_s, int lifetime_s,
                                 const char *source)
{
    char expected[SIP_DIGEST_HEX_MAX];
    sip_nonce_state ns;
    bool realm_ok, response_ok;
    const char *use_ha1 = ha1;

    if (c == NULL || method == NULL || k == NULL)
        return SIP_AUTH_FAIL;
    if (use_ha1 == NULL)
        use_ha1 = dummy_ha1 + (sizeof dummy_ha1 - 1 - sip_digest_hex_len(c->alg));

    /* Everything is computed whatever fails first, so that an unknown
     * user, a wrong password and a bad nonce cost the same. */
    ns = sip_nonce_check(k, c->nonce, now_s, lifetime_s, source);
    realm_ok = expected_realm != NULL && c->realm != NULL &&
               strcmp(c->realm, expected_realm) == 0;
    sip_digest_response(c->alg, use_ha1, c->nonce, c->nc, c->cnonce, c->qop, method,
                        c->uri, expected);
    response_ok = sip_digest_equal(expected, c->response);

    if (ha1 == NULL || !realm_ok || !response_ok || ns == SIP_NONCE_INVALID)
        return SIP_AUTH_FAIL;
    return ns == SIP_NONCE_STALE ? SIP_AUTH_STALE : SIP_AUTH_OK;
}

const char *sip_auth_pick_ha1(sip_ha1_source src, const sip_credentials *c,
                              const char *row_password, const char *row_ha1,
                              const char *row_ha1b, char buf[SIP_DIGEST_HEX_MAX])
{
    const char *col;
    size_t len;

    if (c == NULL || buf == NULL)
        return NULL;
    if (src == SIP_HA1_PASSWORD) {
        if (row_password == NULL)
            return NULL;
        sip_digest_ha1(c->alg, c->username, c->realm, row_password, buf);
        return buf;
    }
    /* Kamailio's ha1/ha1b columns hold MD5 digests only. */
    if (c->alg != SIP_DIGEST_MD5)
        return NULL;
    col = (c->username != NULL && strchr(c->username, '@') != NULL) ? row_ha1b : row_ha1;
    if (col == NULL)
        return NULL;
    len = strlen(col);
    if (len == 0 || len >= SIP_DIGEST_HEX_MAX)
        return NULL;
    memcpy(buf, col, len + 1);
    return buf;
}

/* s without leading and trailing blanks: *len bytes from the result. */
static const char *trimmed(const char *s, size_t *len)
{
    size_t n;
    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *len = n;
    return s;
}

/* uri parsed and serialised again by libosip2 (osip_malloc'd), or NULL. */
static char *canonical_uri(const char *text, size_t len)
{
    osip_uri_t *u = NULL;
    char *copy = osip_malloc(len + 1), *out = NULL;
    if (copy == NULL || osip_uri_init(&u) != 0)
        goto out;
    memcpy(copy, text, len);
    copy[len] = '\0';
    if (osip_uri_parse(u, copy) != 0 || osip_uri_to_str(u, &out) != 0)
        out = NULL;
out:
    if (u != NULL)
        osip_uri_free(u);
    if (copy != NULL)
        osip_free(copy);
    return out;
}

bool sip_auth_uri_matches(const char *digest_uri, const char *request_uri)
{
    size_t dlen, rlen;
    const char *d, *r;
    char *dc = NULL, *rc = NULL;
    bool same;

    if (digest_uri == NULL || request_uri == NULL)
        return false;
    d = trimmed(digest_uri, &dlen);
    r = trimmed(request_uri, &rlen);
    if (dlen == 0)
        return false;
    if (dlen == rlen && memcmp(d, r, dlen) == 0)
        return true;
    dc = canonical_uri(d, dlen);
    rc = canonical_uri(r, rlen);
    same = dc != NULL && rc != NULL && strcmp(dc, rc) == 0;
    if (dc != NULL)
        osip_free(dc);
    if (rc != NULL)
        osip_free(rc);
    return same;
}

bool sip_auth_alg_offered(sip_digest_alg a, const sip_digest_alg *offered,
                          size_t n)
{
    for (size_t i = 0; offered != NULL && i < n; i++)
        if (offered[i] == a)
            return true;
    return false;
}
