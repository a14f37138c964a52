/*
 * worker.h - one dbbench client thread: its own dbd_client, driven through
 * the non-blocking API so that `inflight` requests stay outstanding, with
 * its own latency histogram and error counts (merged by main at the end)
 * and atomic counters main reads for the progress line.
 */
#ifndef DBBENCH_WORKER_H
#define DBBENCH_WORKER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "dbdclient.h"
#include "histogram.h"
#include "options.h"

/* The schedule every worker follows; written before the threads start. */
typedef struct bench_plan {
    uint64_t measure_ns;  /* requests sent from here on are measured */
    uint64_t end_ns;      /* no request is sent from here on */
    atomic_bool stop;     /* set on SIGINT/SIGTERM: stop sending, drain */
} bench_plan;

typedef struct bench_worker {
    /* set up by main */
    const dbbench_opts *opts;
    bench_plan *plan;
    dbd_client *client;
    uint64_t rng;
    bool has_quota;
    uint64_t quota;          /* measured requests to send, with has_quota */
    /* results, read by main after the join */
    bench_hist *hist;        /* latency of measured requests, ns */
    uint64_t completed;      /* measured requests with a result */
    uint64_t by_status[DBD_STATUS_COUNT]; /* of those, per status */
    uint64_t send_failed;    /* measured requests that could not be sent */
    uint64_t finish_ns;
    char error[256];         /* why the worker gave up, if it did */
    char send_error[256];    /* the first send failure's message */
    /* progress, read by main while running */
    _Atomic uint64_t done;
    _Atomic uint64_t failed;
    atomic_bool finished;
} bench_worker;

/* The thread function; arg is a bench_worker. */
void *bench_worker_main(void *arg);

#endif
