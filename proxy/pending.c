/* pending.c - dbd request id -> waiting task, with deadlines (see pending.h). */
#include "pending.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot_entry {
    uint64_t id;       /* 0 = empty: the client never hands out id 0 */
    void *task;
    int slot;
    int64_t deadline_us;
} slot_entry;

typedef struct fifo_entry {
    uint64_t id;
    int64_t deadline_us;
} fifo_entry;

struct sp_pending {
    slot_entry *tab;   /* power-of-two size, linear probing */
    size_t cap, count;
    fifo_entry *fifo;  /* ring of (id, deadline) in insertion order */
    size_t fcap, fhead, flen;
};

#define INITIAL_CAP 64

static size_t hash_id(uint64_t id, size_t cap)
{
    id ^= id >> 33;
    id *= UINT64_C(0xff51afd7ed558ccd);
    id ^= id >> 33;
    return (size_t)id & (cap - 1);
}

sp_pending *sp_pending_new(void)
{
    sp_pending *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->tab = calloc(INITIAL_CAP, sizeof *p->tab);
    p->fifo = calloc(INITIAL_CAP, sizeof *p->fifo);
    if (p->tab == NULL || p->fifo == NULL) {
        sp_pending_destroy(&p);
        return NULL;
    }
    p->cap = INITIAL_CAP;
    p->fcap = INITIAL_CAP;
    return p;
}

void sp_pending_destroy(sp_pending **pp)
{
    if (pp == NULL || *pp == NULL)
        return;
    free((*pp)->tab);
    free((*pp)->fifo);
    free(*pp);
    *pp = NULL;
}

static slot_entry *find(const sp_pending *p, uint64_t id)
{
    size_t i = hash_id(id, p->cap);
    while (p->tab[i].id != 0) {
        if (p->tab[i].id == id)
            return &p->tab[i];
        i = (i + 1) & (p->cap - 1);
    }
    return NULL;
}

static void insert(slot_entry *tab, size_t cap, const slot_entry *e)
{
    size_t i = hash_id(e->id, cap);
    while (tab[i].id != 0)
        i = (i + 1) & (cap - 1);
    tab[i] = *e;
}

static int grow_table(sp_pending *p)
{
    size_t ncap = p->cap * 2;
    slot_entry *ntab = calloc(ncap, sizeof *ntab);
    if (ntab == NULL)
        return -1;
    for (size_t i = 0; i < p->cap; i++)
        if (p->tab[i].id != 0)
            insert(ntab, ncap, &p->tab[i]);
    free(p->tab);
    p->tab = ntab;
    p->cap = ncap;
    return 0;
}

static int grow_fifo(sp_pending *p)
{
    size_t ncap = p->fcap * 2;
    fifo_entry *nf = malloc(ncap * sizeof *nf);
    if (nf == NULL)
        return -1;
    for (size_t i = 0; i < p->flen; i++)
        nf[i] = p->fifo[(p->fhead + i) % p->fcap];
    free(p->fifo);
    p->fifo = nf;
    p->fcap = ncap;
    p->fhead = 0;
    return 0;
}

/* Removes the entry at e, re-inserting the probe run after it (backward
 * shift would do too; re-insertion is simpler and runs are short). */
static void remove_at(sp_pending *p, slot_entry *e)
{
    size_t i = (size_t)(e - p->tab);
    e->id = 0;
    p->count--;
    for (i = (i + 1) & (p->cap - 1); p->tab[i].id != 0;
         i = (i + 1) & (p->cap - 1)) {
        slot_entry moved = p->tab[i];
        p->tab[i].id = 0;
        insert(p->tab, p->cap, &moved);
    }
}

int sp_pending_add(sp_pending *p, uint64_t id, void *task, int slot,
                   int64_t deadline_us)
{
    slot_entry e = {.id = id, .task = task, .slot = slot,
                    .deadline_us = deadline_us};
    if (id == 0 || find(p, id) != NULL)
        return -1;
    /* Keep the load under one half so that probe runs stay short. */
    if ((p->count + 1) * 2 > p->cap && grow_table(p) != 0)
        return -1;
    if (p->flen == p->fcap && grow_fifo(p) != 0)
        return -1;
    insert(p->tab, p->cap, &e);
    p->count++;
    p->fifo[(p->fhead + p->flen) % p->fcap] =
        (fifo_entry){.id = id, .deadline_us = deadline_us};
    p->flen++;
    return 0;
}

void *sp_pending_take(sp_pending *p, uint64_t id, int *slot)
{
    slot_entry *e = id != 0 ? find(p, id) : NULL;
    void *task;
    if (e == NULL)
        return NULL;
    task = e->task;
    *slot = e->slot;
    remove_at(p, e);
    return task;
}

/* Drops FIFO heads whose id is no longer parked (or was re-used later). */
static void skip_stale(sp_pending *p)
{
    while (p->flen > 0) {
        const fifo_entry *f = &p->fifo[p->fhead];
        const slot_entry *e = find(p, f->id);
        if (e != NULL && e->deadline_us == f->deadline_us)
            return;
        p->fhead = (p->fhead + 1) % p->fcap;
        p->flen--;
    }
}

int64_t sp_pending_next_deadline(sp_pending *p)
{
    skip_stale(p);
    return p->flen > 0 ? p->fifo[p->fhead].deadline_us : -1;
}

void *sp_pending_take_expired(sp_pending *p, int64_t now_us, uint64_t *id,
                              int *slot)
{
    skip_stale(p);
    if (p->flen == 0 || p->fifo[p->fhead].deadline_us > now_us)
        return NULL;
    *id = p->fifo[p->fhead].id;
    p->fhead = (p->fhead + 1) % p->fcap;
    p->flen--;
    return sp_pending_take(p, *id, slot);
}

void *sp_pending_take_any(sp_pending *p, uint64_t *id, int *slot)
{
    for (size_t i = 0; i < p->cap; i++) {
        if (p->tab[i].id != 0) {
            *id = p->tab[i].id;
            return sp_pending_take(p, *id, slot);
        }
    }
    return NULL;
}

size_t sp_pending_count(const sp_pending *p)
{
    return p->count;
}
