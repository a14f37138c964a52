/*
 * dbbench - load generator for dbd.
 *
 * main() connects one dbd_client per client thread and checks each with a
 * ping, optionally writes the bench subscribers, sends one request of each
 * operation in the mix (to check the datasource and tables, and to measure
 * the encoded message sizes), then runs the worker threads while printing
 * a progress line a second, and finally merges their histograms, counters
 * and timelines into the summary (and the --timeline file).  SIGINT and
 * SIGTERM stop the run early; the summary is still printed.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "clock.h"
#include "curve_key.h"
#include "dbdclient.h"
#include "options.h"
#include "prefill.h"
#include "report.h"
#include "timeline.h"
#include "worker.h"
#include "workload.h"

#define PROGRESS_NS UINT64_C(1000000000)
#define WATCH_SLICE_NS UINT64_C(100000000)

/* One round trip on every connection, so the run starts connected. */
static int ping_all(bench_worker *w, unsigned n, const dbbench_opts *o)
{
    int rc = -1;
    dbd_request *req = dbd_request_new(DBD_OP_PING, NULL, NULL);
    if (req == NULL) {
        fprintf(stderr, "dbbench: out of memory\n");
        return -1;
    }
    for (unsigned i = 0; i < n; i++) {
        dbd_result *res = dbd_call(w[i].client, req, o->timeout_ms);
        dbd_status st = res != NULL ? dbd_result_status(res) : DBD_INTERNAL;
        if (st != DBD_OK)
            fprintf(stderr, "dbbench: ping %s: %s: %s\n",
                    o->endpoint, dbd_status_name(st),
                    res != NULL ? dbd_result_message(res) : "out of memory");
        dbd_result_destroy(&res);
        if (st != DBD_OK)
            goto out;
    }
    rc = 0;
out:
    dbd_request_destroy(&req);
    return rc;
}

/* Runs one request of op for user0 and records the encoded sizes. */
static int probe(dbd_client *c, const dbbench_opts *o, bench_op op,
                 bench_sizes *sizes)
{
    int rc = -1;
    dbd_buf buf;
    dbd_buf_init(&buf);
    dbd_result *res = NULL;
    dbd_request *req = bench_request_new(op, o->datasource, 0, 0);
    if (req == NULL)
        goto oom;
    res = dbd_call(c, req, o->timeout_ms);
    if (res == NULL)
        goto oom;
    if (dbd_result_status(res) != DBD_OK) {
        fprintf(stderr, "dbbench: %s on datasource %s failed: %s: %s\n",
                bench_op_name(op), o->datasource,
                dbd_status_name(dbd_result_status(res)),
                dbd_result_message(res));
        goto out;
    }
    /* Encoded again here: the same bytes the library and dbd sent. */
    if (dbd_request_encode(req, &buf) < 0)
        goto oom;
    sizes->request = buf.len;
    dbd_buf_reset(&buf);
    if (dbd_reply_encode(req->id, res, &buf) < 0)
        goto oom;
    sizes->reply = buf.len;
    sizes->op = bench_op_name(op);
    rc = 0;
    goto out;
oom:
    fprintf(stderr, "dbbench: out of memory\n");
out:
    dbd_buf_free(&buf);
    dbd_result_destroy(&res);
    dbd_request_destroy(&req);
    return rc;
}

static void sum_progress(const bench_worker *w, unsigned n, uint64_t *done,
                         uint64_t *failed, bool *all_finished)
{
    *done = *failed = 0;
    *all_finished = true;
    for (unsigned i = 0; i < n; i++) {
        *done += atomic_load_explicit(&w[i].done, memory_order_relaxed);
        *failed += atomic_load_explicit(&w[i].failed, memory_order_relaxed);
        *all_finished = *all_finished && atomic_load(&w[i].finished);
    }
}

/*
 * Waits for the workers, printing progress once a second and turning
 * SIGINT/SIGTERM (blocked in every thread) into a stop.  Returns true when
 * the run was interrupted.
 */
