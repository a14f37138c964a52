/*
 * swap.c - switching a datasource to a new backend generation (see
 * datasource.h): by a swap, which opens and checks the new generation
 * before it takes any job, or by a reload, which switches at once.  Either
 * way the switch is one assignment under the lock: queued and new jobs go
 * to the new generation, jobs running on the old one finish there.
 */
#include "ds_internal.h"
#include "strutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_plain_read(const void *ctx, const dbd_job *job)
{
    (void)ctx;
    return job->req->op.kind == DBD_OP_QUERY;
}

/* Makes `next` current and retires the current generation; mu held. */
static void switch_locked(dbd_datasource *ds, dbd_backend *next,
                          int64_t drain_deadline_mono_us)
{
    dbd_backend *old = ds->cur;
    dbd_job *job;

    next->phase = BE_ACTIVE;
    ds->cur = next;
    dbd_backend_retire_locked(old, drain_deadline_mono_us);
    ds->last_error[0] = '\0';
    /* Into primary-replica: queued reads belong to the replicas.  (Out of
     * it, workers of every mode also serve the read queue.) */
    if (next->cfg->mode == DBD_MODE_PRIMARY_REPLICA)
        while ((job = dbd_queue_take_if(&ds->queue, is_plain_read, NULL)) !=
               NULL)
            dbd_queue_push(&ds->rqueue, job);
    /* Reads to retry name a host of the old generation: any host of the
     * new one may take them, none may match that address by chance. */
    for (job = ds->retryq.head; job != NULL; job = job->next)
        job->failed_host = &ds->retryq;
    pthread_cond_broadcast(&ds->work);
}

dbd_status dbd_datasource_swap_begin(dbd_datasource *ds, const char *url,
                                     const char *mode, size_t *started,
                                     char *msg, size_t msglen)
{
    dbd_ds_config *cfg = NULL;
    dbd_backend *be = NULL;
    char **urls = NULL;
    size_t nurls = 0;
    char err[512];
    dbd_status st = DBD_INTERNAL;

    if (ds->standby != NULL) {
        snprintf(msg, msglen, "a swap of datasource \"%s\" is already being "
                 "checked", ds->cfg->name);
        return DBD_BUSY;
    }
    if (ds->closing) {
        snprintf(msg, msglen, "datasource \"%s\" is being removed",
                 ds->cfg->name);
        return DBD_NOTFOUND;
    }
    cfg = dbd_ds_config_dup(ds->cfg);
    if (cfg == NULL)
        goto oom;
    if (mode != NULL && !dbd_ds_mode_from_name(mode, &cfg->mode)) {
        snprintf(msg, msglen, "mode: \"%s\" is not one of failover, "
                 "round-robin, primary-replica", mode);
        st = DBD_BAD;
        goto out;
    }
    int r = dbd_url_list_split(url, &urls, &nurls, err, sizeof err);
    if (r == -2)
        goto oom;
    if (r != 0) {
        snprintf(msg, msglen, "url: %s", err);
        st = DBD_BAD;
        goto out;
    }
    if (cfg->mode == DBD_MODE_PRIMARY_REPLICA && nurls < 2) {
        snprintf(msg, msglen, "mode primary-replica needs at least two URLs "
                 "(the primary first)");
        st = DBD_BAD;
        goto out;
    }
    free(cfg->url);
    cfg->url = strdup(url);
    if (cfg->url == NULL)
        goto oom;
    be = dbd_backend_new(ds, cfg, BE_STANDBY);
    if (be == NULL)
        goto oom;
    if (be->conn == NULL) {
        snprintf(msg, msglen, "%s", be->load_error);
        st = DBD_CONFIG;
        goto out;
    }
    for (size_t i = 0; i < be->nhosts; i++)
        be->hosts[i].check = CHECK_PENDING;
    ds->standby = be;
    if (dbd_backend_start(be) != 0) {
        *started += be->nstarted;
        be = NULL;
        dbd_datasource_swap_abort(ds);
        snprintf(msg, msglen, "cannot start the workers of the new backend");
        st = DBD_INTERNAL;
        goto out;
    }
    *started += be->nstarted;
    be = NULL;
    st = DBD_OK;
    goto out;
oom:
    snprintf(msg, msglen, "out of memory");
    st = DBD_INTERNAL;
out:
    dbd_backend_destroy(&be);
    dbd_url_list_free(urls, nurls);
    dbd_ds_config_free(&cfg);
    return st;
}

/* The verdict of a finished check, or -1 while one runs; mu held.  A
 * failed host is fatal when its tables are wrong (the backend is not what
 * the datasource needs) or when it is the primary; a host that is only
 * unreachable is not, if another host passed. */
