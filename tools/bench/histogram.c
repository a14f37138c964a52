/*
 * histogram.c - log-linear latency histogram (see histogram.h).
 *
 * Index layout: values below 2^(SUB_BITS+1) map to themselves; a larger
 * value v with highest set bit b is shifted right by e = b - SUB_BITS, which
 * leaves a sub-bucket in [2^SUB_BITS, 2^(SUB_BITS+1)), and lands at
 * e * 2^SUB_BITS + (v >> e).  The buckets tile the whole uint64 range.
 */
#include "histogram.h"

#include <stdlib.h>
#include <string.h>

#define SUB_BITS 7
#define SUB_COUNT (1u << SUB_BITS)
#define EXACT_LIMIT (2u * SUB_COUNT)
/* The largest shift is 63 - SUB_BITS, whose top sub-bucket is the last. */
#define NBUCKETS ((63u - SUB_BITS) * SUB_COUNT + EXACT_LIMIT)

struct bench_hist {
    uint64_t count;
    uint64_t min;
    uint64_t max;
    long double sum;
    uint64_t buckets[NBUCKETS];
};

bench_hist *bench_hist_new(void)
{
    bench_hist *h = calloc(1, sizeof *h);
    return h;
}

void bench_hist_destroy(bench_hist **ph)
{
    if (ph == NULL || *ph == NULL)
        return;
    free(*ph);
    *ph = NULL;
}

static unsigned bucket_of(uint64_t v)
{
    if (v < EXACT_LIMIT)
        return (unsigned)v;
    unsigned top = 63u - (unsigned)__builtin_clzll(v);
    unsigned shift = top - SUB_BITS;
    return shift * SUB_COUNT + (unsigned)(v >> shift);
}

/* The inclusive range of values that land in bucket i. */
static void bucket_range(unsigned i, uint64_t *lo, uint64_t *hi)
{
    if (i < EXACT_LIMIT) {
        *lo = *hi = i;
        return;
    }
    unsigned shift = i / SUB_COUNT - 1;
    uint64_t sub = i - shift * SUB_COUNT;
    *lo = sub << shift;
    *hi = *lo + ((UINT64_C(1) << shift) - 1);
}

void bench_hist_record(bench_hist *h, uint64_t value)
{
    h->buckets[bucket_of(value)]++;
    if (h->count == 0 || value < h->min)
        h->min = value;
    if (value > h->max)
        h->max = value;
    h->count++;
    h->sum += value;
}

void bench_hist_merge(bench_hist *dst, const bench_hist *src)
{
    if (src->count == 0)
        return;
    for (unsigned i = 0; i < NBUCKETS; i++)
        dst->buckets[i] += src->buckets[i];
    if (dst->count == 0 || src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
    dst->count += src->count;
    dst->sum += src->sum;
}

void bench_hist_reset(bench_hist *h)
{
    memset(h, 0, sizeof *h);
}

uint64_t bench_hist_count(const bench_hist *h)
{
    return h->count;
}

uint64_t bench_hist_max(const bench_hist *h)
{
    return h->max;
}

uint64_t bench_hist_min(const bench_hist *h)
{
    return h->min;
}

double bench_hist_mean(const bench_hist *h)
{
    return h->count ? (double)(h->sum / h->count) : 0.0;
}

uint64_t bench_hist_percentile(const bench_hist *h, double pct)
{
    if (h->count == 0)
        return 0;
    if (pct >= 100.0)
        return h->max;
    /* The rank of the wanted value, 1-based: at least the first one. */
    long double exact = (long double)pct / 100.0L * (long double)h->count;
    uint64_t rank = (uint64_t)exact;
    if ((long double)rank < exact)
        rank++;
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < NBUCKETS; i++) {
        seen += h->buckets[i];
        if (seen >= rank) {
            uint64_t lo, hi;
            bucket_range(i, &lo, &hi);
            uint64_t mid = lo + (hi - lo) / 2;
            if (mid < h->min)
                mid = h->min;
            if (mid > h->max)
                mid = h->max;
            return mid;
        }
    }
    return h->max;
}
