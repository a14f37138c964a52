/*
 * pgsql_cache.c - a connection's prepared statements, kept by key (the SQL
 * builder's shape key and the types of the bound values) so that a
 * repeated request skips parsing and planning on the server.
 *
 * A handful of shapes dominate real traffic (a SIP proxy asks the same few
 * queries over and over), so a small array searched linearly by hash is
 * enough; when it is full the least recently used statement goes and the
 * caller deallocates it on the server.  Prepared statements live in the
 * server session, so the cache dies with the connection.
 */
#include "pgsql_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct cache_entry {
    char *key;
    uint64_t hash;
    uint64_t used; /* tick of the last use, for LRU eviction */
    pgc_stmt stmt;
} cache_entry;

struct pgc_cache {
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

pgc_cache *pgc_cache_new(size_t capacity)
{
    pgc_cache *c = calloc(1, sizeof *c);
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

void pgc_cache_destroy(pgc_cache **pc)
{
    if (pc == NULL || *pc == NULL)
        return;
    pgc_cache *c = *pc;
    for (size_t i = 0; i < c->count; i++)
        free(c->entries[i].key);
    free(c->entries);
    free(c);
    *pc = NULL;
}

static cache_entry *find(pgc_cache *c, const char *key, uint64_t h)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->entries[i].hash == h && strcmp(c->entries[i].key, key) == 0)
            return &c->entries[i];
    return NULL;
}

const pgc_stmt *pgc_cache_get(pgc_cache *c, const char *key)
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

/* Takes e out, writing its name to name; the last entry fills the gap. */
static void remove_entry(pgc_cache *c, cache_entry *e,
                         char name[PGC_NAME_MAX])
{
    memcpy(name, e->stmt.name, PGC_NAME_MAX);
    free(e->key);
    *e = c->entries[--c->count];
    memset(&c->entries[c->count], 0, sizeof c->entries[c->count]);
}

const pgc_stmt *pgc_cache_put(pgc_cache *c, const char *key,
                              const pgc_stmt *st, char evicted[PGC_NAME_MAX])
{
    char *copy = strdup(key);
    evicted[0] = '\0';
    if (copy == NULL)
        return NULL;
    if (c->count == c->capacity) {
        cache_entry *old = &c->entries[0];
        for (size_t i = 1; i < c->count; i++)
            if (c->entries[i].used < old->used)
                old = &c->entries[i];
        remove_entry(c, old, evicted);
    }
    cache_entry *e = &c->entries[c->count++];
    e->key = copy;
    e->hash = key_hash(key);
    e->used = ++c->tick;
    e->stmt = *st;
    return &e->stmt;
}

void pgc_cache_clear(pgc_cache *c)
{
    for (size_t i = 0; i < c->count; i++)
        free(c->entries[i].key);
    memset(c->entries, 0, c->count * sizeof *c->entries);
    c->count = 0;
}

void pgc_cache_drop(pgc_cache *c, const char *key, char dropped[PGC_NAME_MAX])
{
    cache_entry *e = find(c, key, key_hash(key));
    dropped[0] = '\0';
    if (e != NULL)
        remove_entry(c, e, dropped);
}

size_t pgc_cache_count(const pgc_cache *c)
{
    return c->count;
}

void pgc_cache_stats(const pgc_cache *c, uint64_t *hits, uint64_t *misses)
{
    if (hits != NULL)
        *hits = c->hits;
    if (misses != NULL)
        *misses = c->misses;
}
