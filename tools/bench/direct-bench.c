/*
 * direct-bench.c - runs dbbench's operations (read, upsert, locate) straight
 * against a connector module loaded in-process, without dbd in between, so
 * that the cost dbd adds can be read off next to dbbench's figures for the
 * same backend.  Each thread owns one connection and has one request at a
 * time outstanding (in-process there is nothing "in flight").  The summary
 * has dbbench's format (report.h).
 *
 * Usage: direct-bench --connector PATH --url URL [--option NAME=VALUE]...
 *                     [--mix read|upsert|locate] [--clients N]
 *                     [--duration SEC] [--users N] [--json]
 * The options are passed as dbd passes a datasource's option.NAME keys,
 * followed by the URL's ?k=v parameters.
 */
#include <dlfcn.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../connectors/dbd_connector.h"
#include "../dbbench/workload.h"
#include "args.h"
#include "clock.h"
#include "histogram.h"
#include "report.h"

#define MAX_OPTIONS 64
#define MAX_CLIENTS 1024

typedef struct bench_opts {
    const char *connector;
    const char *url;
    dbd_option options[MAX_OPTIONS];
    size_t noptions;
    bench_op op;
    unsigned clients;
    double duration_s;
    uint64_t users;
    bool json;
} bench_opts;

/* One thread: its connection and what it measured. */
typedef struct bench_thread {
    const struct dbd_connector *conn_api;
    const bench_opts *opts;
    void *conn;
    uint64_t deadline_ns;
    uint64_t seed;
    bench_hist *hist;
    uint64_t requests;
    uint64_t errors;
    uint64_t by_status[DBD_STATUS_COUNT];
    char first_error[600];
    pthread_t tid;
    bool started;
} bench_thread;

