/*
 * odbc_int.h - inside the odbc connector: the connection and the helpers
 * its files share.  Nothing here is exported from the module (only the
 * descriptor dbd_connector is); the unit test links the same objects and
 * may use these too.
 */
#ifndef DBD_ODBC_INT_H
#define DBD_ODBC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sql.h>
#include <sqlext.h>

#include "../../proto/buf.h"
#include "../dbd_connector.h"
#include "../sql/sqlbuild.h"
#include "../sql/stmtcache.h"

/* ---- options (odbc_opts.c) ---- */

typedef enum odbc_upsert_mode {
    ODBC_UPSERT_AUTO = 0, /* native where the DBMS has a form, else emulated */
    ODBC_UPSERT_NATIVE,   /* native only: replace is UNSUPPORTED without one */
    ODBC_UPSERT_EMULATE,  /* UPDATE, then INSERT when no row matched */
} odbc_upsert_mode;

typedef enum odbc_limit_mode {
    ODBC_LIMIT_AUTO = 0,  /* by DBMS */
    ODBC_LIMIT_LIMIT,     /* LIMIT ? OFFSET ? */
    ODBC_LIMIT_FETCH,     /* OFFSET ? ROWS FETCH FIRST ? ROWS ONLY */
    ODBC_LIMIT_NONE,      /* limit and offset are UNSUPPORTED */
} odbc_limit_mode;

typedef struct odbc_opts {
    size_t stmt_cache;        /* stmt_cache: prepared statements kept */
    long login_timeout;       /* login_timeout, seconds; 0 = driver's */
    long query_timeout;       /* query_timeout, seconds; 0 = none */
    odbc_upsert_mode upsert;  /* upsert */
    odbc_limit_mode limit;    /* limit */
    dbd_buf connstr;          /* the connection string for SQLDriverConnect */
} odbc_opts;

/*
 * Fills o from the URL and the options (later wins; keys may carry the
 * config prefix "option.").  The connection string gets DSN= (from the
 * URL, odbc://DSN, or option dsn), every option the connector does not
 * know itself as KEY=VALUE (so odbc://?driver=SQLite3&database=/x.db
 * needs no DSN), then UID/PWD from user/password or the URL's user
 * information.  DBD_CONFIG with a message on a bad option; the message
 * never contains the password.  odbc_opts_free() in every case.
 */
dbd_status odbc_opts_parse(odbc_opts *o, const dbd_url *url,
                           const dbd_option *opts, size_t n, char *err,
                           size_t errlen);
void odbc_opts_free(odbc_opts *o);

/* ---- what the DBMS behind the driver is (odbc_dbms.c) ---- */

typedef enum odbc_dbms_kind {
    ODBC_DBMS_OTHER = 0,
    ODBC_DBMS_SQLITE,
    ODBC_DBMS_POSTGRESQL,
    ODBC_DBMS_MYSQL, /* MySQL and MariaDB */
} odbc_dbms_kind;

typedef enum odbc_last_id {
    ODBC_LAST_ID_NONE = 0,   /* not known: last_id stays 0 */
    ODBC_LAST_ID_SQLITE,     /* SELECT last_insert_rowid() */
    ODBC_LAST_ID_MYSQL,      /* SELECT LAST_INSERT_ID(), then reset to 0 */
    ODBC_LAST_ID_RETURNING,  /* INSERT ... RETURNING the sequence column */
} odbc_last_id;

typedef struct odbc_dbms {
    odbc_dbms_kind kind;
    char name[64];            /* SQL_DBMS_NAME */
    char version[64];         /* SQL_DBMS_VER */
    char driver[64];          /* SQL_DRIVER_NAME */
    char quote[8];            /* SQL_IDENTIFIER_QUOTE_CHAR */
    dbd_sql_dialect dialect;  /* borrowed by the connection's builder */
    odbc_last_id last_id;
    bool emulate_upsert;      /* replace runs as UPDATE, then INSERT */
    bool datetime_text;       /* bind datetimes as text (SQLite's driver
                               * keeps only milliseconds of a struct) */
    bool double_text;         /* read doubles as exact text (SQLite's driver
                               * passes them through 15 digits) */
    bool varbinary_only;      /* never SQL_LONGVARBINARY (psqlODBC may take
                               * it for a large object) */
    bool cursors_lost;        /* commit or rollback drops prepared statements */
    bool ping_select;         /* SELECT 1 is valid text */
} odbc_dbms;

/* Asks the driver (SQLGetInfo) and picks the dialect and quirks; the
 * options may force the upsert and limit forms. */
dbd_status odbc_dbms_detect(SQLHDBC dbc, const odbc_opts *o, odbc_dbms *d,
                            char *err, size_t errlen);

/* ---- errors (odbc_error.c) ---- */

/* The dbd status for an SQLSTATE and a native error code (whose meaning
 * depends on the DBMS) and the message text. */
