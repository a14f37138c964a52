/*
 * zmq-echo - the transport's own limit: a raw ZeroMQ DEALER/ROUTER echo with
 * the shape of a dbbench run (N client threads, each keeping `inflight`
 * messages outstanding, one ROUTER server thread answering each message).
 * Message sizes are chosen to match dbbench's encoded request and reply, so
 * that dbd's figures can be set against what ZeroMQ alone achieves.  The
 * summary has the same format as dbbench's.
 *
 * Each request carries its send time (CLOCK_MONOTONIC ns) in its first 8
 * bytes and the server copies them into the reply, so latency needs no
 * bookkeeping on the client side.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "args.h"
#include "clock.h"
#include "histogram.h"
#include "report.h"

#define STAMP_BYTES 8
/* dbbench's read: its request and dbd's one-row reply, encoded. */
#define DEFAULT_SIZE 146
#define DEFAULT_REPLY_SIZE 140
#define MAX_MESSAGE (64u << 20)
#define POLL_SLICE_MS 100
/* How long clients wait for outstanding replies once the run is over. */
#define DRAIN_NS (UINT64_C(5) * 1000000000)

typedef struct echo_opts {
    unsigned clients;
    unsigned inflight;
    double duration_s;
    size_t size;
    size_t reply_size;
    const char *endpoint; /* NULL: ipc:// in a temporary directory */
    bool json;
} echo_opts;

typedef struct echo_server {
    void *sock;
    size_t reply_size;
    pthread_t thread;
    char err[160];
} echo_server;

typedef struct echo_client {
    const echo_opts *opts;
    void *sock;
    _Atomic uint64_t end_ns;   /* lowered to stop the client early */
    bench_hist *hist;
    _Atomic uint64_t done;     /* replies received, for the progress line */
    atomic_bool finished;
    uint64_t finish_ns;
    uint64_t lost;             /* still outstanding when draining gave up */
    uint64_t bad_size;         /* replies of an unexpected size */
    pthread_t thread;
    bool started;
    char err[160];
} echo_client;

static void usage(FILE *out)
{
    fputs("usage: zmq-echo [--clients N] [--inflight N] [--duration SEC]\n"
          "                [--size BYTES] [--reply-size BYTES]\n"
          "                [--endpoint ipc://PATH|tcp://HOST:PORT] [--json]\n"
          "Measures a raw ZeroMQ DEALER/ROUTER echo: N client threads keep\n"
          "`inflight` messages of --size bytes outstanding; the server answers\n"
          "each with --reply-size bytes (at least 8 bytes each).  Defaults:\n"
          "1 client, 1 in flight, 10 s, request 146 B and reply 140 B (the\n"
          "encoded sizes of a dbbench read, as dbbench reports them).\n",
          out);
}

