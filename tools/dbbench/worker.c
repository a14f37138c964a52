/*
 * worker.c - one dbbench client thread (see worker.h).
 *
 * The loop: top up to `inflight` outstanding requests (with --rate only
 * those whose time has come), drain every completed result, then wait on
 * the client's descriptor until a reply may be waiting, the earliest
 * request deadline passes or the next request is due.  The descriptor is
 * edge-triggered, so results are always drained before waiting.  Once no
 * more requests may be sent the loop still waits for every outstanding
 * one: the library completes it at its deadline at the latest.
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
#define POLL_SLICE_NS UINT64_C(100000000)
/* Pause after a failed send before trying again. */
#define SEND_BACKOFF_NS UINT64_C(10000000)

/* Whether the run still wants requests from this worker. */
static bool run_active(const bench_worker *w, uint64_t now, uint64_t sent)
{
    if (atomic_load_explicit(&w->plan->stop, memory_order_relaxed) ||
        now >= w->plan->end_ns)
        return false;
    return !w->has_quota || now < w->plan->measure_ns || sent < w->quota;
}

/* When this worker's next request is due: its schedule slots interleave
 * with the other workers' so that the total rate is even. */
static uint64_t next_due_ns(const bench_worker *w)
{
    const bench_plan *p = w->plan;
    if (p->request_ns <= 0)
        return 0;
    double slot = (double)w->index + (double)w->slots * w->opts->clients;
    return p->start_ns + (uint64_t)(slot * p->request_ns);
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
    w->slots++; /* a failed send uses its slot too: the rate stays even */
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

/*
 * Whether a result with status st was made by the library rather than
 * received from dbd.  The library counts its own TIMEOUT and UNAVAILABLE
 * results as it makes them; each such count is matched to the next result
 * of that status handed out.  Two results of the same status may be
 * matched the wrong way round, which leaves every total right.
 */
static bool made_locally(bench_worker *w, dbd_status st)
{
    dbd_client_stats s;
    dbd_client_get_stats(w->client, &s);
    if (st == DBD_TIMEOUT && s.timeouts > w->local_timeouts) {
        w->local_timeouts++;
        return true;
    }
    if (st == DBD_UNAVAILABLE && s.unavailable > w->local_unavailable) {
        w->local_unavailable++;
        return true;
    }
    return false;
}

/* Keeps the longest time between two consecutive answers (all workers). */
static void note_answer(bench_plan *p, uint64_t now)
{
    uint64_t prev = atomic_load(&p->last_answer_ns);
    do {
        if (now <= prev)
            return; /* another worker saw a later answer already */
    } while (!atomic_compare_exchange_weak(&p->last_answer_ns, &prev, now));
    if (prev == 0)
        return;
    uint64_t gap = now - prev;
    uint64_t longest = atomic_load(&p->longest_gap_ns);
    while (gap > longest &&
           !atomic_compare_exchange_weak(&p->longest_gap_ns, &longest, gap))
        ;
}

static void complete(bench_worker *w, bench_inflight *pending, uint64_t id,
                     dbd_result *res)
{
    uint64_t now = bench_now_ns(), start;
    int measured;
    dbd_status st = dbd_result_status(res);
    bool local = made_locally(w, st);
    unsigned slot = (unsigned)st < DBD_STATUS_COUNT ? st : DBD_INTERNAL;
    if (!bench_inflight_take(pending, id, &start, &measured))
        goto out; /* not ours: nothing to time it against */
    atomic_fetch_add_explicit(&w->done, 1, memory_order_relaxed);
    if (st != DBD_OK)
        atomic_fetch_add_explicit(&w->failed, 1, memory_order_relaxed);
    if (!measured)
        goto out;
    bench_hist_record(w->hist, now - start);
    w->completed++;
    w->by_status[slot]++;
    if (local) {
        w->local_by_status[slot]++;
        goto out;
    }
    note_answer(w->plan, now);
    if (w->timeline != NULL &&
        bench_timeline_record(w->timeline, now - w->plan->measure_ns,
                              st == DBD_OK, now - start) < 0 &&
        w->error[0] == '\0')
        snprintf(w->error, sizeof w->error,
                 "out of memory: the timeline is incomplete");
out:
    dbd_result_destroy(&res);
}

/* How long to wait: until the earliest request deadline, capped by the
 * slice and, while sending, by the end of the run and the next due
 * request. */
static uint64_t wait_ns(const bench_worker *w, bool active, bool room,
                        bool backoff)
{
    uint64_t now = bench_now_ns();
    int ms = dbd_client_timeout_ms(w->client);
    uint64_t t = ms >= 0 ? (uint64_t)ms * 1000000 : POLL_SLICE_NS;
    if (t > POLL_SLICE_NS)
        t = POLL_SLICE_NS;
    if (backoff && t > SEND_BACKOFF_NS)
        t = SEND_BACKOFF_NS;
    if (active) {
        uint64_t left = w->plan->end_ns > now ? w->plan->end_ns - now : 0;
        if (left < t)
            t = left;
        uint64_t due = next_due_ns(w);
        uint64_t until = due > now ? due - now : 0;
        if (room && !backoff && due > 0 && until < t)
            t = until;
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
    dbd_client_stats s;
    if (pending == NULL) {
        snprintf(w->error, sizeof w->error, "out of memory");
        goto out;
    }
    /* Failures the library made before the run are not ours to count. */
    dbd_client_get_stats(w->client, &s);
    w->local_timeouts = s.timeouts;
    w->local_unavailable = s.unavailable;
    struct pollfd pfd = {.fd = dbd_client_fd(w->client), .events = POLLIN};
    for (;;) {
        uint64_t now = bench_now_ns();
        bool active = run_active(w, now, sent);
        while (active && !backoff &&
               bench_inflight_count(pending) < o->inflight &&
               now >= next_due_ns(w)) {
            if (send_one(w, pending, &seq, &sent) < 0)
                backoff = true;
            now = bench_now_ns();
            active = run_active(w, now, sent);
        }
        int r;
        while ((r = dbd_client_collect(w->client, &id, &res)) == 1)
            complete(w, pending, id, res);
        if (r < 0) {
            w->abandoned = bench_inflight_count(pending);
            snprintf(w->error, sizeof w->error,
                     "the connection failed with %llu requests outstanding",
                     (unsigned long long)w->abandoned);
            break;
        }
        if (!active && bench_inflight_count(pending) == 0)
            break;
        bool room = bench_inflight_count(pending) < o->inflight;
        /* Results came in and there is room: send more before sleeping. */
        if (active && !backoff && room && bench_now_ns() >= next_due_ns(w))
            continue;
        uint64_t t = wait_ns(w, active, room, backoff);
        struct timespec ts = {.tv_sec = (time_t)(t / 1000000000),
                              .tv_nsec = (long)(t % 1000000000)};
        if (ppoll(&pfd, 1, &ts, NULL) < 0 && errno != EINTR) {
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
