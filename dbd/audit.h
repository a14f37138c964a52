/*
 * audit.h - the audit trail (docs/audit.md): one record per answered
 * request, from whichever thread answers it, through one bounded queue to
 * a writer thread.  The writer alone numbers the records ("seq"), seals
 * them into the hash chain (audit_chain.h), appends them to the file
 * (audit_file.h), publishes them on a PUB socket with the datasource as
 * topic and, with sync = every, hands on the replies held back for them
 * once they are on disk.  So the request path formats a record and queues
 * it; it never waits on the disk, except by choice (loss = block, when the
 * queue is full).
 */
#ifndef DBD_AUDIT_H
#define DBD_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit_chain.h"
#include "buf.h"
#include "config.h"
#include "log.h"
#include "replyq.h"

typedef struct dbd_audit dbd_audit;

/* A reply held back until its record is on disk (sync = every). */
typedef struct dbd_audit_held {
    uint32_t sock;
    const void *ident;
    size_t ident_len;
    const void *body;
    size_t len;
} dbd_audit_held;

typedef struct dbd_audit_stats {
    uint64_t records;      /* written (or published when there is no file) */
    uint64_t dropped;      /* queue full (drop), or lost to a write error */
    uint64_t queued;       /* waiting for the writer now */
    uint64_t bytes;        /* written to files */
    uint64_t rotations;    /* by size, and reopens on SIGUSR1 */
    uint64_t write_errors;
    char last_error[256];  /* "" when none */
    char head[DBD_AUDIT_HEX_SIZE + 1]; /* hash of the last record */
} dbd_audit_stats;

/*
 * Starts the trail: continues the chain of cfg->file when it ends in a
 * record, binds cfg->publish, starts the writer and writes a "start"
 * record.  Held replies go to replies.  endpoints (borrowed) name the
 * ROUTER sockets, for the client field; start_detail is the "start"
 * record's detail.  zap, when not NULL, makes a tcp:// publish endpoint a
 * CURVE server like the request endpoints (zap.h).  NULL with err on
 * failure.
 */
struct dbd_zap;
dbd_audit *dbd_audit_open(const dbd_audit_config *cfg,
                          char *const *endpoints, size_t nendpoints,
                          const char *start_detail, void *zctx,
                          struct dbd_zap *zap, dbd_replyq *replies,
                          const dbd_log *log, char *err, size_t errlen);
/* Writes everything queued and a "stop" record, stops the writer, closes
 * the file and the socket.  Accepts NULL; clears *pa. */
void dbd_audit_close(dbd_audit **pa);

/* Whether replies wait for their record to be on disk (sync = every). */
bool dbd_audit_holds_replies(const dbd_audit *a);

/* A record on its way to the writer: taken from the trail's pool (its
 * buffers keep their memory from earlier records), filled by the caller
 * through dbd_audit_entry_rest(), then submitted or dropped. */
typedef struct dbd_audit_entry dbd_audit_entry;

/* NULL when memory ran out. */
dbd_audit_entry *dbd_audit_entry_get(dbd_audit *a);
/* Where the record's JSON after "seq" goes (dbd_audit_json_rest). */
dbd_buf *dbd_audit_entry_rest(dbd_audit_entry *e);
/* Gives back an entry that will not be submitted. */
void dbd_audit_entry_drop(dbd_audit *a, dbd_audit_entry *e);

/*
 * Queues the record in e (taking it): ts_us is its time, topic its
 * datasource name ("" for none).  held, when not NULL, is sent once the
 * record is on disk.  topic and held are copied.  0 when queued; 1 when
 * dropped (loss = drop and the queue is full, or out of memory; counted);
 * with loss = block it waits for space.  A held reply whose record could
 * not be queued is sent at once.
 */
int dbd_audit_submit(dbd_audit *a, dbd_audit_entry *e, int64_t ts_us,
                     const char *topic, const dbd_audit_held *held);

/* SIGUSR1: the writer reopens the file at its next turn. */
void dbd_audit_reopen(dbd_audit *a);
/* Waits until every record queued before the call is written and its
 * held reply handed on. */
void dbd_audit_flush(dbd_audit *a);
void dbd_audit_get_stats(dbd_audit *a, dbd_audit_stats *out);
/* The endpoint of ROUTER socket sock ("?" when out of range). */
const char *dbd_audit_endpoint(const dbd_audit *a, uint32_t sock);

#endif