/* 0: run; 1: help was asked for; -1: bad command line (said why). */
static int parse_opts(int argc, char **argv, echo_opts *o)
{
    static const struct option longopts[] = {
        {"clients", required_argument, NULL, 'c'},
        {"inflight", required_argument, NULL, 'i'},
        {"duration", required_argument, NULL, 'd'},
        {"size", required_argument, NULL, 's'},
        {"reply-size", required_argument, NULL, 'r'},
        {"endpoint", required_argument, NULL, 'e'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *o = (echo_opts){.clients = 1, .inflight = 1, .duration_s = 10.0,
                     .size = DEFAULT_SIZE, .reply_size = DEFAULT_REPLY_SIZE};
    uint64_t n = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
        case 'i':
            if (!bench_parse_uint(optarg, 1, 100000, &n)) {
                fprintf(stderr, "zmq-echo: --%s wants a number 1..100000, "
                        "got '%s'\n", c == 'c' ? "clients" : "inflight",
                        optarg);
                return -1;
            }
            if (c == 'c')
                o->clients = (unsigned)n;
            else
                o->inflight = (unsigned)n;
            break;
        case 'd':
            if (!bench_parse_seconds(optarg, 86400.0, &o->duration_s) ||
                o->duration_s <= 0) {
                fprintf(stderr, "zmq-echo: --duration wants seconds > 0, "
                        "got '%s'\n", optarg);
                return -1;
            }
            break;
        case 's':
        case 'r':
            if (!bench_parse_uint(optarg, STAMP_BYTES, MAX_MESSAGE, &n)) {
                fprintf(stderr, "zmq-echo: --%s wants bytes %u..%u, got "
                        "'%s'\n", c == 's' ? "size" : "reply-size",
                        STAMP_BYTES, MAX_MESSAGE, optarg);
                return -1;
            }
            if (c == 's')
                o->size = (size_t)n;
            else
                o->reply_size = (size_t)n;
            break;
        case 'e':
            o->endpoint = optarg;
            break;
        case 'j':
            o->json = true;
            break;
        case 'h':
            return 1;
        default:
            return -1;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "zmq-echo: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    return 0;
}

static void *server_main(void *arg)
{
    echo_server *s = arg;
    char *reply = malloc(s->reply_size);
    zmq_msg_t ident, body;
    zmq_msg_init(&ident);
    zmq_msg_init(&body);
    if (reply == NULL) {
        snprintf(s->err, sizeof s->err, "out of memory");
        goto out;
    }
    memset(reply, 'r', s->reply_size);
    for (;;) {
        /* A DEALER's message arrives as [identity][body]. */
        if (zmq_msg_recv(&ident, s->sock, 0) < 0 ||
            zmq_msg_recv(&body, s->sock, 0) < 0) {
            if (errno == EINTR)
                continue;
            if (errno != ETERM)
                snprintf(s->err, sizeof s->err, "receive: %s",
                         zmq_strerror(errno));
            break;
        }
        /* Drop anything that is not exactly [identity][body >= stamp]. */
        if (zmq_msg_more(&body) || zmq_msg_size(&body) < STAMP_BYTES) {
            while (zmq_msg_more(&body) && zmq_msg_recv(&body, s->sock, 0) >= 0)
                ;
            continue;
        }
        memcpy(reply, zmq_msg_data(&body), STAMP_BYTES);
        if (zmq_msg_send(&ident, s->sock, ZMQ_SNDMORE) < 0 ||
            zmq_send(s->sock, reply, s->reply_size, 0) < 0) {
            if (errno == ETERM)
                break;
            /* An unroutable peer (gone) is not fatal for the echo. */
            if (errno == EHOSTUNREACH)
                continue;
            snprintf(s->err, sizeof s->err, "send: %s", zmq_strerror(errno));
            break;
        }
    }
out:
    zmq_msg_close(&ident);
    zmq_msg_close(&body);
    free(reply);
    return NULL;
}

/* Sends one request stamped with the current time. */
static int send_stamped(void *sock, char *buf, size_t size)
{
    uint64_t now = bench_now_ns();
    memcpy(buf, &now, STAMP_BYTES);
    return zmq_send(sock, buf, size, 0) < 0 ? -1 : 0;
}

static void *client_main(void *arg)
{
    echo_client *c = arg;
    const echo_opts *o = c->opts;
    char *buf = malloc(o->size);
    char rbuf[STAMP_BYTES];
    uint64_t outstanding = 0;
    if (buf == NULL) {
        snprintf(c->err, sizeof c->err, "out of memory");
        goto out;
    }
    memset(buf, 'q', o->size);
    for (;;) {
        uint64_t now = bench_now_ns();
        uint64_t end = atomic_load_explicit(&c->end_ns, memory_order_relaxed);
        bool sending = now < end;
        if (!sending && outstanding == 0)
            break;
        if (!sending && now > end + DRAIN_NS) {
            c->lost = outstanding;
            break;
        }
        while (sending && outstanding < o->inflight) {
            if (send_stamped(c->sock, buf, o->size) < 0) {
                snprintf(c->err, sizeof c->err, "send: %s",
                         zmq_strerror(errno));
                goto out;
            }
            outstanding++;
        }
        /* RCVTIMEO is set, so this wakes up to notice the end of the run. */
        int n = zmq_recv(c->sock, rbuf, sizeof rbuf, 0);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                continue;
            snprintf(c->err, sizeof c->err, "receive: %s", zmq_strerror(errno));
            goto out;
        }
        uint64_t sent;
        memcpy(&sent, rbuf, STAMP_BYTES);
        bench_hist_record(c->hist, bench_now_ns() - sent);
        if ((size_t)n != o->reply_size)
            c->bad_size++;
        outstanding--;
        atomic_fetch_add_explicit(&c->done, 1, memory_order_relaxed);
    }
out:
    c->finish_ns = bench_now_ns();
    atomic_store(&c->finished, true);
    free(buf);
    return NULL;
}

/* Connects a client socket and makes one round trip so that the connection
 * is up before the clock starts. */
static void *connect_client(void *ctx, const echo_opts *o, const char *ep,
                            char *buf)
{
    void *sock = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 0, rcvtimeo = 5000, slice = POLL_SLICE_MS;
    char rbuf[STAMP_BYTES];
    if (sock == NULL)
        goto fail;
    if (zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger) < 0 ||
        zmq_setsockopt(sock, ZMQ_RCVTIMEO, &rcvtimeo, sizeof rcvtimeo) < 0 ||
        zmq_connect(sock, ep) < 0 || send_stamped(sock, buf, o->size) < 0 ||
        zmq_recv(sock, rbuf, sizeof rbuf, 0) < 0 ||
        zmq_setsockopt(sock, ZMQ_RCVTIMEO, &slice, sizeof slice) < 0)
        goto fail;
    return sock;
fail:
    fprintf(stderr, "zmq-echo: cannot reach the echo server at %s: %s\n", ep,
            zmq_strerror(errno));
    if (sock != NULL)
        zmq_close(sock);
    return NULL;
}