static bool watch(bench_worker *w, unsigned n, bench_plan *plan,
                  uint64_t start_ns, const sigset_t *sigs)
{
    bool interrupted = false, finished = false;
    uint64_t last_ns = start_ns, last_done = 0, done, failed;
    while (!finished) {
        uint64_t now = bench_now_ns();
        uint64_t wait = last_ns + PROGRESS_NS > now ? last_ns + PROGRESS_NS - now
                                                    : 0;
        if (wait > WATCH_SLICE_NS)
            wait = WATCH_SLICE_NS;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)wait};
        if (sigtimedwait(sigs, NULL, &ts) > 0 && !interrupted) {
            fprintf(stderr, "dbbench: interrupted, draining\n");
            atomic_store(&plan->stop, true);
            interrupted = true;
        }
        sum_progress(w, n, &done, &failed, &finished);
        now = bench_now_ns();
        if (!finished && now - last_ns >= PROGRESS_NS) {
            bench_progress_print(stderr, (double)(now - start_ns) / 1e9,
                                 done - last_done,
                                 (double)(now - last_ns) / 1e9, done, failed,
                                 now < plan->measure_ns);
            last_ns = now;
            last_done = done;
        }
    }
    return interrupted;
}

/* The merged timeline written to o->timeline; 0 or -1 (said why). */
static int write_timeline(const dbbench_opts *o, FILE *out,
                          const bench_worker *w, uint64_t span_ns)
{
    int rc = -1;
    bench_timeline *all = bench_timeline_new();
    if (all == NULL)
        goto oom;
    for (unsigned i = 0; i < o->clients; i++)
        if (bench_timeline_merge(all, w[i].timeline) < 0)
            goto oom;
    if (bench_timeline_write(all, out, span_ns) < 0) {
        fprintf(stderr, "dbbench: cannot write %s\n", o->timeline);
        goto out;
    }
    rc = 0;
    goto out;
oom:
    fprintf(stderr, "dbbench: out of memory\n");
out:
    bench_timeline_destroy(&all);
    return rc;
}

/* The non-zero counts of by_status other than OK, named; returns how many
 * and adds them to *total. */
static size_t name_counts(const uint64_t *by_status, bench_error_count *out,
                          uint64_t *total)
{
    size_t n = 0;
    for (int st = 0; st < DBD_STATUS_COUNT; st++) {
        if (st == DBD_OK || by_status[st] == 0)
            continue;
        out[n++] = (bench_error_count){dbd_status_name((dbd_status)st),
                                       by_status[st]};
        *total += by_status[st];
    }
    return n;
}

static int report(const dbbench_opts *o, const bench_worker *w,
                  const bench_plan *plan, const bench_sizes *sizes,
                  size_t nsizes, bool interrupted, FILE *timeline)
{
    int rc = -1;
    bench_hist *all = bench_hist_new();
    uint64_t by_status[DBD_STATUS_COUNT] = {0};
    uint64_t answered[DBD_STATUS_COUNT] = {0};
    uint64_t completed = 0, send_failed = 0, lost = 0, finish = plan->measure_ns;
    bench_error_count errs[DBD_STATUS_COUNT + 1], fails[DBD_STATUS_COUNT];
    uint64_t errors = 0, failed = 0;
    if (all == NULL) {
        fprintf(stderr, "dbbench: out of memory\n");
        goto out;
    }
    for (unsigned i = 0; i < o->clients; i++) {
        bench_hist_merge(all, w[i].hist);
        completed += w[i].completed;
        send_failed += w[i].send_failed;
        lost += w[i].abandoned;
        for (int st = 0; st < DBD_STATUS_COUNT; st++) {
            by_status[st] += w[i].by_status[st];
            answered[st] += w[i].by_status[st] - w[i].local_by_status[st];
            lost += w[i].local_by_status[st];
        }
        if (w[i].finish_ns > finish)
            finish = w[i].finish_ns;
    }
    size_t nerrs = name_counts(by_status, errs, &errors);
    if (send_failed > 0)
        errs[nerrs++] = (bench_error_count){"SEND", send_failed};
    errors += send_failed;
    size_t nfails = name_counts(answered, fails, &failed);
    if (timeline != NULL) {
        /* A timed run is drawn over its duration (up to a stop) even
         * when the answers stop early; any run up to its last answer. */
        uint64_t span = 0;
        if (o->count == 0)
            span = (finish < plan->end_ns ? finish : plan->end_ns) -
                   plan->measure_ns;
        if (write_timeline(o, timeline, w, span) < 0)
            goto out;
    }
    bench_report r = {
        .tool = "dbbench",
        .workload = o->mix,
        .clients = o->clients,
        .inflight = o->inflight,
        .requests = completed + send_failed,
        .duration_s = (double)(finish - plan->measure_ns) / 1e9,
        .latency = all,
        .errors = errors,
        .error_counts = errs,
        .nerror_counts = nerrs,
        .sizes = sizes,
        .nsizes = nsizes,
        .interrupted = interrupted,
        .has_faults = true,
        .failed = failed,
        .failed_counts = fails,
        .nfailed_counts = nfails,
        .lost = lost,
        .longest_gap_ms = (double)atomic_load(&plan->longest_gap_ns) / 1e6,
        .start_unix_ms = plan->start_unix_ms,
    };
    rc = bench_report_print(stdout, &r, o->json);
    if (rc < 0)
        fprintf(stderr, "dbbench: cannot write the summary\n");
out:
    bench_hist_destroy(&all);
    return rc;
}

