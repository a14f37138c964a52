/*
 * mysql_int.h - inside the mysql connector: the connection and the helpers
 * its files share.  Nothing here is exported from the module (only the
 * descriptor dbd_connector is); the unit test links the same objects and
 * may use these too.
 */
#ifndef DBD_MYSQL_INT_H
#define DBD_MYSQL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mysql.h>

#include "../dbd_connector.h"
#include "../sql/sqlbuild.h"
#include "../sql/stmtcache.h"

/* ---- options (mysql_opts.c) ---- */

typedef enum myc_ssl {
    MYC_SSL_OFF = 0,  /* plain connection */
    MYC_SSL_REQUIRE,  /* TLS or no connection; certificate not checked */
    MYC_SSL_VERIFY,   /* TLS with the server certificate and name verified */
} myc_ssl;

typedef struct myc_opts {
    unsigned connect_timeout; /* seconds, default 5 */
    unsigned read_timeout;    /* seconds, default 30; 0 waits forever */
    unsigned write_timeout;   /* seconds, default 30; 0 waits forever */
    unsigned lock_wait_timeout; /* seconds, default 10; 0 keeps the server's */
    const char *charset;      /* default "utf8mb4"; borrowed */
    const char *socket;       /* unix socket path or NULL; borrowed */
    myc_ssl ssl;
    const char *ssl_ca;       /* CA file for ssl=verify, or NULL; borrowed */
    bool strict;              /* add STRICT_ALL_TABLES to sql_mode */
    size_t stmt_cache;        /* prepared statements kept, default 64 */
} myc_opts;

/* Fills o with the defaults, then applies opts in order (later wins).
 * Keys may carry the config prefix "option.".  Strings are borrowed from
 * opts.  DBD_CONFIG with a message naming the option on an unknown option
 * or a bad value. */
dbd_status myc_opts_parse(myc_opts *o, const dbd_option *opts, size_t n,
                          char *err, size_t errlen);

/* ---- parameters (mysql_bind.c) ---- */

/* Per-connection storage for bound parameters, grown as needed so that a
 * statement allocates nothing once it is large enough. */
typedef struct myc_params {
    size_t cap;
    MYSQL_BIND *bind;
    union myc_scalar {
        long long i;
        double d;
        signed char tiny;
        MYSQL_TIME tm;
    } *scalar;
} myc_params;

void myc_params_free(myc_params *p);
/* Binds vals[0..n) to st's parameters.  Strings and blobs are bound
 * without copying: they must outlive the statement's execution. */
dbd_status myc_bind_params(myc_params *p, MYSQL *db, MYSQL_STMT *st,
                           const dbd_value *vals, size_t n,
                           dbd_exec_info *info);

/* ---- datetimes (mysql_time.c) ---- */

/* UTC epoch microseconds as a MYSQL_TIME (DATETIME); false when the year
 * falls outside 0..9999, which MySQL cannot hold. */
bool myc_time_from_usec(int64_t usec, MYSQL_TIME *tm);
/* A DATE, DATETIME or TIMESTAMP read as UTC; false for a zero or partly
 * zero date ('0000-00-00', '2020-00-01'), which names no instant. */
bool myc_time_to_usec(const MYSQL_TIME *tm, int64_t *usec);

/* ---- rows (mysql_rows.c) ---- */

/* How a result column is fetched and turned into a dbd value. */
typedef enum myc_fetch {
    MYC_FETCH_NULL = 0, /* always NULL (SELECT NULL) */
    MYC_FETCH_INT,      /* into long long, signed or unsigned */
    MYC_FETCH_FLOAT,    /* FLOAT: into float, widened by its decimal form */
    MYC_FETCH_DOUBLE,   /* into double */
    MYC_FETCH_DECIMAL,  /* DECIMAL text, parsed into a double */
    MYC_FETCH_BIT,      /* BIT(n): big-endian bytes into an int */
    MYC_FETCH_TIME,     /* DATE/DATETIME/TIMESTAMP into MYSQL_TIME */
    MYC_FETCH_TEXT,     /* bytes: string or blob */
} myc_fetch;

