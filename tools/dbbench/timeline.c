/*
 * timeline.c - per-interval answer counts (see timeline.h).  A growable
 * array indexed by interval; a long run at 100 ms steps stays small
 * (an hour is 36000 entries).
 */
#include "timeline.h"

#include <stdlib.h>

typedef struct interval {
    uint64_t ok;
    uint64_t failed;
    uint64_t latency_max_ns;
} interval;

struct bench_timeline {
    interval *at;
    size_t len; /* intervals in use: up to the last one with an answer */
    size_t cap;
};

bench_timeline *bench_timeline_new(void)
{
    return calloc(1, sizeof(bench_timeline));
}

void bench_timeline_destroy(bench_timeline **pt)
{
    if (pt == NULL || *pt == NULL)
        return;
    free((*pt)->at);
    free(*pt);
    *pt = NULL;
}

/* Makes intervals 0..n-1 exist (new ones zeroed); 0 or -1. */
static int reach(bench_timeline *t, size_t n)
{
    if (n <= t->len)
        return 0;
    if (n > t->cap) {
        size_t cap = t->cap > 0 ? t->cap : 64;
        while (cap < n)
            cap *= 2;
        interval *at = realloc(t->at, cap * sizeof *at);
        if (at == NULL)
            return -1;
        t->at = at;
        t->cap = cap;
    }
    for (size_t i = t->len; i < n; i++)
        t->at[i] = (interval){0};
    t->len = n;
    return 0;
}

int bench_timeline_record(bench_timeline *t, uint64_t at_ns, bool ok,
                          uint64_t latency_ns)
{
    size_t i = (size_t)(at_ns / BENCH_TIMELINE_STEP_NS);
    if (reach(t, i + 1) < 0)
        return -1;
    if (ok)
        t->at[i].ok++;
    else
        t->at[i].failed++;
    if (latency_ns > t->at[i].latency_max_ns)
        t->at[i].latency_max_ns = latency_ns;
    return 0;
}

int bench_timeline_merge(bench_timeline *dst, const bench_timeline *src)
{
    if (reach(dst, src->len) < 0)
        return -1;
    for (size_t i = 0; i < src->len; i++) {
        dst->at[i].ok += src->at[i].ok;
        dst->at[i].failed += src->at[i].failed;
        if (src->at[i].latency_max_ns > dst->at[i].latency_max_ns)
            dst->at[i].latency_max_ns = src->at[i].latency_max_ns;
    }
    return 0;
}

int bench_timeline_write(const bench_timeline *t, FILE *out, uint64_t span_ns)
{
    uint64_t n = (span_ns + BENCH_TIMELINE_STEP_NS - 1) / BENCH_TIMELINE_STEP_NS;
    if (n < t->len)
        n = t->len;
    fputs("t_ms\tok\tfailed\tlatency_max_us\n", out);
    for (uint64_t i = 0; i < n; i++) {
        interval v = i < t->len ? t->at[i] : (interval){0};
        fprintf(out, "%llu\t%llu\t%llu\t%llu\n",
                (unsigned long long)(i * (BENCH_TIMELINE_STEP_NS / 1000000)),
                (unsigned long long)v.ok, (unsigned long long)v.failed,
                (unsigned long long)(v.latency_max_ns / 1000));
    }
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
