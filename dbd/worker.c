/*
 * worker.c - a worker thread of a datasource: keeps one connection open
 * (reopening it with exponential backoff and jitter when it cannot be
 * opened or breaks), takes jobs from the queue while connected and runs
 * them.  Replies go to the front end through its reply queue (replyq.h).
 * When the datasource goes down (no connection and no attempt pending),
 * the worker that noticed answers every queued job UNAVAILABLE, since the
 * front end queues nothing more while the datasource is down.
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
    dbd_datasource *ds;
    void *conn;           /* NULL while disconnected */
    bool tried;           /* a first open attempt was made */
    bool ever_open;
    unsigned backoff_ms;
    int64_t next_try_mono_us;
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
 * jitter, so that workers of one datasource do not retry in step. */
static unsigned schedule_retry(worker_state *s)
{
    unsigned half = s->backoff_ms / 2;
    unsigned delay = half + (unsigned)rand_r(&s->seed) % (half + 1);
    s->next_try_mono_us = now_mono_us() + (int64_t)delay * 1000;
    if (s->backoff_ms < s->ds->cfg->reconnect_max_ms / 2)
        s->backoff_ms *= 2;
    else
        s->backoff_ms = s->ds->cfg->reconnect_max_ms;
    return delay;
}

/* The datasource just went down: answer what is queued.  mu held on entry
 * and on return; released while sending. */
static void reject_queued(worker_state *s)
{
    dbd_datasource *ds = s->ds;
    dbd_job *jobs = dbd_queue_take_all(&ds->queue);
    char msg[600];
    size_t n = 0;

    if (jobs == NULL)
        return;
    snprintf(msg, sizeof msg, "datasource \"%s\" is down: %s", ds->cfg->name,
             ds->last_error);
    pthread_mutex_unlock(&ds->mu);
    while (jobs != NULL) {
        dbd_job *job = jobs;
        dbd_reply_to to;
        jobs = job->next;
        to = dbd_reply_to_job(&s->w->outlet, job, ds->env->global,
                              &ds->counters);
        dbd_answer_status(&to, DBD_UNAVAILABLE, msg);
        dbd_job_destroy(&job);
        n++;
    }
    dbd_counters_queued(ds->env->global, &ds->counters, -(int)n);
    pthread_mutex_lock(&ds->mu);
}

/* One open attempt; mu held on entry and on return. */
static void try_open(worker_state *s)
{
    dbd_datasource *ds = s->ds;
    const dbd_log *log = ds->env->log;
    char err[512];
    void *conn = NULL;
    dbd_status st;

    err[0] = '\0';
    pthread_mutex_unlock(&ds->mu);
    st = ds->conn->open(&ds->host, ds->url, ds->opts, ds->nopts, &conn, err,
                        sizeof err);
    pthread_mutex_lock(&ds->mu);
    if (!s->tried) {
        s->tried = true;
        ds->nconnecting--;
    }
    if (st == DBD_OK && conn != NULL) {
        s->conn = conn;
        ds->nopen++;
        s->backoff_ms = ds->cfg->reconnect_min_ms;
        if (s->ever_open || s->logged_error[0] != '\0')
            log_notice(log, "[%s] connection %u open again", ds->cfg->name,
                       s->w->index);
        else
            log_info(log, "[%s] connection %u open", ds->cfg->name,
                     s->w->index);
        s->ever_open = true;
        s->logged_error[0] = '\0';
        return;
    }
    if (st == DBD_OK) /* a connector bug: OK without a connection */
        snprintf(err, sizeof err, "connector returned no connection");
    else if (err[0] == '\0')
        str_copy(err, sizeof err, dbd_status_text(st));
    str_copy(ds->last_error, sizeof ds->last_error, err);
    {
        unsigned delay = schedule_retry(s);
        /* Repeating the same failure every retry would flood the log. */
        if (strcmp(s->logged_error, err) != 0) {
            log_warnx(log, "[%s] connection %u: cannot open: %s (retrying in "
                      "%u ms, backing off up to %u ms)", ds->cfg->name,
                      s->w->index, err, delay, ds->cfg->reconnect_max_ms);
            str_copy(s->logged_error, sizeof s->logged_error, err);
        } else {
            log_debug(log, "[%s] connection %u: still cannot open: %s",
                      ds->cfg->name, s->w->index, err);
        }
    }
    if (ds_down_locked(ds))
        reject_queued(s);
}

