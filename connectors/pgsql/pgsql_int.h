/*
 * pgsql_int.h - inside the pgsql connector: the connection and the helpers
 * its files share.  Nothing here is exported from the module (only the
 * descriptor dbd_connector is); the unit test links the same objects and
 * may use these too.
 */
#ifndef DBD_PGSQL_INT_H
#define DBD_PGSQL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "../../proto/buf.h"
#include "../dbd_connector.h"
#include "../sql/sqlbuild.h"
#include "../sql/stmtcache.h"

/* Type OIDs of the built-in types the connector knows.  They are fixed in
 * PostgreSQL's catalog and never change; the server headers that name them
 * are not part of libpq. */
enum {
    PGC_OID_BOOL = 16,
    PGC_OID_BYTEA = 17,
    PGC_OID_CHAR = 18,
    PGC_OID_NAME = 19,
    PGC_OID_INT8 = 20,
    PGC_OID_INT2 = 21,
    PGC_OID_INT4 = 23,
    PGC_OID_TEXT = 25,
    PGC_OID_OID = 26,
    PGC_OID_FLOAT4 = 700,
    PGC_OID_FLOAT8 = 701,
    PGC_OID_UNKNOWN = 705,
    PGC_OID_BPCHAR = 1042,
    PGC_OID_VARCHAR = 1043,
    PGC_OID_DATE = 1082,
    PGC_OID_TIMESTAMP = 1114,
    PGC_OID_TIMESTAMPTZ = 1184,
    PGC_OID_NUMERIC = 1700,
};

/* Result formats of the extended protocol. */
enum { PGC_FORMAT_TEXT = 0, PGC_FORMAT_BINARY = 1 };

/* ---- options (pgsql_opts.c) ---- */

typedef struct pgc_opts {
    /* libpq connection keywords and values for PQconnectdbParams, both
     * NULL-terminated; the values borrow the URL's and options' strings. */
    const char **kw;
    const char **val;
    size_t nkw;
    char port[16];          /* the URL's port as text */
    int statement_timeout;  /* statement_timeout in ms; -1 server default */
    int lock_timeout;       /* lock_timeout in ms; -1 server default */
    size_t stmt_cache;      /* stmt_cache: prepared statements kept */
    bool numeric_double;    /* numeric = double (default string) */
} pgc_opts;

/* Fills o from the defaults, then url, then opts in order (later wins).
 * Keys may carry the config prefix "option.".  A key that is neither one
 * of the connector's options nor a libpq connection keyword, or a bad
 * value, is DBD_CONFIG with a message naming it.  Free with
 * pgc_opts_free() whatever the result. */
dbd_status pgc_opts_parse(pgc_opts *o, const dbd_url *url,
                          const dbd_option *opts, size_t n, char *err,
                          size_t errlen);
void pgc_opts_free(pgc_opts *o);
/* The value set for libpq keyword kw, or NULL. */
const char *pgc_opts_get(const pgc_opts *o, const char *kw);

/* ---- types and values (pgsql_types.c, pgsql_text.c) ---- */

/* The dbd type a result column of this type OID is reported as. */
dbd_type pgc_type_of(Oid oid, bool numeric_double);
/* true when values of this type are decoded from the binary format. */
bool pgc_binary_known(Oid oid);
/* One value of a column of type oid in format fmt (bytes len long, NUL
 * after them as libpq guarantees) into *out.  scratch holds decoded bytes
 * when the value needs them (bytea in text format) and must outlive *out.
 * DBD_BAD with a message on a value that cannot be represented. */
dbd_status pgc_decode(Oid oid, int fmt, const char *bytes, size_t len,
                      bool numeric_double, dbd_buf *scratch, dbd_value *out,
                      char *err, size_t errlen);
/* PostgreSQL's ISO date/time text (DateStyle ISO, TimeZone UTC) to UTC
 * epoch microseconds: "YYYY-MM-DD[ HH:MM:SS[.ffffff]][+00[:00]][ BC]",
 * "infinity" and "-infinity" (the int64 extremes).  false on other text. */
bool pgc_parse_datetime(const char *text, size_t len, int64_t *usec);

/* ---- parameters (pgsql_params.c) ---- */

