/*
 * odbc_opts.c - the odbc connector's options, from the URL, the
 * datasource's "option.NAME" settings and the URL's ?k=v parameters, and
 * the connection string they make.
 *
 * The connector knows a few options itself (user, password, dsn,
 * stmt_cache, login_timeout, query_timeout, upsert, limit); every other
 * one is a driver attribute and goes into the connection string as
 * KEY=VALUE, so a datasource can name a driver without any odbc.ini
 * (odbc://?driver=SQLite3&database=/srv/x.db) or override what its DSN
 * says (UseDeclareFetch=1).  Attribute names are checked and values
 * braced when they hold a separator, so no option can smuggle in another
 * attribute.
 */
#include "odbc_int.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STMT_CACHE_DEFAULT 64
#define STMT_CACHE_MAX 10000
#define LOGIN_TIMEOUT_DEFAULT 10

static bool parse_long(const char *v, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || n < min || n > max)
        return false;
    *out = n;
    return true;
}

/* Names the driver manager and drivers parse: letters, digits and a few
 * marks, never the separators ; = { }. */
static bool attr_name_ok(const char *k)
{
    if (k[0] == '\0')
        return false;
    for (const char *p = k; *p != '\0'; p++) {
        char ch = *p;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ||
              ch == '.' || ch == ' '))
            return false;
    }
    return true;
}

/* KEY=VALUE; with VALUE in braces when it needs them (a '}' inside is
 * doubled, as the ODBC grammar says). */
static void append_attr(dbd_buf *b, const char *key, const char *value)
{
    size_t n = strlen(value);
    bool brace = n > 0 && (strpbrk(value, ";{}=") != NULL ||
                           value[0] == ' ' || value[n - 1] == ' ');
    dbd_buf_append_str(b, key);
    dbd_buf_append_char(b, '=');
    if (!brace) {
        dbd_buf_append_str(b, value);
    } else {
        dbd_buf_append_char(b, '{');
        for (const char *p = value; *p != '\0'; p++) {
            dbd_buf_append_char(b, *p);
            if (*p == '}')
                dbd_buf_append_char(b, '}');
        }
        dbd_buf_append_char(b, '}');
    }
    dbd_buf_append_char(b, ';');
}

/* Whether attribute key names the same thing as one of ours (the
 * driver's own spelling of user, password or data source). */
static bool is_credential(const char *key)
{
    return strcasecmp(key, "uid") == 0 || strcasecmp(key, "pwd") == 0 ||
           strcasecmp(key, "dsn") == 0;
}

typedef struct known {
    const char *dsn;
    const char *user;
    const char *password;
} known;

/* Applies a connector option; *is_ours false for a driver attribute.
 * false when the value is bad (want says what fits). */
static bool apply(odbc_opts *o, known *k, const char *key, const char *v,
                  const char **want, bool *is_ours)
{
    long n;

    *is_ours = true;
    if (strcmp(key, "user") == 0) {
        k->user = v;
    } else if (strcmp(key, "password") == 0) {
        k->password = v;
    } else if (strcmp(key, "dsn") == 0) {
        k->dsn = v;
    } else if (strcmp(key, "stmt_cache") == 0) {
        *want = "statements, 1 to 10000";
        if (!parse_long(v, 1, STMT_CACHE_MAX, &n))
            return false;
        o->stmt_cache = (size_t)n;
    } else if (strcmp(key, "login_timeout") == 0) {
        *want = "seconds, 0 (the driver's default) to 3600";
        return parse_long(v, 0, 3600, &o->login_timeout);
    } else if (strcmp(key, "query_timeout") == 0) {
        *want = "seconds, 0 (none) to 86400";
        return parse_long(v, 0, 86400, &o->query_timeout);
    } else if (strcmp(key, "upsert") == 0) {
        *want = "auto, native or emulate";
        if (strcasecmp(v, "auto") == 0)
            o->upsert = ODBC_UPSERT_AUTO;
        else if (strcasecmp(v, "native") == 0)
            o->upsert = ODBC_UPSERT_NATIVE;
        else if (strcasecmp(v, "emulate") == 0)
            o->upsert = ODBC_UPSERT_EMULATE;
        else
            return false;
    } else if (strcmp(key, "limit") == 0) {
        *want = "auto, limit, fetch or none";
        if (strcasecmp(v, "auto") == 0)
            o->limit = ODBC_LIMIT_AUTO;
        else if (strcasecmp(v, "limit") == 0)
            o->limit = ODBC_LIMIT_LIMIT;
        else if (strcasecmp(v, "fetch") == 0)
            o->limit = ODBC_LIMIT_FETCH;
        else if (strcasecmp(v, "none") == 0)
            o->limit = ODBC_LIMIT_NONE;
        else
            return false;
    } else {
        *is_ours = false;
    }
    return true;
}

