/*
 * dbd_connector.h - the one header a connector includes.
 *
 * A connector is a shared object that exports exactly one symbol,
 *
 *     const struct dbd_connector dbd_connector = { .abi = DBD_CONNECTOR_ABI, ... };
 *
 * filled with designated initializers.  The daemon dlopen()s it, checks
 * .abi before reading anything else, then .size (the struct may only grow
 * at the end), and refuses a mismatch with a clear message.  A connector
 * never links daemon symbols: what it needs from the host comes in
 * struct dbd_host.
 *
 * Threading: the daemon calls one connection from one thread at a time;
 * distinct connections may be used concurrently from distinct threads.
 * open() and close() may run on any thread.
 *
 * Requests reach a connector validated (proto/request.h): identifiers match
 * the strict pattern of ident.h, required fields are present.  Values must
 * always be bound as parameters, never pasted into statement text.
 */
#ifndef DBD_CONNECTOR_H
#define DBD_CONNECTOR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../proto/request.h"
#include "../proto/status.h"
#include "../proto/url.h"
#include "../proto/value.h"

#define DBD_CONNECTOR_ABI 0x64626401u /* "dbd" + ABI revision 1 */
#define DBD_CONNECTOR_SYMBOL "dbd_connector"

/* Capability bits: what a connector can do; the rest it refuses with
 * DBD_UNSUPPORTED.  The daemon checks them before calling. */
enum {
    DBD_CAP_QUERY = 1u << 0,
    DBD_CAP_INSERT = 1u << 1,
    DBD_CAP_UPDATE = 1u << 2,
    DBD_CAP_DELETE = 1u << 3,
    DBD_CAP_REPLACE = 1u << 4,
    DBD_CAP_TRANSACTION = 1u << 5, /* begin/commit/rollback: atomic batch */
    DBD_CAP_RAW = 1u << 6,
    DBD_CAP_ORDER = 1u << 7,
    DBD_CAP_LIMIT = 1u << 8,
    DBD_CAP_BITAND = 1u << 9,
    DBD_CAP_LAST_ID = 1u << 10,
    DBD_CAP_UNIQUE = 1u << 11,      /* enforces unique keys: CONSTRAINT on a duplicate */
};

/* Log levels passed to host->log, as syslog's. */
enum { DBD_LOG_ERR = 3, DBD_LOG_WARNING = 4, DBD_LOG_NOTICE = 5,
       DBD_LOG_INFO = 6, DBD_LOG_DEBUG = 7 };

/* Services the daemon lends a connector. */
typedef struct dbd_host {
    void *ctx;
    /* printf-style; the daemon adds time, level and the datasource name. */
    void (*log)(void *ctx, int level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
} dbd_host;

/*
 * Where a connector delivers result rows.  columns() is called once before
 * the first row (also for an empty result); row() once per row with ncols
 * values that need to stay valid only during the call.  A non-zero return
 * asks the connector to stop, release the statement and return
 * DBD_INTERNAL (the daemon already knows why).
 */
typedef struct dbd_sink {
    void *ctx;
    int (*columns)(void *ctx, size_t n, const char *const *names,
                   const dbd_type *types);
    int (*row)(void *ctx, const dbd_value *values);
} dbd_sink;

/* What an operation reports besides its rows. */
typedef struct dbd_exec_info {
    int64_t affected;  /* rows changed; -1 when not applicable */
    int64_t last_id;   /* auto-increment id of an insert; 0 when none */
    char msg[512];     /* why, when the status is not DBD_OK */
} dbd_exec_info;

/*
 * Every function returns a dbd_status.  DBD_UNAVAILABLE means the
 * connection is broken: the daemon closes it and reconnects; any other
 * status leaves the connection usable.  Native errors are mapped onto the
 * status table (a unique-key violation is DBD_CONSTRAINT, a missing table or
 * column DBD_NOTFOUND, a lock wait that timed out DBD_TIMEOUT or DBD_BUSY).
 */
struct dbd_connector {
    uint32_t abi;              /* DBD_CONNECTOR_ABI; checked first */
    uint32_t size;             /* sizeof(struct dbd_connector) when built */
    const char *scheme;        /* URL scheme it serves, e.g. "sqlite" */
    const char *description;   /* one line for logs and dbctl */
    uint64_t caps;             /* DBD_CAP_* */

    /* Opens one connection.  opts are the datasource's connector options
     * (config keys "option.NAME") followed by the URL's ?k=v parameters. */
    dbd_status (*open)(const dbd_host *host, const dbd_url *url,
                       const dbd_option *opts, size_t nopts, void **conn,
                       char *err, size_t errlen);
    void (*close)(void *conn);
    /* Cheap liveness check. */
    dbd_status (*ping)(void *conn, dbd_exec_info *info);
    /* query/insert/update/delete/replace (never batch or raw). */
    dbd_status (*exec)(void *conn, const dbd_op *op, const dbd_sink *sink,
                       dbd_exec_info *info);
    /* Transactions for atomic batches (DBD_CAP_TRANSACTION). */
    dbd_status (*begin)(void *conn, dbd_exec_info *info);
    dbd_status (*commit)(void *conn, dbd_exec_info *info);
    dbd_status (*rollback)(void *conn, dbd_exec_info *info);
    /* Backend-native text with positional parameters (DBD_CAP_RAW). */
    dbd_status (*raw)(void *conn, const char *text, size_t len,
                      const dbd_value *params, size_t nparams,
                      const dbd_sink *sink, dbd_exec_info *info);
    /* New fields go here, at the end. */
};

/*
 * Helpers every connector uses; inline, so they add nothing to the ABI.
 */

/* The info a call fills: the caller's, or scratch when it passed NULL,
 * reset to "nothing to report". */
static inline dbd_exec_info *dbd_exec_info_begin(dbd_exec_info *info,
                                                 dbd_exec_info *scratch)
{
    if (info == NULL)
        info = scratch;
    info->affected = -1;
    info->last_id = 0;
    info->msg[0] = '\0';
    return info;
}

/* Logs through the daemon when there is one (unit tests pass no host). */
static inline void dbd_host_logf(const dbd_host *host, int level,
                                 const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline void dbd_host_logf(const dbd_host *host, int level,
                                 const char *fmt, ...)
{
    if (host == NULL || host->log == NULL)
        return;
    char line[1024]; /* room for a backend's message and its context */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    host->log(host->ctx, level, "%s", line);
}

#endif
