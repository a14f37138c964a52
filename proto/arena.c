/*
 * arena.c - bump allocator (see arena.h).
 *
 * Memory comes from a chain of zeroed blocks, so everything handed out is
 * already zeroed and nothing is ever reused.  Blocks and the arena itself
 * are malloc()ed and cleared by hand: glibc's calloc() skips its
 * per-thread cache, and a request and a result each make an arena.  Blocks double in size up to
 * a cap; a request larger than a normal block gets a block of its own, linked
 * behind the current one so the current block's free space is not wasted.
 */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN alignof(max_align_t)
/* With its header the first block stays below 1008 bytes, glibc's "small"
 * requests: they are served from the per-thread cache, and a larger one
 * that misses it would first consolidate the heap's fast bins. */
#define ARENA_FIRST_BLOCK 960u
#define ARENA_MAX_BLOCK (256u * 1024u)

typedef struct arena_block {
    struct arena_block *next;
    size_t size; /* usable bytes in data */
    size_t used;
    max_align_t data[]; /* max_align_t elements keep data aligned */
} arena_block;

struct dbd_arena {
    arena_block *head;     /* the block allocations are bumped from */
    size_t next_size;      /* size of the next normal block */
    size_t handed_out;     /* dbd_arena_used() */
};

dbd_arena *dbd_arena_new(void)
{
    dbd_arena *a = malloc(sizeof(*a));
    if (a == NULL)
        return NULL;
    *a = (dbd_arena){.next_size = ARENA_FIRST_BLOCK};
    return a;
}

void dbd_arena_destroy(dbd_arena **pa)
{
    if (pa == NULL || *pa == NULL)
        return;
    arena_block *b = (*pa)->head;
    while (b != NULL) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(*pa);
    *pa = NULL;
}

static arena_block *block_new(size_t size)
{
    if (size > SIZE_MAX - sizeof(arena_block))
        return NULL;
    arena_block *b = malloc(sizeof(arena_block) + size);
    if (b == NULL)
        return NULL;
    memset(b, 0, sizeof(arena_block) + size);
    b->size = size;
    return b;
}

void *dbd_arena_alloc(dbd_arena *a, size_t size)
{
    if (a == NULL)
        return NULL;
    /* Zero-sized requests still get a distinct, valid pointer. */
    if (size == 0)
        size = 1;
    /* No object may exceed PTRDIFF_MAX (pointer differences inside it
     * would overflow); malloc refuses such sizes too. */
    if (size > PTRDIFF_MAX - ARENA_ALIGN)
        return NULL;
    size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

    arena_block *b = a->head;
    if (b == NULL || b->size - b->used < rounded) {
        if (rounded > a->next_size / 2) {
            /* Large: its own block, kept behind the current one. */
            arena_block *big = block_new(rounded);
            if (big == NULL)
                return NULL;
            if (b != NULL) {
                big->next = b->next;
                b->next = big;
            } else {
                a->head = big;
            }
            big->used = rounded;
            a->handed_out += rounded;
            return big->data;
        }
        b = block_new(a->next_size);
        if (b == NULL)
            return NULL;
        b->next = a->head;
        a->head = b;
        if (a->next_size < ARENA_MAX_BLOCK)
            a->next_size *= 2;
    }
    void *p = (char *)b->data + b->used;
    b->used += rounded;
    a->handed_out += rounded;
    return p;
}

void *dbd_arena_calloc(dbd_arena *a, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    return dbd_arena_alloc(a, n * size);
}

char *dbd_arena_strndup(dbd_arena *a, const char *s, size_t len)
{
    if (s == NULL && len > 0)
        return NULL;
    if (len == SIZE_MAX)
        return NULL;
    char *p = dbd_arena_alloc(a, len + 1);
    if (p == NULL)
        return NULL;
    if (len > 0)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *dbd_arena_strdup(dbd_arena *a, const char *s)
{
    if (s == NULL)
        return NULL;
    return dbd_arena_strndup(a, s, strlen(s));
}

size_t dbd_arena_used(const dbd_arena *a)
{
    return a != NULL ? a->handed_out : 0;
}
