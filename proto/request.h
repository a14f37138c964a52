/*
 * request.h - the request model shared by the codec, the client library,
 * the daemon and the connectors.
 *
 * A dbd_request owns an arena; every string, array and value reachable from
 * it lives there and dies with dbd_request_destroy().  Identifiers (table,
 * column and key names) are NUL-terminated strings that have passed
 * dbd_ident_valid() by the time a connector sees them.
 *
 * Builders return 0 on success and -1 on allocation failure or a bad
 * argument; they copy every string and value they are given.
 */
#ifndef DBD_REQUEST_H
#define DBD_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "value.h"

#define DBD_PROTOCOL_VERSION 1     /* the version this code speaks */
#define DBD_PROTOCOL_MIN_VERSION 1 /* the oldest it still accepts */

/* Operation names on the wire are the lowercase names after DBD_OP_. */
typedef enum dbd_op_kind {
    DBD_OP_PING = 0,
    DBD_OP_QUERY,
    DBD_OP_INSERT,
    DBD_OP_UPDATE,
    DBD_OP_DELETE,
    DBD_OP_REPLACE,
    DBD_OP_BATCH,
    DBD_OP_RAW,
    DBD_OP_DATASOURCES,
    DBD_OP_STATS,
    /* Admin ops added later (MIGRATE stays reserved: UNSUPPORTED). */
    DBD_OP_SWAP,
    DBD_OP_RELOAD,
    DBD_OP_MIGRATE,
    DBD_OP_AUDIT,
    DBD_OP_HOSTS,     /* admin: the backend hosts of every datasource */
    DBD_OP_COUNT
} dbd_op_kind;

/* "ping", "query", ...; NULL when out of range. Static storage. */
const char *dbd_op_name(dbd_op_kind k);
bool dbd_op_from_name(const char *name, size_t len, dbd_op_kind *out);
/* true for ops that change data (insert, update, delete, replace, batch, raw). */
bool dbd_op_writes(dbd_op_kind k);
/* true for ops that name no datasource (ping, datasources, stats, reload,
 * hosts, audit). */
bool dbd_op_is_admin(dbd_op_kind k);

/* Condition operators; wire names in the comments. */
typedef enum dbd_cmp {
    DBD_CMP_EQ = 0,  /* "="  */
    DBD_CMP_NE,      /* "<>" */
    DBD_CMP_LT,      /* "<"  */
    DBD_CMP_GT,      /* ">"  */
    DBD_CMP_LE,      /* "<=" */
    DBD_CMP_GE,      /* ">=" */
    DBD_CMP_BITAND,  /* "&": (column & value) != 0 */
    DBD_CMP_IN,      /* "in": value is one of list[0..nlist) (nlist >= 1) */
    DBD_CMP_ISNULL,  /* "null": column IS NULL, no value */
    DBD_CMP_NOTNULL, /* "notnull": column IS NOT NULL, no value */
    DBD_CMP_COUNT
} dbd_cmp;

const char *dbd_cmp_name(dbd_cmp c);
bool dbd_cmp_from_name(const char *name, size_t len, dbd_cmp *out);

/*
 * Comparison with NULL follows SQL: "=", "<>", "<", ... and "in" with a NULL
 * value match no row (use "null"/"notnull" to test for NULL).
 */
typedef struct dbd_cond {
    const char *column;
    dbd_cmp cmp;
    dbd_value value;       /* unused for IN, ISNULL, NOTNULL */
    const dbd_value *list; /* IN only */
    size_t nlist;
} dbd_cond;

typedef struct dbd_order {
    const char *column;
    bool desc;
} dbd_order;

typedef struct dbd_assign {
    const char *column;
    dbd_value value;
} dbd_assign;

/*
 * One operation.  Which fields mean something depends on kind:
 *   QUERY    table, columns (0 = every column, in table order), where,
 *            order, limit (-1 = none), offset (0 = none)
 *   INSERT   table, values
 *   UPDATE   table, values (the SET list), where (may be empty: every row)
 *   DELETE   table, where (may be empty: every row)
 *   REPLACE  table, values, keys: the unique-key columns, each also present
 *            in values; the row whose keys match is updated, else inserted
 *   BATCH    ops (no nested batch), atomic
 *   RAW      sql (backend-native text), params (bound positionally)
 */
