/*
 * audit_json.h - the JSON text of one audit record, up to where the hash
 * chain takes over (audit_chain.h adds "prev" and "hash").
 *
 * A record is one JSON object on one line, keys in this fixed order:
 *   {"ts":"2026-11-26T17:52:00.123456Z","seq":7,"client":"...",
 *    "name":"sipproxy w1","peer":"127.0.0.1","ds":"sq","host":0,
 *    "op":"query","table":"subscriber","cols":["username"],
 *    "values":[["username","=","alice"]],"status":"OK","rows":1,
 *    "latency_us":123,"id":42,"detail":"...","prev":"<64 hex>",
 *    "hash":"<64 hex>"}
 * This module writes everything from "{" up to, not including, ",\"prev\"";
 * the writer thread, which alone knows a record's place in the trail, writes
 * the head ("ts" and "seq") and the producer the rest.
 *
 * Optional keys are left out when absent: "name", "peer", "ds", "table" and
 * "detail" when NULL, "host" when -1, "rows" when -1, "values" when the
 * policy is NONE.  "cols" is always written (possibly []), and "values" is
 * written (possibly []) whenever the policy prints values, so a reader sees
 * one shape per policy.  "values" is a list of [column, how, value]: how is
 * a condition operator ("=", "<>", "<", ">", "<=", ">=", "&", "in",
 * "null", "notnull"), "set" for an assigned value, or "param" for a raw
 * statement's parameter; "in" has a list of values.
 *
 * Strings are escaped per RFC 8259; bytes that are not valid UTF-8 become
 * \u00XX each, so the line is always valid single-line JSON whatever the
 * client sent.  The record borrows all its strings and values.
 */
#ifndef DBD_AUDIT_JSON_H
#define DBD_AUDIT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"
#include "value.h"

/* How much of the request's values a record shows. */
typedef enum dbd_audit_values {
    DBD_AUDIT_VALUES_NONE = 0, /* no "values" key */
    DBD_AUDIT_VALUES_MASKED,   /* every value as "***" */
    DBD_AUDIT_VALUES_FULL      /* values as JSON; secret columns as "***" */
} dbd_audit_values;

/* One value of a request: a condition, an assignment or a parameter. */
typedef struct dbd_audit_pair {
    const char *name;
    dbd_value value;         /* unused when list is set */
    const char *how;         /* NULL means "=" */
    const dbd_value *list;   /* "in": the list (nlist >= 1), else NULL */
    size_t nlist;
} dbd_audit_pair;

typedef struct dbd_audit_record {
    int64_t ts_us;               /* when the request arrived, UTC epoch µs */
    uint64_t seq;                /* position in the audit trail */
    const char *client;          /* who sent it; required */
    const char *name;            /* the name it claims, or NULL */
    const char *peer;            /* its network address, or NULL */
    const char *ds;              /* datasource, or NULL */
    int host;                    /* backend host index, -1 = none */
    const char *op;              /* "query", "insert", ...; required */
    const char *table;           /* or NULL */
    const char *const *cols;     /* column names in conditions and
                                    assignments, request order, each once */
    size_t ncols;
    const dbd_audit_pair *values;
    size_t nvalues;
    dbd_status status;           /* printed by name */
    int64_t rows;                /* rows returned or affected, -1 = absent */
    int64_t latency_us;
    uint64_t id;                 /* the request's id */
    const char *detail;          /* what else to say, or NULL */
} dbd_audit_record;

/* The column names always masked when values are printed: password, ha1,
 * ha1b (Kamailio's credentials).  Used when secret is NULL. */
extern const char *const dbd_audit_default_secrets[];
#define DBD_AUDIT_DEFAULT_NSECRETS 3

/*
 * Appends r's JSON from "{" up to, excluding, ",\"prev\"" to out.  secret
 * lists nsecret column names whose values are always "***" (exact,
 * case-sensitive match); secret NULL means dbd_audit_default_secrets.
 * Returns 0, or -1 when r, r->client or r->op is NULL, a count is non-zero
 * with a NULL array, a name is NULL, the policy is unknown, out is
 * already failed or memory ran out; on failure out is cut back to its
 * length before the call.
 */
int dbd_audit_json_body(const dbd_audit_record *r, dbd_audit_values policy,
                        const char *const *secret, size_t nsecret,
                        dbd_buf *out);

/* The two halves of dbd_audit_json_body: the head is {"ts":...,"seq":N
 * and the rest everything after it; same rules and returns. */
int dbd_audit_json_head(int64_t ts_us, uint64_t seq, dbd_buf *out);
int dbd_audit_json_rest(const dbd_audit_record *r, dbd_audit_values policy,
                        const char *const *secret, size_t nsecret,
                        dbd_buf *out);

/*
 * Appends s[0..len) as a JSON string (quotes included), escaped as above.
 * 0, or -1 on allocation failure.  Exposed for the chain and the tests.
 */
int dbd_audit_json_string(dbd_buf *out, const char *s, size_t len);

#endif
