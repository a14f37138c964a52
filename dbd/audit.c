/*
 * audit.c - the audit trail's queue and writer thread (audit.h).
 *
 * The queue is a mutex-protected list bounded by [audit] queue.  The
 * writer takes at most WRITE_BATCH records per turn, seals them into one
 * buffer, appends it with one write(2), syncs as configured, publishes each
 * line, and only then hands on the replies held for them.  When a write
 * fails, loss = block retries it every RETRY_MS for as long as it takes
 * (requests wait: that is the promise of block); loss = drop counts the
 * records as dropped and rewinds the chain, so the file stays verifiable.
 */
#include "audit.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "audit_file.h"
#include "audit_json.h"
#include "clock.h"
#include "endpoint.h"
#include "strutil.h"
#include "zap.h"

#define WRITE_BATCH 4096 /* records per write, to bound its memory */
#define RETRY_MS 1000    /* between attempts at a failed write (block) */
/* Unless sync = every (where a reply waits for its record), the writer
 * lets records gather for up to GATHER_US after the first one, or until
 * GATHER_MIN wait: one write and one wake-up per batch, not per record,
 * which is what keeps the trail cheap at tens of thousands of requests a
 * second. */
#define GATHER_US 5000
#define GATHER_MIN 1024
/* Entries kept for reuse at most, and the buffer size beyond which one is
 * freed rather than kept (a rare huge record does not stay resident). */
#define POOL_MAX 4096
#define POOL_BUF_MAX 4096

/* A queued record.  Entries are kept in a free list and used again, and
 * so are their buffers: at tens of thousands of records a second, a
 * malloc in one thread freed in another costs more than the record. */
struct dbd_audit_entry {
    struct dbd_audit_entry *next;
    int64_t ts_us;
    dbd_buf topic;         /* the datasource, "" for none */
    dbd_buf rest;          /* the record after "seq" (audit_json.h) */
    bool held;
    uint32_t sock;
    dbd_buf ident;         /* held: the client's routing id */
    dbd_buf reply;         /* held: the reply message */
};
typedef struct dbd_audit_entry audit_entry;

/* Where one sealed line sits in the batch buffer, for publishing. */
typedef struct line_ref {
    const char *topic;
    size_t topic_len;
    size_t off;
    size_t len;
} line_ref;

struct dbd_audit {
    dbd_audit_config cfg;  /* strings borrowed from the daemon's config */
    char *const *endpoints;
    size_t nendpoints;
    const dbd_log *log;
    dbd_replyq *replies;
    void *pub;             /* the writer's after start */
    pthread_t thread;
    bool started;

    /* Writer's own. */
    audit_file file;
    bool have_file;
    dbd_audit_chain chain;
    uint64_t next_seq;
    dbd_audit_chain written_chain; /* the chain at the file's last line */
    uint64_t written_seq;
    int64_t last_sync_mono_us;
    bool unsynced;
    dbd_buf body;          /* one record before sealing */
    dbd_buf ebody;         /* one record of dbd's own before sealing */
    dbd_buf out;           /* the sealed lines of one batch */
    line_ref *lines;
    size_t nlines;
    char err[512];

    pthread_mutex_t mu;
    pthread_cond_t work;   /* writer: records, reopen or stop */
    pthread_cond_t space;  /* producers (block): room in the queue */
    pthread_cond_t done;   /* flush: a batch was finished */
    audit_entry *head, *tail;
    size_t len;
    audit_entry *pool;     /* free entries */
    size_t npool;
    uint64_t submitted;    /* records queued ever */
    uint64_t finished;     /* of those, written or dropped */
    uint64_t unreported;   /* dropped since the last "dropped" record */
    bool reopen;
    bool stop;
    bool idle;             /* the writer waits for work: wake it */
    dbd_audit_stats stats;
};

const char *dbd_audit_endpoint(const dbd_audit *a, uint32_t sock)
{
    return sock < a->nendpoints ? a->endpoints[sock] : "?";
}

bool dbd_audit_holds_replies(const dbd_audit *a)
{
    return a != NULL && a->cfg.sync == DBD_AUDIT_SYNC_EVERY;
}

/* What dbd_audit_seal adds to a body: ,"prev":"HEX","hash":"HEX"}\n */
#define SEAL_BYTES (9 + DBD_AUDIT_HEX_SIZE + 1 + 9 + DBD_AUDIT_HEX_SIZE + 3)

/* Seals the record whose body (head and rest) is in body onto a->out,
 * remembering the line for publishing under topic. */
