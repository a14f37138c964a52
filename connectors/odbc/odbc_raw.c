/*
 * odbc_raw.c - backend-native statements and transactions.
 *
 * raw text goes to the driver as it is, with '?' parameters: it is
 * prepared on a handle of its own (not cached: raw statements are rare
 * and their text unbounded), the parameter count checked against what
 * was given, and the first result streamed.  Whether text may hold more
 * than one statement is the driver's and DBMS's business; only the first
 * result is returned.
 *
 * Transactions switch autocommit off (SQL_ATTR_AUTOCOMMIT) and end with
 * SQLEndTran, which is how ODBC spells BEGIN/COMMIT/ROLLBACK for every
 * driver.
 */
#include "odbc_int.h"

#include <string.h>

dbd_status odbc_raw(void *conn, const char *text, size_t len,
                    const dbd_value *params, size_t nparams,
                    const dbd_sink *sink, dbd_exec_info *info)
{
    odbc_conn *c = conn;
    dbd_exec_info scratch;
    SQLHSTMT h = SQL_NULL_HSTMT;
    odbc_cols cols;
    SQLSMALLINT want = 0, ncols = 0;
    dbd_status status;

    memset(&cols, 0, sizeof cols);
    info = dbd_exec_info_begin(info, &scratch);
    if (text == NULL || len == 0 || strspn(text, " \t\r\n") >= len) {
        status = dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                           "raw statement is empty");
        goto out;
    }
    if (memchr(text, '\0', len) != NULL) {
        status = dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                           "raw statement contains a NUL byte");
        goto out;
    }
    status = odbc_prepare_new(c, text, len, &h, info);
    if (status != DBD_OK)
        goto out;
    if (SQL_SUCCEEDED(SQLNumParams(h, &want)) && (size_t)want != nparams) {
        status = dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                           "raw statement has %d parameters, %zu given",
                           (int)want, nparams);
        goto out;
    }
    status = odbc_bind_all(c, h, params, nparams, info);
    if (status == DBD_OK)
        status = odbc_execute(c, h, "raw statement failed", info);
    if (status != DBD_OK)
        goto out;
    if (!SQL_SUCCEEDED(SQLNumResultCols(h, &ncols))) {
        status = odbc_fail(c, SQL_HANDLE_STMT, h, "cannot count the columns",
                           info);
        goto out;
    }
    if (ncols > 0) {
        status = odbc_stream(c, h, &cols, sink, info);
        goto out;
    }
    info->affected = odbc_row_count(h);
    /* An id a raw insert generated must not show as the id of the next
     * insert that gives its own; raw reports no last_id itself. */
    if (c->dbms.last_id == ODBC_LAST_ID_MYSQL && info->affected > 0) {
        int64_t ignored;
        odbc_release(h);
        odbc_last_insert_id(c, &ignored);
    }
out:
    if (h != SQL_NULL_HSTMT)
        SQLFreeHandle(SQL_HANDLE_STMT, h);
    odbc_cols_free(&cols);
    return odbc_check_dead(c, status, info);
}

/* The connection back in autocommit mode after a transaction, and the
 * statements forgotten when the driver drops them at the end of one. */
static dbd_status end_txn(odbc_conn *c, SQLSMALLINT how, dbd_exec_info *info)
{
    dbd_status status = DBD_OK;
    SQLRETURN r = SQLEndTran(SQL_HANDLE_DBC, c->dbc, how);
    if (!SQL_SUCCEEDED(r))
        status = odbc_fail(c, SQL_HANDLE_DBC, c->dbc,
                           how == SQL_COMMIT ? "commit failed"
                                             : "rollback failed",
                           info);
    if (status != DBD_OK && how == SQL_COMMIT)
        SQLEndTran(SQL_HANDLE_DBC, c->dbc, SQL_ROLLBACK);
    r = SQLSetConnectAttr(c->dbc, SQL_ATTR_AUTOCOMMIT,
                          (SQLPOINTER)SQL_AUTOCOMMIT_ON, 0);
    if (!SQL_SUCCEEDED(r) && status == DBD_OK)
        status = odbc_fail(c, SQL_HANDLE_DBC, c->dbc,
                           "cannot switch autocommit back on", info);
    c->in_txn = false;
    if (c->dbms.cursors_lost)
        dbd_stmt_cache_clear(c->cache);
    return status;
}

dbd_status odbc_begin(void *conn, dbd_exec_info *info)
{
    odbc_conn *c = conn;
    dbd_exec_info scratch;

    info = dbd_exec_info_begin(info, &scratch);
    if (c->in_txn)
        return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                         "a transaction is already open");
    SQLRETURN r = SQLSetConnectAttr(c->dbc, SQL_ATTR_AUTOCOMMIT,
                                    (SQLPOINTER)SQL_AUTOCOMMIT_OFF, 0);
    if (!SQL_SUCCEEDED(r))
        return odbc_check_dead(c,
                               odbc_fail(c, SQL_HANDLE_DBC, c->dbc,
                                         "cannot begin a transaction", info),
                               info);
    c->in_txn = true;
    return DBD_OK;
}

dbd_status odbc_commit(void *conn, dbd_exec_info *info)
{
    odbc_conn *c = conn;
    dbd_exec_info scratch;

    info = dbd_exec_info_begin(info, &scratch);
    if (!c->in_txn)
        return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                         "no transaction is open");
    return odbc_check_dead(c, end_txn(c, SQL_COMMIT, info), info);
}

/* Without an open transaction there is nothing to undo: that is not a
 * failure. */
dbd_status odbc_rollback(void *conn, dbd_exec_info *info)
{
    odbc_conn *c = conn;
    dbd_exec_info scratch;

    info = dbd_exec_info_begin(info, &scratch);
    if (!c->in_txn)
        return DBD_OK;
    return odbc_check_dead(c, end_txn(c, SQL_ROLLBACK, info), info);
}
