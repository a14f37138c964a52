/*
 * inflight.h - the requests a dbbench client has outstanding: request id
 * to send time and operation, so a collected result can be timed.  An
 * open-addressing hash table sized for the client's in-flight limit.
 */
#ifndef DBBENCH_INFLIGHT_H
#define DBBENCH_INFLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bench_inflight bench_inflight;

/* Room for at least `limit` entries; NULL on allocation failure. */
bench_inflight *bench_inflight_new(size_t limit);
void bench_inflight_destroy(bench_inflight **pt);

/* Remembers id; false when the table already holds `limit` entries or id. */
bool bench_inflight_put(bench_inflight *t, uint64_t id, uint64_t sent_ns,
                        int op);
/* Removes id and returns what was stored; false when id is not there. */
bool bench_inflight_take(bench_inflight *t, uint64_t id, uint64_t *sent_ns,
                         int *op);
size_t bench_inflight_count(const bench_inflight *t);

#endif
