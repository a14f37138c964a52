/*
 * audit_follow.c - "dbctl audit --follow": subscribes to dbd's audit
 * stream (a ZeroMQ PUB socket; each record is two frames, the datasource
 * as topic and the record's JSON line) and prints the records that pass
 * the filters, one line each, flushed at once.  Runs until SIGINT or
 * SIGTERM, or until --count records were printed.
 */
#include "audit_cmd.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <zmq.h>

#include "audit_chain.h"
#include "audit_line.h"

typedef struct follow {
    audit_filter filter;
    const char *publish; /* --publish, or NULL: ask dbd */
    uint64_t count;      /* stop after this many; 0 = never */
    uint64_t printed;
    strbuf line;
    bool curve;          /* the SUB socket has CURVE keys */
    bool handshaken;     /* its connection finished the handshake */
} follow;

static int parse_count(dbctl *d, const char *text, uint64_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 ||
        v == 0)
        return dbctl_usage(d, "audit", "--count wants a positive number, "
                           "not \"%s\"", text);
    *out = v;
    return 0;
}

static int parse_args(dbctl *d, follow *f, int argc, char **argv)
{
    static const char *const names[] = {"--datasource", "--client",
                                        "--status", "--table", "--publish",
                                        "--count"};
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        size_t k;
        int r = 0;

        if (strcmp(argv[i], "--follow") == 0 || strcmp(argv[i], "-f") == 0)
            continue;
        for (k = 0; k < sizeof names / sizeof names[0]; k++)
            if ((r = opt_value(argc, argv, &i, names[k], &v)) != 0)
                break;
        if (r < 0 || (r > 0 && v[0] == '\0'))
            return dbctl_usage(d, argv[0], "%s needs a value", names[k]);
        if (r == 0)
            return dbctl_usage(d, argv[0], "unexpected argument \"%s\"",
                               argv[i]);
        switch (k) {
        case 0: f->filter.datasource = v; break;
        case 1: f->filter.client = v; break;
        case 2: f->filter.status = v; break;
        case 3: f->filter.table = v; break;
        case 4: f->publish = v; break;
        default:
            if ((r = parse_count(d, v, &f->count)) != 0)
                return r;
        }
    }
    return 0;
}

/*
 * dbd binds its PUB socket, possibly to a wildcard (tcp://\*:P,
 * tcp://0.0.0.0:P) that cannot be connected to: that becomes dbd's own
 * host when dbctl talks to dbd over tcp, else the loopback address.
 */
static char *connect_address(const char *publish, const char *dbd_endpoint)
{
    static const char *const wild[] = {"tcp://*:", "tcp://0.0.0.0:"};
    const char *host = "127.0.0.1", *port = NULL;
    size_t hostlen = strlen(host);
    char *out;

    for (size_t i = 0; i < sizeof wild / sizeof wild[0]; i++)
        if (strncmp(publish, wild[i], strlen(wild[i])) == 0)
            port = publish + strlen(wild[i]);
    if (port == NULL)
        return strdup(publish);
    if (strncmp(dbd_endpoint, "tcp://", 6) == 0) {
        const char *h = dbd_endpoint + 6, *colon = strrchr(h, ':');

        if (colon != NULL && colon > h && strncmp(h, "*:", 2) != 0 &&
            strncmp(h, "0.0.0.0:", 8) != 0) {
            host = h;
            hostlen = (size_t)(colon - h);
        }
    }
    out = malloc(6 + hostlen + 1 + strlen(port) + 1);
    if (out != NULL)
        sprintf(out, "tcp://%.*s:%s", (int)hostlen, host, port);
    return out;
}

