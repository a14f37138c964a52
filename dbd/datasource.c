/*
 * datasource.c - a datasource as the front end sees it: creation, the
 * queue it submits to, shutdown and read-only views for the admin
 * operations (see datasource.h).  The workers' side is in worker.c.
 */
#include "ds_internal.h"
#include "strutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static void host_log(void *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* host->log of every connector: through our logger, tagged with the name. */
static void host_log(void *ctx, int level, const char *fmt, ...)
{
    const dbd_host_ctx *hc = ctx;
    va_list ap;
    if (level < LOG_ERR)
        level = LOG_ERR;
    if (level > LOG_DEBUG)
        level = LOG_DEBUG;
    va_start(ap, fmt);
    log_vmsg(hc->log, level, hc->prefix, fmt, ap);
    va_end(ap);
}

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

/* Connector options: the config's option.NAME pairs, then the URL's. */
static int build_options(dbd_datasource *ds)
{
    size_t n = ds->cfg->noptions + ds->url->nparams;
    if (n == 0)
        return 0;
    ds->opts = calloc(n, sizeof *ds->opts);
    if (ds->opts == NULL)
        return -1;
    for (size_t i = 0; i < ds->cfg->noptions; i++)
        ds->opts[ds->nopts++] = ds->cfg->options[i];
    for (size_t i = 0; i < ds->url->nparams; i++)
        ds->opts[ds->nopts++] = ds->url->params[i];
    return 0;
}