static void host_log(void *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void host_log(void *ctx, int level, const char *fmt, ...)
{
    va_list ap;
    (void)ctx;
    if (level > DBD_LOG_WARNING)
        return;
    fputs("direct-bench: connector: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static const dbd_host bench_host = {.ctx = NULL, .log = host_log};

/* The rows are not kept: a point read is timed up to its last row. */
static int sink_columns(void *ctx, size_t n, const char *const *names,
                        const dbd_type *types)
{
    (void)ctx, (void)n, (void)names, (void)types;
    return 0;
}

static int sink_row(void *ctx, const dbd_value *values)
{
    (void)values;
    (*(uint64_t *)ctx)++;
    return 0;
}

static void *run_thread(void *arg)
{
    bench_thread *t = arg;
    uint64_t rng = t->seed, seq = 0;
    while (bench_now_ns() < t->deadline_ns) {
        uint64_t user = bench_rng_next(&rng) % t->opts->users, rows = 0;
        dbd_request *req = bench_request_new(t->opts->op, "direct", user,
                                             seq++);
        dbd_sink sink = {.ctx = &rows, .columns = sink_columns,
                         .row = sink_row};
        dbd_exec_info info = {.affected = -1};
        if (req == NULL) {
            snprintf(t->first_error, sizeof t->first_error, "out of memory");
            t->errors++;
            break;
        }
        uint64_t start = bench_now_ns();
        dbd_status st = t->conn_api->exec(t->conn, &req->op, &sink, &info);
        bench_hist_record(t->hist, bench_now_ns() - start);
        dbd_request_destroy(&req);
        t->requests++;
        if (st == DBD_OK && t->opts->op == BENCH_OP_READ && rows != 1) {
            st = DBD_NOTFOUND; /* the prefill is missing: not a fair read */
            snprintf(info.msg, sizeof info.msg, "user%" PRIu64 ": %" PRIu64
                     " rows", user, rows);
        }
        if (st != DBD_OK) {
            if (t->errors++ == 0)
                snprintf(t->first_error, sizeof t->first_error, "%s: %s",
                         dbd_status_name(st), info.msg);
            if ((unsigned)st < DBD_STATUS_COUNT)
                t->by_status[st]++;
            if (st == DBD_UNAVAILABLE)
                break;  /* the connection is gone */
        }
    }
    return NULL;
}

static void usage(FILE *out)
{
    fputs("usage: direct-bench --connector PATH --url URL "
          "[--option NAME=VALUE]...\n"
          "                    [--mix read|upsert|locate] [--clients N] "
          "[--duration SEC] [--users N] [--json]\n", out);
}

/* 0 to run, 1 after --help, -1 on a bad command line. */
static int parse_args(int argc, char **argv, bench_opts *o)
{
    enum { O_CONNECTOR = 1, O_URL, O_OPTION, O_MIX, O_CLIENTS, O_DURATION,
           O_USERS, O_JSON, O_HELP };
    static const struct option longopts[] = {
        {"connector", required_argument, NULL, O_CONNECTOR},
        {"url", required_argument, NULL, O_URL},
        {"option", required_argument, NULL, O_OPTION},
        {"mix", required_argument, NULL, O_MIX},
        {"clients", required_argument, NULL, O_CLIENTS},
        {"duration", required_argument, NULL, O_DURATION},
        {"users", required_argument, NULL, O_USERS},
        {"json", no_argument, NULL, O_JSON},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    *o = (bench_opts){.op = BENCH_OP_READ, .clients = 4, .duration_s = 5.0,
                      .users = 1000};
    uint64_t n;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_CONNECTOR: o->connector = optarg; break;
        case O_URL: o->url = optarg; break;
        case O_OPTION: {
            char *eq = strchr(optarg, '=');
            if (eq == NULL || eq == optarg || o->noptions == MAX_OPTIONS) {
                fprintf(stderr, "direct-bench: --option wants NAME=VALUE "
                        "(at most %d): %s\n", MAX_OPTIONS, optarg);
                return -1;
            }
            *eq = '\0';  /* argv is ours to split */
            o->options[o->noptions++] = (dbd_option){optarg, eq + 1};
            break;
        }
        case O_MIX: {
            /* One operation at 100%: "read", "read=100". */
            size_t len = strcspn(optarg, "=");
            if (!bench_op_from_name(optarg, len, &o->op) ||
                (optarg[len] != '\0' && strcmp(optarg + len, "=100") != 0)) {
                fprintf(stderr, "direct-bench: --mix takes read, upsert "
                        "or locate: %s\n", optarg);
                return -1;
            }
            break;
        }
        case O_CLIENTS:
            if (!bench_parse_uint(optarg, 1, MAX_CLIENTS, &n)) {
                fprintf(stderr, "direct-bench: --clients: 1..%d: %s\n",
                        MAX_CLIENTS, optarg);
                return -1;
            }
            o->clients = (unsigned)n;
            break;
        case O_DURATION:
            if (!bench_parse_seconds(optarg, 86400, &o->duration_s) ||
                o->duration_s <= 0) {
                fprintf(stderr, "direct-bench: --duration: seconds > 0: "
                        "%s\n", optarg);
                return -1;
            }
            break;
        case O_USERS:
            if (!bench_parse_uint(optarg, 1, UINT32_MAX, &o->users)) {
                fprintf(stderr, "direct-bench: --users: %s\n", optarg);
                return -1;
            }
            break;
        case O_JSON: o->json = true; break;
        case O_HELP: usage(stdout); return 1;
        default: return -1;
        }
    }
    if (optind != argc || o->connector == NULL || o->url == NULL) {
        fputs("direct-bench: --connector and --url are required, nothing "
              "else\n", stderr);
        return -1;
    }
    return 0;
}

/* The connector's table, checked as dbd checks it; NULL after a message. */
static const struct dbd_connector *load_connector(const char *path,
                                                  void **handle)
{
    *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (*handle == NULL) {
        fprintf(stderr, "direct-bench: %s\n", dlerror());
        return NULL;
    }
    const struct dbd_connector *c = dlsym(*handle, DBD_CONNECTOR_SYMBOL);
    if (c == NULL || c->abi != DBD_CONNECTOR_ABI ||
        c->size < offsetof(struct dbd_connector, raw) + sizeof c->raw ||
        c->open == NULL || c->close == NULL || c->exec == NULL) {
        fprintf(stderr, "direct-bench: %s: not a connector of ABI %#x\n",
                path, DBD_CONNECTOR_ABI);
        return NULL;
    }
    return c;
}

int main(int argc, char **argv)
{
    int rc = 1;
    bench_opts o;
    void *handle = NULL;
    dbd_url *url = NULL;
    dbd_option *opts = NULL;
    bench_thread *threads = NULL;
    bench_hist *all = NULL;
    char err[1024];

    int parsed = parse_args(argc, argv, &o);
    if (parsed != 0) {
        if (parsed < 0)
            usage(stderr);
        return parsed > 0 ? 0 : BENCH_EXIT_USAGE;
    }
    const struct dbd_connector *api = load_connector(o.connector, &handle);
    if (api == NULL)
        goto out;
    url = dbd_url_parse(o.url, err, sizeof err);
    if (url == NULL) {
        fprintf(stderr, "direct-bench: --url: %s\n", err);
        goto out;
    }
    size_t nopts = o.noptions + url->nparams;
    opts = calloc(nopts + 1, sizeof *opts);
    threads = calloc(o.clients, sizeof *threads);
    all = bench_hist_new();
    if (opts == NULL || threads == NULL || all == NULL) {
        fputs("direct-bench: out of memory\n", stderr);
        goto out;
    }
    memcpy(opts, o.options, o.noptions * sizeof *opts);
    for (size_t i = 0; i < url->nparams; i++)
        opts[o.noptions + i] = url->params[i];

    for (unsigned i = 0; i < o.clients; i++) {
        bench_thread *t = &threads[i];
        *t = (bench_thread){.conn_api = api, .opts = &o,
                            .seed = UINT64_C(0x5eed) + i};
        t->hist = bench_hist_new();
        if (t->hist == NULL) {
            fputs("direct-bench: out of memory\n", stderr);
            goto out;
        }
        err[0] = '\0';
        dbd_status st = api->open(&bench_host, url, opts, nopts, &t->conn,
                                  err, sizeof err);
        if (st != DBD_OK) {
            t->conn = NULL;
            fprintf(stderr, "direct-bench: open %s: %s: %s\n", api->scheme,
                    dbd_status_name(st), err);
            goto out;
        }
    }
    uint64_t start = bench_now_ns();
    uint64_t deadline = start + (uint64_t)(o.duration_s * 1e9);
    for (unsigned i = 0; i < o.clients; i++) {
        threads[i].deadline_ns = deadline;
        if (pthread_create(&threads[i].tid, NULL, run_thread,
                           &threads[i]) != 0) {
            fputs("direct-bench: cannot start a thread\n", stderr);
            goto out;
        }
        threads[i].started = true;
    }
    uint64_t requests = 0, errors = 0, by_status[DBD_STATUS_COUNT] = {0};
    for (unsigned i = 0; i < o.clients; i++) {
        bench_thread *t = &threads[i];
        pthread_join(t->tid, NULL);
        t->started = false;
        bench_hist_merge(all, t->hist);
        requests += t->requests;
        errors += t->errors;
        for (int s = 0; s < DBD_STATUS_COUNT; s++)
            by_status[s] += t->by_status[s];
        if (t->errors > 0)
            fprintf(stderr, "direct-bench: thread %u: %" PRIu64 " errors, "
                    "first: %s\n", i, t->errors, t->first_error);
    }
    double elapsed = (double)(bench_now_ns() - start) / 1e9;

    bench_error_count counts[DBD_STATUS_COUNT];
    size_t ncounts = 0;
    for (int s = 0; s < DBD_STATUS_COUNT; s++)
        if (by_status[s] > 0)
            counts[ncounts++] = (bench_error_count){
                dbd_status_name((dbd_status)s), by_status[s]};
    char workload[32];
    snprintf(workload, sizeof workload, "%s=100", bench_op_name(o.op));
    bench_report r = {
        .tool = "direct-bench", .workload = workload, .clients = o.clients,
        .inflight = 1, .requests = requests, .duration_s = elapsed,
        .latency = all, .errors = errors, .error_counts = counts,
        .nerror_counts = ncounts,
    };
    if (bench_report_print(stdout, &r, o.json) == 0)
        rc = errors == 0 ? 0 : 2;
out:
    if (threads != NULL) {
        for (unsigned i = 0; i < o.clients; i++) {
            if (threads[i].started)
                pthread_join(threads[i].tid, NULL);
            if (threads[i].conn != NULL)
                api->close(threads[i].conn);
            bench_hist_destroy(&threads[i].hist);
        }
    }
    free(threads);
    free(opts);
    bench_hist_destroy(&all);
    dbd_url_destroy(&url);
    /* The module stays loaded: some client libraries dislike dlclose. */
    return rc;
}
