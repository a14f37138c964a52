/*
 * answer.h - sending replies.  Replies leave either from the front end (on
 * the ROUTER socket the request came in on) or from a worker (through the
 * reply queue to the front end, which forwards them; replyq.h); an outlet
 * hides which.  Every final reply is counted and audited here, so the
 * stats and the audit trail see each request exactly once.
 */
#ifndef DBD_ANSWER_H
#define DBD_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "codec.h"
#include "config.h"
#include "job.h"
#include "result.h"
#include "stats.h"
#include "status.h"

typedef struct dbd_outlet {
    /* Sends one reply message to client ident on ROUTER socket sock.
     * 0, or -1 when it could not be handed on. */
    int (*send)(void *ctx, uint32_t sock, const void *ident,
                size_t ident_len, const void *body, size_t len);
    void *ctx;
} dbd_outlet;

/* Where a reply goes and what it is counted against. */
typedef struct dbd_reply_to {
    const dbd_outlet *outlet;
    uint32_t sock;
    const void *ident;
    size_t ident_len;
    uint64_t id;
    int64_t arrival_mono_us;
    dbd_counters *global;
    dbd_counters *ds;        /* NULL when no datasource applies */
    atomic_int *claim;       /* the job's (job.h) when a worker answers */
    /* The audit trail (NULL: off) and what its record needs besides the
     * outcome. */
    dbd_audit *audit;
    const dbd_request *req;  /* NULL when the request was not decoded */
    const char *dsname;      /* the datasource, when it exists */
    const dbd_ds_config *dscfg; /* its value policy; NULL: no values */
    int host;                /* the backend host that ran it, -1: none */
    const char *peer;        /* the client's address, or NULL */
    const char *user;        /* its client's name: the CURVE key's or the
                                ipc endpoint's (the record's client), or
                                NULL */
    const char *detail;      /* what else the record says, or NULL */
    const char *client;      /* who, when not a connection (e.g. "dbd") */
    const char *op_name;     /* the op when req is NULL, e.g. "swap" */
    const char *name;        /* the claimed name when req is NULL */
    /* sync = every: the final message waits here for its record (exec.c
     * fills it instead of sending); NULL otherwise. */
    dbd_buf *held;
    /* The job's place in its client's in-flight count, given up with the
     * final answer; NULL when none. */
    dbd_usage_ticket *ticket;
} dbd_reply_to;

/* The reply_to of a queued job, as its worker answers it (claiming it
 * with the first message sent).  Both also fill the audit fields from the
 * job (audit, request, peer); the caller adds dsname, dscfg and host. */
dbd_reply_to dbd_reply_to_worker(const dbd_outlet *o, dbd_job *job,
                                 dbd_counters *global, dbd_counters *ds);
/* The reply_to of a queued job, as the front end answers it. */
dbd_reply_to dbd_reply_to_job(const dbd_outlet *o, dbd_job *job,
                              dbd_counters *global, dbd_counters *ds);

/* The datasource side of a record: its name and value policy (cfg) and
 * the host that ran the request (-1: none). */
static inline void dbd_reply_to_ds(dbd_reply_to *to, const dbd_ds_config *cfg,
                                   int host)
{
    to->dsname = cfg->name;
    to->dscfg = cfg;
    to->host = host;
}

/* A reply with status and message only (msg NULL: the default text).
 * 0, or -1 when it could not be encoded or sent. */
int dbd_answer_status(const dbd_reply_to *to, dbd_status st, const char *msg);
/* printf-style message. */
int dbd_answer_statusf(const dbd_reply_to *to, dbd_status st,
                       const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A complete result in one message. */
int dbd_answer_result(const dbd_reply_to *to, const dbd_result *r);

/* Sends one already encoded message (chunk or final); counts nothing. */
int dbd_answer_raw(const dbd_reply_to *to, const void *body, size_t len);
/*
 * Counts and audits a finished request whose messages were sent with
 * answer_raw; with to->held, sends the held final message once its record
 * is on disk.  rows: result rows sent; affected: rows written (-1: none).
 */
void dbd_answer_count(const dbd_reply_to *to, dbd_status st, uint64_t rows,
                      int64_t affected);

/* Records one answered request in the audit trail (audit_record.c);
 * held, when not NULL, goes out once the record is on disk. */
void dbd_audit_answer(const dbd_reply_to *to, dbd_status st, uint64_t rows,
                      int64_t affected, const dbd_audit_held *held);

#endif
