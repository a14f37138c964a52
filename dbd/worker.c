/*
 * worker.c - a worker thread of one host of a backend generation: keeps
 * one connection open (reopening it with exponential backoff and jitter
 * when it cannot be opened or breaks), pings it when idle, takes the jobs
 * its host may serve while connected and runs them.  Replies go to the
 * front end through its reply queue (replyq.h).
 *
 * Health: a failed open with no other connection of the host open marks
 * the host down at once (a refused connection costs no timeout); a lost
 * connection marks it suspect until a reopen says more.  When the last
 * host that could serve a kind of job goes down, the worker that noticed
 * answers the queued jobs of that kind UNAVAILABLE, since the front end
 * queues no more of them meanwhile.
 *
 * Which jobs a host takes (ds_internal.h has the queues): a read that
 * failed elsewhere first, then by mode: failover, only the first host in
 * list order with an open connection; round-robin, any; primary-replica,
 * the primary takes the writes (and the reads while no replica has a
 * connection), the replicas the reads.
 */
#include "ds_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "exec.h"
#include "strutil.h"

typedef struct worker_state {
    dbd_worker *w;
    ds_host *h;
    dbd_backend *be;
    dbd_datasource *ds;
    void *conn;           /* NULL while disconnected */
    bool ever_open;
    unsigned backoff_ms;
    int64_t next_try_mono_us;
    int64_t last_used_mono_us;
    unsigned seed;
    char logged_error[512]; /* the last open error logged at warning level */
} worker_state;

/* Replies go to the front end's queue; ctx is the queue. */
static int worker_send(void *ctx, uint32_t sock, const void *ident,
                       size_t ident_len, const void *body, size_t len)
{
    return dbd_replyq_push(ctx, sock, ident, ident_len, body, len);
}

/* Schedules the next open attempt: backoff/2 plus up to backoff/2 of
 * jitter, so that workers do not retry in step. */
static unsigned schedule_retry(worker_state *s)
{
    unsigned half = s->backoff_ms / 2;
    unsigned delay = half + (unsigned)rand_r(&s->seed) % (half + 1);
    s->next_try_mono_us = now_mono_us() + (int64_t)delay * 1000;
    if (s->backoff_ms < s->be->cfg->reconnect_max_ms / 2)
        s->backoff_ms *= 2;
    else
        s->backoff_ms = s->be->cfg->reconnect_max_ms;
    return delay;
}

static bool is_read(const dbd_job *job)
{
    return job->req->op.kind == DBD_OP_QUERY;
}

/* Answers a list of jobs UNAVAILABLE; mu not held. */
static void answer_unavailable(dbd_datasource *ds, const dbd_ds_config *cfg,
                               const dbd_outlet *outlet, dbd_job *jobs,
                               const char *msg)
{
    size_t n = 0;
    while (jobs != NULL) {
        dbd_job *job = jobs;
        dbd_reply_to to;
        jobs = job->next;
        to = dbd_reply_to_job(outlet, job, ds->env->global, &ds->counters);
        dbd_reply_to_ds(&to, cfg, -1);
        dbd_answer_status(&to, DBD_UNAVAILABLE, msg);
        dbd_job_destroy(&job);
        n++;
    }
    dbd_counters_queued(ds->env->global, &ds->counters, -(int)n);
}

/* A read to retry that only its failed host could still take; ctx is
 * the current generation. */
static bool retry_unservable(const void *ctx, const dbd_job *job)
{
    const dbd_backend *be = ctx;
    for (size_t i = 0; i < be->nhosts; i++)
        if ((const void *)&be->hosts[i] != job->failed_host &&
            be->hosts[i].state != DBD_HOST_DOWN)
            return false;
    return true;
}

void dbd_ds_reject_unservable_locked(dbd_datasource *ds,
                                     const dbd_outlet *outlet)
{
    dbd_backend *be = ds->cur;
    dbd_job *jobs = NULL, **tail = &jobs;
    char msg[600];

    if (be == NULL)
        return;
    if (dbd_backend_down_locked(be, false)) {
        *tail = dbd_queue_take_all(&ds->queue);
        while (*tail != NULL)
            tail = &(*tail)->next;
    }
    if (dbd_backend_down_locked(be, true)) {
        *tail = dbd_queue_take_all(&ds->rqueue);
        while (*tail != NULL)
            tail = &(*tail)->next;
    }
    /* A read to retry needs a host other than the one it failed on. */
    for (dbd_job *j; (j = dbd_queue_take_if(&ds->retryq, retry_unservable,
                                            be)) != NULL;) {
        *tail = j;
        tail = &j->next;
    }
    if (jobs == NULL)
        return;
    snprintf(msg, sizeof msg, "datasource \"%s\" is down: %s", be->cfg->name,
             ds->last_error);
    pthread_mutex_unlock(&ds->mu);
    answer_unavailable(ds, be->cfg, outlet, jobs, msg);
    pthread_mutex_lock(&ds->mu);
}