dbd_datasource *dbd_datasource_new(const dbd_ds_config *cfg,
                                   dbd_registry *reg, const dbd_ds_env *env)
{
    dbd_datasource *ds = calloc(1, sizeof *ds);
    char err[1024];
    int locks = 0;

    if (ds == NULL)
        return NULL;
    ds->cfg = cfg;
    ds->env = env;
    dbd_counters_init(&ds->counters);
    if (pthread_mutex_init(&ds->mu, NULL) != 0)
        goto fail;
    locks++;
    if (pthread_cond_init(&ds->work, NULL) != 0)
        goto fail;
    locks++;
    if (init_monotonic_cond(&ds->retry) != 0)
        goto fail;
    locks++;
    ds->host_ctx.log = env->log;
    snprintf(ds->host_ctx.prefix, sizeof ds->host_ctx.prefix, "[%s] ",
             cfg->name);
    ds->host.ctx = &ds->host_ctx;
    ds->host.log = host_log;
    ds->url_redacted = dbd_url_redact(cfg->url);
    if (ds->url_redacted == NULL)
        goto fail;
    ds->url = dbd_url_parse(cfg->url, err, sizeof err);
    if (ds->url == NULL) {
        /* The config loader checked it; only memory can make it fail now. */
        log_errx(env->log, "datasource %s: %s", cfg->name, err);
        goto fail;
    }
    if (build_options(ds) != 0)
        goto fail;
    ds->conn = dbd_registry_get(reg, ds->url->scheme, err, sizeof err);
    if (ds->conn == NULL) {
        ds->load_error = strdup(err);
        if (ds->load_error == NULL)
            goto fail;
        str_copy(ds->last_error, sizeof ds->last_error, err);
        log_errx(env->log, "datasource %s: cannot use connector \"%s\"; its "
                 "requests will be answered CONFIG", cfg->name,
                 ds->url->scheme);
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

int dbd_datasource_start(dbd_datasource *ds)
{
    const dbd_ds_env *env = ds->env;
    unsigned pool = ds->cfg->pool;
    int rc = -1;

    if (ds->conn == NULL)
        return 0; /* no connector: nothing to run, requests get CONFIG */
    ds->workers = calloc(pool, sizeof *ds->workers);
    if (ds->workers == NULL) {
        log_errx(env->log, "datasource %s: out of memory", ds->cfg->name);
        return -1;
    }
    pthread_mutex_lock(&ds->mu);
    ds->nconnecting = pool;
    pthread_mutex_unlock(&ds->mu);
    for (unsigned i = 0; i < pool; i++) {
        dbd_worker *w = &ds->workers[i];
        w->ds = ds;
        w->index = i;
        if (pthread_create(&w->thread, NULL, dbd_worker_main, w) != 0) {
            log_errx(env->log, "datasource %s: cannot start worker %u",
                     ds->cfg->name, i);
            goto out;
        }
        w->started = true;
        ds->nworkers++;
    }
    rc = 0;
out:
    if (rc != 0) {
        /* Workers never started will not report a first attempt. */
        pthread_mutex_lock(&ds->mu);
        ds->nconnecting -= pool - (unsigned)ds->nworkers;
        pthread_mutex_unlock(&ds->mu);
    }
    return rc;
}

void dbd_datasource_destroy(dbd_datasource **pds)
{
    dbd_datasource *ds;
    if (pds == NULL || *pds == NULL)
        return;
    ds = *pds;
    if (ds->workers != NULL) {
        for (unsigned i = 0; i < ds->cfg->pool; i++) {
            dbd_worker *w = &ds->workers[i];
            if (w->started)
                pthread_join(w->thread, NULL);
        }
        free(ds->workers);
    }
    /* Jobs left only if the datasource was never stopped. */
    for (dbd_job *j = dbd_queue_take_all(&ds->queue), *next; j != NULL;
         j = next) {
        next = j->next;
        dbd_job_destroy(&j);
    }
    pthread_cond_destroy(&ds->retry);
    pthread_cond_destroy(&ds->work);
    pthread_mutex_destroy(&ds->mu);
    free(ds->opts);
    dbd_url_destroy(&ds->url);
    free(ds->url_redacted);
    free(ds->load_error);
    free(ds);
    *pds = NULL;
}

dbd_status dbd_datasource_submit(dbd_datasource *ds, dbd_job *job, char *msg,
                                 size_t msglen)
{
    dbd_status st = DBD_OK;

    if (ds->conn == NULL) {
        snprintf(msg, msglen, "datasource \"%s\" is misconfigured: %s",
                 ds->cfg->name, ds->load_error);
        return DBD_CONFIG;
    }
    pthread_mutex_lock(&ds->mu);
    if (ds->stop) {
        snprintf(msg, msglen, "dbd is shutting down");
        st = DBD_UNAVAILABLE;
    } else if (ds_down_locked(ds)) {
        snprintf(msg, msglen, "datasource \"%s\" is down: %s", ds->cfg->name,
                 ds->last_error[0] != '\0' ? ds->last_error
                                           : "no connection");
        st = DBD_UNAVAILABLE;
    } else if (ds->queue.len >= ds->cfg->queue) {
        snprintf(msg, msglen, "datasource \"%s\" is busy: %zu requests "
                 "queued (queue = %u)", ds->cfg->name, ds->queue.len,
                 ds->cfg->queue);
        st = DBD_BUSY;
    } else {
        dbd_queue_push(&ds->queue, job);
        dbd_counters_queued(ds->env->global, &ds->counters, 1);
        pthread_cond_signal(&ds->work);
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

dbd_job *dbd_datasource_take_expired(dbd_datasource *ds, int64_t now_us)
{
    dbd_job *jobs;
    pthread_mutex_lock(&ds->mu);
    jobs = dbd_queue_take_expired(&ds->queue, now_us);
    pthread_mutex_unlock(&ds->mu);
    if (jobs != NULL)
        dbd_counters_queued(ds->env->global, &ds->counters,
                            -(int)list_len(jobs));
    return jobs;
}

dbd_job *dbd_datasource_stop(dbd_datasource *ds)
{
    dbd_job *jobs;
    pthread_mutex_lock(&ds->mu);
    jobs = dbd_queue_take_all(&ds->queue);
    ds->stop = true;
    pthread_cond_broadcast(&ds->work);
    pthread_cond_broadcast(&ds->retry);
    pthread_mutex_unlock(&ds->mu);
    if (jobs != NULL)
        dbd_counters_queued(ds->env->global, &ds->counters,
                            -(int)list_len(jobs));
    return jobs;
}

size_t dbd_datasource_nworkers(const dbd_datasource *ds)
{
    return ds->nworkers;
}

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
    return ds->url_redacted;
}

const char *dbd_datasource_scheme(const dbd_datasource *ds)
{
    return ds->url->scheme;
}

const struct dbd_connector *dbd_datasource_connector(const dbd_datasource *ds)
{
    return ds->conn;
}

const char *dbd_datasource_load_error(const dbd_datasource *ds)
{
    return ds->load_error;
}

dbd_counters *dbd_datasource_counters(dbd_datasource *ds)
{
    return &ds->counters;
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

dbd_health dbd_datasource_health(dbd_datasource *ds)
{
    dbd_health h;
    if (ds->conn == NULL)
        return DBD_HEALTH_DOWN;
    pthread_mutex_lock(&ds->mu);
    if (ds->nopen > 0)
        h = DBD_HEALTH_UP;
    else if (ds->nconnecting > 0)
        h = DBD_HEALTH_CONNECTING;
    else
        h = DBD_HEALTH_DOWN;
    pthread_mutex_unlock(&ds->mu);
    return h;
}

unsigned dbd_datasource_open_connections(dbd_datasource *ds)
{
    unsigned n;
    pthread_mutex_lock(&ds->mu);
    n = ds->nopen;
    pthread_mutex_unlock(&ds->mu);
    return n;
}

void dbd_datasource_last_error(dbd_datasource *ds, char *buf, size_t len)
{
    pthread_mutex_lock(&ds->mu);
    str_copy(buf, len, ds->last_error);
    pthread_mutex_unlock(&ds->mu);
}
