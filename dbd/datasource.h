/*
 * datasource.h - one named datasource: its connector, a bounded queue of
 * jobs and a pool of worker threads, each with its own connection.
 *
 * The front end submits jobs and never waits on a backend: submit() only
 * takes the queue lock.  Workers connect in the background with
 * exponential backoff; while no host that could serve a job has a
 * connection or a pending attempt, submit() refuses it at once with the
 * last connection error.  A datasource whose connector could not be loaded
 * has no workers and refuses every job with CONFIG.  The inside is
 * described in ds_internal.h.
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
    DBD_HEALTH_DOWN,       /* none open, every host failed (or no connector) */
} dbd_health;

/* One backend host (URL) of a datasource. */
typedef enum dbd_host_state {
    DBD_HOST_CONNECTING, /* first connection attempts running */
    DBD_HOST_UP,         /* connections open, none lost since */
    DBD_HOST_SUSPECT,    /* a connection was lost or could not be opened;
                          * reconnecting, still tried */
    DBD_HOST_DOWN,       /* no connection and the last attempt failed:
                          * skipped until a retry succeeds */
} dbd_host_state;

typedef struct dbd_host_info {
    const char *url;        /* masked */
    const char *role;       /* "primary", "replica" or "member" */
    dbd_host_state state;
    unsigned open;
    uint64_t requests, errors, retried;
    char last_error[512];   /* "" when none */
} dbd_host_info;

typedef struct dbd_datasource dbd_datasource;

/*
 * Copies cfg, loads the connector (a failure is kept and reported, not
 * fatal) and prepares the queues; starts no thread.  reg and env must
 * outlive the datasource.  NULL on allocation failure.
 */
dbd_datasource *dbd_datasource_new(const dbd_ds_config *cfg,
                                   dbd_registry *reg, const dbd_ds_env *env);
/* Starts the workers, adding their number to *started (each sends one
 * exit message through the reply queue when it ends).  0, or -1 (logged)
 * when a thread could not be created; workers already started run on. */
int dbd_datasource_start(dbd_datasource *ds, size_t *started);
/* Joins every worker (all must have ended) and frees everything. */
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
/* Asks every worker to exit once idle and returns the jobs still queued
 * (the caller answers them).  Idempotent. */
dbd_job *dbd_datasource_stop(dbd_datasource *ds);

/*
 * Front-end housekeeping, called often: frees retired generations whose
 * workers ended, and past their drain deadline answers TIMEOUT the jobs
 * their workers still run (the late reply is dropped) and, for a closing
 * datasource, the jobs still queued.  outlet sends those answers.
 * Returns true while anything is left to drain.
 */
bool dbd_datasource_maintain(dbd_datasource *ds, int64_t now_mono_us,
                             const dbd_outlet *outlet);
/* Whether every worker of ds has ended (closing or stopped). */
bool dbd_datasource_idle(dbd_datasource *ds);

/* --- swap and reload (swap.c) --- */

/*
 * Starts a swap to url (one or more URLs) and mode (NULL: keep): a new
 * generation is opened next to the current one and checked (connect,
 * ping, every table noted or configured).  DBD_OK when it started (poll
 * with dbd_datasource_swap_poll); else the reason in msg (BAD, CONFIG,
 * and BUSY while another swap runs) and nothing changed.
 */
dbd_status dbd_datasource_swap_begin(dbd_datasource *ds, const char *url,
                                     const char *mode, size_t *started,
                                     char *msg, size_t msglen);
/*
 * 0 while the check runs.  1 when it ended: DBD_OK in *st means the new
 * generation is current and the old one is retiring (drained until
 * drain_deadline_mono_us); another status means the swap was refused,
 * with the reason in msg, and the old generation stays.
 */
int dbd_datasource_swap_poll(dbd_datasource *ds, int64_t drain_deadline_mono_us,
                             dbd_status *st, char *msg, size_t msglen);
/* Gives up a swap still being checked (its deadline passed). */
void dbd_datasource_swap_abort(dbd_datasource *ds);
/*
 * Applies a reloaded configuration of the same name.  Settings the
 * workers use (URLs, mode, pool, options, reconnect, ping) start a new
 * generation at once, without a check, the old one draining until the
 * deadline; the rest (queue, timeout, allow_raw, tables) apply in place.
 * 0, or -1 on allocation failure (nothing changed).
 */
int dbd_datasource_reconfigure(dbd_datasource *ds, const dbd_ds_config *cfg,
                               int64_t drain_deadline_mono_us,
                               size_t *started);
/* Removed by a reload: serves what is queued, then its workers exit;
 * what is left at the deadline is answered TIMEOUT by maintain(). */
void dbd_datasource_close(dbd_datasource *ds, int64_t deadline_mono_us);

/* --- read-only views for the admin operations --- */

const char *dbd_datasource_name(const dbd_datasource *ds);
const dbd_ds_config *dbd_datasource_config(const dbd_datasource *ds);
/* Every URL with its password masked, blank-separated. */
const char *dbd_datasource_url(const dbd_datasource *ds);
/* The same for the backend a swap is checking (NULL when none). */
const char *dbd_datasource_standby_url(const dbd_datasource *ds);
const char *dbd_datasource_scheme(const dbd_datasource *ds);
/* NULL when the connector could not be loaded. */
const struct dbd_connector *dbd_datasource_connector(const dbd_datasource *ds);
/* Why the connector could not be loaded (NULL when it was). */
const char *dbd_datasource_load_error(const dbd_datasource *ds);
dbd_counters *dbd_datasource_counters(dbd_datasource *ds);
dbd_health dbd_datasource_health(dbd_datasource *ds);
const char *dbd_health_name(dbd_health h);
const char *dbd_host_state_name(dbd_host_state s);
unsigned dbd_datasource_open_connections(dbd_datasource *ds);
/* Copies the last connection error ("" when none). */
void dbd_datasource_last_error(dbd_datasource *ds, char *buf, size_t len);
uint64_t dbd_datasource_swaps(const dbd_datasource *ds);
/* Hosts of the current generation. */
size_t dbd_datasource_nhosts(const dbd_datasource *ds);
void dbd_datasource_host_info(dbd_datasource *ds, size_t i,
                              dbd_host_info *out);

#endif