static int seal_body(dbd_audit *a, const dbd_buf *body, const char *topic,
                     size_t topic_len)
{
    size_t start = a->out.len;

    if (dbd_audit_seal(&a->chain, (const char *)body->data, body->len,
                       &a->out) != 0)
        return -1;
    a->lines[a->nlines++] = (line_ref){.topic = topic, .topic_len = topic_len,
                                       .off = start,
                                       .len = a->out.len - start - 1};
    a->next_seq++;
    return 0;
}

/* Seals one record made by dbd itself (start, stop, open, dropped). */
static int seal_event(dbd_audit *a, const char *op, int64_t rows,
                      const char *detail)
{
    dbd_audit_record r = {
        .client = "dbd", .op = op, .host = -1, .rows = rows,
        .status = DBD_OK, .detail = detail,
    };

    dbd_buf_reset(&a->ebody);
    if (dbd_audit_json_head(now_real_us(), a->next_seq, &a->ebody) != 0 ||
        dbd_audit_json_rest(&r, DBD_AUDIT_VALUES_NONE, NULL, 0, &a->ebody) !=
            0)
        return -1;
    return seal_body(a, &a->ebody, "", 0);
}

static void entry_free(audit_entry *e)
{
    dbd_buf_free(&e->topic);
    dbd_buf_free(&e->rest);
    dbd_buf_free(&e->ident);
    dbd_buf_free(&e->reply);
    free(e);
}

static void free_entries(audit_entry *e)
{
    while (e != NULL) {
        audit_entry *next = e->next;
        entry_free(e);
        e = next;
    }
}

/* Gives the entries of a written batch back to the pool (mu held). */
static void pool_put_locked(dbd_audit *a, audit_entry *e)
{
    while (e != NULL) {
        audit_entry *next = e->next;
        if (a->npool < POOL_MAX && e->rest.cap <= POOL_BUF_MAX &&
            e->reply.cap <= POOL_BUF_MAX) {
            e->next = a->pool;
            a->pool = e;
            a->npool++;
        } else {
            entry_free(e);
        }
        e = next;
    }
}

static void count_error(dbd_audit *a)
{
    pthread_mutex_lock(&a->mu);
    str_copy(a->stats.last_error, sizeof a->stats.last_error, a->err);
    a->stats.write_errors++;
    pthread_mutex_unlock(&a->mu);
    log_errx(a->log, "audit: %s", a->err);
}

/* Appends a->out[from..] to the file; with loss = block, tries until it
 * succeeds.  0, or -1 (then none of those bytes are in the file). */
