/*
 * stats.h - request counters, kept per datasource and for the whole daemon.
 * Atomic so that the front end and every worker can update them without a
 * lock; readers see each counter consistent on its own (not as a set).
 */
#ifndef DBD_STATS_H
#define DBD_STATS_H

#include <stdatomic.h>
#include <stdint.h>

#include "status.h"

typedef struct dbd_counters {
    atomic_uint_fast64_t requests;    /* replies completed */
    atomic_uint_fast64_t by_status[DBD_STATUS_COUNT];
    atomic_int_fast64_t queued;       /* waiting for a worker now */
    atomic_int_fast64_t in_flight;    /* executing now */
    atomic_uint_fast64_t latency_sum_us;
    atomic_uint_fast64_t latency_max_us;
    atomic_uint_fast64_t rows;        /* result rows sent */
} dbd_counters;

void dbd_counters_init(dbd_counters *c);

/* One finished request; ds may be NULL (no such datasource, admin op). */
void dbd_counters_done(dbd_counters *global, dbd_counters *ds, dbd_status st,
                       uint64_t latency_us, uint64_t rows);

/* Adds delta to the queued (or in_flight) gauge of both. */
void dbd_counters_queued(dbd_counters *global, dbd_counters *ds, int delta);
void dbd_counters_in_flight(dbd_counters *global, dbd_counters *ds,
                            int delta);

/* Non-OK replies. */
uint64_t dbd_counters_errors(const dbd_counters *c);

/* Resident set size of this process in bytes (0 when unknown). */
uint64_t dbd_rss_bytes(void);

#endif
