/*
 * worker.h - one dbbench client thread: its own dbd_client, driven through
 * the non-blocking API so that up to `inflight` requests stay outstanding
 * (sent as fast as answers come back, or on a fixed schedule with --rate),
 * with its own latency histogram, error counts and timeline (merged by
 * main at the end) and atomic counters main reads for the progress line.
 */
#ifndef DBBENCH_WORKER_H
#define DBBENCH_WORKER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "dbdclient.h"
#include "histogram.h"
#include "options.h"
#include "timeline.h"

/* The schedule every worker follows; written before the threads start. */
typedef struct bench_plan {
    uint64_t start_ns;    /* the --rate schedule starts here */
    double request_ns;    /* with --rate: time between two requests over
                             all clients; 0: unpaced */
    uint64_t measure_ns;  /* requests sent from here on are measured */
    uint64_t start_unix_ms; /* measure_ns on the wall clock (Unix ms) */
    uint64_t end_ns;      /* no request is sent from here on */
    atomic_bool stop;     /* set on SIGINT/SIGTERM: stop sending, drain */
    /* shared by the workers: the latest answer so far and the longest
     * silence between two answers to measured requests */
    _Atomic uint64_t last_answer_ns;
    _Atomic uint64_t longest_gap_ns;
} bench_plan;

typedef struct bench_worker {
    /* set up by main */
    const dbbench_opts *opts;
    bench_plan *plan;
    dbd_client *client;
    unsigned index;          /* 0..clients-1: its place in the schedule */
    uint64_t rng;
    bool has_quota;
    uint64_t quota;          /* measured requests to send, with has_quota */
    /* results, read by main after the join */
    bench_hist *hist;        /* latency of measured requests, ns */
    bench_timeline *timeline; /* answers to measured requests, or NULL */
    uint64_t completed;      /* measured requests with a result */
    uint64_t by_status[DBD_STATUS_COUNT]; /* of those, per status */
    /* of those, the results the client library made itself because dbd
     * did not answer in time (TIMEOUT) or could not be reached
     * (UNAVAILABLE): these requests are lost, not answered */
    uint64_t local_by_status[DBD_STATUS_COUNT];
    uint64_t abandoned;      /* outstanding when the connection failed */
    uint64_t send_failed;    /* measured requests that could not be sent */
    uint64_t finish_ns;
    char error[256];         /* why the worker gave up, if it did */
    char send_error[256];    /* the first send failure's message */
    /* private: the library's local failures already matched to results */
    uint64_t local_timeouts;
    uint64_t local_unavailable;
    uint64_t slots;          /* --rate schedule slots used */
    /* progress, read by main while running */
    _Atomic uint64_t done;
    _Atomic uint64_t failed;
    atomic_bool finished;
} bench_worker;

/* The thread function; arg is a bench_worker. */
void *bench_worker_main(void *arg);

#endif
