/*
 * datasource.c - a datasource as the front end sees it: creation, the
 * queues it submits to, housekeeping of retired generations, shutdown and
 * read-only views for the admin operations (see datasource.h).  Swaps and
 * reloads are in swap.c, generations in backend.c, workers in worker.c.
 */
#include "ds_internal.h"
#include "strutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

/* Retry waits are timed on CLOCK_MONOTONIC so a clock step cannot stall
 * reconnection. */
static int init_monotonic_cond(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    int rc;
    if (pthread_condattr_init(&attr) != 0)
        return -1;
    rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
    return rc == 0 ? 0 : -1;
}

dbd_datasource *dbd_datasource_new(const dbd_ds_config *cfg,
                                   dbd_registry *reg, const dbd_ds_env *env)
{
    dbd_datasource *ds = calloc(1, sizeof *ds);
    int locks = 0;

    if (ds == NULL)
        return NULL;
    ds->env = env;
    ds->reg = reg;
    dbd_counters_init(&ds->counters);
    if (pthread_mutex_init(&ds->mu, NULL) != 0)
        goto fail;
    locks++;
    /* Workers wait on work with a timeout (pings): monotonic too. */
    if (init_monotonic_cond(&ds->work) != 0)
        goto fail;
    locks++;
    if (init_monotonic_cond(&ds->retry) != 0)
        goto fail;
    locks++;
    ds->cfg = dbd_ds_config_dup(cfg);
    if (ds->cfg == NULL)
        goto fail;
    ds->cur = dbd_backend_new(ds, cfg, BE_ACTIVE);
    if (ds->cur == NULL)
        goto fail;
    if (ds->cur->conn == NULL) {
        str_copy(ds->last_error, sizeof ds->last_error, ds->cur->load_error);
        log_errx(env->log, "datasource %s: %s; its requests will be answered "
                 "CONFIG", cfg->name, ds->cur->load_error);
    }
    return ds;
fail:
    if (locks < 3) {
        /* Undo only what was initialised; destroy() expects all three. */
        if (locks > 1)
            pthread_cond_destroy(&ds->work);
        if (locks > 0)
            pthread_mutex_destroy(&ds->mu);
        free(ds);
        return NULL;
    }
    dbd_datasource_destroy(&ds);
    return NULL;
}

int dbd_datasource_start(dbd_datasource *ds, size_t *started)
{
    int rc = dbd_backend_start(ds->cur);
    *started += ds->cur->nstarted;
    return rc;
}

static void free_jobs(dbd_job *j)
{
    for (dbd_job *next; j != NULL; j = next) {
        next = j->next;
        dbd_job_destroy(&j);
    }
}

void dbd_datasource_destroy(dbd_datasource **pds)
{
    dbd_datasource *ds;
    if (pds == NULL || *pds == NULL)
        return;
    ds = *pds;
    dbd_backend_destroy(&ds->cur);
    dbd_backend_destroy(&ds->standby);
    while (ds->retiring != NULL) {
        dbd_backend *be = ds->retiring;
        ds->retiring = be->next;
        dbd_backend_destroy(&be);
    }
    /* Jobs left only if the datasource was never stopped. */
    free_jobs(dbd_queue_take_all(&ds->queue));
    free_jobs(dbd_queue_take_all(&ds->rqueue));
    free_jobs(dbd_queue_take_all(&ds->retryq));
    for (size_t i = 0; i < ds->ntables_seen; i++)
        free(ds->tables_seen[i]);
    pthread_cond_destroy(&ds->retry);
    pthread_cond_destroy(&ds->work);
    pthread_mutex_destroy(&ds->mu);
    dbd_ds_config_free(&ds->cfg);
    free(ds);
    *pds = NULL;
}

