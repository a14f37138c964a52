/*
 * odbc.c - the odbc connector: its descriptor, and opening, closing and
 * pinging a connection through unixODBC (odbc://DSN, see odbc_opts.c for
 * the other forms).
 *
 * Each connection has its own environment handle, so connections share
 * nothing but the two things below that drivers force on the process;
 * the driver manager loads a driver once however many environments use
 * it.  What the DBMS behind the driver can do is asked once per
 * connection (odbc_dbms.c).
 */
#include "odbc_int.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The connector's only process-wide state, both forced by drivers:
 *
 * - connect_lock serialises SQLDriverConnect.  psqlODBC calls setlocale()
 *   while it connects and reads the string it returns, which a
 *   setlocale() in another thread frees (AddressSanitizer caught it as
 *   dbd opened a pool).  Only connecting waits; open connections run in
 *   parallel.
 * - libodbcinst is held loaded, once.  SQLite's driver loads it for every
 *   connect and unloads it afterwards, and each unload lost the ini caches
 *   libodbcinst keeps and has no call to free.
 */
static pthread_mutex_t connect_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t pin_once = PTHREAD_ONCE_INIT;

static void pin_odbcinst(void)
{
    /* RTLD_NODELETE keeps it past this dlclose; without unixODBC's
     * libodbcinst there is nothing to hold. */
    void *h = dlopen("libodbcinst.so.2", RTLD_NOW | RTLD_NODELETE);
    if (h != NULL)
        dlclose(h);
}

dbd_status odbc_fail(odbc_conn *c, SQLSMALLINT htype, SQLHANDLE h,
                     const char *what, dbd_exec_info *info)
{
    return odbc_diag(c->dbms.kind, htype, h, what, info->msg,
                     sizeof info->msg);
}

dbd_status odbc_check_dead(odbc_conn *c, dbd_status status,
                           dbd_exec_info *info)
{
    SQLUINTEGER dead = SQL_CD_FALSE;

    /* Only the vague answers can hide a lost connection; a constraint
     * violation or a missing table came from a live server. */
    if (status != DBD_INTERNAL && status != DBD_BAD)
        return status;
    if (SQL_SUCCEEDED(SQLGetConnectAttr(c->dbc, SQL_ATTR_CONNECTION_DEAD,
                                        &dead, 0, NULL)) &&
        dead == SQL_CD_TRUE) {
        size_t n = strlen(info->msg);
        if (n + 32 < sizeof info->msg)
            snprintf(info->msg + n, sizeof info->msg - n,
                     " (connection lost)");
        return DBD_UNAVAILABLE;
    }
    return status;
}

static void odbc_close(void *conn)
{
    odbc_conn *c = conn;
    if (c == NULL)
        return;
    /* Statements first: a driver may refuse to disconnect under them. */
    dbd_stmt_cache_destroy(&c->cache);
    if (c->connected) {
        if (c->in_txn)
            SQLEndTran(SQL_HANDLE_DBC, c->dbc, SQL_ROLLBACK);
        SQLDisconnect(c->dbc);
    }
    if (c->dbc != SQL_NULL_HDBC)
        SQLFreeHandle(SQL_HANDLE_DBC, c->dbc);
    if (c->env != SQL_NULL_HENV)
        SQLFreeHandle(SQL_HANDLE_ENV, c->env);
    dbd_sql_stmt_destroy(&c->sql);
    dbd_buf_free(&c->key);
    dbd_buf_free(&c->text);
    odbc_row_space_free(c);
    odbc_serials_free(c);
    free(c->params);
    free(c);
}

/* A failure to connect: the driver manager's and driver's words, as a
 * status an operator can act on (no such DSN or driver is the
 * configuration; a server that does not answer is unavailable). */
static dbd_status connect_failed(odbc_conn *c, const char *what, char *err,
                                 size_t errlen)
{
    dbd_status st = odbc_diag(ODBC_DBMS_OTHER, SQL_HANDLE_DBC, c->dbc, what,
                              err, errlen);
    return st == DBD_INTERNAL || st == DBD_BAD ? DBD_UNAVAILABLE : st;
}

