/*
 * histogram.h - a log-linear latency histogram in the style of HdrHistogram,
 * for the benchmark tools.  Every power of two is split into 128 linear
 * sub-buckets, so a reported percentile is within 0.4% of the true value
 * (values below 256 are exact).  One histogram per thread, merged at the end.
 */
#ifndef BENCH_HISTOGRAM_H
#define BENCH_HISTOGRAM_H

#include <stdint.h>

typedef struct bench_hist bench_hist;

/* NULL on allocation failure. */
bench_hist *bench_hist_new(void);
void bench_hist_destroy(bench_hist **ph);

void bench_hist_record(bench_hist *h, uint64_t value);
/* Adds every count of src to dst. */
void bench_hist_merge(bench_hist *dst, const bench_hist *src);
/* Forgets every value (used when a warm-up ends). */
void bench_hist_reset(bench_hist *h);

uint64_t bench_hist_count(const bench_hist *h);
/* Exact extremes; 0 when empty. */
uint64_t bench_hist_max(const bench_hist *h);
uint64_t bench_hist_min(const bench_hist *h);
double bench_hist_mean(const bench_hist *h);
/*
 * The value below or at which pct percent of the recorded values lie
 * (0 < pct <= 100), as the middle of its bucket clamped to the exact
 * extremes; 0 when empty.
 */
uint64_t bench_hist_percentile(const bench_hist *h, double pct);

#endif