/* The CURVE keys of --key/--server-key (Z85). */
typedef struct bench_keys {
    char server[41], public[41], secret[41];
} bench_keys;

/* 1 loaded, 0 none given, -1 (said why). */
static int load_keys(const dbbench_opts *o, bench_keys *k)
{
    char err[512];

    if (o->key == NULL)
        return 0; /* options.c made sure both or neither are set */
    if (dbd_curve_key_load(o->key, k->public, k->secret, err,
                           sizeof err) != 0 ||
        dbd_curve_key_load(o->server_key, k->server, NULL, err,
                           sizeof err) != 0) {
        fprintf(stderr, "dbbench: %s\n", err);
        return -1;
    }
    return 1;
}

/* Connects every worker's client; 0 or -1 (said why). */
static int setup_workers(bench_worker *w, const dbbench_opts *o,
                         bench_plan *plan)
{
    char err[256];
    bench_keys keys;
    int rc = -1, curve;
    memset(&keys, 0, sizeof keys);
    curve = load_keys(o, &keys);
    if (curve < 0)
        goto out;
    for (unsigned i = 0; i < o->clients; i++) {
        w[i].opts = o;
        w[i].plan = plan;
        w[i].index = i;
        w[i].rng = UINT64_C(0x5eed) * (i + 1); /* reproducible user choice */
        w[i].hist = bench_hist_new();
        if (o->timeline != NULL)
            w[i].timeline = bench_timeline_new();
        if (w[i].hist == NULL ||
            (o->timeline != NULL && w[i].timeline == NULL)) {
            fprintf(stderr, "dbbench: out of memory\n");
            goto out;
        }
        w[i].client = dbd_client_new(o->endpoint, err, sizeof err);
        if (w[i].client == NULL) {
            fprintf(stderr, "dbbench: cannot connect to %s: %s\n",
                    o->endpoint, err);
            goto out;
        }
        if (curve == 1 && dbd_client_set_curve(w[i].client, keys.server,
                                               keys.public,
                                               keys.secret) != 0) {
            fprintf(stderr, "dbbench: cannot use the CURVE keys (does this "
                    "ZeroMQ support CURVE?)\n");
            goto out;
        }
        dbd_client_set_timeout(w[i].client, o->timeout_ms);
        if (dbd_client_set_name(w[i].client, o->name) != 0) {
            fprintf(stderr, "dbbench: out of memory\n");
            goto out;
        }
        if (o->count > 0) {
            w[i].has_quota = true;
            w[i].quota = o->count / o->clients + (i < o->count % o->clients);
        }
    }
    rc = 0;
out:
    explicit_bzero(keys.secret, sizeof keys.secret);
    return rc;
}

