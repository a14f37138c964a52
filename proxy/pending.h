/*
 * pending.h - the dbd requests a worker is waiting for: dbd request id ->
 * (task, slot), with a deadline each.
 *
 * An open-addressing hash finds an id when its result arrives; deadlines
 * are kept in insertion order (every lookup has the same timeout, so the
 * oldest entry expires first) and entries already taken are skipped
 * lazily.  The table never owns the tasks it points to.
 */
#ifndef SP_PENDING_H
#define SP_PENDING_H

#include <stddef.h>
#include <stdint.h>

typedef struct sp_pending sp_pending;

/* NULL on allocation failure. */
sp_pending *sp_pending_new(void);
void sp_pending_destroy(sp_pending **pp);

/* Parks (task, slot) under id until deadline (monotonic µs).  0, or -1 on
 * allocation failure or when id is already parked. */
int sp_pending_add(sp_pending *p, uint64_t id, void *task, int slot,
                   int64_t deadline_us);

/* Removes id and returns its task (and *slot); NULL when id is unknown
 * (a late result, or one already expired). */
void *sp_pending_take(sp_pending *p, uint64_t id, int *slot);

/* Removes and returns one entry whose deadline is <= now, NULL when none. */
void *sp_pending_take_expired(sp_pending *p, int64_t now_us, uint64_t *id,
                              int *slot);

/* Removes and returns any entry (for shutdown), NULL when empty. */
void *sp_pending_take_any(sp_pending *p, uint64_t *id, int *slot);

/* The earliest deadline, or -1 when empty. */
int64_t sp_pending_next_deadline(sp_pending *p);

size_t sp_pending_count(const sp_pending *p);

#endif
