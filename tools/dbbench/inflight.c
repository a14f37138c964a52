/*
 * inflight.c - id -> send time table (see inflight.h).  Linear probing in a
 * power-of-two table at most half full; removal shifts the following
 * entries back so that lookups never need tombstones.
 */
#include "inflight.h"

#include <stdlib.h>

typedef struct slot {
    uint64_t id;
    uint64_t sent_ns;
    int op;
    bool used;
} slot;

struct bench_inflight {
    size_t limit;
    size_t count;
    size_t mask;
    slot *slots;
};

bench_inflight *bench_inflight_new(size_t limit)
{
    bench_inflight *t = calloc(1, sizeof *t);
    size_t cap = 8;
    if (t == NULL || limit == 0 || limit > SIZE_MAX / 4)
        goto fail;
    while (cap < 2 * limit)
        cap *= 2;
    t->slots = calloc(cap, sizeof *t->slots);
    if (t->slots == NULL)
        goto fail;
    t->limit = limit;
    t->mask = cap - 1;
    return t;
fail:
    bench_inflight_destroy(&t);
    return NULL;
}

void bench_inflight_destroy(bench_inflight **pt)
{
    if (pt == NULL || *pt == NULL)
        return;
    free((*pt)->slots);
    free(*pt);
    *pt = NULL;
}

static size_t home(const bench_inflight *t, uint64_t id)
{
    /* Fibonacci hashing spreads sequential ids. */
    return (size_t)((id * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & t->mask;
}

bool bench_inflight_put(bench_inflight *t, uint64_t id, uint64_t sent_ns,
                        int op)
{
    if (t->count >= t->limit)
        return false;
    size_t i = home(t, id);
    while (t->slots[i].used) {
        if (t->slots[i].id == id)
            return false;
        i = (i + 1) & t->mask;
    }
    t->slots[i] = (slot){.id = id, .sent_ns = sent_ns, .op = op, .used = true};
    t->count++;
    return true;
}

bool bench_inflight_take(bench_inflight *t, uint64_t id, uint64_t *sent_ns,
                         int *op)
{
    size_t i = home(t, id);
    while (t->slots[i].used && t->slots[i].id != id)
        i = (i + 1) & t->mask;
    if (!t->slots[i].used)
        return false;
    *sent_ns = t->slots[i].sent_ns;
    *op = t->slots[i].op;
    /* Backward-shift deletion: move up any later entry whose home slot
     * does not lie cyclically in (hole, j]. */
    size_t hole = i, j = i;
    for (;;) {
        j = (j + 1) & t->mask;
        if (!t->slots[j].used)
            break;
        size_t h = home(t, t->slots[j].id);
        bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
        if (!stays) {
            t->slots[hole] = t->slots[j];
            hole = j;
        }
    }
    t->slots[hole].used = false;
    t->count--;
    return true;
}

size_t bench_inflight_count(const bench_inflight *t)
{
    return t->count;
}