typedef struct myc_col {
    myc_fetch fetch;
    dbd_type type;        /* reported to the sink */
    bool is_unsigned;
    char *buf;            /* variable-length data; grows, never shrinks */
    size_t cap;
    union {
        long long i;
        double d;
        float f;
        MYSQL_TIME tm;
    } fixed;
    unsigned long length;
    my_bool is_null;
    my_bool error;
} myc_col;

/* Per-connection result working space, kept between queries. */
typedef struct myc_rows {
    size_t cap;
    MYSQL_BIND *bind;
    myc_col *cols;
    const char **names;
    dbd_type *types;
    dbd_value *vals;
} myc_rows;

void myc_rows_free(myc_rows *rs);

/* ---- the connection (mysql.c) ---- */

typedef struct myc_conn {
    MYSQL *db;
    const dbd_host *host;  /* may be NULL (tests) */
    dbd_stmt_cache *cache; /* server-side prepared statements */
    dbd_sql_stmt *sql;     /* reused statement builder */
    myc_params params;
    myc_rows rows;
    char *where;           /* "host:port" or the socket path, for messages */
} myc_conn;

#define myc_log(c, ...) dbd_host_logf((c)->host, __VA_ARGS__)

/* Streams the result of st, executed, to sink: columns once (also for no
 * rows), then each row as it arrives from the server.  DBD_INTERNAL when
 * the sink asks to stop.  The caller frees the result
 * (mysql_stmt_free_result) in every case. */
dbd_status myc_stream(myc_conn *c, MYSQL_STMT *st, const dbd_sink *sink,
                      dbd_exec_info *info);

/* ---- errors (mysql_error.c) ---- */

/* The dbd status for a MySQL error number, or, for a number the table
 * does not know, for its SQLSTATE (may be NULL). */
dbd_status myc_status_of(unsigned code, const char *sqlstate);
/* Maps the connection's last error and writes "what: error (mysql error
 * N, SQLSTATE S)" to msg. */
dbd_status myc_db_error(MYSQL *db, const char *what, char *msg,
                        size_t msglen);
/* The same for a statement's last error, or the connection's when the
 * statement has none (libmariadb leaves a connection lost during an
 * unbuffered fetch on the connection only). */
dbd_status myc_stmt_error(MYSQL *db, MYSQL_STMT *st, const char *what,
                          char *msg, size_t msglen);

/* ---- statements (mysql_stmt.c) ---- */

/* Sets info to "nothing reported"; returns info or, when NULL, scratch. */
/* The connection's statement cache: at most capacity MYSQL_STMTs, each
 * closed when it goes, which also frees it on the server
 * (max_prepared_stmt_count is global); NULL on allocation failure. */
dbd_stmt_cache *myc_stmt_cache_new(size_t capacity);
/* A new statement prepared from text (len bytes); the caller closes it. */
dbd_status myc_prepare(myc_conn *c, const char *text, size_t len,
                       MYSQL_STMT **out, dbd_exec_info *info);
/* Binds vals and executes st; a statement the server no longer knows is
 * reported as such (UNAVAILABLE: the daemon reopens the connection). */
dbd_status myc_execute(myc_conn *c, MYSQL_STMT *st, const dbd_value *vals,
                       size_t n, dbd_exec_info *info);
/* Discards what is left of st's result (reading the rest of a stream the
 * sink stopped) so the connection can take the next command; NULL ok. */
void myc_release(MYSQL_STMT *st);
/* Runs text without parameters or result through the text protocol. */
dbd_status myc_run_text(myc_conn *c, const char *text, dbd_exec_info *info);

/* ---- operations (mysql_exec.c, mysql_raw.c) ---- */

dbd_status myc_exec(void *conn, const dbd_op *op, const dbd_sink *sink,
                    dbd_exec_info *info);
dbd_status myc_raw(void *conn, const char *text, size_t len,
                   const dbd_value *params, size_t nparams,
                   const dbd_sink *sink, dbd_exec_info *info);
dbd_status myc_begin(void *conn, dbd_exec_info *info);
dbd_status myc_commit(void *conn, dbd_exec_info *info);
dbd_status myc_rollback(void *conn, dbd_exec_info *info);

#endif
