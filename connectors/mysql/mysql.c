/*
 * mysql.c - the mysql connector: its descriptor, and opening, closing and
 * pinging a connection to a MariaDB or MySQL server.
 *
 *   mysql://USER:PASSWORD@HOST[:PORT]/DATABASE        TCP (port 3306)
 *   mysql://USER:PASSWORD@localhost/DATABASE?socket=/run/mysqld/mysqld.sock
 *
 * A host always means TCP, "localhost" too; the unix socket is used only
 * when the socket option names it.  Each connection is one MYSQL handle
 * with the library's auto-reconnect off: a lost connection is reported as
 * UNAVAILABLE and the daemon opens a new one, which sets the session up
 * again (a silent reconnect would lose the prepared statements, the
 * session settings and any open transaction).
 */
#include "mysql_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_PORT 3306

/*
 * mysql_library_init() is not thread-safe and mysql_init() calls it on
 * first use, while the daemon opens connections from several threads: so
 * it runs once, first, under pthread_once.  Its result is the only state
 * the module keeps outside a connection, written once.
 *
 * mysql_library_end() is process-wide, so it is never called per
 * connection; it runs once when the module is unloaded, after the daemon
 * has closed every connection.  Otherwise the library's own allocations
 * would outlive the code that can free them (the daemon dlclose()s
 * connectors at exit, and libmariadb goes with this module).
 */
static pthread_once_t library_once = PTHREAD_ONCE_INIT;
static int library_rc = -1;

static void library_init(void)
{
    library_rc = mysql_library_init(0, NULL, NULL);
}

__attribute__((destructor)) static void library_end(void)
{
    if (library_rc == 0)
        mysql_library_end();
}

static void myc_close(void *conn)
{
    myc_conn *c = conn;
    if (c == NULL)
        return;
    /* statements first: closing one talks to the server */
    dbd_stmt_cache_destroy(&c->cache);
    dbd_sql_stmt_destroy(&c->sql);
    myc_params_free(&c->params);
    myc_rows_free(&c->rows);
    if (c->db != NULL)
        mysql_close(c->db);
    free(c->where);
    free(c);
}