dbd_status dbd_datasource_submit(dbd_datasource *ds, dbd_job *job, char *msg,
                                 size_t msglen)
{
    dbd_backend *be = ds->cur;
    bool read = job->req->op.kind == DBD_OP_QUERY;
    dbd_status st = DBD_OK;
    size_t queued;

    if (be->conn == NULL) {
        snprintf(msg, msglen, "datasource \"%s\" is misconfigured: %s",
                 ds->cfg->name, be->load_error);
        return DBD_CONFIG;
    }
    pthread_mutex_lock(&ds->mu);
    queued = ds->queue.len + ds->rqueue.len + ds->retryq.len;
    if (ds->stop) {
        snprintf(msg, msglen, "dbd is shutting down");
        st = DBD_UNAVAILABLE;
    } else if (dbd_backend_down_locked(be, read)) {
        snprintf(msg, msglen, "datasource \"%s\" is down: %s", ds->cfg->name,
                 ds->last_error[0] != '\0' ? ds->last_error
                                           : "no connection");
        st = DBD_UNAVAILABLE;
    } else if (queued >= ds->cfg->queue) {
        snprintf(msg, msglen, "datasource \"%s\" is busy: %zu requests "
                 "queued (queue = %u)", ds->cfg->name, queued,
                 ds->cfg->queue);
        st = DBD_BUSY;
    } else {
        bool to_replicas = read && be->cfg->mode == DBD_MODE_PRIMARY_REPLICA;
        dbd_queue_push(to_replicas ? &ds->rqueue : &ds->queue, job);
        dbd_counters_queued(ds->env->global, &ds->counters, 1);
        /* With one host any idle worker will do; with several, only some
         * may take this job, so all must look. */
        if (be->nhosts == 1 && ds->standby == NULL)
            pthread_cond_signal(&ds->work);
        else
            pthread_cond_broadcast(&ds->work);
    }
    pthread_mutex_unlock(&ds->mu);
    return st;
}

static size_t list_len(const dbd_job *j)
{
    size_t n = 0;
    for (; j != NULL; j = j->next)
        n++;
    return n;
}

/* Appends list b to list a; returns the head. */
static dbd_job *list_join(dbd_job *a, dbd_job *b)
{
    dbd_job **tail = &a;
    while (*tail != NULL)
        tail = &(*tail)->next;
    *tail = b;
    return a;
}

dbd_job *dbd_datasource_take_expired(dbd_datasource *ds, int64_t now_us)
{
    dbd_job *jobs;
    pthread_mutex_lock(&ds->mu);
    jobs = dbd_queue_take_expired(&ds->queue, now_us);
    jobs = list_join(jobs, dbd_queue_take_expired(&ds->rqueue, now_us));
    jobs = list_join(jobs, dbd_queue_take_expired(&ds->retryq, now_us));
    pthread_mutex_unlock(&ds->mu);
    if (jobs != NULL)
        dbd_counters_queued(ds->env->global, &ds->counters,
                            -(int)list_len(jobs));
    return jobs;
}

/* Takes every queued job; mu held. */
static dbd_job *take_all_locked(dbd_datasource *ds)
{
    dbd_job *jobs = dbd_queue_take_all(&ds->queue);
    jobs = list_join(jobs, dbd_queue_take_all(&ds->rqueue));
    return list_join(jobs, dbd_queue_take_all(&ds->retryq));
}

dbd_job *dbd_datasource_stop(dbd_datasource *ds)
{
    dbd_job *jobs;
    pthread_mutex_lock(&ds->mu);
    jobs = take_all_locked(ds);
    ds->stop = true;
    pthread_cond_broadcast(&ds->work);
    pthread_cond_broadcast(&ds->retry);
    pthread_mutex_unlock(&ds->mu);
    if (jobs != NULL)
        dbd_counters_queued(ds->env->global, &ds->counters,
                            -(int)list_len(jobs));
    return jobs;
}

void dbd_ds_note_table_locked(dbd_datasource *ds, const char *table)
{
    char *copy;
    for (size_t i = 0; i < ds->ntables_seen; i++)
        if (strcmp(ds->tables_seen[i], table) == 0)
            return;
    if (ds->ntables_seen == DBD_CONF_MAX_TABLES)
        return; /* a swap checks the first ones only */
    copy = strdup(table);
    if (copy != NULL) /* without memory the check is only shorter */
        ds->tables_seen[ds->ntables_seen++] = copy;
}