static bool all_finished(const echo_client *cl, unsigned n, uint64_t *done)
{
    bool all = true;
    *done = 0;
    for (unsigned i = 0; i < n; i++) {
        *done += atomic_load_explicit(&cl[i].done, memory_order_relaxed);
        all = all && atomic_load(&cl[i].finished);
    }
    return all;
}

/* Prints a progress line a second until every client is done. */
static void watch(const echo_client *cl, unsigned n, uint64_t start_ns)
{
    uint64_t last_ns = start_ns, last_done = 0, done = 0;
    while (!all_finished(cl, n, &done)) {
        struct timespec slice = {0, 50 * 1000 * 1000};
        nanosleep(&slice, NULL);
        uint64_t now = bench_now_ns();
        if (now - last_ns < UINT64_C(1000000000))
            continue;
        all_finished(cl, n, &done);
        bench_progress_print(stderr, (double)(now - start_ns) / 1e9,
                             done - last_done, (double)(now - last_ns) / 1e9,
                             done, 0, false);
        last_ns = now;
        last_done = done;
    }
}

static int report(const echo_opts *o, echo_client *cl, uint64_t start_ns)
{
    int rc = -1;
    bench_hist *all = bench_hist_new();
    if (all == NULL)
        goto out;
    uint64_t finish = start_ns, lost = 0, bad = 0;
    for (unsigned i = 0; i < o->clients; i++) {
        bench_hist_merge(all, cl[i].hist);
        if (cl[i].finish_ns > finish)
            finish = cl[i].finish_ns;
        lost += cl[i].lost;
        bad += cl[i].bad_size;
    }
    bench_error_count errs[2];
    size_t nerrs = 0;
    if (lost > 0)
        errs[nerrs++] = (bench_error_count){"LOST", lost};
    if (bad > 0)
        errs[nerrs++] = (bench_error_count){"BADSIZE", bad};
    bench_sizes sizes = {"echo", o->size, o->reply_size};
    bench_report r = {
        .tool = "zmq-echo",
        .workload = "echo",
        .clients = o->clients,
        .inflight = o->inflight,
        .requests = bench_hist_count(all) + lost,
        .duration_s = (double)(finish - start_ns) / 1e9,
        .latency = all,
        .errors = lost + bad,
        .error_counts = errs,
        .nerror_counts = nerrs,
        .sizes = &sizes,
        .nsizes = 1,
    };
    rc = bench_report_print(stdout, &r, o->json);
out:
    bench_hist_destroy(&all);
    return rc;
}