/* A connection of the host failed to open or broke; mu held. */
static void host_failed(worker_state *s, const char *err, bool open_failed)
{
    ds_host *h = s->h;
    dbd_datasource *ds = s->ds;
    atomic_fetch_add(&h->errors, 1);
    str_copy(h->last_error, sizeof h->last_error, err);
    /* A swap's candidate or a retired generation is not the datasource. */
    if (s->be->phase == BE_ACTIVE)
        str_copy(ds->last_error, sizeof ds->last_error, err);
    h->state = open_failed && h->nopen == 0 ? DBD_HOST_DOWN
                                            : DBD_HOST_SUSPECT;
    pthread_cond_broadcast(&ds->work); /* who serves may have changed */
    if (s->be->phase == BE_ACTIVE)
        dbd_ds_reject_unservable_locked(ds, &s->w->outlet);
}

/* One open attempt; mu held on entry and on return. */
static void try_open(worker_state *s)
{
    dbd_datasource *ds = s->ds;
    ds_host *h = s->h;
    const dbd_log *log = ds->env->log;
    char err[512];
    void *conn = NULL;
    dbd_status st;

    err[0] = '\0';
    pthread_mutex_unlock(&ds->mu);
    st = s->be->conn->open(&h->host, h->url, h->opts, h->nopts, &conn, err,
                           sizeof err);
    pthread_mutex_lock(&ds->mu);
    if (st == DBD_OK && conn != NULL) {
        s->conn = conn;
        h->nopen++;
        h->state = DBD_HOST_UP;
        s->backoff_ms = s->be->cfg->reconnect_min_ms;
        s->last_used_mono_us = now_mono_us();
        if (s->ever_open || s->logged_error[0] != '\0')
            log_notice(log, "%sconnection %u open again", h->host_ctx.prefix,
                       s->w->index);
        else
            log_info(log, "%sconnection %u open", h->host_ctx.prefix,
                     s->w->index);
        s->ever_open = true;
        s->logged_error[0] = '\0';
        pthread_cond_broadcast(&ds->work);
        return;
    }
    if (st == DBD_OK) /* a connector bug: OK without a connection */
        snprintf(err, sizeof err, "connector returned no connection");
    else if (err[0] == '\0')
        str_copy(err, sizeof err, dbd_status_text(st));
    {
        unsigned delay = schedule_retry(s);
        /* Repeating the same failure every retry would flood the log. */
        if (strcmp(s->logged_error, err) != 0) {
            log_warnx(log, "%sconnection %u: cannot open: %s (retrying in "
                      "%u ms, backing off up to %u ms)", h->host_ctx.prefix,
                      s->w->index, err, delay, s->be->cfg->reconnect_max_ms);
            str_copy(s->logged_error, sizeof s->logged_error, err);
        } else {
            log_debug(log, "%sconnection %u: still cannot open: %s",
                      h->host_ctx.prefix, s->w->index, err);
        }
    }
    if (h->check == CHECK_PENDING && s->w->index == 0) {
        h->check = CHECK_FAILED;
        /* A connector that refuses the URL or an option (CONFIG) will
         * never connect: fatal for the swap, unlike an unreachable host. */
        h->check_status = st == DBD_CONFIG ? DBD_CONFIG : DBD_UNAVAILABLE;
        snprintf(h->check_msg, sizeof h->check_msg, "cannot connect to %s: "
                 "%s", h->url_redacted, err);
        dbd_replyq_notify(ds->env->replies);
    }
    host_failed(s, err, true);
}

/* The connection broke (a job, a ping or a check said so); mu held. */
static void connection_broken(worker_state *s, const char *why)
{
    ds_host *h = s->h;
    s->be->conn->close(s->conn);
    s->conn = NULL;
    h->nopen--;
    s->backoff_ms = s->be->cfg->reconnect_min_ms;
    log_warnx(s->ds->env->log, "%sconnection %u lost: %s (reconnecting)",
              h->host_ctx.prefix, s->w->index, why);
    str_copy(s->logged_error, sizeof s->logged_error, why);
    /* The first reopen at once: it tells a lost connection (reopened)
     * from a lost server (refused: the host is down now, and requests
     * fail fast instead of waiting for a backoff). */
    s->next_try_mono_us = now_mono_us();
    host_failed(s, why, false);
}