/* Prints one record when it passes the filters; 0, or an exit code. */
static int handle(dbctl *d, follow *f, const zmq_msg_t *topic,
                  const zmq_msg_t *body)
{
    const char *text = zmq_msg_data((zmq_msg_t *)body);
    size_t len = zmq_msg_size((zmq_msg_t *)body);
    audit_line rec;
    char err[128];
    int code = 0;

    /* Subscriptions match prefixes: "sq" also receives "sqlite". */
    if (f->filter.datasource != NULL &&
        (zmq_msg_size((zmq_msg_t *)topic) != strlen(f->filter.datasource) ||
         memcmp(zmq_msg_data((zmq_msg_t *)topic), f->filter.datasource,
                strlen(f->filter.datasource)) != 0))
        return 0;
    if (audit_line_parse(text, len, &rec, err, sizeof err) != 0) {
        fprintf(d->err, "dbctl: audit: skipped a record that cannot be "
                "read (%s):\n", err);
        fwrite(text, 1, len, d->err);
        fputc('\n', d->err);
        return 0;
    }
    if (!audit_filter_match(&f->filter, &rec))
        goto out;
    if (d->json) {
        fwrite(text, 1, len, d->out);
        fputc('\n', d->out);
    } else {
        f->line.len = 0;
        if (audit_line_format(&f->line, &rec) != 0) {
            fprintf(d->err, "dbctl: INTERNAL: out of memory\n");
            code = DBD_INTERNAL;
            goto out;
        }
        fwrite(f->line.data, 1, f->line.len, d->out);
        fputc('\n', d->out);
    }
    /* One record at a time: a pipe sees each one as it happens. */
    if (fflush(d->out) != 0 || ferror(d->out)) {
        fprintf(d->err, "dbctl: cannot write the output: %s\n",
                strerror(errno));
        code = DBCTL_EXIT_IOERR;
        goto out;
    }
    f->printed++;
out:
    audit_line_free(&rec);
    return code;
}

/* Takes the waiting messages; 0, an exit code, or -1 when --count is
 * reached. */
static int drain(dbctl *d, follow *f, void *sub)
{
    zmq_msg_t topic, body;
    int code = 0;

    zmq_msg_init(&topic);
    zmq_msg_init(&body);
    while (code == 0) {
        if (zmq_msg_recv(&topic, sub, ZMQ_DONTWAIT) < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                fprintf(d->err, "dbctl: audit: receive failed: %s\n",
                        zmq_strerror(errno));
                code = DBD_UNAVAILABLE;
            }
            break;
        }
        if (!zmq_msg_more(&topic)) {
            fprintf(d->err, "dbctl: audit: skipped a message of one frame "
                    "(want topic and record)\n");
            continue;
        }
        /* The frames of a message arrive together. */
        if (zmq_msg_recv(&body, sub, 0) < 0) {
            fprintf(d->err, "dbctl: audit: receive failed: %s\n",
                    zmq_strerror(errno));
            code = DBD_UNAVAILABLE;
            break;
        }
        if (zmq_msg_more(&body)) {
            zmq_msg_t rest;
            bool more = true;

            zmq_msg_init(&rest);
            while (more && zmq_msg_recv(&rest, sub, 0) >= 0)
                more = zmq_msg_more(&rest);
            zmq_msg_close(&rest);
            fprintf(d->err, "dbctl: audit: skipped a message of more than "
                    "two frames\n");
            continue;
        }
        code = handle(d, f, &topic, &body);
        if (code == 0 && f->count != 0 && f->printed >= f->count)
            code = -1;
    }
    zmq_msg_close(&body);
    zmq_msg_close(&topic);
    return code;
}

/* The CURVE keys of --key/--server-key on the SUB socket, for a tcp://
 * stream (dbd's tcp:// PUB speaks CURVE when dbd has a key; ipc:// does
 * not, as with the client library).  0, or an exit code. */
static int set_curve(dbctl *d, follow *f, void *sub, const char *addr)
{
    dbctl_keys k;
    int have = dbctl_keys_load(d, &k), code = 0;

    if (have != 1)
        return have; /* 0: no keys, else the usage error printed */
    if (strncmp(addr, "tcp://", 6) != 0)
        goto out;
    f->curve = true;
    if (zmq_setsockopt(sub, ZMQ_CURVE_SERVERKEY, k.server,
                       sizeof k.server) != 0 ||
        zmq_setsockopt(sub, ZMQ_CURVE_PUBLICKEY, k.public,
                       sizeof k.public) != 0 ||
        zmq_setsockopt(sub, ZMQ_CURVE_SECRETKEY, k.secret,
                       sizeof k.secret) != 0) {
        fprintf(d->err, "dbctl: audit: cannot use the CURVE keys: %s\n",
                zmq_has("curve") ? zmq_strerror(errno)
                                 : "this ZeroMQ has no CURVE support");
        code = DBD_INTERNAL;
    }
out:
    explicit_bzero(k.secret, sizeof k.secret);
    return code;
}

