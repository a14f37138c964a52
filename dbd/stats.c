/* stats.c - request counters and process figures (see stats.h). */
#include "stats.h"

#include <stdio.h>
#include <unistd.h>

void dbd_counters_init(dbd_counters *c)
{
    atomic_init(&c->requests, 0);
    for (int i = 0; i < DBD_STATUS_COUNT; i++)
        atomic_init(&c->by_status[i], 0);
    atomic_init(&c->queued, 0);
    atomic_init(&c->in_flight, 0);
    atomic_init(&c->latency_sum_us, 0);
    atomic_init(&c->latency_max_us, 0);
    atomic_init(&c->rows, 0);
}

static void update_max(atomic_uint_fast64_t *max, uint64_t v)
{
    uint_fast64_t cur = atomic_load_explicit(max, memory_order_relaxed);
    while (v > cur && !atomic_compare_exchange_weak_explicit(
                          max, &cur, v, memory_order_relaxed,
                          memory_order_relaxed))
        ;
}

static void done_one(dbd_counters *c, dbd_status st, uint64_t latency_us,
                     uint64_t rows)
{
    atomic_fetch_add_explicit(&c->requests, 1, memory_order_relaxed);
    if (dbd_status_valid(st))
        atomic_fetch_add_explicit(&c->by_status[st], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->latency_sum_us, latency_us,
                              memory_order_relaxed);
    update_max(&c->latency_max_us, latency_us);
    atomic_fetch_add_explicit(&c->rows, rows, memory_order_relaxed);
}

void dbd_counters_done(dbd_counters *global, dbd_counters *ds, dbd_status st,
                       uint64_t latency_us, uint64_t rows)
{
    done_one(global, st, latency_us, rows);
    if (ds != NULL)
        done_one(ds, st, latency_us, rows);
}

void dbd_counters_queued(dbd_counters *global, dbd_counters *ds, int delta)
{
    atomic_fetch_add_explicit(&global->queued, delta, memory_order_relaxed);
    if (ds != NULL)
        atomic_fetch_add_explicit(&ds->queued, delta, memory_order_relaxed);
}

void dbd_counters_in_flight(dbd_counters *global, dbd_counters *ds,
                            int delta)
{
    atomic_fetch_add_explicit(&global->in_flight, delta,
                              memory_order_relaxed);
    if (ds != NULL)
        atomic_fetch_add_explicit(&ds->in_flight, delta,
                                  memory_order_relaxed);
}

uint64_t dbd_counters_errors(const dbd_counters *c)
{
    /* OK is read first: requests is bumped before by_status, so the
     * difference cannot go negative. */
    uint64_t ok = atomic_load(&c->by_status[DBD_OK]);
    uint64_t all = atomic_load(&c->requests);
    return all - ok;
}

uint64_t dbd_rss_bytes(void)
{
    unsigned long long size = 0, resident = 0;
    long page = sysconf(_SC_PAGESIZE);
    FILE *fp = fopen("/proc/self/statm", "re");
    if (fp == NULL)
        return 0;
    if (fscanf(fp, "%llu %llu", &size, &resident) != 2)
        resident = 0;
    fclose(fp);
    return page > 0 ? (uint64_t)resident * (uint64_t)page : 0;
}
