/*
 * config_ds.c - what a datasource's configuration is beyond its keys:
 * defaults, the backend URL list and mode, copying and comparing (a
 * reload keeps a datasource whose configuration is equal), freeing.
 */
#include "config.h"

#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define URL_SEPARATORS " \t"

/* Whether p starts a URL ("scheme://").  A blank followed by anything
 * else is part of the URL before it, so file paths may hold blanks. */
static bool starts_url(const char *p)
{
    const char *q = p;
    if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
        return false;
    while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
           (*q >= '0' && *q <= '9') || *q == '+' || *q == '.' || *q == '-')
        q++;
    return strncmp(q, "://", 3) == 0;
}

/* The length of the URL at p: up to the blanks before the next URL (or
 * the end), without trailing blanks. */
static size_t url_length(const char *p)
{
    size_t len = strcspn(p, URL_SEPARATORS);
    for (;;) {
        size_t gap = strspn(p + len, URL_SEPARATORS);
        if (p[len + gap] == '\0' || starts_url(p + len + gap))
            return len;
        len += gap + strcspn(p + len + gap, URL_SEPARATORS);
    }
}

char *dbd_url_list_redact(const char *text)
{
    dbd_buf out;
    const char *p = text;
    char *result = NULL;

    dbd_buf_init(&out);
    for (;;) {
        size_t len;
        char *one, *masked;
        p += strspn(p, URL_SEPARATORS);
        if (*p == '\0')
            break;
        len = url_length(p);
        one = strndup(p, len);
        masked = one != NULL ? dbd_url_redact(one) : NULL;
        if (masked == NULL || (out.len > 0 && dbd_buf_append_char(&out, ' ') < 0) ||
            dbd_buf_append_str(&out, masked) < 0) {
            free(one);
            free(masked);
            goto out;
        }
        free(one);
        free(masked);
        p += len;
    }
    if (dbd_buf_append_char(&out, '\0') == 0)
        result = strdup((const char *)out.data);
out:
    dbd_buf_free(&out);
    return result;
}

char *dbd_config_describe(const dbd_config *cfg, const char *prefix)
{
    dbd_buf out;
    char *result = NULL;

    dbd_buf_init(&out);
    if (dbd_buf_append_str(&out, prefix) < 0)
        goto out;
    for (size_t i = 0; i < cfg->nds; i++) {
        char *masked = dbd_url_list_redact(cfg->ds[i].url);
        int rc = masked == NULL ||
                 dbd_buf_append_str(&out, i == 0 ? ": " : "; ") < 0 ||
                 dbd_buf_append_str(&out, cfg->ds[i].name) < 0 ||
                 dbd_buf_append_char(&out, ' ') < 0 ||
                 dbd_buf_append_str(&out, masked) < 0;
        free(masked);
        if (rc)
            goto out;
    }
    if (dbd_buf_append_char(&out, '\0') == 0)
        result = strdup((const char *)out.data);
out:
    dbd_buf_free(&out);
    return result;
}

static const char *const mode_names[] = {
    [DBD_MODE_FAILOVER] = "failover",
    [DBD_MODE_ROUND_ROBIN] = "round-robin",
    [DBD_MODE_PRIMARY_REPLICA] = "primary-replica",
};

const char *dbd_ds_mode_name(dbd_ds_mode m)
{
    return (unsigned)m < DBD_MODE_COUNT ? mode_names[m] : "?";
}

bool dbd_ds_mode_from_name(const char *s, dbd_ds_mode *out)
{
    for (int m = 0; m < DBD_MODE_COUNT; m++) {
        if (strcmp(s, mode_names[m]) == 0) {
            *out = (dbd_ds_mode)m;
            return true;
        }
    }
    return false;
}

void dbd_ds_config_defaults(dbd_ds_config *ds)
{
    memset(ds, 0, sizeof *ds);
    ds->pool = 2;
    ds->queue = 1024;
    ds->timeout_ms = 5000;
    ds->allow_raw = false;
    ds->reconnect_min_ms = 100;
    ds->reconnect_max_ms = 10000;
    ds->ping_interval_ms = 10000;
    ds->mode = DBD_MODE_FAILOVER;
}

static void names_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

void dbd_ds_config_clear(dbd_ds_config *ds)
{
    free(ds->name);
    free(ds->url);
    for (size_t i = 0; i < ds->noptions; i++) {
        free((char *)ds->options[i].key);
        free((char *)ds->options[i].value);
    }
    free(ds->options);
    names_free(ds->tables, ds->ntables);
    names_free(ds->audit_secret, ds->naudit_secret);
    memset(ds, 0, sizeof *ds);
}

void dbd_url_list_free(char **urls, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(urls[i]);
    free(urls);
}