/* The arrays PQexecPrepared takes, kept by the connection and reused. */
typedef struct pgc_params {
    size_t n, cap;
    Oid *types;
    const char **values;
    int *lengths;
    int *formats;
    unsigned char (*bin)[8]; /* network-order numbers */
    dbd_buf text;            /* NUL-terminated copies of strings */
    dbd_buf sig;             /* one letter per value's type: the cache key */
} pgc_params;

void pgc_params_free(pgc_params *p);
/* Converts vals[0..n) (string and blob bytes are borrowed: they must
 * outlive the execution).  Strings go as text of type "unknown" so that
 * the server types them from their use, as it would a quoted literal;
 * numbers, blobs, datetimes and bools go binary with their type.  DBD_BAD
 * for a string holding a NUL byte (text cannot hold one) or a datetime
 * out of PostgreSQL's range; DBD_INTERNAL when memory ran out. */
dbd_status pgc_params_set(pgc_params *p, const dbd_value *vals, size_t n,
                          char *err, size_t errlen);

/* ---- prepared statements (pgsql_stmt.c) ---- */

#define PGC_NAME_MAX 24

/* One statement prepared on the server, as the connection's statement
 * cache keeps it. */
typedef struct pgc_stmt {
    char name[PGC_NAME_MAX]; /* "dbd_N", unique per connection */
    int nparams;
    int format;               /* result format: binary when every column is
                                 of a type pgc_binary_known() */
    bool returning;           /* an insert that returns the serial column */
    unsigned long session_no; /* the session it lives in (pgc_conn's) */
    unsigned long runs;       /* times taken from the cache */
    unsigned long replan_after; /* runs after which it is prepared again */
} pgc_stmt;

/* ---- serial columns (pgsql_serial.c) ---- */

typedef struct pgc_serials pgc_serials;

pgc_serials *pgc_serials_new(void);
void pgc_serials_destroy(pgc_serials **ps);

/* ---- the connection (pgsql.c) ---- */

/* Per-row working arrays of the result reader, kept by the connection so
 * that a query allocates nothing for them once they are large enough. */
typedef struct pgc_rows {
    size_t cap;
    const char **names;  /* valid while the result they came with lives */
    dbd_type *types;
    Oid *oids;
    int *formats;
    dbd_value *vals;
    dbd_buf *scratch;  /* one per column: decoded bytes */
} pgc_rows;

typedef struct pgc_conn {
    PGconn *pg;
    const dbd_host *host;  /* may be NULL (tests) */
    dbd_stmt_cache *cache; /* pgc_stmts by key (the shape and the types of
                              the bound values) */
    pgc_serials *serials;
    dbd_sql_stmt *sql;     /* reused statement builder */
    pgc_params params;
    pgc_rows rows;
    dbd_buf key;           /* cache key being looked up */
    dbd_buf text;          /* statement text being prepared */
    unsigned long next_name;
    unsigned long session_no; /* which session this is (a reset starts
                                 another): statements die with theirs */
    char last_state[6];    /* SQLSTATE of the last statement's error, or "" */
    char session_sql[256]; /* the session's SET statements */
    bool numeric_double;
    bool in_txn;           /* between begin() and commit()/rollback() */
    bool goodbye;          /* the server sent FATAL while idle: it is
                              ending the session */
} pgc_conn;

#define pgc_log(c, ...) dbd_host_logf((c)->host, __VA_ARGS__)
/* Sets info to "nothing reported"; returns info or, when NULL, scratch. */
void pgc_rows_free(pgc_rows *r);

/* ---- the session (pgsql_session.c) ---- */

/* The SET statements that set a session up, from the options. */
void pgc_session_sql(const pgc_opts *o, char *out, size_t outlen);
/* Checks the server and runs c->session_sql; err gets why not. */
dbd_status pgc_session_set_up(pgc_conn *c, char *err, size_t errlen);
/* Called before each operation: a session the server closed while idle
 * is opened again in place (outside a transaction); DBD_UNAVAILABLE when
 * that fails. */
dbd_status pgc_ready(pgc_conn *c, dbd_exec_info *info);

/* ---- errors (pgsql_error.c) ---- */