/* Client options; a refusal here is the build's or the config's fault. */
static dbd_status set_options(MYSQL *db, const myc_opts *o, char *err,
                              size_t errlen)
{
    my_bool off = 0, on = 1;
    unsigned int no_infile = 0;
    unsigned int protocol = o->socket != NULL ? MYSQL_PROTOCOL_SOCKET
                                              : MYSQL_PROTOCOL_TCP;
    int rc = 0;

    rc |= mysql_options(db, MYSQL_OPT_CONNECT_TIMEOUT, &o->connect_timeout);
    if (o->read_timeout > 0)
        rc |= mysql_options(db, MYSQL_OPT_READ_TIMEOUT, &o->read_timeout);
    if (o->write_timeout > 0)
        rc |= mysql_options(db, MYSQL_OPT_WRITE_TIMEOUT, &o->write_timeout);
    rc |= mysql_options(db, MYSQL_SET_CHARSET_NAME, o->charset);
    rc |= mysql_options(db, MYSQL_OPT_RECONNECT, &off);
    rc |= mysql_options(db, MYSQL_REPORT_DATA_TRUNCATION, &on);
    rc |= mysql_options(db, MYSQL_OPT_LOCAL_INFILE, &no_infile);
    rc |= mysql_options(db, MYSQL_OPT_PROTOCOL, &protocol);
    if (o->ssl != MYC_SSL_OFF) {
        my_bool verify = o->ssl == MYC_SSL_VERIFY;
        rc |= mysql_options(db, MYSQL_OPT_SSL_ENFORCE, &on);
        rc |= mysql_options(db, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
        if (o->ssl_ca != NULL)
            rc |= mysql_options(db, MYSQL_OPT_SSL_CA, o->ssl_ca);
    } else {
        rc |= mysql_options(db, MYSQL_OPT_SSL_ENFORCE, &off);
    }
    if (rc != 0)
        return dbd_failf(DBD_CONFIG, err, errlen,
                         "the mysql client library refused an option");
    return DBD_OK;
}

/* Host, port and socket from the URL and the options. */
static dbd_status endpoint(const dbd_url *url, const myc_opts *o,
                           const char **host, unsigned *port, char **where,
                           char *err, size_t errlen)
{
    if (url == NULL || url->path == NULL || url->path[0] == '\0')
        return dbd_failf(DBD_CONFIG, err, errlen,
                         "mysql URL names no database (want "
                         "mysql://USER:PASSWORD@HOST[:PORT]/DATABASE)");
    if (strchr(url->path, '/') != NULL)
        return dbd_failf(DBD_CONFIG, err, errlen,
                         "mysql URL: database name \"%.64s\" contains '/'",
                         url->path);
    if (o->socket != NULL) {
        if (url->host != NULL && strcmp(url->host, "localhost") != 0)
            return dbd_failf(DBD_CONFIG, err, errlen,
                             "mysql URL: with the socket option the host "
                             "must be localhost or empty, not \"%.64s\"",
                             url->host);
        if (url->port != 0)
            return dbd_failf(DBD_CONFIG, err, errlen,
                             "mysql URL: a port makes no sense with the "
                             "socket option");
        *host = "localhost";
        *port = 0;
        *where = strdup(o->socket);
    } else {
        if (url->host == NULL || url->host[0] == '\0')
            return dbd_failf(DBD_CONFIG, err, errlen,
                             "mysql URL names no host (want "
                             "mysql://USER:PASSWORD@HOST[:PORT]/DATABASE or "
                             "the socket option)");
        *host = url->host;
        *port = url->port > 0 ? (unsigned)url->port : DEFAULT_PORT;
        size_t n = strlen(url->host) + 16;
        *where = malloc(n);
        if (*where != NULL)
            snprintf(*where, n, strchr(url->host, ':') != NULL ? "[%s]:%u"
                                                               : "%s:%u",
                     url->host, *port);
    }
    if (*where == NULL)
        return dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
    return DBD_OK;
}

/* UTC for every temporal value; strict mode so that a value that does not
 * fit its column fails instead of being cut or zeroed; a row lock waited
 * for no longer than the client waits for an answer.  Only numbers the
 * option parser checked enter the text. */
static dbd_status setup_session(myc_conn *c, const myc_opts *o, char *err,
                                size_t errlen)
{
    dbd_exec_info info;
    char sql[256];
    int n = snprintf(sql, sizeof sql, "SET time_zone = '+00:00'%s",
                     o->strict ? ", sql_mode = CONCAT_WS(',', NULLIF("
                                 "@@SESSION.sql_mode, ''), "
                                 "'STRICT_ALL_TABLES')"
                               : "");
    if (o->lock_wait_timeout > 0 && n > 0 && (size_t)n < sizeof sql)
        snprintf(sql + n, sizeof sql - (size_t)n,
                 ", innodb_lock_wait_timeout = %u", o->lock_wait_timeout);
    dbd_exec_info_begin(&info, &info);
    dbd_status status = myc_run_text(c, sql, &info);
    if (status != DBD_OK)
        dbd_errf(err, errlen, "mysql %s: cannot set up the session: %s",
                 c->where, info.msg);
    /* a setting the server refused is the datasource's configuration */
    return status == DBD_BAD || status == DBD_NOTFOUND ? DBD_CONFIG : status;
}

static dbd_status myc_open(const dbd_host *host, const dbd_url *url,
                           const dbd_option *opts, size_t nopts, void **pconn,
                           char *err, size_t errlen)
{
    myc_conn *c = NULL;
    myc_opts o;
    dbd_status status;
    const char *server = NULL;
    unsigned port = 0;
    char what[300];

    *pconn = NULL;
    status = myc_opts_parse(&o, opts, nopts, err, errlen);
    if (status != DBD_OK)
        goto out;
    c = calloc(1, sizeof *c);
    if (c == NULL) {
        status = dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
        goto out;
    }
    c->host = host;
    status = endpoint(url, &o, &server, &port, &c->where, err, errlen);
    if (status != DBD_OK)
        goto out;
    if ((c->cache = myc_stmt_cache_new(o.stmt_cache)) == NULL ||
        (c->sql = dbd_sql_stmt_new(&dbd_sql_dialect_mysql)) == NULL) {
        status = dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
        goto out;
    }
    if (pthread_once(&library_once, library_init) != 0 || library_rc != 0 ||
        (c->db = mysql_init(NULL)) == NULL) {
        status = dbd_failf(DBD_INTERNAL, err, errlen,
                           "cannot initialise the mysql client library");
        goto out;
    }
    status = set_options(c->db, &o, err, errlen);
    if (status != DBD_OK)
        goto out;
    if (mysql_real_connect(c->db, server, url->user, url->password,
                           url->path, port, o.socket,
                           CLIENT_FOUND_ROWS) == NULL) {
        snprintf(what, sizeof what, "cannot connect to mysql %s",
                 c->where);
        status = myc_db_error(c->db, what, err, errlen);
        goto out;
    }
    /* libmariadb 3.3 enforces TLS only together with certificate
     * verification: without it, check that TLS is what was agreed */
    if (o.ssl != MYC_SSL_OFF && mysql_get_ssl_cipher(c->db) == NULL) {
        status = dbd_failf(DBD_UNAVAILABLE, err, errlen,
                           "mysql %s: the server did not agree to TLS, "
                           "which ssl=%s requires", c->where,
                           o.ssl == MYC_SSL_VERIFY ? "verify" : "require");
        goto out;
    }
    status = setup_session(c, &o, err, errlen);
    if (status != DBD_OK)
        goto out;
    myc_log(c, DBD_LOG_DEBUG, "connected to mysql %s, database %s (server "
            "%s, connection id %lu)", c->where, url->path,
            mysql_get_server_info(c->db), mysql_thread_id(c->db));
    *pconn = c;
    c = NULL;
out:
    myc_close(c);
    return status;
}

/* A round trip without auto-reconnect: a dropped connection fails here
 * and the daemon opens a new one. */
static dbd_status myc_ping(void *conn, dbd_exec_info *info)
{
    myc_conn *c = conn;
    dbd_exec_info scratch;

    info = dbd_exec_info_begin(info, &scratch);
    if (mysql_ping(c->db) != 0)
        return myc_db_error(c->db, "ping failed", info->msg,
                            sizeof info->msg);
    return DBD_OK;
}

const struct dbd_connector dbd_connector = {
    .abi = DBD_CONNECTOR_ABI,
    .size = sizeof(struct dbd_connector),
    .scheme = "mysql",
    .description = "MariaDB and MySQL servers (libmariadb "
                   MARIADB_PACKAGE_VERSION ")",
    .caps = DBD_CAP_QUERY | DBD_CAP_INSERT | DBD_CAP_UPDATE | DBD_CAP_DELETE |
            DBD_CAP_REPLACE | DBD_CAP_TRANSACTION | DBD_CAP_RAW |
            DBD_CAP_ORDER | DBD_CAP_LIMIT | DBD_CAP_BITAND | DBD_CAP_LAST_ID |
            DBD_CAP_UNIQUE,
    .open = myc_open,
    .close = myc_close,
    .ping = myc_ping,
    .exec = myc_exec,
    .begin = myc_begin,
    .commit = myc_commit,
    .rollback = myc_rollback,
    .raw = myc_raw,
};
