/*
 * registrar.h - the registrar's decisions (RFC 3261 section 10.3) as pure
 * functions: which dbd requests read an AoR's bindings, and what one
 * REGISTER changes in the location table.  No I/O and no clock: the caller
 * passes "now" in and sends the requests these functions build.
 *
 * Expired bindings: a row whose expires is at or before now is expired; it
 * is never matched, returned or picked, and reg_plan_make() deletes the
 * AoR's expired rows in the same batch as its other writes (a single
 * write goes alone, not as a batch).  (Kamailio
 * treats an expires of 0 as "permanent"; this registrar does not.)
 */
#ifndef SIP_REGISTRAR_H
#define SIP_REGISTRAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "request.h"
#include "result.h"

/* Size of the buffer reg_plan_make() hands to new_ruid: the location
 * table's ruid column holds 64 characters. */
#define REG_RUID_MAX 65

typedef struct reg_limits { int64_t min_s, max_s, default_s; } reg_limits;

typedef struct reg_contact {      /* one Contact of the REGISTER (borrowed strings) */
    const char *uri;               /* the URI only, e.g. "sip:alice@192.0.2.1:5060" */
    int64_t expires_s;             /* the contact's expires param, -1 when absent */
    double q;                      /* -1 when absent (then 1.0) */
    const char *instance;          /* +sip.instance param or NULL */
    int64_t reg_id;                /* reg-id param or 0 */
} reg_contact;

typedef struct reg_binding {       /* a location row as the registrar uses it (owned strings) */
    char *ruid, *contact, *callid, *user_agent, *received, *path, *socket, *instance;
    int64_t expires_us, last_modified_us, cseq, reg_id;
    double q;
} reg_binding;

typedef struct reg_request {       /* everything the registrar needs from one REGISTER */
    const char *username, *domain;     /* AoR; domain NULL = no domain column value */
    const char *callid; int64_t cseq;
    bool star;                         /* Contact: * */
    int64_t header_expires_s;          /* Expires header, -1 when absent */
    const reg_contact *contacts; size_t ncontacts;
    const char *user_agent, *received, *socket, *path;  /* received/path may be NULL */
    int64_t now_us;
} reg_request;

typedef struct reg_plan {
    int code;                          /* 200, 400 (bad / out-of-order CSeq / star misuse), 423 */
    const char *reason;                /* reason phrase for code (static) */
    int64_t min_expires_s;             /* for 423: the Min-Expires value */
    dbd_request *writes;               /* a batch (atomic) of insert/update/delete on the
                                          location table, plus deletes of this AoR's expired
                                          rows, or that one operation alone when there is
                                          only one; NULL when nothing to write; owned */
    reg_binding *current; size_t ncurrent; /* bindings after the writes, for the 200 OK's
                                          Contact list (expires remaining = (expires_us-now)/1e6) */
} reg_plan;

/* The query of the AoR's bindings (all columns reg_binding needs), unexpired or not. */
dbd_request *reg_query_bindings(const char *ds, const char *table, const char *username,
                                const char *domain);
/* Rows of that query into bindings; -1 with err on a missing column or bad type. */
int reg_bindings_from_result(const dbd_result *r, reg_binding **out, size_t *n,
                             char *err, size_t errlen);
void reg_bindings_free(reg_binding *b, size_t n);

/*
 * The ruid of a binding rq adds for contact_uri: "uloc-" + 40 hex of
 * SHA-256 over AoR, Call-ID, CSeq and contact.  Deterministic, so that two
 * copies of one REGISTER handled at once (a retransmission while the
 * first is parked) collide on the location table's unique ruid instead of
 * adding the binding twice.
 */
void reg_ruid_derive(const reg_request *rq, const char *contact_uri,
                     char out[REG_RUID_MAX]);

/*
 * RFC 3261 10.3 steps 6-8 over existing bindings. new_ruid(ctx, buf, len)
 * fills a unique ruid (len is REG_RUID_MAX; it is called once per new
 * binding); new_ruid NULL uses reg_ruid_derive().  Returns 0 (plan filled,
 * code set) or -1 on memory exhaustion (then *out holds nothing to free).
 *
 * Outcomes:
 *   200  writes = the batch (or NULL), current = every binding the AoR has
 *        after the writes, unexpired, highest q first, then the most
 *        recently modified, then existing before new ones.
 *        A retransmission (an unexpired binding holds the request's
 *        Call-ID and the same CSeq) writes nothing: writes NULL, current =
 *        the bindings as they are.
 *   400  "Invalid Contact *" (star with other contacts or Expires != 0),
 *        "Out-of-order CSeq" (a binding with the same Call-ID holds a
 *        higher CSeq than the request's), "Bad Request" (missing AoR,
 *        Call-ID or contact URI, q outside 0..1); no writes, no current.
 *   423  "Interval Too Brief", min_expires_s set; no writes, no current.
 */
int reg_plan_make(const reg_request *rq, const reg_limits *lim,
                  const reg_binding *existing, size_t nexisting,
                  const char *ds, const char *table,
                  void (*new_ruid)(void *ctx, char *buf, size_t len), void *ctx,
                  reg_plan *out);
void reg_plan_free(reg_plan *p);

/* Lookup for routing to a local user: unexpired bindings of the AoR. */
dbd_request *reg_query_lookup(const char *ds, const char *table, const char *username,
                              const char *domain, int64_t now_us);
/* Best binding: highest q, then latest last_modified; skips expired ones. -1 when none. */
int reg_pick_best(const reg_binding *b, size_t n, int64_t now_us);

#endif