static int verdict_locked(const dbd_backend *be, dbd_status *st, char *msg,
                          size_t msglen)
{
    const ds_host *unreachable = NULL;
    bool any_ok = false;

    for (size_t i = 0; i < be->nhosts; i++)
        if (be->hosts[i].check == CHECK_PENDING)
            return -1;
    for (size_t i = 0; i < be->nhosts; i++) {
        const ds_host *h = &be->hosts[i];
        bool fatal;
        if (h->check == CHECK_OK) {
            any_ok = true;
            continue;
        }
        fatal = h->check_status != DBD_UNAVAILABLE || h->primary;
        if (fatal) {
            *st = h->check_status;
            str_copy(msg, msglen, h->check_msg);
            return 1;
        }
        if (unreachable == NULL)
            unreachable = h;
    }
    if (!any_ok) {
        *st = unreachable->check_status;
        str_copy(msg, msglen, unreachable->check_msg);
        return 1;
    }
    *st = DBD_OK;
    msg[0] = '\0';
    return 1;
}

int dbd_datasource_swap_poll(dbd_datasource *ds,
                             int64_t drain_deadline_mono_us, dbd_status *st,
                             char *msg, size_t msglen)
{
    dbd_backend *be = ds->standby;
    int done;

    if (be == NULL) {
        *st = DBD_CONFIG;
        str_copy(msg, msglen, "the swap was cancelled: a configuration "
                 "reload changed the datasource meanwhile");
        return 1;
    }
    pthread_mutex_lock(&ds->mu);
    done = verdict_locked(be, st, msg, msglen);
    if (done == 1) {
        ds->standby = NULL;
        if (*st == DBD_OK) {
            switch_locked(ds, be, drain_deadline_mono_us);
            ds->swaps++;
        } else {
            dbd_backend_retire_locked(be, 0);
        }
    }
    pthread_mutex_unlock(&ds->mu);
    if (done == 1 && *st == DBD_OK) {
        /* The front end's settings follow (views, the next swap). */
        char *url = strdup(be->cfg->url);
        if (url != NULL) {
            free(ds->cfg->url);
            ds->cfg->url = url;
        }
        ds->cfg->mode = be->cfg->mode;
    }
    return done == 1 ? 1 : 0;
}

void dbd_datasource_swap_abort(dbd_datasource *ds)
{
    if (ds->standby == NULL)
        return;
    pthread_mutex_lock(&ds->mu);
    dbd_backend_retire_locked(ds->standby, 0);
    ds->standby = NULL;
    pthread_mutex_unlock(&ds->mu);
}

/* Whether the workers' settings differ, so a new generation is needed. */
static bool workers_differ(const dbd_ds_config *a, const dbd_ds_config *b)
{
    dbd_ds_config x = *a;
    /* Compare with the front end's settings made equal. */
    x.queue = b->queue;
    x.timeout_ms = b->timeout_ms;
    x.allow_raw = b->allow_raw;
    x.tables = b->tables;
    x.ntables = b->ntables;
    x.line = b->line;
    return !dbd_ds_config_equal(&x, b);
}

int dbd_datasource_reconfigure(dbd_datasource *ds, const dbd_ds_config *cfg,
                               int64_t drain_deadline_mono_us,
                               size_t *started)
{
    dbd_ds_config *copy = dbd_ds_config_dup(cfg);
    dbd_backend *be = NULL;
    int rc = -1;

    if (copy == NULL)
        goto out;
    if (workers_differ(ds->cfg, cfg)) {
        be = dbd_backend_new(ds, cfg, BE_STANDBY);
        if (be == NULL)
            goto out;
        if (be->conn == NULL)
            log_errx(ds->env->log, "datasource %s: %s; its requests will be "
                     "answered CONFIG", cfg->name, be->load_error);
        dbd_datasource_swap_abort(ds); /* a reload wins over a swap */
        pthread_mutex_lock(&ds->mu);
        switch_locked(ds, be, drain_deadline_mono_us);
        pthread_mutex_unlock(&ds->mu);
        if (dbd_backend_start(be) != 0)
            log_errx(ds->env->log, "datasource %s: not every worker of the "
                     "new configuration started", cfg->name);
        *started += be->nstarted;
        be = NULL;
    }
    /* Only the front end reads ds->cfg. */
    dbd_ds_config_free(&ds->cfg);
    ds->cfg = copy;
    copy = NULL;
    rc = 0;
out:
    dbd_ds_config_free(&copy);
    return rc;
}