/* Stops a check's query after its first row. */
static int check_columns(void *ctx, size_t n, const char *const *names,
                         const dbd_type *types)
{
    (void)ctx;
    (void)n;
    (void)names;
    (void)types;
    return 0;
}

static int check_row(void *ctx, const dbd_value *values)
{
    bool *got_row = ctx;
    (void)values;
    *got_row = true;
    return 1;
}

/* A swap's check of this host: ping, then every table answers a query.
 * Runs outside the lock; the verdict is stored under it.  Returns true
 * when the connection broke. */
static bool run_check(worker_state *s)
{
    dbd_datasource *ds = s->ds;
    ds_host *h = s->h;
    const struct dbd_connector *c = s->be->conn;
    bool got_row = false;
    dbd_sink sink = {.ctx = &got_row, .columns = check_columns,
                     .row = check_row};
    dbd_exec_info info;
    dbd_status st = DBD_OK;
    char msg[600] = "";

    pthread_mutex_unlock(&ds->mu);
    dbd_exec_info_init(&info);
    if (c->ping != NULL)
        st = c->ping(s->conn, &info);
    if (st != DBD_OK)
        snprintf(msg, sizeof msg, "%s: ping failed: %s", h->url_redacted,
                 info.msg[0] != '\0' ? info.msg : dbd_status_text(st));
    for (size_t i = 0; st == DBD_OK && i < s->be->ncheck_tables; i++) {
        dbd_op op = {.kind = DBD_OP_QUERY,
                     .table = s->be->check_tables[i],
                     .limit = (c->caps & DBD_CAP_LIMIT) ? 1 : -1};
        dbd_exec_info_init(&info);
        got_row = false;
        st = c->exec(s->conn, &op, &sink, &info);
        if (got_row && st != DBD_UNAVAILABLE)
            st = DBD_OK; /* stopped by us after the first row */
        if (st != DBD_OK)
            snprintf(msg, sizeof msg, "%s: table \"%s\": %s",
                     h->url_redacted, op.table,
                     info.msg[0] != '\0' ? info.msg : dbd_status_text(st));
    }
    pthread_mutex_lock(&ds->mu);
    h->check = st == DBD_OK ? CHECK_OK : CHECK_FAILED;
    h->check_status = st;
    str_copy(h->check_msg, sizeof h->check_msg, msg);
    dbd_replyq_notify(ds->env->replies);
    if (st == DBD_UNAVAILABLE) {
        connection_broken(s, msg);
        return true;
    }
    return false;
}

/* Whether a connection of some other host of be is open; mu held. */
static bool other_open(const dbd_backend *be, const ds_host *h, bool replicas)
{
    for (size_t i = 0; i < be->nhosts; i++) {
        const ds_host *o = &be->hosts[i];
        if (o != h && o->nopen > 0 && (!replicas || !o->primary))
            return true;
    }
    return false;
}

static bool not_failed_here(const void *ctx, const dbd_job *job)
{
    return job->failed_host != ctx;
}

/* The next job this worker's host may serve, or NULL; mu held. */
static dbd_job *take_job(worker_state *s)
{
    dbd_datasource *ds = s->ds;
    const dbd_backend *be = s->be;
    const ds_host *h = s->h;
    dbd_job *job;

    if (ds->retryq.len > 0) {
        job = dbd_queue_take_if(&ds->retryq, not_failed_here, h);
        if (job != NULL)
            return job;
    }
    switch (be->cfg->mode) {
    case DBD_MODE_PRIMARY_REPLICA:
        if (!h->primary)
            return dbd_queue_pop(&ds->rqueue);
        job = dbd_queue_pop(&ds->queue);
        if (job == NULL && !other_open(be, h, true))
            job = dbd_queue_pop(&ds->rqueue);
        return job;
    case DBD_MODE_FAILOVER:
        for (size_t i = 0; i < be->nhosts && &be->hosts[i] != h; i++)
            if (be->hosts[i].nopen > 0)
                return NULL; /* an earlier host serves */
        break;
    default:
        break;
    }
    job = dbd_queue_pop(&ds->queue);
    if (job == NULL)
        job = dbd_queue_pop(&ds->rqueue);
    return job;
}

/* Where a read whose connection broke here may run again: another host
 * that is not down, else another open connection of this host (one
 * connection lost to a server's idle timeout says little about the
 * others).  NULL when nowhere, or when the read was retried once already.
 * The job's failed_host gets the result: a host pointer keeps the read
 * off that host, the worker's pointer matches no host.  own_open is 1
 * while this worker's connection is still counted open.  mu held. */