int main(int argc, char **argv)
{
    echo_opts o;
    int status = 1;
    char dir[4096] = "", ep[4200], *probe = NULL;
    echo_server server = {0};
    bool server_started = false;
    echo_client *cl = NULL;
    void *ctx = NULL;

    int parsed = parse_opts(argc, argv, &o);
    if (parsed != 0) {
        usage(parsed > 0 ? stdout : stderr);
        return parsed > 0 ? 0 : BENCH_EXIT_USAGE;
    }
    if (o.endpoint == NULL) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/zmq-echo.XXXXXX",
                 tmp != NULL && *tmp != '\0' ? tmp : P_tmpdir);
        if (mkdtemp(dir) == NULL) {
            fprintf(stderr, "zmq-echo: cannot create a directory in %s: %s\n",
                    tmp != NULL ? tmp : P_tmpdir, strerror(errno));
            dir[0] = '\0';
            goto out;
        }
        snprintf(ep, sizeof ep, "ipc://%s/echo.sock", dir);
    } else {
        snprintf(ep, sizeof ep, "%s", o.endpoint);
    }

    ctx = zmq_ctx_new();
    cl = calloc(o.clients, sizeof *cl);
    probe = malloc(o.size);
    if (ctx == NULL || cl == NULL || probe == NULL) {
        fprintf(stderr, "zmq-echo: out of memory\n");
        goto out;
    }
    memset(probe, 'q', o.size);
    int linger = 0;
    server.reply_size = o.reply_size;
    server.sock = zmq_socket(ctx, ZMQ_ROUTER);
    if (server.sock == NULL ||
        zmq_setsockopt(server.sock, ZMQ_LINGER, &linger, sizeof linger) < 0 ||
        zmq_bind(server.sock, ep) < 0) {
        fprintf(stderr, "zmq-echo: cannot bind %s: %s\n", ep,
                zmq_strerror(errno));
        goto out;
    }
    if (pthread_create(&server.thread, NULL, server_main, &server) != 0) {
        fprintf(stderr, "zmq-echo: cannot start the server thread\n");
        goto out;
    }
    server_started = true;
    for (unsigned i = 0; i < o.clients; i++) {
        cl[i].opts = &o;
        cl[i].hist = bench_hist_new();
        if (cl[i].hist == NULL) {
            fprintf(stderr, "zmq-echo: out of memory\n");
            goto out;
        }
        cl[i].sock = connect_client(ctx, &o, ep, probe);
        if (cl[i].sock == NULL)
            goto out;
    }

    fprintf(stderr, "zmq-echo: %u client%s x %u in flight, %.1f s, "
                "request %zu B, reply %zu B, %s\n", o.clients,
                o.clients == 1 ? "" : "s", o.inflight, o.duration_s, o.size,
                o.reply_size, ep);
    uint64_t start_ns = bench_now_ns();
    for (unsigned i = 0; i < o.clients; i++) {
        atomic_store(&cl[i].end_ns, start_ns + (uint64_t)(o.duration_s * 1e9));
        if (pthread_create(&cl[i].thread, NULL, client_main, &cl[i]) != 0) {
            fprintf(stderr, "zmq-echo: cannot start client thread %u\n", i);
            /* Stop the ones already running at once. */
            for (unsigned j = 0; j < i; j++)
                atomic_store(&cl[j].end_ns, 0);
            goto out;
        }
        cl[i].started = true;
    }
    watch(cl, o.clients, start_ns);
    status = 0;
    for (unsigned i = 0; i < o.clients; i++) {
        pthread_join(cl[i].thread, NULL);
        cl[i].started = false;
        if (cl[i].err[0] != '\0') {
            fprintf(stderr, "zmq-echo: client %u: %s\n", i, cl[i].err);
            status = 1;
        }
    }
    if (report(&o, cl, start_ns) < 0) {
        fprintf(stderr, "zmq-echo: cannot write the report\n");
        status = 1;
    }
out:
    for (unsigned i = 0; cl != NULL && i < o.clients; i++) {
        if (cl[i].started)
            pthread_join(cl[i].thread, NULL);
        if (cl[i].sock != NULL)
            zmq_close(cl[i].sock);
        bench_hist_destroy(&cl[i].hist);
    }
    if (ctx != NULL)
        zmq_ctx_shutdown(ctx); /* wakes the server with ETERM */
    if (server_started) {
        pthread_join(server.thread, NULL);
        if (server.err[0] != '\0') {
            fprintf(stderr, "zmq-echo: server: %s\n", server.err);
            status = 1;
        }
    }
    if (server.sock != NULL)
        zmq_close(server.sock);
    if (ctx != NULL)
        zmq_ctx_term(ctx);
    if (dir[0] != '\0') {
        snprintf(ep, sizeof ep, "%s/echo.sock", dir);
        if (unlink(ep) < 0 && errno != ENOENT)
            fprintf(stderr, "zmq-echo: cannot remove %s: %s\n", ep,
                    strerror(errno));
        if (rmdir(dir) < 0)
            fprintf(stderr, "zmq-echo: cannot remove %s: %s\n", dir,
                    strerror(errno));
    }
    free(probe);
    free(cl);
    return status;
}