/* Past the drain deadline: the jobs the workers of be still run are
 * answered TIMEOUT now; their late replies will be dropped.  mu held. */
static void reap_stragglers(dbd_backend *be, const dbd_outlet *outlet,
                            const char *why)
{
    dbd_datasource *ds = be->ds;
    be->reaped = true;
    for (size_t i = 0; i < be->nhosts; i++) {
        ds_host *h = &be->hosts[i];
        for (unsigned k = 0; k < be->cfg->pool; k++) {
            dbd_job *job = h->workers[k].current;
            int expected = DBD_CLAIM_NONE;
            dbd_reply_to to;
            if (job == NULL ||
                !atomic_compare_exchange_strong(&job->claim, &expected,
                                                DBD_CLAIM_FRONT))
                continue; /* idle, or already sending its own reply */
            to = dbd_reply_to_job(outlet, job, ds->env->global,
                                  &ds->counters);
            dbd_reply_to_ds(&to, ds->cfg, (int)h->index);
            dbd_answer_status(&to, DBD_TIMEOUT, why);
        }
    }
}

bool dbd_datasource_maintain(dbd_datasource *ds, int64_t now_mono_us,
                             const dbd_outlet *outlet)
{
    dbd_backend *done = NULL;
    dbd_job *late = NULL;
    bool pending;
    char why[256];

    pthread_mutex_lock(&ds->mu);
    for (dbd_backend **p = &ds->retiring; *p != NULL;) {
        dbd_backend *be = *p;
        if (be->nlive == 0) {
            *p = be->next;
            be->next = done;
            done = be;
            continue;
        }
        if (!be->reaped && now_mono_us >= be->retire_deadline_mono_us) {
            snprintf(why, sizeof why, "datasource \"%s\" switched backends "
                     "and this request did not finish within drain_timeout; "
                     "its outcome is unknown", ds->cfg->name);
            reap_stragglers(be, outlet, why);
        }
        p = &be->next;
    }
    if (ds->closing && ds->close_deadline_mono_us != 0 &&
        now_mono_us >= ds->close_deadline_mono_us && !ds->cur->reaped) {
        snprintf(why, sizeof why, "datasource \"%s\" was removed by a reload "
                 "and this request did not finish within drain_timeout",
                 ds->cfg->name);
        late = take_all_locked(ds);
        reap_stragglers(ds->cur, outlet, why);
    }
    pending = ds->retiring != NULL || (ds->closing && ds->cur->nlive > 0);
    pthread_mutex_unlock(&ds->mu);
    if (late != NULL) {
        dbd_counters_queued(ds->env->global, &ds->counters,
                            -(int)list_len(late));
        while (late != NULL) {
            dbd_job *job = late;
            dbd_reply_to to;
            late = job->next;
            to = dbd_reply_to_job(outlet, job, ds->env->global,
                                  &ds->counters);
            dbd_reply_to_ds(&to, ds->cfg, -1);
            dbd_answer_status(&to, DBD_TIMEOUT, why);
            dbd_job_destroy(&job);
        }
    }
    while (done != NULL) {
        dbd_backend *be = done;
        done = be->next;
        log_info(ds->env->log, "[%s] old backend %s closed", ds->cfg->name,
                 be->url_redacted);
        dbd_backend_destroy(&be);
    }
    return pending;
}

bool dbd_datasource_idle(dbd_datasource *ds)
{
    bool idle;
    pthread_mutex_lock(&ds->mu);
    idle = ds->cur->nlive == 0 && ds->retiring == NULL &&
           (ds->standby == NULL || ds->standby->nlive == 0);
    pthread_mutex_unlock(&ds->mu);
    return idle;
}

void dbd_datasource_close(dbd_datasource *ds, int64_t deadline_mono_us)
{
    pthread_mutex_lock(&ds->mu);
    ds->closing = true;
    ds->close_deadline_mono_us = deadline_mono_us;
    pthread_cond_broadcast(&ds->work);
    pthread_cond_broadcast(&ds->retry);
    pthread_mutex_unlock(&ds->mu);
}

