/*
 * sqlite_opts.c - the sqlite connector's options, from the datasource's
 * "option.NAME" settings and the URL's ?k=v parameters.
 *
 * Values that end up in PRAGMA text are taken from fixed word lists or
 * parsed as integers, so no option text ever reaches SQL.
 */
#include "sqlite_int.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STMT_CACHE_DEFAULT 64
#define STMT_CACHE_MAX 10000
/* Reads through a memory map skip a pread() and a page copy each; address
 * space is cheap, and SQLite maps no more than the file's size. */
#define MMAP_SIZE_DEFAULT (256LL * 1024 * 1024)

/* Picks the canonical spelling of value from a NULL-terminated word list. */
static const char *pick_word(const char *value, const char *const *words)
{
    for (size_t i = 0; words[i] != NULL; i++)
        if (strcasecmp(value, words[i]) == 0)
            return words[i];
    return NULL;
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"yes", "on", "true", "1", NULL};
    static const char *const no[] = {"no", "off", "false", "0", NULL};
    if (pick_word(v, yes) != NULL) {
        *out = true;
        return true;
    }
    if (pick_word(v, no) != NULL) {
        *out = false;
        return true;
    }
    return false;
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

static void set_defaults(sqlc_opts *o)
{
    memset(o, 0, sizeof *o);
    o->busy_timeout_ms = 5000;
    o->journal_mode = "WAL";
    o->synchronous = "NORMAL";
    o->foreign_keys = true;
    o->create = true;
    o->stmt_cache = STMT_CACHE_DEFAULT;
    o->mmap_size = MMAP_SIZE_DEFAULT;
}

/* Applies one option; false when the value is bad (want says what fits). */
static bool apply(sqlc_opts *o, const char *key, const char *v,
                  const char **want, bool *known)
{
    static const char *const journal[] = {"WAL",     "DELETE", "TRUNCATE",
                                          "PERSIST", "MEMORY", "OFF", NULL};
    static const char *const sync[] = {"NORMAL", "FULL", "EXTRA", "OFF",
                                       NULL};
    long long n;

    *known = true;
    if (strcmp(key, "busy_timeout") == 0) {
        *want = "milliseconds, 0 to 2147483647";
        if (!parse_int(v, 0, INT_MAX, &n))
            return false;
        o->busy_timeout_ms = (int)n;
    } else if (strcmp(key, "journal_mode") == 0) {
        *want = "wal, delete, truncate, persist, memory or off";
        o->journal_mode = pick_word(v, journal);
        o->journal_mode_given = true;
        return o->journal_mode != NULL;
    } else if (strcmp(key, "synchronous") == 0) {
        *want = "normal, full, extra or off";
        o->synchronous = pick_word(v, sync);
        return o->synchronous != NULL;
    } else if (strcmp(key, "foreign_keys") == 0) {
        *want = "on or off";
        return parse_bool(v, &o->foreign_keys);
    } else if (strcmp(key, "cache_size") == 0) {
        *want = "pages, or -KiB when negative";
        if (!parse_int(v, INT_MIN, INT_MAX, &n))
            return false;
        o->cache_size = (int)n;
        o->cache_size_given = true;
    } else if (strcmp(key, "create") == 0) {
        *want = "yes or no";
        return parse_bool(v, &o->create);
    } else if (strcmp(key, "mode") == 0) {
        *want = "ro or rw";
        if (strcasecmp(v, "ro") == 0)
            o->readonly = true;
        else if (strcasecmp(v, "rw") == 0)
            o->readonly = false;
        else
            return false;
    } else if (strcmp(key, "mmap_size") == 0) {
        *want = "bytes, 0 (no memory map) or more";
        if (!parse_int(v, 0, LLONG_MAX, &n))
            return false;
        o->mmap_size = n;
    } else if (strcmp(key, "stmt_cache") == 0) {
        *want = "statements, 1 to 10000";
        if (!parse_int(v, 1, STMT_CACHE_MAX, &n))
            return false;
        o->stmt_cache = (size_t)n;
    } else {
        *known = false;
        return false;
    }
    return true;
}

dbd_status sqlc_opts_parse(sqlc_opts *o, const dbd_option *opts, size_t n,
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
                             "unknown sqlite option \"%.64s\" (known: "
                             "busy_timeout, journal_mode, synchronous, "
                             "foreign_keys, cache_size, mmap_size, create, "
                             "mode, stmt_cache)", key);
        return dbd_failf(DBD_CONFIG, err, errlen,
                         "sqlite option %s: bad value \"%.64s\" (want %s)",
                         key, v, want);
    }
    return DBD_OK;
}
