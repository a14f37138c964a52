/*
 * sqlite_int.h - inside the sqlite connector: the connection and the
 * helpers its files share.  Nothing here is exported from the module (only
 * the descriptor dbd_connector is); the unit test links the same objects
 * and may use these too.
 */
#ifndef DBD_SQLITE_INT_H
#define DBD_SQLITE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "../dbd_connector.h"
#include "../sql/sqlbuild.h"
#include "../sql/stmtcache.h"

/* ---- options (sqlite_opts.c) ---- */

typedef struct sqlc_opts {
    int busy_timeout_ms;      /* busy_timeout, default 5000 */
    const char *journal_mode; /* journal_mode, canonical upper case */
    bool journal_mode_given;  /* set explicitly (applied even when ro) */
    const char *synchronous;  /* synchronous, canonical upper case */
    bool foreign_keys;        /* foreign_keys, default on */
    bool cache_size_given;
    int cache_size;           /* cache_size, PRAGMA semantics */
    long long mmap_size;      /* mmap_size in bytes, default 256 MiB; 0 off */
    bool create;              /* create, default yes */
    bool readonly;            /* mode=ro */
    size_t stmt_cache;        /* stmt_cache: prepared statements kept */
} sqlc_opts;

/* Fills o with the defaults, then applies opts in order (later wins).
 * Keys may carry the config prefix "option.".  DBD_CONFIG with a message
 * naming the option on an unknown option or a bad value. */
dbd_status sqlc_opts_parse(sqlc_opts *o, const dbd_option *opts, size_t n,
                           char *err, size_t errlen);

/* ---- column facts of cached statements (sqlite_rows.c) ---- */

/*
 * What sqlc_stream() works out about a statement's result columns, kept
 * with the cached statement (as its area in the statement cache) so that a
 * repeated query does not work it out again.  SQLite re-prepares a
 * statement after a schema change, which may change its columns, so the
 * work is redone when its re-prepare count moves.
 */
typedef struct sqlc_cols {
    bool known;        /* decl holds n types for the count below */
    int reprepares;    /* SQLITE_STMTSTATUS_REPREPARE when worked out */
    size_t n;
    dbd_type *decl;    /* declared dbd type per column (sqlc_decl_type) */
    size_t cap;
} sqlc_cols;

void sqlc_cols_free(sqlc_cols *cols);

/* ---- the connection (sqlite.c) ---- */

/* Per-row working arrays of sqlc_stream(), kept by the connection so that
 * a query allocates nothing for them once they are large enough. */
typedef struct sqlc_row_space {
    size_t cap;          /* columns each array has room for */
    const char **names;
    dbd_type *types;     /* reported: declared, else the first row's */
    dbd_type *decl;      /* declared, when the statement keeps none */
    dbd_value *vals;
} sqlc_row_space;

typedef struct sqlc_conn {
    sqlite3 *db;
    const dbd_host *host;  /* may be NULL (tests) */
    dbd_stmt_cache *cache; /* prepared statements with their sqlc_cols */
    dbd_sql_stmt *sql;     /* reused statement builder */
    sqlc_row_space rows;
    char *path;
} sqlc_conn;

#define sqlc_log(c, ...) dbd_host_logf((c)->host, __VA_ARGS__)

/* ---- errors (sqlite_error.c) ---- */

/* The dbd status for an SQLite result code (extended or primary) and its
 * message (which tells a missing table or column from other errors). */
dbd_status sqlc_status_of(int rc, const char *msg);
/* Maps the connection's last error and writes "what: errmsg (sqlite
 * code N)" to msg.  rc is the code the failing call returned. */
dbd_status sqlc_error(sqlite3 *db, int rc, const char *what, char *msg,
                      size_t msglen);

/* ---- binding (sqlite_bind.c) ---- */

/* Binds vals[0..n) to parameters 1..n.  Strings and blobs are bound
 * without copying: they must outlive the statement's execution. */
dbd_status sqlc_bind_all(sqlite3 *db, sqlite3_stmt *st, const dbd_value *vals,
                         size_t n, dbd_exec_info *info);

/* ---- rows (sqlite_rows.c) ---- */

/* The dbd type of a declared column type; DBD_TYPE_NULL for none. */
dbd_type sqlc_decl_type(const char *decl);
/* Frees the working arrays; the space is empty again. */
void sqlc_row_space_free(sqlc_row_space *rs);
/* Steps st to the end, reporting columns (also for no rows) and rows to
 * sink.  cols are st's cached column facts (NULL: not cached), used when
 * still current and filled in otherwise.  DBD_INTERNAL when the sink asks
 * to stop. */
dbd_status sqlc_stream(sqlc_conn *c, sqlite3_stmt *st, sqlc_cols *cols,
                       const dbd_sink *sink, dbd_exec_info *info);

/* ---- statements (sqlite_stmt.c) ---- */

/* The connection's statement cache: at most capacity statements, each
 * with its sqlc_cols; NULL on allocation failure. */
dbd_stmt_cache *sqlc_stmt_cache_new(size_t capacity);
/* The statement cached under key whose text is text, or NULL.  text may
 * be NULL for any text: the data operations look up by the builder's shape
 * key alone, which names everything the text is made from (see
 * sqlbuild.h), so building the text only to compare it would buy nothing;
 * fixed statements such as BEGIN have their text at hand and compare it.
 * *cols (when cols is not NULL) gets its column facts.  Borrowed: valid
 * until the next prepare. */
sqlite3_stmt *sqlc_cached(sqlc_conn *c, const char *key, const char *text,
                          sqlc_cols **cols);
/* Finds or prepares text under cache key; *cols (when cols is not NULL)
 * gets the statement's cached column facts. */
dbd_status sqlc_prepare_cached(sqlc_conn *c, const char *key,
                               const char *text, size_t len,
                               sqlite3_stmt **out, sqlc_cols **cols,
                               dbd_exec_info *info);
/* Prepares text (len bytes, NUL-terminated) and caches it under key,
 * without looking for it first. */
dbd_status sqlc_prepare_put(sqlc_conn *c, const char *key, const char *text,
                            size_t len, sqlite3_stmt **out, sqlc_cols **cols,
                            dbd_exec_info *info);
/* Steps st until done; any row is skipped. */
dbd_status sqlc_step_done(sqlite3 *db, sqlite3_stmt *st,
                          dbd_exec_info *info);
/* Resets st and drops its bindings so it holds no borrowed bytes; NULL ok. */
void sqlc_release(sqlite3_stmt *st);
/* Runs a cached parameterless statement that returns no rows. */
dbd_status sqlc_run_simple(sqlc_conn *c, const char *key, const char *text,
                           dbd_exec_info *info);
/* Sets info to "nothing reported"; returns info or, when NULL, scratch. */
int64_t sqlc_changes(sqlite3 *db);
int64_t sqlc_total_changes(sqlite3 *db);

/* ---- operations (sqlite_exec.c, sqlite_raw.c) ---- */

dbd_status sqlc_exec(void *conn, const dbd_op *op, const dbd_sink *sink,
                     dbd_exec_info *info);
dbd_status sqlc_raw(void *conn, const char *text, size_t len,
                    const dbd_value *params, size_t nparams,
                    const dbd_sink *sink, dbd_exec_info *info);
dbd_status sqlc_begin(void *conn, dbd_exec_info *info);
dbd_status sqlc_commit(void *conn, dbd_exec_info *info);
dbd_status sqlc_rollback(void *conn, dbd_exec_info *info);

#endif
