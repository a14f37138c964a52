/*
 * job.h - one data request on its way from the front end to a worker: the
 * decoded request, where the reply goes (ROUTER socket index and client
 * identity), when it arrived and when it expires.  A job is owned by
 * exactly one party at a time: the front end, a datasource queue, or the
 * worker executing it.
 */
#ifndef DBD_JOB_H
#define DBD_JOB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client_usage.h"
#include "request.h"

#define DBD_IDENT_BYTES 255 /* ZeroMQ routing ids are at most 255 bytes */
#define DBD_PEER_BYTES 64   /* an IPv6 address and a NUL fit */
#define DBD_USER_BYTES 65   /* an allow-list name (1..64) and a NUL */

typedef struct dbd_job {
    struct dbd_job *next;   /* queue link */
    dbd_request *req;       /* owned */
    uint32_t sock;          /* index of the ROUTER socket it came in on */
    size_t ident_len;
    unsigned char ident[DBD_IDENT_BYTES];
    int64_t arrival_mono_us;
    int64_t deadline_us;    /* UTC epoch; always set for queued jobs */
    /* Who answers: DBD_CLAIM_NONE until the worker sends its first reply
     * message (WORKER) or the front end gives up on a straggler (FRONT);
     * the loser sends nothing, so a client never gets two answers. */
    atomic_int claim;
    const void *failed_host; /* a read to retry elsewhere: where it failed */
    struct dbd_audit *audit; /* the trail its answer is recorded in, or NULL */
    char peer[DBD_PEER_BYTES]; /* the client's address, "" when unknown */
    char user[DBD_USER_BYTES]; /* its client's name, "" when none */
    uint64_t max_rows;      /* its client's limit per result; 0: none */
    dbd_usage_ticket ticket; /* its place in its client's in-flight count */
} dbd_job;

enum { DBD_CLAIM_NONE, DBD_CLAIM_WORKER, DBD_CLAIM_FRONT };

/* Takes ownership of *preq (cleared).  NULL on allocation failure or an
 * identity longer than DBD_IDENT_BYTES. */
dbd_job *dbd_job_new(dbd_request **preq, uint32_t sock, const void *ident,
                     size_t ident_len, int64_t arrival_mono_us,
                     int64_t deadline_us);
void dbd_job_destroy(dbd_job **pjob);

/* A FIFO of jobs; the owner does the locking. */
typedef struct dbd_queue {
    dbd_job *head;
    dbd_job *tail;
    size_t len;
} dbd_queue;

void dbd_queue_push(dbd_queue *q, dbd_job *job);
/* NULL when empty. */
dbd_job *dbd_queue_pop(dbd_queue *q);
/* Unlinks every job whose deadline is <= now_us and returns them as a
 * list (linked through next), oldest first. */
dbd_job *dbd_queue_take_expired(dbd_queue *q, int64_t now_us);
/* Puts job first (a read handed back for another host). */
void dbd_queue_push_front(dbd_queue *q, dbd_job *job);
/* Unlinks and returns the first job for which accept(ctx, job) is true;
 * NULL when none. */
dbd_job *dbd_queue_take_if(dbd_queue *q,
                           bool (*accept)(const void *ctx, const dbd_job *job),
                           const void *ctx);
/* Unlinks and returns every job. */
dbd_job *dbd_queue_take_all(dbd_queue *q);

#endif