static const void *retry_target(const worker_state *s, const dbd_job *job,
                                unsigned own_open)
{
    if (job->failed_host != NULL || s->be->phase != BE_ACTIVE)
        return NULL; /* once only */
    for (size_t i = 0; i < s->be->nhosts; i++) {
        const ds_host *o = &s->be->hosts[i];
        if (o != s->h && o->state != DBD_HOST_DOWN)
            return s->h;
    }
    return s->h->nopen > own_open ? (const void *)s->w : NULL;
}

/* Runs one job outside the lock.  True when the connection broke; then
 * *deferred says the job is a read not answered yet (the caller retries
 * it elsewhere or answers it). */
static bool run_job(worker_state *s, dbd_job *job, bool may_defer,
                    bool *deferred, dbd_status *outcome, char *why,
                    size_t whylen)
{
    dbd_datasource *ds = s->ds;
    const dbd_ds_env *env = ds->env;
    dbd_reply_to to = dbd_reply_to_worker(&s->w->outlet, job, env->global,
                                          &ds->counters);
    int64_t now = now_real_us();
    /* The client's max_rows applies when it is the lower one. */
    bool own_rows_limit = job->max_rows > 0 &&
                          (env->max_rows == 0 || job->max_rows < env->max_rows);
    dbd_exec_env x = {
        .c = s->be->conn,
        .conn = s->conn,
        .log = env->log,
        .dsname = s->be->cfg->name,
        .chunk_bytes = env->chunk_bytes,
        .max_rows = own_rows_limit ? job->max_rows : env->max_rows,
        .rows_limit_of = own_rows_limit ? job->ticket.usage : NULL,
        .deferred = may_defer ? deferred : NULL,
        .outcome = outcome,
    };
    dbd_buf held;
    bool broken = false;

    dbd_buf_init(&held);
    dbd_reply_to_ds(&to, s->be->cfg, (int)s->h->index);
    if (dbd_audit_holds_replies(to.audit))
        to.held = &held;
    *deferred = false;
    atomic_fetch_add(&s->h->requests, 1);
    if (now >= job->deadline_us) {
        int64_t waited = (now_mono_us() - job->arrival_mono_us) / 1000;
        dbd_answer_statusf(&to, DBD_TIMEOUT, "deadline passed after %lld ms "
                           "in the queue of datasource \"%s\"; not executed",
                           (long long)waited, s->be->cfg->name);
        goto out;
    }
    broken = dbd_exec_job(&x, job, &to, why, whylen);
out:
    dbd_buf_free(&held);
    return broken;
}

/* A read whose connection broke before any reply: run again elsewhere
 * (retry_target), or answered UNAVAILABLE here.  mu held; the lost
 * connection is already closed and counted. */
static void retry_or_answer(worker_state *s, dbd_job *job, const char *why)
{
    dbd_datasource *ds = s->ds;
    const void *target = ds->stop ? NULL : retry_target(s, job, 0);
    if (target != NULL && job->deadline_us > now_real_us()) {
        job->failed_host = target;
        atomic_fetch_add(&s->h->retried, 1);
        dbd_queue_push_front(&ds->retryq, job);
        dbd_counters_queued(ds->env->global, &ds->counters, 1);
        pthread_cond_broadcast(&ds->work);
        dbd_replyq_notify(ds->env->replies); /* its deadline needs the sweep */
        return;
    }
    pthread_mutex_unlock(&ds->mu);
    {
        dbd_reply_to to = dbd_reply_to_worker(&s->w->outlet, job,
                                              ds->env->global,
                                              &ds->counters);
        dbd_reply_to_ds(&to, s->be->cfg, (int)s->h->index);
        dbd_answer_status(&to, DBD_UNAVAILABLE, why);
    }
    dbd_job_destroy(&job);
    pthread_mutex_lock(&ds->mu);
}

/* An idle connection is pinged every ping_interval, so a connection the
 * server closed (idle timeouts) is noticed here, not by a request.  mu
 * held; released during the ping. */
static void ping_idle(worker_state *s)
{
    dbd_datasource *ds = s->ds;
    const struct dbd_connector *c = s->be->conn;
    dbd_exec_info info;
    dbd_status st;

    pthread_mutex_unlock(&ds->mu);
    dbd_exec_info_init(&info);
    st = c->ping != NULL ? c->ping(s->conn, &info) : DBD_OK;
    pthread_mutex_lock(&ds->mu);
    s->last_used_mono_us = now_mono_us();
    if (st == DBD_UNAVAILABLE)
        connection_broken(s, info.msg[0] != '\0' ? info.msg
                                                 : "ping failed");
}

