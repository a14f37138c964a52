/*
 * datasource.h - one named datasource: its connector, a bounded queue of
 * jobs and a pool of worker threads, each with its own connection.
 *
 * The front end submits jobs and never waits on a backend: submit() only
 * takes the queue lock.  Workers connect in the background with
 * exponential backoff; while no connection is open and every worker has
 * tried, the datasource is "down" and submit() refuses at once with the
 * last connection error.  A datasource whose connector could not be loaded
 * has no workers and refuses every job with CONFIG.
 */
#ifndef DBD_DATASOURCE_H
#define DBD_DATASOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "answer.h"
#include "config.h"
#include "dbd_connector.h"
#include "job.h"
#include "log.h"
#include "registry.h"
#include "replyq.h"
#include "stats.h"

/* What every datasource shares; owned by the server, outlives them all. */
typedef struct dbd_ds_env {
    dbd_replyq *replies;        /* to the front end */
    const dbd_log *log;
    dbd_counters *global;
    size_t chunk_bytes;
    uint64_t max_rows;
} dbd_ds_env;

typedef enum dbd_health {
    DBD_HEALTH_UP,         /* at least one connection open */
    DBD_HEALTH_CONNECTING, /* none open yet, first attempts running */
    DBD_HEALTH_DOWN,       /* none open, every worker failed (or no connector) */
} dbd_health;

typedef struct dbd_datasource dbd_datasource;

/*
 * Loads the connector (a failure is kept and reported, not fatal) and
 * prepares the queue; starts no thread.  cfg and env must outlive the
 * datasource.  NULL on allocation failure.
 */
dbd_datasource *dbd_datasource_new(const dbd_ds_config *cfg,
                                   dbd_registry *reg, const dbd_ds_env *env);
/* Starts the workers.  0, or -1 (logged) when a thread or socket could
 * not be created; workers already started keep running. */
int dbd_datasource_start(dbd_datasource *ds);
/* Joins the workers (after dbd_datasource_stop() and their exit), closes
 * their sockets and frees everything. */
void dbd_datasource_destroy(dbd_datasource **pds);

/*
 * Queues job (ownership passes on DBD_OK).  Otherwise the job stays the
 * caller's and msg explains: DBD_CONFIG (no connector), DBD_UNAVAILABLE
 * (down), DBD_BUSY (queue full).
 */
dbd_status dbd_datasource_submit(dbd_datasource *ds, dbd_job *job, char *msg,
                                 size_t msglen);
/* Unlinks queued jobs whose deadline passed; the caller answers them. */
dbd_job *dbd_datasource_take_expired(dbd_datasource *ds, int64_t now_us);
/* Asks the workers to exit once idle and returns the jobs still queued
 * (the caller answers them).  Idempotent. */
dbd_job *dbd_datasource_stop(dbd_datasource *ds);
/* Workers started (each sends one exit message when it ends). */
size_t dbd_datasource_nworkers(const dbd_datasource *ds);

const char *dbd_datasource_name(const dbd_datasource *ds);
const dbd_ds_config *dbd_datasource_config(const dbd_datasource *ds);
/* The URL with its password masked. */
const char *dbd_datasource_url(const dbd_datasource *ds);
const char *dbd_datasource_scheme(const dbd_datasource *ds);
/* NULL when the connector could not be loaded. */
const struct dbd_connector *dbd_datasource_connector(const dbd_datasource *ds);
/* Why the connector could not be loaded (NULL when it was). */
const char *dbd_datasource_load_error(const dbd_datasource *ds);
dbd_counters *dbd_datasource_counters(dbd_datasource *ds);
dbd_health dbd_datasource_health(dbd_datasource *ds);
const char *dbd_health_name(dbd_health h);
unsigned dbd_datasource_open_connections(dbd_datasource *ds);
/* Copies the last connection error ("" when none). */
void dbd_datasource_last_error(dbd_datasource *ds, char *buf, size_t len);

#endif