/* The DSN the URL names: odbc://DSN, or odbc://user:pass@DSN. */
static const char *url_dsn(const dbd_url *url)
{
    if (url == NULL)
        return NULL;
    const char *dsn = url->user != NULL ? url->host : url->target;
    return dsn != NULL && dsn[0] != '\0' ? dsn : NULL;
}

void odbc_opts_free(odbc_opts *o)
{
    dbd_buf_free(&o->connstr);
}

dbd_status odbc_opts_parse(odbc_opts *o, const dbd_url *url,
                           const dbd_option *opts, size_t n, char *err,
                           size_t errlen)
{
    static const char prefix[] = "option.";
    known k = {
        .dsn = url_dsn(url),
        .user = url != NULL ? url->user : NULL,
        .password = url != NULL ? url->password : NULL,
    };
    dbd_buf attrs;

    memset(o, 0, sizeof *o);
    dbd_buf_init(&o->connstr);
    dbd_buf_init(&attrs);
    o->stmt_cache = STMT_CACHE_DEFAULT;
    o->login_timeout = LOGIN_TIMEOUT_DEFAULT;
    for (size_t i = 0; i < n; i++) {
        const char *key = opts[i].key != NULL ? opts[i].key : "";
        const char *v = opts[i].value != NULL ? opts[i].value : "";
        const char *want = "";
        bool ours;
        if (strncmp(key, prefix, sizeof prefix - 1) == 0)
            key += sizeof prefix - 1;
        if (!apply(o, &k, key, v, &want, &ours)) {
            dbd_buf_free(&attrs);
            return dbd_failf(DBD_CONFIG, err, errlen,
                             "odbc option %s: bad value \"%.64s\" (want %s)",
                             key, v, want);
        }
        if (ours)
            continue;
        if (!attr_name_ok(key) || is_credential(key)) {
            dbd_buf_free(&attrs);
            return dbd_failf(DBD_CONFIG, err, errlen,
                             "odbc option \"%.64s\": %s", key,
                             is_credential(key)
                                 ? "give it as dsn, user or password"
                                 : "not a connection string attribute name "
                                   "(letters, digits, _ - . and blanks)");
        }
        append_attr(&attrs, key, v);
    }
    if (k.dsn == NULL && attrs.len == 0) {
        dbd_buf_free(&attrs);
        return dbd_failf(DBD_CONFIG, err, errlen,
                         "odbc URL names no data source (want odbc://DSN, "
                         "or driver attributes such as "
                         "odbc://?driver=NAME&database=...)");
    }
    if (k.dsn != NULL)
        append_attr(&o->connstr, "DSN", k.dsn);
    dbd_buf_append(&o->connstr, dbd_buf_text(&attrs), attrs.len);
    if (k.user != NULL)
        append_attr(&o->connstr, "UID", k.user);
    if (k.password != NULL)
        append_attr(&o->connstr, "PWD", k.password);
    bool failed = o->connstr.failed || attrs.failed;
    dbd_buf_free(&attrs);
    if (failed)
        return dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
    return DBD_OK;
}
