/*
 * sqlite_cache.c - a connection's prepared statements, kept by shape key so
 * that a repeated request skips parsing and planning.
 *
 * A handful of shapes dominate real traffic (a SIP proxy asks the same few
 * queries over and over), so a small array searched linearly by hash is
 * enough; when it is full the least recently used statement goes.
 *
 * The data operations look statements up by the SQL builder's shape key
 * alone, before any text is built: the builder guarantees that equal keys
 * give equal text (the key names everything the text is made from, in a
 * form that reads back unambiguously, and its unit test checks it), so
 * building the text of every request only to compare it would buy nothing.
 * Lookups that have their text at hand (fixed statements such as BEGIN)
 * still compare it.
 */
#include "sqlite_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct cache_entry {
    char *key;
    uint64_t hash;
    uint64_t used; /* tick of the last use, for LRU eviction */
    sqlite3_stmt *stmt;
    sqlc_cols cols;
} cache_entry;

struct sqlc_cache {
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

sqlc_cache *sqlc_cache_new(size_t capacity)
{
    sqlc_cache *c = calloc(1, sizeof *c);
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

void sqlc_cols_free(sqlc_cols *cols)
{
    free(cols->decl);
    memset(cols, 0, sizeof *cols);
}

static void entry_clear(cache_entry *e)
{
    sqlite3_finalize(e->stmt);
    free(e->key);
    sqlc_cols_free(&e->cols);
    memset(e, 0, sizeof *e);
}

void sqlc_cache_destroy(sqlc_cache **pc)
{
    if (pc == NULL || *pc == NULL)
        return;
    sqlc_cache *c = *pc;
    for (size_t i = 0; i < c->count; i++)
        entry_clear(&c->entries[i]);
    free(c->entries);
    free(c);
    *pc = NULL;
}

static cache_entry *find(sqlc_cache *c, const char *key, uint64_t h)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->entries[i].hash == h && strcmp(c->entries[i].key, key) == 0)
            return &c->entries[i];
    return NULL;
}

sqlite3_stmt *sqlc_cache_get(sqlc_cache *c, const char *key,
                             const char *text, sqlc_cols **cols)
{
    cache_entry *e = find(c, key, key_hash(key));
    const char *sql = e != NULL ? sqlite3_sql(e->stmt) : NULL;
    if (sql == NULL || (text != NULL && strcmp(sql, text) != 0)) {
        c->misses++;
        return NULL;
    }
    e->used = ++c->tick;
    c->hits++;
    if (cols != NULL)
        *cols = &e->cols;
    return e->stmt;
}

int sqlc_cache_put(sqlc_cache *c, const char *key, sqlite3_stmt *stmt,
                   sqlc_cols **cols)
{
    uint64_t h = key_hash(key);
    cache_entry *e = find(c, key, h);
    if (e != NULL) {
        sqlite3_finalize(e->stmt);
        e->stmt = stmt;
        e->used = ++c->tick;
        e->cols.known = false; /* another statement: work them out again */
        if (cols != NULL)
            *cols = &e->cols;
        return 0;
    }
    char *copy = strdup(key);
    if (copy == NULL) {
        sqlite3_finalize(stmt);
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
    if (cols != NULL)
        *cols = &e->cols;
    return 0;
}

size_t sqlc_cache_count(const sqlc_cache *c)
{
    return c->count;
}

void sqlc_cache_stats(const sqlc_cache *c, uint64_t *hits, uint64_t *misses)
{
    if (hits != NULL)
        *hits = c->hits;
    if (misses != NULL)
        *misses = c->misses;
}