/* The dbd status for a five-character SQLSTATE (NULL: none known). */
dbd_status pgc_status_of(const char *sqlstate);
/* Maps a failed result (or, res NULL, the connection's last error) and
 * writes "what: message (SQLSTATE xxxxx)" to msg.  A connection that broke
 * is DBD_UNAVAILABLE whatever the SQLSTATE says. */
dbd_status pgc_error(const pgc_conn *c, const PGresult *res, const char *what,
                     char *msg, size_t msglen);
/* libpq's messages end in a newline and may span lines: makes s one
 * line, blanks collapsed, none trailing. */
void pgc_one_line(char *s);
/* DBD_UNAVAILABLE with a message when the connection is broken. */
dbd_status pgc_check_conn(const pgc_conn *c, dbd_exec_info *info);

/* ---- running statements (pgsql_run.c) ---- */

/* What to do with the rows of a statement. */
typedef enum pgc_rows_to {
    PGC_ROWS_NONE = 0,  /* no rows expected; affected is reported */
    PGC_ROWS_SINK,      /* rows go to the sink (may be NULL: dropped) */
    PGC_ROWS_ID,        /* the first value of the first row is last_id */
} pgc_rows_to;

/* Runs prepared statement st with c->params and reads every result. */
dbd_status pgc_run_prepared(pgc_conn *c, const pgc_stmt *st, pgc_rows_to to,
                            const dbd_sink *sink, dbd_exec_info *info);
/* Runs text (one statement) with c->params, rows in text format. */
dbd_status pgc_run_text(pgc_conn *c, const char *text, const dbd_sink *sink,
                        dbd_exec_info *info);
/* Runs a parameterless command that returns no rows (BEGIN, SET ...);
 * what names it in messages.  With want_tag, any other command tag is
 * DBD_BAD (COMMIT of a failed transaction answers ROLLBACK). */
dbd_status pgc_run_simple(pgc_conn *c, const char *text, const char *what,
                          const char *want_tag, dbd_exec_info *info);

/* ---- statements (pgsql_stmt.c) ---- */

/* c's statement cache: at most capacity statements; one that goes is
 * deallocated on the server while its session lives.  NULL on allocation
 * failure. */
dbd_stmt_cache *pgc_stmt_cache_new(pgc_conn *c, size_t capacity);
/* The statement cached under key, counting one more run of it; NULL when
 * there is none, or when it has run enough to be prepared again: then it
 * is forgotten and *replan_after is when its successor is due (else it is
 * left as it was; PGC_REPLAN_FIRST is the first). */
#define PGC_REPLAN_FIRST 64UL
#define PGC_REPLAN_EVERY 65536UL
const pgc_stmt *pgc_cached(pgc_conn *c, const char *key,
                           unsigned long *replan_after);
/* Prepares text (nparams parameters of c->params' types) as a new
 * statement, learns its result format and caches it under key, to be
 * prepared again after replan_after runs. */
dbd_status pgc_prepare(pgc_conn *c, const char *key, const char *text,
                       bool returning, unsigned long replan_after,
                       const pgc_stmt **out, dbd_exec_info *info);
/* Forgets key and deallocates its statement on the server. */
void pgc_forget(pgc_conn *c, const char *key);

/* ---- serial columns, continued (pgsql_serial.c) ---- */

/* The serial (or identity) column of table, NULL for none (in *column,
 * borrowed until the next call), found in the catalog once per table and
 * connection.  A table that does not exist is not remembered. */
dbd_status pgc_serial_column(pgc_conn *c, const char *table,
                             const char **column, dbd_exec_info *info);

/* ---- operations (pgsql_exec.c, pgsql_raw.c) ---- */

dbd_status pgc_exec(void *conn, const dbd_op *op, const dbd_sink *sink,
                    dbd_exec_info *info);
dbd_status pgc_raw(void *conn, const char *text, size_t len,
                   const dbd_value *params, size_t nparams,
                   const dbd_sink *sink, dbd_exec_info *info);
dbd_status pgc_begin(void *conn, dbd_exec_info *info);
dbd_status pgc_commit(void *conn, dbd_exec_info *info);
dbd_status pgc_rollback(void *conn, dbd_exec_info *info);

#endif