/* --- views --- */

const char *dbd_datasource_name(const dbd_datasource *ds)
{
    return ds->cfg->name;
}

const dbd_ds_config *dbd_datasource_config(const dbd_datasource *ds)
{
    return ds->cfg;
}

const char *dbd_datasource_url(const dbd_datasource *ds)
{
    return ds->cur->url_redacted;
}

const char *dbd_datasource_standby_url(const dbd_datasource *ds)
{
    return ds->standby != NULL ? ds->standby->url_redacted : NULL;
}

const char *dbd_datasource_scheme(const dbd_datasource *ds)
{
    return ds->cur->hosts[0].url->scheme;
}

const struct dbd_connector *dbd_datasource_connector(const dbd_datasource *ds)
{
    return ds->cur->conn;
}

const char *dbd_datasource_load_error(const dbd_datasource *ds)
{
    return ds->cur->load_error;
}

dbd_counters *dbd_datasource_counters(dbd_datasource *ds)
{
    return &ds->counters;
}

uint64_t dbd_datasource_swaps(const dbd_datasource *ds)
{
    return ds->swaps;
}

const char *dbd_health_name(dbd_health h)
{
    switch (h) {
    case DBD_HEALTH_UP:
        return "up";
    case DBD_HEALTH_CONNECTING:
        return "connecting";
    case DBD_HEALTH_DOWN:
        break;
    }
    return "down";
}

const char *dbd_host_state_name(dbd_host_state s)
{
    switch (s) {
    case DBD_HOST_CONNECTING:
        return "connecting";
    case DBD_HOST_UP:
        return "up";
    case DBD_HOST_SUSPECT:
        return "suspect";
    case DBD_HOST_DOWN:
        break;
    }
    return "down";
}

dbd_health dbd_datasource_health(dbd_datasource *ds)
{
    dbd_health h = DBD_HEALTH_DOWN;
    if (ds->cur->conn == NULL)
        return DBD_HEALTH_DOWN;
    pthread_mutex_lock(&ds->mu);
    for (size_t i = 0; i < ds->cur->nhosts; i++) {
        const ds_host *host = &ds->cur->hosts[i];
        if (host->nopen > 0)
            h = DBD_HEALTH_UP;
        else if (h == DBD_HEALTH_DOWN && host->state != DBD_HOST_DOWN)
            h = DBD_HEALTH_CONNECTING;
    }
    pthread_mutex_unlock(&ds->mu);
    return h;
}

unsigned dbd_datasource_open_connections(dbd_datasource *ds)
{
    unsigned n = 0;
    pthread_mutex_lock(&ds->mu);
    for (size_t i = 0; i < ds->cur->nhosts; i++)
        n += ds->cur->hosts[i].nopen;
    pthread_mutex_unlock(&ds->mu);
    return n;
}

void dbd_datasource_last_error(dbd_datasource *ds, char *buf, size_t len)
{
    pthread_mutex_lock(&ds->mu);
    str_copy(buf, len, ds->last_error);
    pthread_mutex_unlock(&ds->mu);
}

size_t dbd_datasource_nhosts(const dbd_datasource *ds)
{
    return ds->cur->nhosts;
}

void dbd_datasource_host_info(dbd_datasource *ds, size_t i,
                              dbd_host_info *out)
{
    const dbd_backend *be = ds->cur;
    const ds_host *h = &be->hosts[i];
    out->url = h->url_redacted;
    out->role = be->cfg->mode != DBD_MODE_PRIMARY_REPLICA ? "member"
                : h->primary                              ? "primary"
                                                          : "replica";
    out->requests = atomic_load(&h->requests);
    out->errors = atomic_load(&h->errors);
    out->retried = atomic_load(&h->retried);
    pthread_mutex_lock(&ds->mu);
    out->state = h->state;
    out->open = h->nopen;
    str_copy(out->last_error, sizeof out->last_error, h->last_error);
    pthread_mutex_unlock(&ds->mu);
}
