/*
 * odbc_cache.c - a connection's prepared statements, kept by shape key so
 * that a repeated request skips SQLPrepare (and, with drivers that
 * prepare on the server, the server's parse and plan).
 *
 * As in the sqlite connector: a handful of shapes dominate real traffic,
 * so a small array searched linearly by hash is enough, and when it is
 * full the least recently used statement goes.  Each entry also keeps its
 * result columns once described.
 */
#include "odbc_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct cache_entry {
    char *key;
    uint64_t hash;
    uint64_t used; /* tick of the last use, for LRU eviction */
    odbc_stmt stmt;
} cache_entry;

struct odbc_cache {
    cache_entry *entries;
    size_t count;
    size_t capacity;
    uint64_t tick;
    uint64_t hits;
    uint64_t misses;
};

/* FNV-1a: short keys, no need for anything stronger. */
static uint64_t key_hash(const char *key)
{
    uint64_t h = 14695981039346656037ull;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h;
}

odbc_cache *odbc_cache_new(size_t capacity)
{
    odbc_cache *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->capacity = capacity > 0 ? capacity : 1;
    c->entries = calloc(c->capacity, sizeof *c->entries);
    if (c->entries == NULL) {
        free(c);
        return NULL;
    }
    return c;
}

static void entry_clear(cache_entry *e)
{
    if (e->stmt.h != SQL_NULL_HSTMT)
        SQLFreeHandle(SQL_HANDLE_STMT, e->stmt.h);
    odbc_cols_free(&e->stmt.cols);
    free(e->key);
    memset(e, 0, sizeof *e);
}

void odbc_cache_clear(odbc_cache *c)
{
    for (size_t i = 0; i < c->count; i++)
        entry_clear(&c->entries[i]);
    c->count = 0;
}

void odbc_cache_destroy(odbc_cache **pc)
{
    if (pc == NULL || *pc == NULL)
        return;
    odbc_cache *c = *pc;
    odbc_cache_clear(c);
    free(c->entries);
    free(c);
    *pc = NULL;
}

static cache_entry *find(odbc_cache *c, const char *key, uint64_t h)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->entries[i].hash == h && strcmp(c->entries[i].key, key) == 0)
            return &c->entries[i];
    return NULL;
}

odbc_stmt *odbc_cache_get(odbc_cache *c, const char *key)
{
    cache_entry *e = find(c, key, key_hash(key));
    if (e == NULL) {
        c->misses++;
        return NULL;
    }
    e->used = ++c->tick;
    c->hits++;
    return &e->stmt;
}

odbc_stmt *odbc_cache_put(odbc_cache *c, const char *key, SQLHSTMT h)
{
    uint64_t hash = key_hash(key);
    char *copy = strdup(key);
    if (copy == NULL) {
        SQLFreeHandle(SQL_HANDLE_STMT, h);
        return NULL;
    }
    cache_entry *e = find(c, key, hash);
    if (e == NULL && c->count < c->capacity) {
        e = &c->entries[c->count++];
    } else if (e == NULL) {
        e = &c->entries[0];
        for (size_t i = 1; i < c->count; i++)
            if (c->entries[i].used < e->used)
                e = &c->entries[i];
    }
    entry_clear(e); /* replaced or evicted */
    e->key = copy;
    e->hash = hash;
    e->stmt.h = h;
    e->used = ++c->tick;
    return &e->stmt;
}

void odbc_cache_drop(odbc_cache *c, const char *key)
{
    cache_entry *e = find(c, key, key_hash(key));
    if (e == NULL)
        return;
    entry_clear(e);
    cache_entry *last = &c->entries[--c->count];
    if (e != last) {
        *e = *last;
        memset(last, 0, sizeof *last);
    }
}

size_t odbc_cache_count(const odbc_cache *c)
{
    return c->count;
}

void odbc_cache_stats(const odbc_cache *c, uint64_t *hits, uint64_t *misses)
{
    if (hits != NULL)
        *hits = c->hits;
    if (misses != NULL)
        *misses = c->misses;
}
