/*
 * bdb_opts.c - the bdb connector's options, from the datasource's
 * "option.NAME" settings and the URL's ?k=v parameters:
 *   schema        table-definition file; its tables are created when
 *                 missing (default: none, only existing tables are served)
 *   cache_size    Berkeley DB cache in bytes, suffix k, m or g allowed
 *                 (default 16m; takes effect when the environment is
 *                 created or recovered)
 *   lock_timeout  milliseconds a lock request may wait (default 5000)
 *   indexes       yes: equality conditions use the key and the secondary
 *                 indexes; no: every query scans (default yes)
 *   sync          full: commits reach the disk; write: the OS (survives a
 *                 crash of dbd, not of the machine); none (default full)
 */
#include "bdb_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CACHE_DEFAULT (16u * 1024 * 1024)
#define CACHE_MIN (64u * 1024)
#define CACHE_MAX (64ull * 1024 * 1024 * 1024)

static bool parse_bool(const char *v, bool *out)
{
    if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "on") == 0 ||
        strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0) {
        *out = true;
        return true;
    }
    if (strcasecmp(v, "no") == 0 || strcasecmp(v, "off") == 0 ||
        strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0) {
        *out = false;
        return true;
    }
    return false;
}

/* Digits with an optional k, m or g suffix (powers of 1024). */
static bool parse_size(const char *v, uint64_t min, uint64_t max,
                       uint64_t *out)
{
    char *end;
    errno = 0;
    if (*v < '0' || *v > '9')
        return false;
    unsigned long long n = strtoull(v, &end, 10);
    unsigned shift = 0;
    if (*end != '\0') {
        switch (*end | 0x20) {
        case 'k': shift = 10; break;
        case 'm': shift = 20; break;
        case 'g': shift = 30; break;
        default: return false;
        }
        if (end[1] != '\0' && !((end[1] | 0x20) == 'b' && end[2] == '\0'))
            return false;
    }
    if (errno != 0 || n > (max >> shift) || (n << shift) < min)
        return false;
    *out = (uint64_t)n << shift;
    return true;
}

static void set_defaults(bdb_opts *o)
{
    memset(o, 0, sizeof *o);
    o->cache_size = CACHE_DEFAULT;
    o->lock_timeout_ms = 5000;
    o->indexes = true;
    o->sync = BDB_SYNC_FULL;
}

static bool apply(bdb_opts *o, const char *key, const char *v,
                  const char **want, bool *known)
{
    uint64_t n;
    *known = true;
    if (strcmp(key, "schema") == 0) {
        *want = "the path of a table-definition file";
        o->schema = v;
        return v[0] != '\0';
    }
    if (strcmp(key, "cache_size") == 0) {
        *want = "bytes from 64k to 64g, suffix k, m or g allowed";
        if (!parse_size(v, CACHE_MIN, CACHE_MAX, &n))
            return false;
        o->cache_size = n;
        return true;
    }
    if (strcmp(key, "lock_timeout") == 0) {
        *want = "milliseconds, 0 to 3600000";
        if (!parse_size(v, 0, 3600000, &n) || strpbrk(v, "kKmMgG") != NULL)
            return false;
        o->lock_timeout_ms = (uint32_t)n;
        return true;
    }
    if (strcmp(key, "indexes") == 0) {
        *want = "yes or no";
        return parse_bool(v, &o->indexes);
    }
    if (strcmp(key, "sync") == 0) {
        *want = "full, write or none";
        if (strcasecmp(v, "full") == 0)
            o->sync = BDB_SYNC_FULL;
        else if (strcasecmp(v, "write") == 0)
            o->sync = BDB_SYNC_WRITE;
        else if (strcasecmp(v, "none") == 0)
            o->sync = BDB_SYNC_NONE;
        else
            return false;
        return true;
    }
    *known = false;
    return false;
}

dbd_status bdb_opts_parse(bdb_opts *o, const dbd_option *opts, size_t n,
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
                             "unknown bdb option \"%.64s\" (known: schema, "
                             "cache_size, lock_timeout, indexes, sync)", key);
        return dbd_failf(DBD_CONFIG, err, errlen,
                         "bdb option %s: bad value \"%.64s\" (want %s)", key,
                         v, want);
    }
    return DBD_OK;
}