typedef struct dbd_op {
    dbd_op_kind kind;
    const char *table;
    const char **columns;
    size_t ncolumns;
    dbd_cond *where;
    size_t nwhere;
    dbd_order *order;
    size_t norder;
    int64_t limit;
    int64_t offset;
    dbd_assign *values;
    size_t nvalues;
    const char **keys;
    size_t nkeys;
    struct dbd_op *ops;
    size_t nops;
    bool atomic;
    const char *sql;
    size_t sql_len;
    dbd_value *params;
    size_t nparams;
    const char *url;   /* SWAP: the new backend URL(s), space-separated */
    const char *mode;  /* SWAP: failover, round-robin or primary-replica */
    /* Builder bookkeeping, not part of the model: the allocated lengths of
     * the arrays above.  A cap below its count means "exactly the count",
     * so code that fills a dbd_op by hand may leave these zero. */
    struct dbd_op_caps {
        size_t columns, where, order, values, keys, ops, params;
    } cap;
} dbd_op;

typedef struct dbd_arena dbd_arena;

typedef struct dbd_request {
    uint32_t version;       /* protocol version the client speaks */
    uint64_t id;            /* chosen by the client, echoed in the reply */
    const char *datasource; /* NULL for admin ops that name none */
    int64_t deadline_usec;  /* absolute, UTC epoch microseconds; 0 = none */
    int64_t timeout_msec;   /* relative to arrival; 0 = none */
    dbd_op op;
    dbd_arena *arena;       /* owns everything above */
    /* The client's self-declared name ("client" on the wire), NULL when
     * absent: recorded by the audit trail as a claim, not a proof of who
     * sent the request.  In the arena too; set with
     * dbd_request_set_client().  Last, so the fields above keep their
     * places. */
    const char *client;
} dbd_request;

/* The rule for a client name: 1 to DBD_REQUEST_CLIENT_MAX bytes, each
 * printable ASCII (0x20..0x7e). */
#define DBD_REQUEST_CLIENT_MAX 64
/* What a message about a bad client name says after "client: ". */
#define DBD_REQUEST_CLIENT_RULE "must be 1 to 64 printable ASCII characters"
bool dbd_request_client_valid(const char *name, size_t len);

/* Builders (client side).  new() returns NULL on allocation failure. */
dbd_request *dbd_request_new(dbd_op_kind kind, const char *datasource,
                             const char *table);
void dbd_request_destroy(dbd_request **preq);

/*
 * For a batch: appends a sub-operation and returns it (owned by req) for the
 * op builders below; NULL on failure or when req is not a batch.  The
 * returned pointer is invalidated by the next dbd_request_add_op().
 */
dbd_op *dbd_request_add_op(dbd_request *req, dbd_op_kind kind,
                           const char *table);

/* For a swap: the new URL(s) and the mode (NULL: keep the current one),
 * copied into the request.  0, or -1 on allocation failure. */
int dbd_request_set_swap(dbd_request *req, const char *url, const char *mode);

/* The client name (copied into the request; NULL clears it).  0, or -1
 * when the name breaks dbd_request_client_valid() or memory runs out. */
int dbd_request_set_client(dbd_request *req, const char *name);

/* op is &req->op or a pointer from dbd_request_add_op(). */
int dbd_op_add_column(dbd_request *req, dbd_op *op, const char *column);
int dbd_op_add_where(dbd_request *req, dbd_op *op, const char *column,
                     dbd_cmp cmp, const dbd_value *value);
int dbd_op_add_where_in(dbd_request *req, dbd_op *op, const char *column,
                        const dbd_value *list, size_t nlist);
int dbd_op_add_order(dbd_request *req, dbd_op *op, const char *column,
                     bool desc);
int dbd_op_add_value(dbd_request *req, dbd_op *op, const char *column,
                     const dbd_value *value);
int dbd_op_add_key(dbd_request *req, dbd_op *op, const char *column);
int dbd_op_set_raw(dbd_request *req, dbd_op *op, const char *sql,
                   size_t len);
int dbd_op_add_param(dbd_request *req, dbd_op *op, const dbd_value *value);
void dbd_op_set_limit(dbd_op *op, int64_t limit, int64_t offset);

/*
 * Checks what the wire format cannot: identifiers, required fields per op,
 * duplicate columns, keys present in values, IN lists non-empty, no nested
 * batch, limits non-negative.  Returns DBD_OK, or DBD_BAD with a message
 * naming the offending field written to err.  The decoder calls it, so a
 * decoded request is always valid.
 */
dbd_status dbd_request_validate(const dbd_request *req, char *err,
                                size_t errlen);

#endif
