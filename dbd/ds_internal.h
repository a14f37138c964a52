/*
 * ds_internal.h - the inside of a datasource, shared by datasource.c (the
 * front end's side), backend.c (the backend generations: hosts and their
 * workers), swap.c (switching generations) and worker.c (the workers'
 * side).
 *
 * A datasource keeps its queues for its whole life; what serves them is a
 * backend generation: one host per configured URL, each with `pool`
 * workers, each worker with one connection.  A swap or a reload starts a
 * new generation next to the current one, makes it current in one step
 * under the lock, and retires the old one: its workers finish the job they
 * run and exit.  Everything below `mu` in each struct is protected by the
 * datasource's mu.
 */
#ifndef DBD_DS_INTERNAL_H
#define DBD_DS_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "datasource.h"

struct dbd_backend;
struct ds_host;

typedef struct dbd_worker {
    struct ds_host *host;
    unsigned index;
    pthread_t thread;
    bool started;
    dbd_outlet outlet;
    dbd_job *current;     /* the job being run (mu) */
} dbd_worker;

/* Context of the connector's host->log. */
typedef struct dbd_host_ctx {
    const dbd_log *log;
    char prefix[DBD_CONF_DS_NAME_MAX + 16]; /* "[name] " or "[name#2] " */
} dbd_host_ctx;

/* Outcome of a swap's check of one host. */
enum { CHECK_NONE, CHECK_PENDING, CHECK_OK, CHECK_FAILED };

typedef struct ds_host {
    struct dbd_backend *be;
    unsigned index;           /* position in the URL list */
    bool primary;             /* primary-replica mode, the first URL */
    dbd_url *url;
    char *url_redacted;
    dbd_option *opts;         /* cfg options then the URL's (borrowed) */
    size_t nopts;
    dbd_host host;
    dbd_host_ctx host_ctx;
    dbd_worker *workers;      /* be->cfg->pool of them */
    atomic_uint_fast64_t requests;
    atomic_uint_fast64_t errors;  /* failed opens, lost connections, pings */
    atomic_uint_fast64_t retried; /* reads handed to another host */

    unsigned nopen;           /* connections open */
    dbd_host_state state;
    char last_error[512];
    int check;                /* CHECK_*: a swap's verdict on this host */
    dbd_status check_status;
    char check_msg[600];
} ds_host;

typedef enum be_phase {
    BE_STANDBY,   /* opened and checked by a swap; takes no job yet */
    BE_ACTIVE,    /* the datasource's current generation */
    BE_RETIRING,  /* replaced: workers finish their job and exit */
} be_phase;

typedef struct dbd_backend {
    struct dbd_datasource *ds;
    dbd_ds_config *cfg;       /* owned: url, mode, pool, reconnect, ping */
    const struct dbd_connector *conn; /* NULL: not loadable */
    char *load_error;
    char *url_redacted;       /* every URL, masked, blank-separated */
    ds_host *hosts;
    size_t nhosts;
    char **check_tables;      /* what a swap checks (owned) */
    size_t ncheck_tables;
    size_t nstarted;          /* workers started */
    int64_t retire_deadline_mono_us;
    bool reaped;              /* stragglers answered at the deadline */
    struct dbd_backend *next; /* in the datasource's retiring list */

    be_phase phase;
    unsigned nlive;           /* workers started and not yet ended */
} dbd_backend;

struct dbd_datasource {
    dbd_ds_config *cfg;       /* owned; the front end's settings */
    const dbd_ds_env *env;
    dbd_registry *reg;
    dbd_counters counters;
    char *tables_seen[DBD_CONF_MAX_TABLES]; /* (mu) served with OK */
    size_t ntables_seen;
    int64_t close_deadline_mono_us; /* removed by a reload: drain until */
    uint64_t swaps;           /* completed (front end only) */

    pthread_mutex_t mu;
    pthread_cond_t work;  /* a job was queued, hosts changed, or stop */
    pthread_cond_t retry; /* disconnected workers wait here; stop */
    dbd_queue queue;      /* writes, and reads when no replica serves */
    dbd_queue rqueue;     /* primary-replica: plain reads */
    dbd_queue retryq;     /* reads to run again on another host */
    dbd_backend *cur;     /* the current generation */
    dbd_backend *standby; /* a swap's new generation being checked */
    dbd_backend *retiring;
    bool stop;            /* shutting down: workers exit */
    bool closing;         /* removed: serve what is queued, then exit */
    char last_error[512];
};

/* Remembers a table a request used successfully; mu held. */
void dbd_ds_note_table_locked(dbd_datasource *ds, const char *table);

/* --- backend.c --- */

/* A generation for cfg (copied) in the given phase; its connector loaded
 * and its hosts prepared, no thread started.  NULL on allocation failure;
 * a connector that cannot be loaded leaves be->conn NULL. */
dbd_backend *dbd_backend_new(dbd_datasource *ds, const dbd_ds_config *cfg,
                             be_phase phase);
/* Starts every worker; 0, or -1 when one could not start (logged). */
int dbd_backend_start(dbd_backend *be);
/* Joins the workers (they must have ended) and frees be. */
void dbd_backend_destroy(dbd_backend **pbe);
/* Tells the workers to end after their current job; mu held. */
void dbd_backend_retire_locked(dbd_backend *be, int64_t deadline_mono_us);
/* Whether no host may take a write (a read) soon; mu held. */
bool dbd_backend_down_locked(const dbd_backend *be, bool read);

/* --- worker.c --- */

/* The worker thread. */
void *dbd_worker_main(void *arg);
/* Answers UNAVAILABLE every queued job that no host of the current
 * generation can serve any more; mu held, released while answering. */
void dbd_ds_reject_unservable_locked(dbd_datasource *ds,
                                     const dbd_outlet *outlet);

#endif
