/*
 * stmtcache.h - a connection's prepared statements, kept by key so that a
 * repeated request skips preparing them; shared by the SQL connectors.
 *
 * The key is the SQL builder's shape key, plus whatever else decides a
 * connector's statement text (bound value types, a RETURNING column).  The
 * builder guarantees that equal keys give equal text, so the key alone
 * identifies a statement and the data operations look statements up before
 * any text is built.
 *
 * A handful of shapes dominate real traffic (a SIP proxy asks the same few
 * queries over and over), so a small array searched linearly by hash is
 * enough; when it is full the least recently used statement goes.
 *
 * A statement is whatever pointer the connector prepared (never NULL).
 * Each entry may carry a fixed-size area of the connector's (extra_size
 * bytes, zeroed when a statement enters the entry) for what it learns
 * about the statement later, such as its result columns.  The cache owns
 * the statements in it: every one it lets go (replaced, evicted, dropped,
 * cleared or destroyed) goes to the release callback exactly once, with
 * its area.
 */
#ifndef DBD_STMTCACHE_H
#define DBD_STMTCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct dbd_stmt_cache dbd_stmt_cache;

/* Frees stmt and what its area (extra, NULL when extra_size is 0) holds;
 * ctx is the one given to dbd_stmt_cache_new().  The cache zeroes the area
 * afterwards. */
typedef void dbd_stmt_cache_release_fn(void *ctx, void *stmt, void *extra);
/* Whether stmt, cached under the key looked up, is the one arg asks for. */
typedef bool dbd_stmt_cache_match_fn(void *stmt, const void *arg);

/* At most capacity statements (at least 1), each with extra_size bytes of
 * the caller's, let go through release (required); NULL on allocation
 * failure. */
dbd_stmt_cache *dbd_stmt_cache_new(size_t capacity, size_t extra_size,
                                   dbd_stmt_cache_release_fn *release,
                                   void *ctx);
/* Releases every statement; accepts NULL; clears *pc. */
void dbd_stmt_cache_destroy(dbd_stmt_cache **pc);

/* The statement cached under key, or NULL (a miss); *extra (when extra is
 * not NULL) gets its area.  Borrowed: valid until the next put, drop or
 * clear. */
void *dbd_stmt_cache_get(dbd_stmt_cache *c, const char *key, void **extra);
/* dbd_stmt_cache_get(), where a statement that match(stmt, arg) refuses
 * counts as a miss (it stays cached until a put under key replaces it). */
void *dbd_stmt_cache_get_if(dbd_stmt_cache *c, const char *key,
                            dbd_stmt_cache_match_fn *match, const void *arg,
                            void **extra);
/* Caches stmt under key, replacing (releasing) the statement already
 * there or, when the cache is full, evicting (releasing) the least
 * recently used one; *extra (when extra is not NULL) gets the entry's
 * zeroed area (dbd_stmt_cache_get()'s rule).  0 when the cache took stmt;
 * -1 when memory ran out: nothing changed and stmt is still the caller's. */
int dbd_stmt_cache_put(dbd_stmt_cache *c, const char *key, void *stmt,
                       void **extra);
/* Releases the statement cached under key, if any (after an error its
 * state may not be trusted). */
void dbd_stmt_cache_drop(dbd_stmt_cache *c, const char *key);
/* Releases every statement, keeping the cache and its counters. */
void dbd_stmt_cache_clear(dbd_stmt_cache *c);

/* Statements cached now. */
size_t dbd_stmt_cache_count(const dbd_stmt_cache *c);
/* Lookups that found their statement and lookups that did not, since the
 * cache was made. */
void dbd_stmt_cache_stats(const dbd_stmt_cache *c, uint64_t *hits,
                          uint64_t *misses);

#endif
