/*
 * client_usage.h - how much of dbd one client uses now: requests in
 * flight (admitted by the front end, answered by a worker, so counted
 * atomically), a token bucket for its rate (front end only) and counters
 * for stats.  A usage outlives the rules it was made for: a reload that
 * keeps the client hands it on, and every job still holds a reference, so
 * no count is lost or counted twice across a reload.
 */
#ifndef DBD_CLIENT_USAGE_H
#define DBD_CLIENT_USAGE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct dbd_client_usage {
    atomic_uint refs;
    atomic_uint in_flight;    /* data requests admitted, not yet answered */
    /* answered BUSY or BAD by a limit: by the front end, and by a worker
     * for a result over the client's max_rows */
    atomic_uint_fast64_t limited_total;
    /* The front end's alone: */
    double tokens;            /* requests the rate allows now */
    int64_t refill_mono_us;   /* when tokens was last topped up */
    uint64_t requests_total;  /* messages received */
    uint64_t denied_total;    /* answered DENY by the rules */
} dbd_client_usage;

/* A new usage with one reference; NULL when memory ran out. */
dbd_client_usage *dbd_client_usage_new(void);
dbd_client_usage *dbd_client_usage_ref(dbd_client_usage *u);
/* Drops a reference (the last frees it); accepts NULL; clears *pu. */
void dbd_client_usage_unref(dbd_client_usage **pu);

/* One request against a rate of rate per second with room for burst at
 * once: true when it may pass (a token is taken). */
bool dbd_client_usage_take_token(dbd_client_usage *u, unsigned rate,
                                 unsigned burst, int64_t now_mono_us);

/*
 * A data request's place in its client's in-flight count, held by its
 * job from admission to its answer.  open() counts it when the count is
 * below max (0: no limit) and takes a reference; close() uncounts it once
 * (the answer, or the job's end, whichever comes first); release() also
 * drops the reference.
 */
typedef struct dbd_usage_ticket {
    dbd_client_usage *usage;  /* NULL: none */
    atomic_bool open;
} dbd_usage_ticket;

bool dbd_usage_ticket_open(dbd_usage_ticket *t, dbd_client_usage *u,
                           unsigned max);
void dbd_usage_ticket_close(dbd_usage_ticket *t);
void dbd_usage_ticket_release(dbd_usage_ticket *t);

#endif
