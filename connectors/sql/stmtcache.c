/*
 * stmtcache.c - the prepared-statement cache of the SQL connectors: a
 * small array of statements keyed by string, searched linearly by hash,
 * evicting the least recently used (see stmtcache.h).
 *
 * The connectors' areas live in one block beside the entries, one slot per
 * entry, so a lookup allocates nothing and an entry moved to fill a gap
 * takes its area along.
 */
#include "stmtcache.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

typedef struct cache_entry {
    char *key;
    uint64_t hash;
    uint64_t used; /* tick of the last use, for LRU eviction */
    void *stmt;
} cache_entry;

struct dbd_stmt_cache {
    cache_entry *entries;
    unsigned char *areas; /* capacity slots of stride bytes, or NULL */
    size_t stride;        /* extra_size rounded up for any type's alignment */
    size_t extra_size;
    size_t count;
    size_t capacity;
    dbd_stmt_cache_release_fn *release;
    void *ctx;
    uint64_t tick;
    uint64_t hits;
    uint64_t misses;
};

/* FNV-1a: short keys, no need for anything stronger. */
static uint64_t key_hash(const char *key)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= UINT64_C(1099511628211);
    }
    return h;
}

dbd_stmt_cache *dbd_stmt_cache_new(size_t capacity, size_t extra_size,
                                   dbd_stmt_cache_release_fn *release,
                                   void *ctx)
{
    const size_t align = alignof(max_align_t);
    dbd_stmt_cache *c = calloc(1, sizeof *c);

    if (c == NULL || extra_size > SIZE_MAX - align)
        goto fail;
    c->capacity = capacity > 0 ? capacity : 1;
    c->extra_size = extra_size;
    c->stride = (extra_size + align - 1) / align * align;
    c->release = release;
    c->ctx = ctx;
    c->entries = calloc(c->capacity, sizeof *c->entries);
    if (c->entries == NULL)
        goto fail;
    if (c->stride > 0 &&
        (c->areas = calloc(c->capacity, c->stride)) == NULL)
        goto fail;
    return c;
fail:
    if (c != NULL)
        free(c->entries);
    free(c);
    return NULL;
}

static void *area_of(const dbd_stmt_cache *c, size_t i)
{
    return c->areas != NULL ? c->areas + i * c->stride : NULL;
}

/* Hands entry i's statement to the release callback and zeroes its area;
 * the key stays. */
static void release_stmt(dbd_stmt_cache *c, size_t i)
{
    void *area = area_of(c, i);
    c->release(c->ctx, c->entries[i].stmt, area);
    c->entries[i].stmt = NULL;
    if (area != NULL)
        memset(area, 0, c->extra_size);
}

/* Releases entry i and forgets its key. */
static void entry_clear(dbd_stmt_cache *c, size_t i)
{
    release_stmt(c, i);
    free(c->entries[i].key);
    memset(&c->entries[i], 0, sizeof c->entries[i]);
}

void dbd_stmt_cache_clear(dbd_stmt_cache *c)
{
    for (size_t i = 0; i < c->count; i++)
        entry_clear(c, i);
    c->count = 0;
}

void dbd_stmt_cache_destroy(dbd_stmt_cache **pc)
{
    if (pc == NULL || *pc == NULL)
        return;
    dbd_stmt_cache *c = *pc;
    dbd_stmt_cache_clear(c);
    free(c->areas);
    free(c->entries);
    free(c);
    *pc = NULL;
}

/* The index of key's entry, or c->count when it is not cached. */
static size_t find(const dbd_stmt_cache *c, const char *key, uint64_t h)
{
    size_t i;
    for (i = 0; i < c->count; i++)
        if (c->entries[i].hash == h && strcmp(c->entries[i].key, key) == 0)
            break;
    return i;
}

void *dbd_stmt_cache_get_if(dbd_stmt_cache *c, const char *key,
                            dbd_stmt_cache_match_fn *match, const void *arg,
                            void **extra)
{
    size_t i = find(c, key, key_hash(key));
    if (i == c->count ||
        (match != NULL && !match(c->entries[i].stmt, arg))) {
        c->misses++;
        return NULL;
    }
    c->entries[i].used = ++c->tick;
    c->hits++;
    if (extra != NULL)
        *extra = area_of(c, i);
    return c->entries[i].stmt;
}

void *dbd_stmt_cache_get(dbd_stmt_cache *c, const char *key, void **extra)
{
    return dbd_stmt_cache_get_if(c, key, NULL, NULL, extra);
}

static size_t least_recently_used(const dbd_stmt_cache *c)
{
    size_t lru = 0;
    for (size_t i = 1; i < c->count; i++)
        if (c->entries[i].used < c->entries[lru].used)
            lru = i;
    return lru;
}

int dbd_stmt_cache_put(dbd_stmt_cache *c, const char *key, void *stmt,
                       void **extra)
{
    uint64_t h = key_hash(key);
    size_t i = find(c, key, h);

    if (i < c->count) {
        release_stmt(c, i); /* replaced: the key stays */
    } else {
        char *copy = strdup(key);
        if (copy == NULL)
            return -1;
        if (c->count < c->capacity) {
            i = c->count++;
        } else {
            i = least_recently_used(c);
            entry_clear(c, i);
        }
        c->entries[i].key = copy;
        c->entries[i].hash = h;
    }
    c->entries[i].stmt = stmt;
    c->entries[i].used = ++c->tick;
    if (extra != NULL)
        *extra = area_of(c, i);
    return 0;
}

void dbd_stmt_cache_drop(dbd_stmt_cache *c, const char *key)
{
    size_t i = find(c, key, key_hash(key));
    if (i == c->count)
        return;
    entry_clear(c, i);
    /* keep the used entries at the front: the last one fills the gap */
    size_t last = --c->count;
    if (i != last) {
        c->entries[i] = c->entries[last];
        memset(&c->entries[last], 0, sizeof c->entries[last]);
        if (c->areas != NULL) {
            memcpy(area_of(c, i), area_of(c, last), c->extra_size);
            memset(area_of(c, last), 0, c->extra_size);
        }
    }
}

size_t dbd_stmt_cache_count(const dbd_stmt_cache *c)
{
    return c->count;
}

void dbd_stmt_cache_stats(const dbd_stmt_cache *c, uint64_t *hits,
                          uint64_t *misses)
{
    if (hits != NULL)
        *hits = c->hits;
    if (misses != NULL)
        *misses = c->misses;
}
