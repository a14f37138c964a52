/*
 * backend.c - one backend generation of a datasource: a host per URL,
 * each with its connector options and `pool` workers (ds_internal.h).
 */
#include "ds_internal.h"
#include "strutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

static void host_log(void *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* host->log of every connector: through our logger, tagged with the
 * datasource (and the host's position when there are several). */
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

/* Connector options: the config's option.NAME pairs, then the URL's. */
static int build_options(ds_host *h, const dbd_ds_config *cfg)
{
    size_t n = cfg->noptions + h->url->nparams;
    if (n == 0)
        return 0;
    h->opts = calloc(n, sizeof *h->opts);
    if (h->opts == NULL)
        return -1;
    for (size_t i = 0; i < cfg->noptions; i++)
        h->opts[h->nopts++] = cfg->options[i];
    for (size_t i = 0; i < h->url->nparams; i++)
        h->opts[h->nopts++] = h->url->params[i];
    return 0;
}

static int init_host(dbd_backend *be, size_t i, const char *url)
{
    ds_host *h = &be->hosts[i];
    const char *name = be->ds->cfg->name;
    char err[512];

    h->be = be;
    h->index = (unsigned)i;
    h->primary = be->cfg->mode == DBD_MODE_PRIMARY_REPLICA && i == 0;
    h->state = DBD_HOST_CONNECTING;
    h->host_ctx.log = be->ds->env->log;
    if (be->nhosts > 1)
        snprintf(h->host_ctx.prefix, sizeof h->host_ctx.prefix, "[%s#%zu] ",
                 name, i);
    else
        snprintf(h->host_ctx.prefix, sizeof h->host_ctx.prefix, "[%s] ",
                 name);
    h->host.ctx = &h->host_ctx;
    h->host.log = host_log;
    h->url_redacted = dbd_url_redact(url);
    h->url = dbd_url_parse(url, err, sizeof err);
    h->workers = calloc(be->cfg->pool, sizeof *h->workers);
    if (h->url_redacted == NULL || h->url == NULL || h->workers == NULL)
        return -1; /* the syntax was checked before: only memory fails */
    return build_options(h, be->cfg);
}

/* The masked URLs joined by blanks. */
static char *join_redacted(const dbd_backend *be)
{
    size_t len = 1;
    char *s;
    for (size_t i = 0; i < be->nhosts; i++)
        len += strlen(be->hosts[i].url_redacted) + 1;
    s = malloc(len);
    if (s == NULL)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < be->nhosts; i++) {
        if (i > 0)
            strcat(s, " ");
        strcat(s, be->hosts[i].url_redacted);
    }
    return s;
}

/* The tables a swap checks: the ones configured, then the ones seen;
 * mu held. */
static int copy_check_tables_locked(dbd_backend *be)
{
    dbd_datasource *ds = be->ds;
    size_t n = be->cfg->ntables + ds->ntables_seen;
    if (n == 0)
        return 0;
    be->check_tables = calloc(n, sizeof *be->check_tables);
    if (be->check_tables == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *t = i < be->cfg->ntables
                            ? be->cfg->tables[i]
                            : ds->tables_seen[i - be->cfg->ntables];
        bool dup = false;
        for (size_t j = 0; j < be->ncheck_tables; j++)
            dup = dup || strcmp(be->check_tables[j], t) == 0;
        if (dup)
            continue;
        be->check_tables[be->ncheck_tables] = strdup(t);
        if (be->check_tables[be->ncheck_tables] == NULL)
            return -1;
        be->ncheck_tables++;
    }
    return 0;
}

dbd_backend *dbd_backend_new(dbd_datasource *ds, const dbd_ds_config *cfg,
                             be_phase phase)
{
    dbd_backend *be = calloc(1, sizeof *be);
    char **urls = NULL;
    size_t nurls = 0;
    char err[1024];
    int rc;

    if (be == NULL)
        return NULL;
    be->ds = ds;
    be->phase = phase;
    be->cfg = dbd_ds_config_dup(cfg);
    if (be->cfg == NULL)
        goto fail;
    if (dbd_url_list_split(cfg->url, &urls, &nurls, err, sizeof err) != 0) {
        /* Checked by the config loader or the swap: memory only. */
        log_errx(ds->env->log, "datasource %s: %s", cfg->name, err);
        goto fail;
    }
    be->hosts = calloc(nurls, sizeof *be->hosts);
    if (be->hosts == NULL)
        goto fail;
    be->nhosts = nurls;
    for (size_t i = 0; i < nurls; i++)
        if (init_host(be, i, urls[i]) != 0)
            goto fail;
    be->url_redacted = join_redacted(be);
    if (be->url_redacted == NULL)
        goto fail;
    pthread_mutex_lock(&ds->mu);
    rc = copy_check_tables_locked(be);
    pthread_mutex_unlock(&ds->mu);
    if (rc != 0)
        goto fail;
    /* A new generation picks up a module replaced on disk. */
    be->conn = phase == BE_STANDBY
                   ? dbd_registry_get_fresh(ds->reg, be->hosts[0].url->scheme,
                                            err, sizeof err)
                   : dbd_registry_get(ds->reg, be->hosts[0].url->scheme, err,
                                      sizeof err);
    if (be->conn == NULL) {
        be->load_error = strdup(err);
        if (be->load_error == NULL)
            goto fail;
    }
    dbd_url_list_free(urls, nurls);
    return be;
fail:
    dbd_url_list_free(urls, nurls);
    dbd_backend_destroy(&be);
    return NULL;
}

int dbd_backend_start(dbd_backend *be)
{
    dbd_datasource *ds = be->ds;
    unsigned pool = be->cfg->pool;
    int rc = 0;

    if (be->conn == NULL)
        return 0; /* no connector: nothing to run, requests get CONFIG */
    for (size_t i = 0; i < be->nhosts; i++) {
        ds_host *h = &be->hosts[i];
        for (unsigned k = 0; k < pool; k++) {
            dbd_worker *w = &h->workers[k];
            w->host = h;
            w->index = k;
            pthread_mutex_lock(&ds->mu);
            be->nlive++;
            pthread_mutex_unlock(&ds->mu);
            if (pthread_create(&w->thread, NULL, dbd_worker_main, w) != 0) {
                log_errx(ds->env->log, "datasource %s: cannot start a worker",
                         ds->cfg->name);
                pthread_mutex_lock(&ds->mu);
                be->nlive--;
                pthread_mutex_unlock(&ds->mu);
                rc = -1;
                continue;
            }
            w->started = true;
            be->nstarted++;
        }
    }
    return rc;
}

void dbd_backend_destroy(dbd_backend **pbe)
{
    dbd_backend *be;
    if (pbe == NULL || *pbe == NULL)
        return;
    be = *pbe;
    for (size_t i = 0; i < be->nhosts; i++) {
        ds_host *h = &be->hosts[i];
        for (unsigned k = 0; h->workers != NULL && k < be->cfg->pool; k++)
            if (h->workers[k].started)
                pthread_join(h->workers[k].thread, NULL);
        free(h->workers);
        free(h->opts);
        dbd_url_destroy(&h->url);
        free(h->url_redacted);
    }
    free(be->hosts);
    for (size_t i = 0; i < be->ncheck_tables; i++)
        free(be->check_tables[i]);
    free(be->check_tables);
    free(be->url_redacted);
    free(be->load_error);
    dbd_ds_config_free(&be->cfg);
    free(be);
    *pbe = NULL;
}

void dbd_backend_retire_locked(dbd_backend *be, int64_t deadline_mono_us)
{
    dbd_datasource *ds = be->ds;
    be->phase = BE_RETIRING;
    be->retire_deadline_mono_us = deadline_mono_us;
    be->next = ds->retiring;
    ds->retiring = be;
    pthread_cond_broadcast(&ds->work);
    pthread_cond_broadcast(&ds->retry);
}

static bool host_down(const ds_host *h)
{
    return h->state == DBD_HOST_DOWN;
}

bool dbd_backend_down_locked(const dbd_backend *be, bool read)
{
    if (be->cfg->mode == DBD_MODE_PRIMARY_REPLICA && !read)
        return host_down(&be->hosts[0]);
    for (size_t i = 0; i < be->nhosts; i++)
        if (!host_down(&be->hosts[i]))
            return false;
    return true;
}
