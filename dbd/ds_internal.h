/*
 * ds_internal.h - the inside of a datasource, shared by datasource.c (the
 * front end's side) and worker.c (the workers' side).  Everything below
 * `mu` is protected by it.
 */
#ifndef DBD_DS_INTERNAL_H
#define DBD_DS_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>

#include "datasource.h"

typedef struct dbd_worker {
    struct dbd_datasource *ds;
    unsigned index;
    pthread_t thread;
    bool started;
    dbd_outlet outlet;
} dbd_worker;

/* Context of the connector's host->log. */
typedef struct dbd_host_ctx {
    const dbd_log *log;
    char prefix[DBD_CONF_DS_NAME_MAX + 8]; /* "[name] " */
} dbd_host_ctx;

struct dbd_datasource {
    const dbd_ds_config *cfg;
    const dbd_ds_env *env;
    const struct dbd_connector *conn; /* NULL: not loadable */
    char *load_error;
    dbd_url *url;
    char *url_redacted;
    dbd_option *opts;    /* cfg->options then the URL's parameters (borrowed) */
    size_t nopts;
    dbd_host host;
    dbd_host_ctx host_ctx;
    dbd_counters counters;
    dbd_worker *workers;
    size_t nworkers;     /* started */

    pthread_mutex_t mu;
    pthread_cond_t work;  /* a job was queued, or stop */
    pthread_cond_t retry; /* disconnected workers wait here; stop */
    dbd_queue queue;
    bool stop;
    unsigned nopen;       /* connections open */
    unsigned nconnecting; /* workers that have not finished a first attempt */
    char last_error[512];
};

/* The worker thread (worker.c). */
void *dbd_worker_main(void *arg);

/* Whether no worker has or may soon have a connection; mu held. */
static inline bool ds_down_locked(const struct dbd_datasource *ds)
{
    return ds->nopen == 0 && ds->nconnecting == 0;
}

#endif
