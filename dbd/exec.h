/*
 * exec.h - runs one job on an open connection and sends its reply: query
 * results stream through the reply writer in chunks as the connector
 * produces rows; batches run their operations in order (in a transaction
 * when atomic).
 */
#ifndef DBD_EXEC_H
#define DBD_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "answer.h"
#include "dbd_connector.h"
#include "job.h"
#include "log.h"

typedef struct dbd_exec_env {
    const struct dbd_connector *c;
    void *conn;
    const dbd_log *log;
    const char *dsname;
    size_t chunk_bytes;
    uint64_t max_rows;    /* per result; 0 = unlimited */
    /* Non-NULL when max_rows is the client's own limit: a result cut by
     * it counts in this client's limited_total. */
    dbd_client_usage *rows_limit_of;
    /* Non-NULL: a single operation whose connection breaks before any row
     * was sent is not answered; *deferred is set instead, so that the
     * caller can run it elsewhere. */
    bool *deferred;
    dbd_status *outcome;  /* non-NULL: gets the status the client got */
} dbd_exec_env;

/* Runs one operation other than batch (ping, raw or a table op) on the
 * connection; rows go to sink. */
dbd_status dbd_exec_op(const dbd_exec_env *x, const dbd_op *op,
                       const dbd_sink *sink, dbd_exec_info *info);
/* affected -1, last_id 0, empty message. */
void dbd_exec_info_init(dbd_exec_info *info);
/* A result was cut at max_rows: counted against the client whose limit
 * it was. */
static inline void dbd_exec_count_cut(const dbd_exec_env *x)
{
    if (x->rows_limit_of != NULL)
        atomic_fetch_add(&x->rows_limit_of->limited_total, 1);
}

/*
 * Executes job and sends its reply (every message of it) to `to`, counting
 * it.  Returns true when the connector said the connection is broken
 * (DBD_UNAVAILABLE): the caller closes and reopens it.  *why gets the
 * connector's message then (at least whylen bytes).
 */
bool dbd_exec_job(const dbd_exec_env *x, const dbd_job *job,
                  const dbd_reply_to *to, char *why, size_t whylen);

#endif