static dbd_status odbc_open(const dbd_host *host, const dbd_url *url,
                            const dbd_option *opts, size_t nopts, void **pconn,
                            char *err, size_t errlen)
{
    odbc_conn *c = NULL;
    odbc_opts o;
    dbd_status status;
    SQLRETURN r;

    *pconn = NULL;
    status = odbc_opts_parse(&o, url, opts, nopts, err, errlen);
    if (status != DBD_OK)
        goto out;
    c = calloc(1, sizeof *c);
    if (c == NULL || (c->cache = odbc_stmt_cache_new(o.stmt_cache)) == NULL) {
        status = dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
        goto out;
    }
    c->host = host;
    c->query_timeout = o.query_timeout;
    dbd_buf_init(&c->key);
    dbd_buf_init(&c->text);
    dbd_buf_init(&c->row);
    if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE,
                                      &c->env)) ||
        !SQL_SUCCEEDED(SQLSetEnvAttr(c->env, SQL_ATTR_ODBC_VERSION,
                                     (SQLPOINTER)SQL_OV_ODBC3, 0)) ||
        !SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, c->env, &c->dbc))) {
        status = dbd_failf(DBD_INTERNAL, err, errlen,
                           "cannot allocate ODBC handles");
        goto out;
    }
    if (o.login_timeout > 0)
        SQLSetConnectAttr(c->dbc, SQL_ATTR_LOGIN_TIMEOUT,
                          (SQLPOINTER)(uintptr_t)o.login_timeout, 0);
    pthread_once(&pin_once, pin_odbcinst);
    pthread_mutex_lock(&connect_lock);
    r = SQLDriverConnect(c->dbc, NULL,
                         (SQLCHAR *)(uintptr_t)dbd_buf_text(&o.connstr),
                         SQL_NTS, NULL, 0, NULL, SQL_DRIVER_NOPROMPT);
    pthread_mutex_unlock(&connect_lock);
    if (!SQL_SUCCEEDED(r)) {
        status = connect_failed(c, "cannot connect", err, errlen);
        goto out;
    }
    c->connected = true;
    status = odbc_dbms_detect(c->dbc, &o, &c->dbms, err, errlen);
    if (status != DBD_OK)
        goto out;
    c->sql = dbd_sql_stmt_new(&c->dbms.dialect);
    if (c->sql == NULL) {
        status = dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
        goto out;
    }
    odbc_log(c, DBD_LOG_DEBUG, "connected to %s %s through %s%s",
             c->dbms.name, c->dbms.version, c->dbms.driver,
             c->dbms.emulate_upsert ? " (replace emulated)" : "");
    *pconn = c;
    c = NULL;
out:
    odbc_opts_free(&o);
    odbc_close(c);
    return status;
}

/* SELECT 1 where the DBMS takes it; otherwise the driver's own idea of
 * whether the connection is alive. */
static dbd_status odbc_ping(void *conn, dbd_exec_info *info)
{
    odbc_conn *c = conn;
    dbd_exec_info scratch;
    dbd_status status = DBD_OK;
    int64_t one;
    bool found;

    info = dbd_exec_info_begin(info, &scratch);
    if (c->dbms.ping_select) {
        status = odbc_query_int(c, "!ping", "SELECT 1", NULL, 0, &one,
                                &found, info);
        if (status == DBD_OK && (!found || one != 1))
            status = dbd_failf(DBD_UNAVAILABLE, info->msg, sizeof info->msg,
                               "ping: SELECT 1 did not answer 1");
    } else {
        SQLUINTEGER dead = SQL_CD_FALSE;
        if (SQL_SUCCEEDED(SQLGetConnectAttr(c->dbc, SQL_ATTR_CONNECTION_DEAD,
                                            &dead, 0, NULL)) &&
            dead == SQL_CD_TRUE)
            status = dbd_failf(DBD_UNAVAILABLE, info->msg, sizeof info->msg,
                               "the driver reports the connection dead");
    }
    if (status != DBD_OK && status != DBD_UNAVAILABLE &&
        status != DBD_TIMEOUT)
        status = odbc_check_dead(c, status, info);
    /* A ping that fails is a connection to replace, whatever the cause. */
    return status == DBD_OK ? DBD_OK : DBD_UNAVAILABLE;
}

const struct dbd_connector dbd_connector = {
    .abi = DBD_CONNECTOR_ABI,
    .size = sizeof(struct dbd_connector),
    .scheme = "odbc",
    .description = "ODBC data sources through unixODBC",
    .caps = DBD_CAP_QUERY | DBD_CAP_INSERT | DBD_CAP_UPDATE | DBD_CAP_DELETE |
            DBD_CAP_REPLACE | DBD_CAP_TRANSACTION | DBD_CAP_RAW |
            DBD_CAP_ORDER | DBD_CAP_LIMIT | DBD_CAP_BITAND | DBD_CAP_LAST_ID |
            DBD_CAP_UNIQUE,
    .open = odbc_open,
    .close = odbc_close,
    .ping = odbc_ping,
    .exec = odbc_exec,
    .begin = odbc_begin,
    .commit = odbc_commit,
    .rollback = odbc_rollback,
    .raw = odbc_raw,
};