int main(int argc, char **argv)
{
    dbbench_opts o;
    int parsed = dbbench_opts_parse(argc, argv, &o);
    if (parsed != 0)
        return parsed > 0 ? 0 : BENCH_EXIT_USAGE;

    int status = 1;
    unsigned started = 0;
    bench_plan plan = {0};
    bench_sizes sizes[BENCH_OP_COUNT];
    size_t nsizes = 0;
    pthread_t *threads = calloc(o.clients, sizeof *threads);
    bench_worker *w = calloc(o.clients, sizeof *w);
    char err[256];
    sigset_t sigs;
    FILE *timeline = NULL;
    if (threads == NULL || w == NULL) {
        fprintf(stderr, "dbbench: out of memory\n");
        goto out;
    }
    /* Opened first, so that a bad path stops dbbench before any load. */
    if (o.timeline != NULL && (timeline = fopen(o.timeline, "w")) == NULL) {
        fprintf(stderr, "dbbench: cannot open %s: %s\n", o.timeline,
                strerror(errno));
        goto out;
    }
    if (setup_workers(w, &o, &plan) < 0 || ping_all(w, o.clients, &o) < 0)
        goto out;
    if (o.prefill && bench_prefill(w[0].client, &o, err, sizeof err) < 0) {
        fprintf(stderr, "dbbench: %s\n", err);
        goto out;
    }
    for (int op = 0; op < BENCH_OP_COUNT; op++) {
        if (o.weights[op] == 0)
            continue;
        if (probe(w[0].client, &o, (bench_op)op, &sizes[nsizes]) < 0)
            goto out;
        nsizes++;
    }

    /* Signals are taken by watch() only; the workers inherit the mask. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &sigs, NULL) != 0) {
        fprintf(stderr, "dbbench: cannot block signals\n");
        goto out;
    }
    fprintf(stderr, "dbbench: %s on %s at %s, %u client%s x %u in flight, ",
            o.mix, o.datasource, o.endpoint, o.clients,
            o.clients == 1 ? "" : "s", o.inflight);
    if (o.count > 0)
        fprintf(stderr, "%" PRIu64 " requests", o.count);
    else
        fprintf(stderr, "%.1f s", o.duration_s);
    if (o.rate > 0)
        fprintf(stderr, " at %" PRIu64 " req/s", o.rate);
    fprintf(stderr, ", %" PRIu64 " users\n", o.users);

    uint64_t start_ns = bench_now_ns();
    plan.start_ns = start_ns;
    plan.request_ns = o.rate > 0 ? 1e9 / (double)o.rate : 0.0;
    plan.measure_ns = start_ns + (uint64_t)(o.warmup_s * 1e9);
    /* The wall clock of the timeline's 0, for placing outside events. */
    plan.start_unix_ms = (uint64_t)(dbd_now_usec() / 1000) +
                         (plan.measure_ns - start_ns) / 1000000;
    fprintf(stderr, "dbbench: measured run starts at %" PRIu64
            " ms Unix time\n", plan.start_unix_ms);
    plan.end_ns = o.count > 0 ? UINT64_MAX
                              : plan.measure_ns + (uint64_t)(o.duration_s * 1e9);
    for (; started < o.clients; started++) {
        if (pthread_create(&threads[started], NULL, bench_worker_main,
                           &w[started]) != 0) {
            fprintf(stderr, "dbbench: cannot start client thread %u\n",
                    started);
            atomic_store(&plan.stop, true);
            goto out;
        }
    }
    bool interrupted = watch(w, o.clients, &plan, start_ns, &sigs);
    for (unsigned i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    started = 0;
    status = 0;
    for (unsigned i = 0; i < o.clients; i++) {
        if (w[i].error[0] != '\0') {
            fprintf(stderr, "dbbench: client %u: %s\n", i, w[i].error);
            status = 1;
        }
        if (w[i].send_error[0] != '\0')
            fprintf(stderr, "dbbench: client %u: a send failed: %s\n", i,
                    w[i].send_error);
    }
    if (report(&o, w, &plan, sizes, nsizes, interrupted, timeline) < 0)
        status = 1;
out:
    for (unsigned i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    for (unsigned i = 0; w != NULL && i < o.clients; i++) {
        dbd_client_destroy(&w[i].client);
        bench_hist_destroy(&w[i].hist);
        bench_timeline_destroy(&w[i].timeline);
    }
    if (timeline != NULL && fclose(timeline) != 0) {
        fprintf(stderr, "dbbench: cannot write %s: %s\n", o.timeline,
                strerror(errno));
        status = 1;
    }
    free(w);
    free(threads);
    return status;
}