/* Whether the worker is done; mu held. */
static bool should_exit(const worker_state *s)
{
    const dbd_datasource *ds = s->ds;
    if (s->be->phase == BE_RETIRING)
        return true;
    if (ds->stop) /* the front end took every queued job */
        return true;
    if (ds->closing)
        return ds->queue.len == 0 && ds->rqueue.len == 0 &&
               ds->retryq.len == 0;
    return false;
}

/* Waits for work, a state change or the next ping; mu held. */
static void idle_wait(worker_state *s)
{
    unsigned ping = s->be->cfg->ping_interval_ms;
    if (ping == 0 || s->conn == NULL) {
        pthread_cond_wait(&s->ds->work, &s->ds->mu);
    } else {
        int64_t due = s->last_used_mono_us + (int64_t)ping * 1000;
        if (now_mono_us() >= due) {
            ping_idle(s);
        } else {
            struct timespec until = mono_timespec(due);
            pthread_cond_timedwait(&s->ds->work, &s->ds->mu, &until);
        }
    }
}

/* The tables a job used successfully, for a swap to check on the next
 * backend (a failed request may name a table that does not exist); mu
 * held. */
static void note_tables_locked(dbd_datasource *ds, const dbd_op *op)
{
    if (op->table != NULL)
        dbd_ds_note_table_locked(ds, op->table);
    for (size_t i = 0; i < op->nops; i++)
        if (op->ops[i].table != NULL)
            dbd_ds_note_table_locked(ds, op->ops[i].table);
}

/* Takes and runs one job if there is one for this host; mu held. */
static bool serve_one(worker_state *s)
{
    dbd_datasource *ds = s->ds;
    dbd_counters *global = ds->env->global;
    dbd_job *job = take_job(s);
    char why[512];
    bool broken, deferred, may_defer;
    dbd_status outcome = DBD_INTERNAL;

    if (job == NULL)
        return false;
    s->w->current = job;
    may_defer = is_read(job) && retry_target(s, job, 1) != NULL;
    /* in_flight first: the drain check must always find the job in
     * one of the two gauges. */
    dbd_counters_in_flight(global, &ds->counters, 1);
    dbd_counters_queued(global, &ds->counters, -1);
    pthread_mutex_unlock(&ds->mu);

    why[0] = '\0';
    broken = run_job(s, job, may_defer, &deferred, &outcome, why, sizeof why);
    pthread_mutex_lock(&ds->mu);
    if (outcome == DBD_OK)
        note_tables_locked(ds, &job->req->op);
    s->w->current = NULL;
    s->last_used_mono_us = now_mono_us();
    if (broken)
        connection_broken(s, why[0] != '\0' ? why : "connection broken");
    if (deferred)
        retry_or_answer(s, job, why[0] != '\0' ? why : "connection broken");
    else
        dbd_job_destroy(&job);
    /* after a requeue: the drain check must always see the job */
    dbd_counters_in_flight(global, &ds->counters, -1);
    return true;
}

void *dbd_worker_main(void *arg)
{
    dbd_worker *w = arg;
    ds_host *h = w->host;
    dbd_backend *be = h->be;
    dbd_datasource *ds = be->ds;
    worker_state s = {
        .w = w,
        .h = h,
        .be = be,
        .ds = ds,
        .backoff_ms = be->cfg->reconnect_min_ms,
        .seed = (unsigned)now_mono_us() ^
                ((h->index * 64 + w->index) * 2654435761u),
    };

    w->outlet.send = worker_send;
    w->outlet.ctx = ds->env->replies;
    pthread_mutex_lock(&ds->mu);
    while (!should_exit(&s)) {
        if (s.conn == NULL) {
            struct timespec until;
            if (now_mono_us() >= s.next_try_mono_us) {
                try_open(&s);
                continue;
            }
            until = mono_timespec(s.next_try_mono_us);
            pthread_cond_timedwait(&ds->retry, &ds->mu, &until);
            continue;
        }
        if (h->check == CHECK_PENDING && w->index == 0) {
            run_check(&s);
            continue;
        }
        if (be->phase == BE_STANDBY || !serve_one(&s))
            idle_wait(&s);
    }
    if (s.conn != NULL)
        h->nopen--;
    be->nlive--;
    if (ds->closing) /* the others may be done too */
        pthread_cond_broadcast(&ds->work);
    pthread_mutex_unlock(&ds->mu);
    if (s.conn != NULL)
        be->conn->close(s.conn);
    /* The last word of this worker: the front end counts these. */
    dbd_replyq_exit(ds->env->replies);
    return NULL;
}