int dbd_url_list_split(const char *text, char ***purls, size_t *pn,
                       char *err, size_t errlen)
{
    char **urls = NULL;
    size_t n = 0;
    const char *p = text;
    char scheme[64] = "";
    int rc = -1;

    *purls = NULL;
    *pn = 0;
    for (;;) {
        size_t len;
        char uerr[256];
        dbd_url *u;
        char **grown;

        p += strspn(p, URL_SEPARATORS);
        if (*p == '\0')
            break;
        len = url_length(p);
        if (n == DBD_CONF_MAX_HOSTS) {
            snprintf(err, errlen, "more than %d URLs", DBD_CONF_MAX_HOSTS);
            goto out;
        }
        grown = realloc(urls, (n + 1) * sizeof *urls);
        if (grown == NULL)
            goto oom;
        urls = grown;
        urls[n] = strndup(p, len);
        if (urls[n] == NULL)
            goto oom;
        n++;
        u = dbd_url_parse(urls[n - 1], uerr, sizeof uerr);
        if (u == NULL) {
            if (n > 1)
                snprintf(err, errlen, "URL %zu: %s", n, uerr);
            else
                snprintf(err, errlen, "%s", uerr);
            goto out;
        }
        if (n == 1) {
            snprintf(scheme, sizeof scheme, "%s", u->scheme);
        } else if (strcmp(scheme, u->scheme) != 0) {
            /* One connector serves a datasource: its capabilities and its
             * dialect must not change with the host that runs a request. */
            snprintf(err, errlen, "URL %zu uses \"%s\" but URL 1 \"%s\"; "
                     "all URLs of a datasource need the same scheme", n,
                     u->scheme, scheme);
            dbd_url_destroy(&u);
            goto out;
        }
        dbd_url_destroy(&u);
        p += len;
    }
    if (n == 0) {
        snprintf(err, errlen, "no URL given");
        goto out;
    }
    *purls = urls;
    *pn = n;
    urls = NULL;
    n = 0;
    rc = 0;
    goto out;
oom:
    snprintf(err, errlen, "out of memory");
    rc = -2;
out:
    dbd_url_list_free(urls, n);
    return rc;
}

static char *dup_or_null(const char *s, bool *ok)
{
    char *d;
    if (s == NULL)
        return NULL;
    d = strdup(s);
    if (d == NULL)
        *ok = false;
    return d;
}

/* Copies n names into *dst / *ndst (left NULL / 0 when n is 0). */
static bool names_dup(char *const *src, size_t n, char ***dst, size_t *ndst)
{
    bool ok = true;
    if (n == 0)
        return true;
    *dst = calloc(n, sizeof **dst);
    if (*dst == NULL)
        return false;
    for (size_t i = 0; ok && i < n; i++) {
        (*dst)[i] = dup_or_null(src[i], &ok);
        (*ndst)++;
    }
    return ok;
}

dbd_ds_config *dbd_ds_config_dup(const dbd_ds_config *src)
{
    dbd_ds_config *d = calloc(1, sizeof *d);
    bool ok = true;

    if (d == NULL)
        return NULL;
    *d = *src;
    d->name = NULL;
    d->url = NULL;
    d->options = NULL;
    d->noptions = 0;
    d->tables = NULL;
    d->ntables = 0;
    d->audit_secret = NULL;
    d->naudit_secret = 0;
    d->name = dup_or_null(src->name, &ok);
    d->url = dup_or_null(src->url, &ok);
    if (ok && src->noptions > 0) {
        d->options = calloc(src->noptions, sizeof *d->options);
        ok = d->options != NULL;
        for (size_t i = 0; ok && i < src->noptions; i++) {
            d->options[i].key = dup_or_null(src->options[i].key, &ok);
            d->options[i].value = dup_or_null(src->options[i].value, &ok);
            d->noptions++;
        }
    }
    if (ok)
        ok = names_dup(src->tables, src->ntables, &d->tables, &d->ntables);
    if (ok)
        ok = names_dup(src->audit_secret, src->naudit_secret,
                       &d->audit_secret, &d->naudit_secret);
    if (!ok) {
        dbd_ds_config_clear(d);
        free(d);
        return NULL;
    }
    return d;
}

void dbd_ds_config_free(dbd_ds_config **pds)
{
    if (pds == NULL || *pds == NULL)
        return;
    dbd_ds_config_clear(*pds);
    free(*pds);
    *pds = NULL;
}

static bool str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool names_equal(char *const *a, size_t na, char *const *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (!str_eq(a[i], b[i]))
            return false;
    return true;
}

bool dbd_ds_config_equal(const dbd_ds_config *a, const dbd_ds_config *b)
{
    if (!str_eq(a->name, b->name) || !str_eq(a->url, b->url) ||
        a->pool != b->pool || a->queue != b->queue ||
        a->timeout_ms != b->timeout_ms || a->allow_raw != b->allow_raw ||
        a->reconnect_min_ms != b->reconnect_min_ms ||
        a->reconnect_max_ms != b->reconnect_max_ms ||
        a->ping_interval_ms != b->ping_interval_ms || a->mode != b->mode ||
        a->noptions != b->noptions ||
        a->audit_values != b->audit_values ||
        !names_equal(a->tables, a->ntables, b->tables, b->ntables) ||
        !names_equal(a->audit_secret, a->naudit_secret, b->audit_secret,
                     b->naudit_secret))
        return false;
    for (size_t i = 0; i < a->noptions; i++)
        if (!str_eq(a->options[i].key, b->options[i].key) ||
            !str_eq(a->options[i].value, b->options[i].value))
            return false;
    return true;
}
