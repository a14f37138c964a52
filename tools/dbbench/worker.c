/*
 * worker.c - one dbbench client thread (see worker.h).
 *
 * The loop: top up to `inflight` outstanding requests, drain every
 * completed result, then poll the client's descriptor until a reply may be
 * waiting or the earliest request deadline passes.  The descriptor is
 * edge-triggered, so results are always drained before polling.
 */
#include "worker.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "inflight.h"
#include "workload.h"

/* Longest sleep, so that the end of the run and a stop are noticed. */
#define POLL_SLICE_MS 100
/* Pause after a failed send before trying again. */
#define SEND_BACKOFF_MS 10

static bool may_send(const bench_worker *w, uint64_t now, uint64_t sent)
{
    if (atomic_load_explicit(&w->plan->stop, memory_order_relaxed) ||
        now >= w->plan->end_ns)
        return false;
    return !w->has_quota || now < w->plan->measure_ns || sent < w->quota;
}

/* Sends one request; -1 when it could not be sent (counted already). */
static int send_one(bench_worker *w, bench_inflight *pending, uint64_t *seq,
                    uint64_t *sent)
{
    const dbbench_opts *o = w->opts;
    bench_op op = bench_op_pick(o->weights, bench_rng_next(&w->rng));
    uint64_t user = bench_rng_next(&w->rng) % o->users;
    char err[256];
    uint64_t id = 0;
    int rc = -1;
    dbd_request *req = bench_request_new(op, o->datasource, user, (*seq)++);
    uint64_t start = bench_now_ns();
    bool measured = start >= w->plan->measure_ns;
    if (req == NULL) {
        snprintf(err, sizeof err, "out of memory building a request");
        goto failed;
    }
    if (dbd_client_send(w->client, req, o->timeout_ms, &id, err,
                        sizeof err) < 0)
        goto failed;
    if (measured)
        (*sent)++;
    /* The table is sized for the in-flight limit and ids are unique, so
     * this only fails on a library bug; such a result will be ignored. */
    if (!bench_inflight_put(pending, id, start, (int)measured))
        snprintf(w->error, sizeof w->error, "request id %llu reused",
                 (unsigned long long)id);
    rc = 0;
    goto out;
failed:
    if (measured) {
        (*sent)++;
        w->send_failed++;
    }
    if (w->send_error[0] == '\0')
        snprintf(w->send_error, sizeof w->send_error, "%s", err);
    atomic_fetch_add_explicit(&w->done, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&w->failed, 1, memory_order_relaxed);
out:
    dbd_request_destroy(&req);
    return rc;
}

static void complete(bench_worker *w, bench_inflight *pending, uint64_t id,
                     dbd_result *res)
{
    uint64_t now = bench_now_ns(), start;
    int measured;
    dbd_status st = dbd_result_status(res);
    if (!bench_inflight_take(pending, id, &start, &measured))
        goto out; /* not ours: nothing to time it against */
    atomic_fetch_add_explicit(&w->done, 1, memory_order_relaxed);
    if (st != DBD_OK)
        atomic_fetch_add_explicit(&w->failed, 1, memory_order_relaxed);
    if (!measured)
        goto out;
    bench_hist_record(w->hist, now - start);
    w->completed++;
    w->by_status[(unsigned)st < DBD_STATUS_COUNT ? st : DBD_INTERNAL]++;
out:
    dbd_result_destroy(&res);
}

/* Poll timeout: the earliest request deadline, capped by the slice and,
 * while sending, by the end of the run. */
static int poll_timeout(const bench_worker *w, bool sending, bool backoff)
{
    int t = dbd_client_timeout_ms(w->client);
    if (t < 0 || t > POLL_SLICE_MS)
        t = POLL_SLICE_MS;
    if (backoff && t > SEND_BACKOFF_MS)
        t = SEND_BACKOFF_MS;
    if (sending) {
        uint64_t now = bench_now_ns();
        uint64_t left = w->plan->end_ns > now ? w->plan->end_ns - now : 0;
        uint64_t left_ms = (left + 999999) / 1000000;
        if (left_ms < (uint64_t)t)
            t = (int)left_ms;
    }
    return t;
}

void *bench_worker_main(void *arg)
{
    bench_worker *w = arg;
    const dbbench_opts *o = w->opts;
    bench_inflight *pending = bench_inflight_new(o->inflight);
    uint64_t seq = 0, sent = 0, id;
    bool backoff = false;
    dbd_result *res = NULL;
    if (pending == NULL) {
        snprintf(w->error, sizeof w->error, "out of memory");
        goto out;
    }
    struct pollfd pfd = {.fd = dbd_client_fd(w->client), .events = POLLIN};
    for (;;) {
        bool sending = may_send(w, bench_now_ns(), sent);
        while (sending && !backoff &&
               bench_inflight_count(pending) < o->inflight) {
            if (send_one(w, pending, &seq, &sent) < 0)
                backoff = true;
            sending = may_send(w, bench_now_ns(), sent);
        }
        int r;
        while ((r = dbd_client_collect(w->client, &id, &res)) == 1)
            complete(w, pending, id, res);
        if (r < 0) {
            snprintf(w->error, sizeof w->error,
                     "the connection failed with %zu requests outstanding",
                     bench_inflight_count(pending));
            break;
        }
        if (!sending && bench_inflight_count(pending) == 0)
            break;
        /* Results came in and there is room: send more before sleeping. */
        if (sending && !backoff && bench_inflight_count(pending) < o->inflight)
            continue;
        if (poll(&pfd, 1, poll_timeout(w, sending, backoff)) < 0 &&
            errno != EINTR) {
            snprintf(w->error, sizeof w->error, "poll: %s", strerror(errno));
            break;
        }
        backoff = false;
    }
out:
    w->finish_ns = bench_now_ns();
    bench_inflight_destroy(&pending);
    atomic_store(&w->finished, true);
    return NULL;
}
