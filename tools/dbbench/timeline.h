/*
 * timeline.h - answers per 100 ms interval of a dbbench run, by arrival
 * time: how many were OK, how many failed, and the slowest of them.  Each
 * client thread fills its own; main merges them and writes the TSV that
 * --timeline asks for (and tools/bench/plot-timeline.sh draws).
 */
#ifndef DBBENCH_TIMELINE_H
#define DBBENCH_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define BENCH_TIMELINE_STEP_NS UINT64_C(100000000)

typedef struct bench_timeline bench_timeline;

/* An empty timeline; NULL on allocation failure. */
bench_timeline *bench_timeline_new(void);
void bench_timeline_destroy(bench_timeline **pt);

/*
 * Counts one answer that arrived at_ns after the measured start, with its
 * latency.  0, or -1 when memory runs out (the answer is not counted).
 */
int bench_timeline_record(bench_timeline *t, uint64_t at_ns, bool ok,
                          uint64_t latency_ns);
/* Adds every interval of src to dst; 0, or -1 when memory runs out. */
int bench_timeline_merge(bench_timeline *dst, const bench_timeline *src);

/*
 * Writes the header "t_ms\tok\tfailed\tlatency_max_us" and one line per
 * interval, t_ms being its start: from 0 up to the one holding the last
 * answer, and at least ceil(span_ns / 100 ms) lines (intervals without
 * answers print zeros).  Returns 0, or -1 when the stream failed.
 */
int bench_timeline_write(const bench_timeline *t, FILE *out,
                         uint64_t span_ns);

#endif
