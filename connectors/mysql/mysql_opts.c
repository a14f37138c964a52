/*
 * mysql_opts.c - the mysql connector's options, from the datasource's
 * "option.NAME" settings and the URL's ?k=v parameters.
 *
 * No option text ever reaches SQL: the character set name goes to the
 * client library, which refuses names it does not know, and is limited to
 * the characters MySQL uses in such names.
 */
#include "mysql_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STMT_CACHE_DEFAULT 64
#define STMT_CACHE_MAX 10000
#define TIMEOUT_MAX 86400 /* a day: anything longer is a typo */

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"yes", "on", "true", "1"};
    static const char *const no[] = {"no", "off", "false", "0"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

static bool parse_uint(const char *v, unsigned long max, unsigned long *out)
{
    char *end;
    if (v[0] < '0' || v[0] > '9')
        return false;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (errno != 0 || *end != '\0' || n > max)
        return false;
    *out = n;
    return true;
}

static bool charset_ok(const char *v)
{
    size_t n = strlen(v);
    if (n == 0 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
              (v[i] >= '0' && v[i] <= '9') || v[i] == '_'))
            return false;
    return true;
}

static void set_defaults(myc_opts *o)
{
    memset(o, 0, sizeof *o);
    o->connect_timeout = 5;
    o->read_timeout = 30;
    o->write_timeout = 30;
    o->lock_wait_timeout = 10;
    o->charset = "utf8mb4";
    o->ssl = MYC_SSL_OFF;
    o->strict = true;
    o->stmt_cache = STMT_CACHE_DEFAULT;
}

static bool apply_timeout(const char *v, unsigned min, unsigned *out,
                          const char **want)
{
    unsigned long n;
    *want = min > 0 ? "seconds, 1 to 86400" : "seconds, 0 (none) to 86400";
    if (!parse_uint(v, TIMEOUT_MAX, &n) || n < min)
        return false;
    *out = (unsigned)n;
    return true;
}

/* Applies one option; false when the value is bad (want says what fits). */
static bool apply(myc_opts *o, const char *key, const char *v,
                  const char **want, bool *known)
{
    unsigned long n;

    *known = true;
    if (strcmp(key, "connect_timeout") == 0)
        return apply_timeout(v, 1, &o->connect_timeout, want);
    if (strcmp(key, "read_timeout") == 0)
        return apply_timeout(v, 0, &o->read_timeout, want);
    if (strcmp(key, "write_timeout") == 0)
        return apply_timeout(v, 0, &o->write_timeout, want);
    if (strcmp(key, "lock_wait_timeout") == 0)
        return apply_timeout(v, 0, &o->lock_wait_timeout, want);
    if (strcmp(key, "charset") == 0) {
        *want = "a MySQL character set name such as utf8mb4";
        o->charset = v;
        return charset_ok(v);
    }
    if (strcmp(key, "socket") == 0) {
        *want = "an absolute path to the server's unix socket";
        o->socket = v;
        return v[0] == '/';
    }
    if (strcmp(key, "ssl") == 0) {
        *want = "off, require or verify";
        if (strcasecmp(v, "off") == 0)
            o->ssl = MYC_SSL_OFF;
        else if (strcasecmp(v, "require") == 0)
            o->ssl = MYC_SSL_REQUIRE;
        else if (strcasecmp(v, "verify") == 0)
            o->ssl = MYC_SSL_VERIFY;
        else
            return false;
        return true;
    }
    if (strcmp(key, "ssl_ca") == 0) {
        *want = "a path to a file of CA certificates";
        o->ssl_ca = v;
        return v[0] != '\0';
    }
    if (strcmp(key, "strict") == 0) {
        *want = "yes or no";
        return parse_bool(v, &o->strict);
    }
    if (strcmp(key, "stmt_cache") == 0) {
        *want = "statements, 1 to 10000";
        if (!parse_uint(v, STMT_CACHE_MAX, &n) || n < 1)
            return false;
        o->stmt_cache = (size_t)n;
        return true;
    }
    *known = false;
    return false;
}

dbd_status myc_opts_parse(myc_opts *o, const dbd_option *opts, size_t n,
                          char *err, size_t errlen)
{
    static const char prefix[] = "option.";

    set_defaults(o);
    for (size_t i = 0; i < n; i++) {
        const char *key = opts[i].key != NULL ? opts[i].key : "";
        const char *v = opts[i].value != NULL ? opts[i].value : "";
        const char *want = "";
        bool known;
        if (strncmp(key, prefix, sizeof prefix - 1) == 0)
            key += sizeof prefix - 1;
        if (apply(o, key, v, &want, &known))
            continue;
        if (!known)
            return dbd_failf(DBD_CONFIG, err, errlen,
                             "unknown mysql option \"%.64s\" (known: "
                             "connect_timeout, read_timeout, write_timeout, "
                             "lock_wait_timeout, charset, socket, ssl, "
                             "ssl_ca, strict, stmt_cache)", key);
        return dbd_failf(DBD_CONFIG, err, errlen,
                         "mysql option %s: bad value \"%.64s\" (want %s)",
                         key, v, want);
    }
    /* a lock wait the client gives up on first would look like a lost
     * connection instead of BUSY */
    if (o->read_timeout > 0 && o->lock_wait_timeout >= o->read_timeout)
        return dbd_failf(DBD_CONFIG, err, errlen,
                         "mysql option lock_wait_timeout (%u s) must be "
                         "below read_timeout (%u s)", o->lock_wait_timeout,
                         o->read_timeout);
    if (o->ssl_ca != NULL && o->ssl == MYC_SSL_OFF)
        return dbd_failf(DBD_CONFIG, err, errlen,
                         "mysql option ssl_ca needs ssl=require or "
                         "ssl=verify");
    return DBD_OK;
}
