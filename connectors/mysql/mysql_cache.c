/*
 * mysql_cache.c - a connection's server-side prepared statements, kept by
 * the SQL builder's shape key so that a repeated request skips the prepare
 * round trip and the server's parsing.
 *
 * A handful of shapes dominate real traffic (a SIP proxy asks the same few
 * queries over and over), so a small array searched linearly by hash is
 * enough; when it is full the least recently used statement is closed,
 * which also frees it on the server (max_prepared_stmt_count is global).
 * The builder guarantees that equal keys give equal text, so the key alone
 * identifies a statement.
 */
#include "mysql_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct cache_entry {
    char *key;
    uint64_t hash;
    uint64_t used; /* tick of the last use, for LRU eviction */
    MYSQL_STMT *stmt;
} cache_entry;

struct myc_cache {
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

myc_cache *myc_cache_new(size_t capacity)
{
    myc_cache *c = calloc(1, sizeof *c);
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
    /* fails only when the connection is gone, and then the server has
     * dropped the statement already */
    if (e->stmt != NULL)
        (void)mysql_stmt_close(e->stmt);
    free(e->key);
    memset(e, 0, sizeof *e);
}

void myc_cache_destroy(myc_cache **pc)
{
    if (pc == NULL || *pc == NULL)
        return;
    myc_cache *c = *pc;
    for (size_t i = 0; i < c->count; i++)
        entry_clear(&c->entries[i]);
    free(c->entries);
    free(c);
    *pc = NULL;
}

static cache_entry *find(myc_cache *c, const char *key, uint64_t h)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->entries[i].hash == h && strcmp(c->entries[i].key, key) == 0)
            return &c->entries[i];
    return NULL;
}

MYSQL_STMT *myc_cache_get(myc_cache *c, const char *key)
{
    cache_entry *e = find(c, key, key_hash(key));
    if (e == NULL) {
        c->misses++;
        return NULL;
    }
    e->used = ++c->tick;
    c->hits++;
    return e->stmt;
}

int myc_cache_put(myc_cache *c, const char *key, MYSQL_STMT *stmt)
{
    uint64_t h = key_hash(key);
    cache_entry *e = find(c, key, h);
    if (e != NULL) {
        (void)mysql_stmt_close(e->stmt);
        e->stmt = stmt;
        e->used = ++c->tick;
        return 0;
    }
    char *copy = strdup(key);
    if (copy == NULL) {
        (void)mysql_stmt_close(stmt);
        return -1;
    }
    if (c->count < c->capacity) {
        e = &c->entries[c->count++];
    } else {
        e = &c->entries[0];
        for (size_t i = 1; i < c->count; i++)
            if (c->entries[i].used < e->used)
                e = &c->entries[i];
        entry_clear(e);
    }
    e->key = copy;
    e->hash = h;
    e->stmt = stmt;
    e->used = ++c->tick;
    return 0;
}

void myc_cache_drop(myc_cache *c, const char *key)
{
    cache_entry *e = find(c, key, key_hash(key));
    if (e == NULL)
        return;
    entry_clear(e);
    /* keep the used entries at the front */
    cache_entry *last = &c->entries[--c->count];
    if (e != last) {
        *e = *last;
        memset(last, 0, sizeof *last);
    }
}

size_t myc_cache_count(const myc_cache *c)
{
    return c->count;
}

void myc_cache_stats(const myc_cache *c, uint64_t *hits, uint64_t *misses)
{
    if (hits != NULL)
        *hits = c->hits;
    if (misses != NULL)
        *misses = c->misses;
}