dbd_status odbc_status_of(odbc_dbms_kind kind, const char *sqlstate,
                          long native, const char *text);
/*
 * Reads the diagnostics of handle h (type htype), maps the first error
 * among them and writes "what: message (SQLSTATE xxxxx)" to msg.
 * DBD_INTERNAL with a message when the driver left no diagnostics.
 */
dbd_status odbc_diag(odbc_dbms_kind kind, SQLSMALLINT htype, SQLHANDLE h,
                     const char *what, char *msg, size_t msglen);

/* ---- result columns (odbc_rows.c) ---- */

typedef struct odbc_col {
    char *name;
    SQLSMALLINT sqltype;  /* as SQLDescribeCol reports it */
    SQLSMALLINT ctype;    /* what SQLGetData asks for */
    dbd_type type;        /* what the sink is told */
    bool text_double;     /* a double sent as exact text (odbc_exact.c) */
} odbc_col;

typedef struct odbc_cols {
    bool known;           /* described since the statement was prepared */
    size_t n;
    size_t cap;
    odbc_col *col;
    const char **names;   /* col[i].name, for the sink */
    dbd_type *types;      /* col[i].type, for the sink */
} odbc_cols;

void odbc_cols_free(odbc_cols *cols);
/* The dbd type and C type for an ODBC SQL type (sqltype, with precision
 * and scale for DECIMAL/NUMERIC). */
dbd_type odbc_type_of(SQLSMALLINT sqltype, SQLULEN size, SQLSMALLINT scale,
                      SQLSMALLINT *ctype);

/* ---- cached statements (odbc_stmt.c) ---- */

/* A prepared statement as the connection's statement cache keeps it: the
 * area of its entry (the handle is the cache's statement as well), with
 * its result columns once described. */
typedef struct odbc_stmt {
    SQLHSTMT h;
    odbc_cols cols;
} odbc_stmt;

/* At most capacity statements (at least 1), each freed with its columns
 * when it goes; NULL on allocation failure. */
dbd_stmt_cache *odbc_stmt_cache_new(size_t capacity);
/* The statement cached under key, or NULL.  Borrowed: valid until the
 * next put, drop or clear of the cache. */
odbc_stmt *odbc_stmt_get(dbd_stmt_cache *cache, const char *key);
/* Caches a new statement handle h under key (evicting the least recently
 * used one when full) and returns its entry (odbc_stmt_get()'s rule);
 * takes h in every case (on failure, out of memory, h is freed and NULL
 * returned). */
odbc_stmt *odbc_stmt_put(dbd_stmt_cache *cache, const char *key,
                         SQLHSTMT h);

/* ---- datetimes (odbc_time.c) ---- */

/* usec (UTC epoch microseconds) as a timestamp struct; false when the
 * year is outside 1..9999, which ODBC cannot carry. */
bool odbc_time_to_struct(int64_t usec, SQL_TIMESTAMP_STRUCT *ts);
/* The struct's epoch microseconds (the fraction's nanoseconds cut to
 * microseconds); false when a field is out of range. */
bool odbc_time_from_struct(const SQL_TIMESTAMP_STRUCT *ts, int64_t *usec);

/* ---- the connection (odbc.c) ---- */

/* One bound parameter's storage: SQLBindParameter keeps pointers to it
 * until the statement runs. */
typedef struct odbc_param {
    SQLLEN ind;
    union {
        int64_t i;
        double d;
        unsigned char bit;
        SQL_TIMESTAMP_STRUCT ts;
        char text[32];
    } u;
} odbc_param;

typedef struct odbc_conn {
    SQLHENV env;
    SQLHDBC dbc;
    bool connected;
    const dbd_host *host;  /* may be NULL (tests) */
    odbc_dbms dbms;
    long query_timeout;
    dbd_stmt_cache *cache; /* odbc_stmt areas: see odbc_stmt_get() */
    dbd_sql_stmt *sql;     /* reused statement builder */
    dbd_buf key;           /* cache key beyond the builder's shape */
    dbd_buf text;          /* statement text beyond the builder's */
    odbc_param *params;    /* parameter storage, cap entries */
    size_t nparams_cap;
    dbd_buf row;           /* bytes of the current row's long values */
    size_t *row_off;       /* per column: offset into row, for the fix-up */
    dbd_value *row_vals;
    size_t row_cap;
    bool in_txn;           /* autocommit is off */
    struct odbc_serial *serials; /* per table: its sequence column */
    size_t nserials;
} odbc_conn;

#define odbc_log(c, ...) dbd_host_logf((c)->host, __VA_ARGS__)
/* Sets info to "nothing reported"; returns info or, when NULL, scratch. */
/* Maps a failed call's diagnostics on h; see odbc_diag(). */
dbd_status odbc_fail(odbc_conn *c, SQLSMALLINT htype, SQLHANDLE h,
                     const char *what, dbd_exec_info *info);
