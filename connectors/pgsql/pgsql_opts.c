/*
 * pgsql_opts.c - the pgsql connector's options: the URL's parts and the
 * datasource's "option.NAME" settings and ?k=v parameters, turned into
 * libpq connection keywords plus the few settings the connector itself
 * applies.
 *
 * Any keyword the linked libpq knows (PQconndefaults() lists them, so a
 * newer libpq's keywords work without a change here) is passed through to
 * PQconnectdbParams; libpq checks the values when connecting.  Anything
 * else is a configuration error, so a misspelt option is not silently
 * ignored.
 */
#include "pgsql_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STMT_CACHE_DEFAULT 128
#define STMT_CACHE_MAX 10000

/* Keywords set before the URL and the options, which may override them.
 * A connect that hangs would hold a worker, so it is bounded; keepalives
 * notice a peer that vanished without closing the connection. */
static const char *const defaults[][2] = {
    {"connect_timeout", "10"},
    {"fallback_application_name", "dbd"},
    {"client_encoding", "UTF8"},
    {"keepalives_idle", "60"},
    {"keepalives_interval", "10"},
    {"keepalives_count", "6"},
};

/* Sets kw to val, replacing an earlier value. */
static void set_kw(pgc_opts *o, const char *kw, const char *val)
{
    for (size_t i = 0; i < o->nkw; i++)
        if (strcmp(o->kw[i], kw) == 0) {
            o->val[i] = val;
            return;
        }
    o->kw[o->nkw] = kw;
    o->val[o->nkw] = val;
    o->nkw++;
    o->kw[o->nkw] = NULL;
    o->val[o->nkw] = NULL;
}

const char *pgc_opts_get(const pgc_opts *o, const char *kw)
{
    for (size_t i = 0; i < o->nkw; i++)
        if (strcmp(o->kw[i], kw) == 0)
            return o->val[i];
    return NULL;
}

static bool parse_int(const char *v, long long min, long long max,
                      long long *out)
{
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || n < min || n > max)
        return false;
    *out = n;
    return true;
}

/* The connector's own options; *known false for any other key. */
static bool apply_own(pgc_opts *o, const char *key, const char *v,
                      const char **want, bool *known)
{
    long long n;

    *known = true;
    if (strcmp(key, "statement_timeout") == 0) {
        *want = "milliseconds, 0 (none) to 2147483647";
        if (!parse_int(v, 0, INT_MAX, &n))
            return false;
        o->statement_timeout = (int)n;
    } else if (strcmp(key, "lock_timeout") == 0) {
        *want = "milliseconds, 0 (none) to 2147483647";
        if (!parse_int(v, 0, INT_MAX, &n))
            return false;
        o->lock_timeout = (int)n;
    } else if (strcmp(key, "stmt_cache") == 0) {
        *want = "statements, 1 to 10000";
        if (!parse_int(v, 1, STMT_CACHE_MAX, &n))
            return false;
        o->stmt_cache = (size_t)n;
    } else if (strcmp(key, "numeric") == 0) {
        *want = "string or double";
        if (strcasecmp(v, "string") == 0)
            o->numeric_double = false;
        else if (strcasecmp(v, "double") == 0)
            o->numeric_double = true;
        else
            return false;
    } else {
        *known = false;
        return false;
    }
    return true;
}

/* The keyword as libpq spells it, or NULL when libpq does not know it. */
static const char *libpq_keyword(const PQconninfoOption *all, const char *key)
{
    for (const PQconninfoOption *p = all; p->keyword != NULL; p++)
        if (strcmp(p->keyword, key) == 0)
            return p->keyword;
    return NULL;
}

/* libpq keywords that would break what the connector relies on. */
static dbd_status check_libpq(const char *key, const char *v, char *err,
                              size_t errlen)
{
    if (strcmp(key, "replication") == 0)
        return dbd_failf(DBD_CONFIG, err, errlen,
                         "pgsql option replication is not supported: a "
                         "replication connection cannot run queries");
    /* Values travel as UTF-8 in the protocol. */
    if (strcmp(key, "client_encoding") == 0 && strcasecmp(v, "UTF8") != 0 &&
        strcasecmp(v, "UTF-8") != 0)
        return dbd_failf(DBD_CONFIG, err, errlen,
                         "pgsql option client_encoding: bad value "
                         "\"%.64s\" (want UTF8: dbd strings are UTF-8)", v);
    return DBD_OK;
}

static void apply_url(pgc_opts *o, const dbd_url *url)
{
    if (url == NULL)
        return;
    if (url->host != NULL && url->host[0] != '\0')
        set_kw(o, "host", url->host);
    if (url->port > 0) {
        snprintf(o->port, sizeof o->port, "%d", url->port);
        set_kw(o, "port", o->port);
    }
    if (url->user != NULL)
        set_kw(o, "user", url->user);
    if (url->password != NULL)
        set_kw(o, "password", url->password);
    if (url->path != NULL && url->path[0] != '\0')
        set_kw(o, "dbname", url->path);
}

void pgc_opts_free(pgc_opts *o)
{
    if (o == NULL)
        return;
    free(o->kw);
    free(o->val);
    o->kw = NULL;
    o->val = NULL;
    o->nkw = 0;
}

dbd_status pgc_opts_parse(pgc_opts *o, const dbd_url *url,
                          const dbd_option *opts, size_t n, char *err,
                          size_t errlen)
{
    static const char prefix[] = "option.";
    PQconninfoOption *all = NULL;
    dbd_status status = DBD_OK;
    size_t nall = 0;

    memset(o, 0, sizeof *o);
    o->statement_timeout = -1;
    o->lock_timeout = -1;
    o->stmt_cache = STMT_CACHE_DEFAULT;
    all = PQconndefaults();
    if (all == NULL) {
        status = dbd_failf(DBD_INTERNAL, err, errlen,
                           "out of memory reading libpq's keywords");
        goto out;
    }
    while (all[nall].keyword != NULL)
        nall++;
    /* each libpq keyword at most once, and the NULL after them */
    o->kw = calloc(nall + 1, sizeof *o->kw);
    o->val = calloc(nall + 1, sizeof *o->val);
    if (o->kw == NULL || o->val == NULL) {
        status = dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (libpq_keyword(all, defaults[i][0]) != NULL)
            set_kw(o, defaults[i][0], defaults[i][1]);
    apply_url(o, url);
    for (size_t i = 0; i < n; i++) {
        const char *key = opts[i].key != NULL ? opts[i].key : "";
        const char *v = opts[i].value != NULL ? opts[i].value : "";
        const char *want = "";
        const char *kw;
        bool known;
        if (strncmp(key, prefix, sizeof prefix - 1) == 0)
            key += sizeof prefix - 1;
        if (apply_own(o, key, v, &want, &known))
            continue;
        if (known) {
            status = dbd_failf(DBD_CONFIG, err, errlen,
                               "pgsql option %s: bad value \"%.64s\" (want "
                               "%s)", key, v, want);
            goto out;
        }
        kw = libpq_keyword(all, key);
        if (kw == NULL) {
            status = dbd_failf(DBD_CONFIG, err, errlen,
                               "unknown pgsql option \"%.64s\" (known: "
                               "statement_timeout, lock_timeout, stmt_cache, "
                               "numeric, and libpq's connection keywords such "
                               "as host, sslmode, connect_timeout, "
                               "application_name)", key);
            goto out;
        }
        status = check_libpq(key, v, err, errlen);
        if (status != DBD_OK)
            goto out;
        /* opts[i].key outlives o; libpq's copy of the name does not */
        set_kw(o, key, v);
    }
out:
    PQconninfoFree(all);
    return status;
}
