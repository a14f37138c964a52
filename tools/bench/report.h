/*
 * report.h - the figures dbbench and zmq-echo print, in one shared format
 * so that their outputs can be compared line by line: a progress line per
 * second on stderr, and a final summary as text or as one JSON object.
 */
#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "histogram.h"

/* Encoded message sizes of one operation (0 = not measured). */
typedef struct bench_sizes {
    const char *op;
    size_t request;
    size_t reply;
} bench_sizes;

/* A named error count ("TIMEOUT", ...). */
typedef struct bench_error_count {
    const char *name;
    uint64_t count;
} bench_error_count;

typedef struct bench_report {
    const char *tool;           /* "dbbench", "zmq-echo" */
    const char *workload;       /* "read=80,upsert=20", "echo" */
    unsigned clients;
    unsigned inflight;
    uint64_t requests;          /* completed, errors included */
    double duration_s;          /* of the measured part */
    const bench_hist *latency;  /* nanoseconds */
    uint64_t errors;
    const bench_error_count *error_counts; /* only the non-zero ones */
    size_t nerror_counts;
    const bench_sizes *sizes;
    size_t nsizes;
    bool interrupted;           /* stopped early by a signal */
    /* How a run went through faults (dbbench); printed with has_faults. */
    bool has_faults;
    uint64_t failed;            /* answers with a status other than OK */
    const bench_error_count *failed_counts; /* by status, non-zero only */
    size_t nfailed_counts;
    uint64_t lost;              /* requests that never got an answer */
    double longest_gap_ms;      /* between two consecutive answers */
    uint64_t start_unix_ms;     /* when the measured run started */
} bench_report;

/* Writes the summary; returns 0, or -1 when the stream failed. */
int bench_report_print(FILE *out, const bench_report *r, bool json);

/*
 * One progress line: elapsed seconds, rate over the last interval, totals.
 * warmup marks lines printed before the measurement starts.
 */
void bench_progress_print(FILE *out, double elapsed_s, uint64_t delta,
                          double interval_s, uint64_t total, uint64_t errors,
                          bool warmup);

#endif