/* Turns an INTERNAL or BAD status into DBD_UNAVAILABLE when the driver
 * says the connection is dead, so that the daemon reconnects. */
dbd_status odbc_check_dead(odbc_conn *c, dbd_status status,
                           dbd_exec_info *info);

/* ---- statements (odbc_stmt.c) ---- */

/* Finds text under key in the cache or prepares and caches it. */
dbd_status odbc_prepare_cached(odbc_conn *c, const char *key,
                               const char *text, odbc_stmt **out,
                               dbd_exec_info *info);
/* Prepares text on a new handle (not cached); free with odbc_stmt_free. */
dbd_status odbc_prepare_new(odbc_conn *c, const char *text, size_t len,
                            SQLHSTMT *out, dbd_exec_info *info);
/* Binds vals[0..n) to parameters 1..n.  Strings and blobs are bound
 * without copying: they must outlive the execution. */
dbd_status odbc_bind_all(odbc_conn *c, SQLHSTMT h, const dbd_value *vals,
                         size_t n, dbd_exec_info *info);
/* SQLExecute; SQL_NO_DATA (a searched UPDATE or DELETE that matched
 * nothing) counts as success. */
dbd_status odbc_execute(odbc_conn *c, SQLHSTMT h, const char *what,
                        dbd_exec_info *info);
/* Rows changed by the last execution of h; -1 when the driver cannot
 * tell. */
int64_t odbc_row_count(SQLHSTMT h);
/* Fetches h's remaining rows, if any, and ignores them.  A statement
 * whose result was read to the end can run again on every driver: SQLite's
 * with StepAPI=1 answers the next execution with no rows when its cursor
 * was closed early. */
void odbc_fetch_rest(SQLHSTMT h);
/* Closes h's cursor and drops any pending results; NULL ok. */
void odbc_release(SQLHSTMT h);
/* Runs a cached parameterless statement and returns its first column of
 * its first row as an integer (*found false when there is no row or the
 * value is NULL). */
dbd_status odbc_query_int(odbc_conn *c, const char *key, const char *text,
                          const dbd_value *params, size_t nparams,
                          int64_t *out, bool *found, dbd_exec_info *info);

/* ---- rows (odbc_rows.c) ---- */

/* Describes h's result columns into cols (unless known already). */
dbd_status odbc_describe(odbc_conn *c, SQLHSTMT h, odbc_cols *cols,
                         dbd_exec_info *info);
/* Fetches h to the end, reporting columns (also for no rows) and rows to
 * sink.  DBD_INTERNAL when the sink asks to stop. */
dbd_status odbc_stream(odbc_conn *c, SQLHSTMT h, odbc_cols *cols,
                       const dbd_sink *sink, dbd_exec_info *info);
/* Frees the row space. */
void odbc_row_space_free(odbc_conn *c);

/* ---- exact doubles from SQLite (odbc_exact.c) ---- */

/* For a query statement st just prepared from text: when the DBMS needs
 * it, replaces st's statement by one that sends its double columns as
 * exact text and marks them so in st->cols. */
dbd_status odbc_exact_doubles(odbc_conn *c, odbc_stmt *st, const char *text,
                              dbd_exec_info *info);

/* ---- operations (odbc_exec.c, odbc_upsert.c, odbc_lastid.c, odbc_raw.c) */

dbd_status odbc_exec(void *conn, const dbd_op *op, const dbd_sink *sink,
                     dbd_exec_info *info);
/* Runs one built op (query, insert, update, delete, native replace). */
dbd_status odbc_run_op(odbc_conn *c, const dbd_op *op, const dbd_sink *sink,
                       dbd_exec_info *info);
/* replace as UPDATE ... WHERE keys, then INSERT when no row matched, in a
 * transaction of its own unless one is open. */
dbd_status odbc_replace_emulated(odbc_conn *c, const dbd_op *op,
                                 dbd_exec_info *info);
/* For ODBC_LAST_ID_RETURNING: the table's sequence-fed column into col
 * (colsize bytes), "" when it has none. */
dbd_status odbc_serial_column(odbc_conn *c, const char *table, char *col,
                              size_t colsize, dbd_exec_info *info);
void odbc_serials_free(odbc_conn *c);
/* After a successful insert: the id it was given, by the DBMS's means
 * (SQLite, MySQL); 0 when none or unknown.  The insert has happened, so
 * a failure here only logs. */
void odbc_last_insert_id(odbc_conn *c, int64_t *id);

dbd_status odbc_raw(void *conn, const char *text, size_t len,
                    const dbd_value *params, size_t nparams,
                    const dbd_sink *sink, dbd_exec_info *info);
dbd_status odbc_begin(void *conn, dbd_exec_info *info);
dbd_status odbc_commit(void *conn, dbd_exec_info *info);
dbd_status odbc_rollback(void *conn, dbd_exec_info *info);

#endif