static int subscribe(dbctl *d, void *sub, follow *f, const char *addr)
{
    const char *topic = f->filter.datasource ? f->filter.datasource : "";
    int64_t maxmsg = DBD_AUDIT_MAX_LINE; /* a record is one line */
    int linger = 0, code;

    if (zmq_setsockopt(sub, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_setsockopt(sub, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) != 0 ||
        zmq_setsockopt(sub, ZMQ_SUBSCRIBE, topic, strlen(topic)) != 0) {
        fprintf(d->err, "dbctl: audit: cannot set up the subscriber: %s\n",
                zmq_strerror(errno));
        return DBD_INTERNAL;
    }
    /* Before connecting: ZeroMQ copies the options when it connects. */
    if ((code = set_curve(d, f, sub, addr)) != 0)
        return code;
    if (zmq_connect(sub, addr) != 0) {
        fprintf(d->err, "dbctl: audit: cannot connect to \"%s\": %s\n", addr,
                zmq_strerror(errno));
        return DBCTL_EXIT_USAGE;
    }
    return 0;
}

/* Connection events of the SUB socket that tell a refused handshake. */
#define FOLLOW_EVENTS                                                      \
    (ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED |                        \
     ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | \
     ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)

/*
 * Reads the waiting connection events.  A SUB socket whose handshake is
 * refused retries for ever and receives nothing, so without this a
 * follower without keys (or with wrong ones) at a CURVE stream would wait
 * in silence.  0, or DBD_UNAVAILABLE after saying why.
 */
static int read_events(dbctl *d, follow *f, void *monitor, const char *addr)
{
    for (;;) {
        zmq_msg_t msg;
        uint16_t event = 0;
        int more;
        size_t len = sizeof more;
        const char *why = NULL;

        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, monitor, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&msg);
            return 0;
        }
        if (zmq_msg_size(&msg) >= sizeof event)
            memcpy(&event, zmq_msg_data(&msg), sizeof event);
        zmq_msg_close(&msg);
        /* The second frame (the endpoint) comes with the first. */
        while (zmq_getsockopt(monitor, ZMQ_RCVMORE, &more, &len) == 0 &&
               more && zmq_recv(monitor, NULL, 0, 0) >= 0)
            ;
        if (event == ZMQ_EVENT_CONNECTED)
            f->handshaken = false;
        else if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
            f->handshaken = true;
        else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
            why = "dbd refused this client's key (not on its allow-list, "
                  "or its [client] section lacks admin audit)";
        else if (event != ZMQ_EVENT_DISCONNECTED || !f->handshaken)
            why = f->curve ? "CURVE handshake failed: wrong --server-key, "
                             "or the stream does not use CURVE?"
                           : "handshake failed: does the stream want CURVE "
                             "keys (--key, --server-key)?";
        if (why != NULL) {
            fprintf(d->err, "dbctl: audit: %s refused the connection: %s\n",
                    addr, why);
            return DBD_UNAVAILABLE;
        }
    }
}

