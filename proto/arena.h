/*
 * arena.h - a bump allocator for objects whose parts die together
 * (a decoded request, a result).  Freed all at once by dbd_arena_destroy().
 */
#ifndef DBD_ARENA_H
#define DBD_ARENA_H

#include <stddef.h>

typedef struct dbd_arena dbd_arena;

/* NULL on allocation failure. */
dbd_arena *dbd_arena_new(void);
/* Frees every block; accepts NULL; clears *pa. */
void dbd_arena_destroy(dbd_arena **pa);
/* Zeroed, max_align_t aligned memory; NULL on failure or size overflow. */
void *dbd_arena_alloc(dbd_arena *a, size_t size);
/* Zeroed array of n elements of size each; NULL on overflow or failure. */
void *dbd_arena_calloc(dbd_arena *a, size_t n, size_t size);
/* Copy of len bytes plus a terminating NUL; NULL on failure. */
char *dbd_arena_strndup(dbd_arena *a, const char *s, size_t len);
char *dbd_arena_strdup(dbd_arena *a, const char *s);
/* Bytes handed out so far (for limits and stats). */
size_t dbd_arena_used(const dbd_arena *a);

#endif