/* Runs one job outside the lock; true when the connection broke. */
static bool run_job(worker_state *s, const dbd_job *job, char *why,
                    size_t whylen)
{
    dbd_datasource *ds = s->ds;
    const dbd_ds_env *env = ds->env;
    dbd_reply_to to = dbd_reply_to_job(&s->w->outlet, job, env->global,
                                       &ds->counters);
    int64_t now = now_real_us();
    dbd_exec_env x = {
        .c = ds->conn,
        .conn = s->conn,
        .log = env->log,
        .dsname = ds->cfg->name,
        .chunk_bytes = env->chunk_bytes,
        .max_rows = env->max_rows,
    };

    if (now >= job->deadline_us) {
        int64_t waited = (now_mono_us() - job->arrival_mono_us) / 1000;
        dbd_answer_statusf(&to, DBD_TIMEOUT, "deadline passed after %lld ms "
                           "in the queue of datasource \"%s\"; not executed",
                           (long long)waited, ds->cfg->name);
        return false;
    }
    return dbd_exec_job(&x, job, &to, why, whylen);
}

/* The connection broke while running a job; mu held. */
static void connection_broken(worker_state *s, const char *why)
{
    dbd_datasource *ds = s->ds;
    ds->nopen--;
    str_copy(ds->last_error, sizeof ds->last_error, why);
    s->backoff_ms = ds->cfg->reconnect_min_ms;
    log_warnx(ds->env->log, "[%s] connection %u lost: %s (reconnecting)",
              ds->cfg->name, s->w->index, why);
    str_copy(s->logged_error, sizeof s->logged_error, why);
    schedule_retry(s);
    if (ds_down_locked(ds))
        reject_queued(s);
}

void *dbd_worker_main(void *arg)
{
    dbd_worker *w = arg;
    dbd_datasource *ds = w->ds;
    dbd_counters *global = ds->env->global;
    worker_state s = {
        .w = w,
        .ds = ds,
        .backoff_ms = ds->cfg->reconnect_min_ms,
        .seed = (unsigned)now_mono_us() ^ (w->index * 2654435761u),
    };

    w->outlet.send = worker_send;
    w->outlet.ctx = ds->env->replies;
    pthread_mutex_lock(&ds->mu);
    for (;;) {
        dbd_job *job;
        char why[512];
        bool broken;

        /* At stop the front end has taken every queued job. */
        if (ds->stop && (s.conn == NULL || ds->queue.len == 0))
            break;
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
        if (ds->queue.len == 0) {
            pthread_cond_wait(&ds->work, &ds->mu);
            continue;
        }
        job = dbd_queue_pop(&ds->queue);
        /* in_flight first: the drain check must always find the job in
         * one of the two gauges. */
        dbd_counters_in_flight(global, &ds->counters, 1);
        dbd_counters_queued(global, &ds->counters, -1);
        pthread_mutex_unlock(&ds->mu);

        why[0] = '\0';
        broken = run_job(&s, job, why, sizeof why);
        dbd_job_destroy(&job);
        if (broken) {
            ds->conn->close(s.conn);
            s.conn = NULL;
        }
        dbd_counters_in_flight(global, &ds->counters, -1);
        pthread_mutex_lock(&ds->mu);
        if (broken)
            connection_broken(&s, why[0] != '\0' ? why : "connection broken");
    }
    if (s.conn != NULL)
        ds->nopen--;
    if (!s.tried)
        ds->nconnecting--;
    pthread_mutex_unlock(&ds->mu);
    if (s.conn != NULL)
        ds->conn->close(s.conn);
    /* The last word of this worker: the front end counts these. */
    dbd_replyq_exit(ds->env->replies);
    return NULL;
}