/* Receives until a signal, --count or an error; the exit code. */
static int run(dbctl *d, follow *f, const char *addr, int sigfd)
{
    void *ctx = NULL, *sub = NULL, *monitor = NULL;
    int code, linger = 0;

    ctx = zmq_ctx_new();
    if (ctx == NULL || (sub = zmq_socket(ctx, ZMQ_SUB)) == NULL ||
        zmq_socket_monitor(sub, "inproc://dbctl-audit-monitor",
                           FOLLOW_EVENTS) != 0 ||
        (monitor = zmq_socket(ctx, ZMQ_PAIR)) == NULL ||
        zmq_setsockopt(monitor, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_connect(monitor, "inproc://dbctl-audit-monitor") != 0) {
        fprintf(d->err, "dbctl: audit: cannot create a ZeroMQ socket: %s\n",
                zmq_strerror(errno));
        code = DBD_INTERNAL;
        goto out;
    }
    if ((code = subscribe(d, sub, f, addr)) != 0)
        goto out;
    for (;;) {
        zmq_pollitem_t items[3] = {{sub, 0, ZMQ_POLLIN, 0},
                                   {NULL, sigfd, ZMQ_POLLIN, 0},
                                   {monitor, 0, ZMQ_POLLIN, 0}};

        if (zmq_poll(items, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(d->err, "dbctl: audit: poll failed: %s\n",
                    zmq_strerror(errno));
            code = DBD_INTERNAL;
            break;
        }
        if (items[1].revents & ZMQ_POLLIN)
            break; /* SIGINT or SIGTERM: a normal end */
        if ((items[2].revents & ZMQ_POLLIN) &&
            (code = read_events(d, f, monitor, addr)) != 0)
            break;
        if ((code = drain(d, f, sub)) != 0) {
            if (code < 0)
                code = 0;
            break;
        }
    }
out:
    if (sub != NULL && monitor != NULL)
        zmq_socket_monitor(sub, NULL, 0);
    if (monitor != NULL)
        zmq_close(monitor);
    if (sub != NULL)
        zmq_close(sub);
    if (ctx != NULL)
        while (zmq_ctx_term(ctx) != 0 && errno == EINTR)
            ;
    return code;
}

int audit_follow(dbctl *d, int argc, char **argv)
{
    follow f = {0};
    sigset_t stop, old;
    bool blocked = false;
    char *publish = NULL, *addr = NULL;
    int sigfd = -1, code;

    if ((code = parse_args(d, &f, argc, argv)) != 0)
        goto out;
    /* Signals become an fd event before any ZeroMQ thread exists (they
     * inherit the mask), so the loop ends cleanly on SIGINT/SIGTERM. */
    if (sigemptyset(&stop) != 0 || sigaddset(&stop, SIGINT) != 0 ||
        sigaddset(&stop, SIGTERM) != 0 ||
        sigprocmask(SIG_BLOCK, &stop, &old) != 0) {
        fprintf(d->err, "dbctl: audit: cannot block signals: %s\n",
                strerror(errno));
        code = DBD_INTERNAL;
        goto out;
    }
    blocked = true;
    sigfd = signalfd(-1, &stop, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sigfd < 0) {
        fprintf(d->err, "dbctl: audit: signalfd: %s\n", strerror(errno));
        code = DBD_INTERNAL;
        goto out;
    }
    if (f.publish == NULL) {
        if ((code = audit_status_value(d, "publish", &publish)) != 0)
            goto out;
        if (publish[0] == '\0') {
            fprintf(d->err, "dbctl: dbd publishes no audit stream (set "
                    "[audit] publish in dbd.conf)\n");
            code = AUDIT_EXIT_NOSTREAM;
            goto out;
        }
    }
    addr = connect_address(f.publish ? f.publish : publish, d->endpoint);
    if (addr == NULL) {
        fprintf(d->err, "dbctl: INTERNAL: out of memory\n");
        code = DBD_INTERNAL;
        goto out;
    }
    code = run(d, &f, addr, sigfd);
out:
    if (sigfd >= 0) {
        struct signalfd_siginfo si;

        /* Consume the signal that ended the loop: restoring the mask
         * would deliver it and kill dbctl instead of a clean exit 0. */
        while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si)
            ;
        if (close(sigfd) != 0 && code == 0) {
            fprintf(d->err, "dbctl: audit: close: %s\n", strerror(errno));
            code = DBD_INTERNAL;
        }
    }
    if (blocked && sigprocmask(SIG_SETMASK, &old, NULL) != 0 && code == 0) {
        fprintf(d->err, "dbctl: audit: cannot restore signals: %s\n",
                strerror(errno));
        code = DBD_INTERNAL;
    }
    sb_free(&f.line);
    free(addr);
    free(publish);
    return code;
}
