/*
 * odbc_stmt.c - running statements: the statement cache's entries, the
 * cached prepare, executing, counting, releasing, and the one-integer
 * queries the connector asks itself (ping, last ids).
 */
#include "odbc_int.h"

#include <stdio.h>
#include <string.h>

/* The cache's release callback: the handle goes with its columns.  The
 * area's handle is the live one (odbc_exact.c may swap it for a new one
 * after the entry was made), so that is the one freed, never `stmt`. */
static void free_cached(void *ctx, void *stmt, void *extra)
{
    odbc_stmt *st = extra;
    (void)ctx;
    (void)stmt;
    if (st->h != SQL_NULL_HSTMT)
        SQLFreeHandle(SQL_HANDLE_STMT, st->h);
    st->h = SQL_NULL_HSTMT;
    odbc_cols_free(&st->cols);
}

dbd_stmt_cache *odbc_stmt_cache_new(size_t capacity)
{
    return dbd_stmt_cache_new(capacity, sizeof(odbc_stmt), free_cached,
                              NULL);
}

odbc_stmt *odbc_stmt_get(dbd_stmt_cache *cache, const char *key)
{
    void *area = NULL;
    return dbd_stmt_cache_get(cache, key, &area) != NULL ? area : NULL;
}

odbc_stmt *odbc_stmt_put(dbd_stmt_cache *cache, const char *key, SQLHSTMT h)
{
    void *area = NULL;
    if (dbd_stmt_cache_put(cache, key, h, &area) != 0) {
        SQLFreeHandle(SQL_HANDLE_STMT, h);
        return NULL;
    }
    odbc_stmt *st = area;
    st->h = h;
    return st;
}

dbd_status odbc_prepare_new(odbc_conn *c, const char *text, size_t len,
                            SQLHSTMT *out, dbd_exec_info *info)
{
    SQLHSTMT h = SQL_NULL_HSTMT;
    dbd_status status;

    *out = SQL_NULL_HSTMT;
    if (len > (size_t)INT32_MAX)
        return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                         "statement of %zu bytes is too long", len);
    if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, c->dbc, &h)))
        return odbc_fail(c, SQL_HANDLE_DBC, c->dbc,
                         "cannot allocate a statement", info);
    if (c->query_timeout > 0 &&
        !SQL_SUCCEEDED(SQLSetStmtAttr(h, SQL_ATTR_QUERY_TIMEOUT,
                                      (SQLPOINTER)(uintptr_t)c->query_timeout,
                                      0)))
        odbc_log(c, DBD_LOG_DEBUG, "driver %s takes no query timeout",
                 c->dbms.driver);
    if (!SQL_SUCCEEDED(SQLPrepare(h, (SQLCHAR *)(uintptr_t)text,
                                  (SQLINTEGER)len))) {
        status = odbc_fail(c, SQL_HANDLE_STMT, h, "cannot prepare", info);
        SQLFreeHandle(SQL_HANDLE_STMT, h);
        return status;
    }
    *out = h;
    return DBD_OK;
}

dbd_status odbc_prepare_cached(odbc_conn *c, const char *key,
                               const char *text, odbc_stmt **out,
                               dbd_exec_info *info)
{
    SQLHSTMT h;
    odbc_stmt *st = odbc_stmt_get(c->cache, key);

    if (st != NULL) {
        *out = st;
        return DBD_OK;
    }
    *out = NULL;
    dbd_status status = odbc_prepare_new(c, text, strlen(text), &h, info);
    if (status != DBD_OK)
        return status;
    st = odbc_stmt_put(c->cache, key, h);
    if (st == NULL)
        return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                         "out of memory caching a statement");
    *out = st;
    return DBD_OK;
}

dbd_status odbc_execute(odbc_conn *c, SQLHSTMT h, const char *what,
                        dbd_exec_info *info)
{
    SQLRETURN r = SQLExecute(h);
    if (SQL_SUCCEEDED(r) || r == SQL_NO_DATA)
        return DBD_OK;
    if (r == SQL_NEED_DATA)
        return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                         "%s: the driver asks for data at execution", what);
    return odbc_fail(c, SQL_HANDLE_STMT, h, what, info);
}

int64_t odbc_row_count(SQLHSTMT h)
{
    SQLLEN n = -1;
    if (!SQL_SUCCEEDED(SQLRowCount(h, &n)))
        return -1;
    return n;
}

void odbc_fetch_rest(SQLHSTMT h)
{
    SQLRETURN r;
    do
        r = SQLFetch(h);
    while (SQL_SUCCEEDED(r));
}

void odbc_release(SQLHSTMT h)
{
    if (h != SQL_NULL_HSTMT)
        SQLFreeStmt(h, SQL_CLOSE);
}

dbd_status odbc_query_int(odbc_conn *c, const char *key, const char *text,
                          const dbd_value *params, size_t nparams,
                          int64_t *out, bool *found, dbd_exec_info *info)
{
    odbc_stmt *st = NULL;
    SQLLEN ind = 0;
    int64_t v = 0;
    dbd_status status;

    *out = 0;
    *found = false;
    status = odbc_prepare_cached(c, key, text, &st, info);
    if (status != DBD_OK)
        return status;
    status = odbc_bind_all(c, st->h, params, nparams, info);
    if (status == DBD_OK)
        status = odbc_execute(c, st->h, text, info);
    if (status != DBD_OK)
        goto out;
    SQLRETURN r = SQLFetch(st->h);
    if (r == SQL_NO_DATA)
        goto out;
    if (SQL_SUCCEEDED(r))
        r = SQLGetData(st->h, 1, SQL_C_SBIGINT, &v, 0, &ind);
    if (!SQL_SUCCEEDED(r)) {
        status = odbc_fail(c, SQL_HANDLE_STMT, st->h, text, info);
        goto out;
    }
    if (ind != SQL_NULL_DATA) {
        *out = v;
        *found = true;
    }
    odbc_fetch_rest(st->h);
out:
    odbc_release(st->h);
    if (status != DBD_OK)
        dbd_stmt_cache_drop(c->cache, key);
    return status;
}