static int write_out(dbd_audit *a, size_t from)
{
    for (;;) {
        int rc = 0;
        if (a->file.fd < 0)
            rc = audit_file_reopen(&a->file, a->err, sizeof a->err);
        if (rc == 0)
            rc = audit_file_append(&a->file, a->out.data + from,
                                   a->out.len - from, a->err, sizeof a->err);
        if (rc == 0) {
            pthread_mutex_lock(&a->mu);
            a->stats.bytes += a->out.len - from;
            pthread_mutex_unlock(&a->mu);
            a->unsynced = true;
            /* Every line sealed so far is in the file now. */
            a->written_chain = a->chain;
            a->written_seq = a->next_seq;
            return 0;
        }
        count_error(a);
        if (a->cfg.loss != DBD_AUDIT_LOSS_BLOCK)
            return -1;
        {
            struct timespec ts = {.tv_sec = RETRY_MS / 1000,
                                  .tv_nsec = (RETRY_MS % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
}

static void sync_file(dbd_audit *a)
{
    if (!a->have_file || !a->unsynced)
        return;
    a->last_sync_mono_us = now_mono_us();
    if (audit_file_sync(&a->file, a->err, sizeof a->err) != 0) {
        count_error(a);
        return;
    }
    a->unsynced = false;
}

/* Before a line that would take the file past max_size: write what is
 * sealed, rotate, and start the new file with an "open" record.  A failed
 * rotation is logged and the file grows on. */
static int rotate_before(dbd_audit *a, size_t *written)
{
    char moved[4096 + 64], detail[4096 + 128];

    if (a->out.len > *written) {
        if (write_out(a, *written) != 0)
            return -1;
        *written = a->out.len;
    }
    if (audit_file_rotate(&a->file, a->cfg.sync != DBD_AUDIT_SYNC_NONE, moved,
                          sizeof moved, a->err, sizeof a->err) != 0) {
        count_error(a);
        return 0;
    }
    pthread_mutex_lock(&a->mu);
    a->stats.rotations++;
    pthread_mutex_unlock(&a->mu);
    log_info(a->log, "audit: %s rotated to %s", a->file.path, moved);
    snprintf(detail, sizeof detail, "continues %s", moved);
    return seal_event(a, "open", -1, detail);
}

static void publish_lines(dbd_audit *a)
{
    if (a->pub == NULL)
        return;
    for (size_t i = 0; i < a->nlines; i++) {
        const line_ref *l = &a->lines[i];
        /* PUB never blocks: a slow subscriber loses records past its
         * high-water mark; dbd does not wait for it. */
        if (zmq_send(a->pub, l->topic, l->topic_len,
                     ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
            zmq_send(a->pub, a->out.data + l->off, l->len, ZMQ_DONTWAIT) < 0)
            log_debug(a->log, "audit: not published: %s",
                      zmq_strerror(zmq_errno()));
    }
}

/* Held replies go to the front end, which sends them. */
static void release_held(dbd_audit *a, const audit_entry *e)
{
    for (; e != NULL; e = e->next) {
        const void *ident;
        if (!e->held)
            continue;
        ident = e->ident.data;
        if (dbd_replyq_push(a->replies, e->sock, ident, e->ident.len,
                            e->reply.data, e->reply.len) != 0)
            log_errx(a->log, "audit: a held reply was lost (out of memory)");
    }
}

/*
 * One turn: the reopen, the dropped notice, the records (rotating as
 * needed), the write, the sync, publishing, the held replies.  Returns the
 * number of entries lost (drop mode, the write failed).
 */
static uint64_t write_batch(dbd_audit *a, audit_entry *entries, size_t n,
                            uint64_t dropped, bool reopen)
{
    size_t written = 0;
    char detail[96];
    int rc = 0;

    dbd_buf_reset(&a->out);
    a->nlines = 0;
    if (reopen && a->have_file) {
        if (audit_file_reopen(&a->file, a->err, sizeof a->err) != 0) {
            count_error(a);
        } else {
            pthread_mutex_lock(&a->mu);
            a->stats.rotations++;
            pthread_mutex_unlock(&a->mu);
            log_info(a->log, "audit: %s reopened", a->file.path);
            rc = seal_event(a, "open", -1, "reopened on SIGUSR1");
        }
    }
    if (rc == 0 && dropped > 0) {
        snprintf(detail, sizeof detail, "%" PRIu64 " record%s dropped",
                 dropped, dropped == 1 ? "" : "s");
        rc = seal_event(a, "dropped", (int64_t)dropped, detail);
    }
    for (audit_entry *e = entries; rc == 0 && e != NULL; e = e->next) {
        dbd_buf_reset(&a->body);
        if (dbd_audit_json_head(e->ts_us, a->next_seq, &a->body) != 0 ||
            dbd_buf_append(&a->body, e->rest.data, e->rest.len) != 0) {
            rc = -1;
            break;
        }
        if (a->have_file &&
            audit_file_full(&a->file, a->out.len - written + a->body.len +
                                          SEAL_BYTES)) {
            /* The head holds the seq: make it again after "open". */
            if (rotate_before(a, &written) != 0) {
                rc = -1;
                break;
            }
            dbd_buf_reset(&a->body);
            if (dbd_audit_json_head(e->ts_us, a->next_seq, &a->body) != 0 ||
                dbd_buf_append(&a->body, e->rest.data, e->rest.len) != 0) {
                rc = -1;
                break;
            }
        }
        rc = seal_body(a, &a->body, e->topic.data, e->topic.len);
    }
    if (rc == 0 && a->have_file && a->out.len > written)
        rc = write_out(a, written);
    if (rc != 0) {
        /* Drop mode, or out of memory: the lines not written are lost,
         * and the chain goes back to the last line in the file. */
        a->chain = a->written_chain;
        a->next_seq = a->written_seq;
        if (a->err[0] == '\0')
            snprintf(a->err, sizeof a->err, "out of memory");
        release_held(a, entries); /* a reply is never kept from a client */
        return n;
    }
    if (a->cfg.sync == DBD_AUDIT_SYNC_EVERY)
        sync_file(a);
    publish_lines(a);
    release_held(a, entries);
    pthread_mutex_lock(&a->mu);
    a->stats.records += a->nlines;
    dbd_audit_chain_hex(&a->chain, a->stats.head);
    pthread_mutex_unlock(&a->mu);
    return 0;
}

/* When the writer must wake up at the latest to sync (interval mode). */
static bool sync_due(const dbd_audit *a, struct timespec *until)
{
    int64_t t;
    if (a->cfg.sync != DBD_AUDIT_SYNC_INTERVAL || !a->unsynced)
        return false;
    t = a->last_sync_mono_us + (int64_t)a->cfg.sync_interval_ms * 1000;
    *until = mono_timespec(t);
    return true;
}

static void *writer_main(void *arg)
{
    dbd_audit *a = arg;

    pthread_mutex_lock(&a->mu);
    for (;;) {
        audit_entry *take, *last;
        size_t n = 0;
        uint64_t dropped, lost;
        bool reopen, stop;
        struct timespec until;

        while (a->head == NULL && a->unreported == 0 && !a->reopen &&
               !a->stop) {
            int rc;
            a->idle = true;
            if (sync_due(a, &until))
                rc = pthread_cond_timedwait(&a->work, &a->mu, &until);
            else
                rc = pthread_cond_wait(&a->work, &a->mu);
            a->idle = false;
            if (rc == ETIMEDOUT)
                break;
        }
        if (a->cfg.sync != DBD_AUDIT_SYNC_EVERY && a->len < GATHER_MIN &&
            !a->stop && !a->reopen) {
            until = mono_timespec(now_mono_us() + GATHER_US);
            pthread_cond_timedwait(&a->work, &a->mu, &until);
        }
        take = a->head;
        last = NULL;
        for (audit_entry *e = take; e != NULL && n < WRITE_BATCH; e = e->next) {
            last = e;
            n++;
        }
        if (last != NULL) {
            a->head = last->next;
            last->next = NULL;
            if (a->head == NULL)
                a->tail = NULL;
            a->len -= n;
        }
        dropped = a->unreported;
        a->unreported = 0;
        reopen = a->reopen;
        a->reopen = false;
        stop = a->stop && a->head == NULL;
        pthread_cond_broadcast(&a->space);
        pthread_mutex_unlock(&a->mu);

        lost = 0;
        if (take != NULL || dropped > 0 || reopen)
            lost = write_batch(a, take, n, dropped, reopen);
        if (a->cfg.sync == DBD_AUDIT_SYNC_INTERVAL && a->unsynced &&
            now_mono_us() - a->last_sync_mono_us >=
                (int64_t)a->cfg.sync_interval_ms * 1000)
            sync_file(a);
        pthread_mutex_lock(&a->mu);
        pool_put_locked(a, take);
        a->finished += n;
        a->unreported += lost;
        a->stats.dropped += lost;
        pthread_cond_broadcast(&a->done);
        if (stop)
            break;
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

/* The writer's last records after it stopped: "stop", synced. */
static void write_stop(dbd_audit *a)
{
    dbd_buf_reset(&a->out);
    a->nlines = 0;
    if (seal_event(a, "stop", -1, "dbd stopped") != 0)
        return;
    if (a->have_file && write_out(a, 0) != 0)
        return;
    if (a->cfg.sync != DBD_AUDIT_SYNC_NONE)
        sync_file(a);
    publish_lines(a);
}

/* Where the chain goes on from: the file's last record, else a new chain.
 * A file that does not end in a whole record is moved aside and a new
 * chain starts, which verify will show. */
static int continue_chain(dbd_audit *a, char *err, size_t errlen)
{
    char why[512], moved[4096 + 64];
    int rc = audit_file_last(a->cfg.file, &a->chain, &a->next_seq, why,
                             sizeof why);
    if (rc >= 0)
        return 0;
    if (audit_file_open(&a->file, a->cfg.file, a->cfg.max_size, err,
                        errlen) != 0)
        return -1;
    if (audit_file_rotate(&a->file, true, moved, sizeof moved, err, errlen) !=
        0)
        return -1;
    audit_file_close(&a->file);
    log_warnx(a->log, "audit: %s; it was moved to %s and a new chain starts",
              why, moved);
    dbd_audit_chain_init(&a->chain);
    a->next_seq = 0;
    return 0;
}

static void *bind_pub(const dbd_audit_config *cfg, void *zctx,
                      struct dbd_zap *zap, const dbd_log *log, char *err,
                      size_t errlen)
{
    void *pub = zmq_socket(zctx, ZMQ_PUB);
    int hwm = (int)cfg->publish_hwm, linger = 0;

    if (pub == NULL ||
        zmq_setsockopt(pub, ZMQ_SNDHWM, &hwm, sizeof hwm) != 0 ||
        zmq_setsockopt(pub, ZMQ_LINGER, &linger, sizeof linger) != 0) {
        snprintf(err, errlen, "audit publish %s: %s", cfg->publish,
                 zmq_strerror(zmq_errno()));
        if (pub != NULL)
            zmq_close(pub);
        return NULL;
    }
    /* The trail shows what clients do: over tcp it is no more open than
     * the requests are. */
    if (zap != NULL && strncmp(cfg->publish, "tcp://", 6) == 0 &&
        dbd_zap_secure(zap, pub, cfg->publish, DBD_ZAP_AUDIT_DOMAIN, err,
                       errlen) != 0) {
        zmq_close(pub);
        return NULL;
    }
    /* Owner-only for now: the server gives it the ipc_* access. */
    if (dbd_endpoint_bind(pub, cfg->publish, NULL, log, err, errlen) != 0) {
        zmq_close(pub);
        return NULL;
    }
    return pub;
}

dbd_audit *dbd_audit_open(const dbd_audit_config *cfg,
                          char *const *endpoints, size_t nendpoints,
                          const char *start_detail, void *zctx,
                          struct dbd_zap *zap, dbd_replyq *replies,
                          const dbd_log *log, char *err, size_t errlen)
{
    dbd_audit *a = calloc(1, sizeof *a);

    if (a == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    a->cfg = *cfg;
    a->endpoints = endpoints;
    a->nendpoints = nendpoints;
    a->log = log;
    a->replies = replies;
    a->file.fd = -1;
    dbd_buf_init(&a->body);
    dbd_buf_init(&a->ebody);
    dbd_buf_init(&a->out);
    dbd_audit_chain_init(&a->chain);
    pthread_mutex_init(&a->mu, NULL);
    {
        /* The writer's sync deadlines are on the monotonic clock. */
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&a->work, &ca);
        pthread_condattr_destroy(&ca);
    }
    pthread_cond_init(&a->space, NULL);
    pthread_cond_init(&a->done, NULL);
    a->last_sync_mono_us = now_mono_us();
    /* A batch, its notices and an "open" per rotation. */
    a->lines = calloc(WRITE_BATCH * 2 + 4, sizeof *a->lines);
    if (a->lines == NULL) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (cfg->file != NULL) {
        if (continue_chain(a, err, errlen) != 0 ||
            audit_file_open(&a->file, cfg->file, cfg->max_size, err,
                            errlen) != 0)
            goto fail;
        a->have_file = true;
    }
    if (cfg->publish != NULL) {
        a->pub = bind_pub(cfg, zctx, zap, log, err, errlen);
        if (a->pub == NULL)
            goto fail;
    }
    /* The first record says who started, before any request. */
    if (seal_event(a, "start", -1, start_detail) != 0 ||
        (a->have_file && write_out(a, 0) != 0)) {
        snprintf(err, errlen, "audit: %s", a->err[0] != '\0' ? a->err
                                                            : "out of memory");
        goto fail;
    }
    if (cfg->sync != DBD_AUDIT_SYNC_NONE)
        sync_file(a);
    a->written_chain = a->chain;
    a->written_seq = a->next_seq;
    a->stats.records = 1;
    dbd_audit_chain_hex(&a->chain, a->stats.head);
    if (pthread_create(&a->thread, NULL, writer_main, a) != 0) {
        snprintf(err, errlen, "audit: cannot start the writer thread");
        goto fail;
    }
    a->started = true;
    if (a->have_file)
        log_notice(log, "audit trail in %s (loss = %s, sync = %s)", cfg->file,
                   dbd_audit_loss_name(cfg->loss),
                   dbd_audit_sync_name(cfg->sync));
    if (a->pub != NULL)
        log_notice(log, "audit records published on %s", cfg->publish);
    return a;
fail:
    dbd_audit_close(&a);
    return NULL;
}

void dbd_audit_close(dbd_audit **pa)
{
    dbd_audit *a;
    if (pa == NULL || *pa == NULL)
        return;
    a = *pa;
    if (a->started) {
        pthread_mutex_lock(&a->mu);
        a->stop = true;
        pthread_cond_broadcast(&a->work);
        pthread_cond_broadcast(&a->space);
        pthread_mutex_unlock(&a->mu);
        pthread_join(a->thread, NULL);
        write_stop(a);
    }
    free_entries(a->head);
    free_entries(a->pool);
    audit_file_close(&a->file);
    /* The socket file goes once the context is ended (the server removes
     * it then): ZeroMQ closes the listener asynchronously. */
    if (a->pub != NULL)
        zmq_close(a->pub);
    dbd_buf_free(&a->body);
    dbd_buf_free(&a->ebody);
    dbd_buf_free(&a->out);
    free(a->lines);
    pthread_cond_destroy(&a->done);
    pthread_cond_destroy(&a->space);
    pthread_cond_destroy(&a->work);
    pthread_mutex_destroy(&a->mu);
    free(a);
    *pa = NULL;
}

dbd_audit_entry *dbd_audit_entry_get(dbd_audit *a)
{
    audit_entry *e;

    pthread_mutex_lock(&a->mu);
    e = a->pool;
    if (e != NULL) {
        a->pool = e->next;
        a->npool--;
    }
    pthread_mutex_unlock(&a->mu);
    if (e == NULL) {
        e = calloc(1, sizeof *e);
        if (e == NULL)
            return NULL;
        dbd_buf_init(&e->topic);
        dbd_buf_init(&e->rest);
        dbd_buf_init(&e->ident);
        dbd_buf_init(&e->reply);
    }
    e->next = NULL;
    e->held = false;
    dbd_buf_reset(&e->topic);
    dbd_buf_reset(&e->rest);
    dbd_buf_reset(&e->ident);
    dbd_buf_reset(&e->reply);
    return e;
}

dbd_buf *dbd_audit_entry_rest(dbd_audit_entry *e)
{
    return &e->rest;
}

void dbd_audit_entry_drop(dbd_audit *a, dbd_audit_entry *e)
{
    pthread_mutex_lock(&a->mu);
    pool_put_locked(a, e);
    pthread_mutex_unlock(&a->mu);
}

int dbd_audit_submit(dbd_audit *a, dbd_audit_entry *e, int64_t ts_us,
                     const char *topic, const dbd_audit_held *held)
{
    int rc = 1;

    e->ts_us = ts_us;
    if (dbd_buf_append_str(&e->topic, topic) < 0 || e->rest.failed)
        goto count;
    if (held != NULL) {
        e->held = true;
        e->sock = held->sock;
        if (dbd_buf_append(&e->ident, held->ident, held->ident_len) < 0 ||
            dbd_buf_append(&e->reply, held->body, held->len) < 0)
            goto count;
    }
    pthread_mutex_lock(&a->mu);
    while (a->cfg.loss == DBD_AUDIT_LOSS_BLOCK && a->len >= a->cfg.queue &&
           !a->stop)
        pthread_cond_wait(&a->space, &a->mu);
    if (a->len < a->cfg.queue || a->cfg.loss == DBD_AUDIT_LOSS_BLOCK) {
        if (a->tail != NULL)
            a->tail->next = e;
        else
            a->head = e;
        a->tail = e;
        a->len++;
        a->submitted++;
        e = NULL;
        rc = 0;
        /* Woken when idle, when a batch is worth writing, or when full. */
        if (a->idle || a->len == GATHER_MIN || a->len >= a->cfg.queue)
            pthread_cond_signal(&a->work);
    }
    pthread_mutex_unlock(&a->mu);
count:
    if (rc != 0) {
        pthread_mutex_lock(&a->mu);
        a->unreported++;
        a->stats.dropped++;
        if (e != NULL)
            pool_put_locked(a, e);
        pthread_mutex_unlock(&a->mu);
        if (held != NULL &&
            dbd_replyq_push(a->replies, held->sock, held->ident,
                            held->ident_len, held->body, held->len) != 0)
            log_errx(a->log, "audit: a reply was lost (out of memory)");
    }
    return rc;
}

void dbd_audit_reopen(dbd_audit *a)
{
    pthread_mutex_lock(&a->mu);
    a->reopen = true;
    pthread_cond_signal(&a->work);
    pthread_mutex_unlock(&a->mu);
}

void dbd_audit_flush(dbd_audit *a)
{
    pthread_mutex_lock(&a->mu);
    uint64_t target = a->submitted;
    while (a->finished < target && a->started)
        pthread_cond_wait(&a->done, &a->mu);
    pthread_mutex_unlock(&a->mu);
}

void dbd_audit_get_stats(dbd_audit *a, dbd_audit_stats *out)
{
    pthread_mutex_lock(&a->mu);
    *out = a->stats;
    out->queued = a->len;
    pthread_mutex_unlock(&a->mu);
}
