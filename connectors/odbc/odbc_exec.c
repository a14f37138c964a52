/*
 * odbc_exec.c - the data operations: query, insert, update, delete and
 * replace, built by the shared SQL builder in the connection's dialect
 * and run through the statement cache keyed by the builder's shape key.
 * The statement text is built and prepared only when the key is not
 * cached.
 *
 * An insert into PostgreSQL gets " RETURNING <its sequence column>" when
 * the table has one, so that last_id needs no second round trip; the
 * column is part of the cache key.  SQLite and MySQL are asked for the
 * id afterwards (odbc_lastid.c).
 */
#include "odbc_int.h"

#include <string.h>

#include "../../proto/ident.h"

/* Fills c->key (and, with text, c->text) for op, which the builder has
 * shaped: the shape key plus the RETURNING column, if any. */
static dbd_status make_key(odbc_conn *c, const dbd_op *op, char *serial,
                           size_t serialsize, dbd_exec_info *info)
{
    serial[0] = '\0';
    if (op->kind == DBD_OP_INSERT &&
        c->dbms.last_id == ODBC_LAST_ID_RETURNING) {
        dbd_status st = odbc_serial_column(c, op->table, serial, serialsize,
                                           info);
        if (st != DBD_OK)
            return st;
    }
    dbd_buf_reset(&c->key);
    dbd_buf_append_str(&c->key, dbd_sql_stmt_shape(c->sql, NULL));
    if (serial[0] != '\0') {
        dbd_buf_append_str(&c->key, "|returning ");
        dbd_buf_append_str(&c->key, serial);
    }
    if (c->key.failed)
        return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                         "out of memory");
    return DBD_OK;
}

/* Builds the text of op into c->text and prepares it under c->key. */
static dbd_status prepare_op(odbc_conn *c, const dbd_op *op,
                             const char *serial, odbc_stmt **out,
                             dbd_exec_info *info)
{
    SQLHSTMT h;
    dbd_status status = dbd_sql_stmt_build(c->sql, op, info->msg,
                                           sizeof info->msg);
    if (status != DBD_OK)
        return status;
    dbd_buf_reset(&c->text);
    dbd_buf_append_str(&c->text, dbd_sql_stmt_text(c->sql, NULL));
    if (serial[0] != '\0') {
        dbd_buf_append_str(&c->text, " RETURNING ");
        dbd_buf_append_str(&c->text, c->dbms.quote);
        dbd_buf_append_str(&c->text, serial);
        dbd_buf_append_str(&c->text, c->dbms.quote);
    }
    if (c->text.failed)
        return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                         "out of memory building a statement");
    status = odbc_prepare_new(c, dbd_buf_text(&c->text), c->text.len, &h,
                              info);
    if (status != DBD_OK)
        return status;
    *out = odbc_stmt_put(c->cache, dbd_buf_text(&c->key), h);
    if (*out == NULL)
        return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                         "out of memory caching a statement");
    if (op->kind == DBD_OP_QUERY) {
        status = odbc_exact_doubles(c, *out, dbd_sql_stmt_text(c->sql, NULL),
                                    info);
        if (status != DBD_OK) {
            dbd_stmt_cache_drop(c->cache, dbd_buf_text(&c->key));
            *out = NULL;
        }
    }
    return status;
}

/* The id RETURNING produced: the one row's one column. */
static dbd_status fetch_returned(odbc_conn *c, SQLHSTMT h,
                                 dbd_exec_info *info)
{
    int64_t id = 0;
    SQLLEN ind = 0;
    SQLRETURN r = SQLFetch(h);
    if (r == SQL_NO_DATA)
        return DBD_OK;
    if (SQL_SUCCEEDED(r))
        r = SQLGetData(h, 1, SQL_C_SBIGINT, &id, 0, &ind);
    if (!SQL_SUCCEEDED(r))
        return odbc_fail(c, SQL_HANDLE_STMT, h, "cannot read the new id",
                         info);
    if (ind != SQL_NULL_DATA)
        info->last_id = id;
    odbc_fetch_rest(h);
    return DBD_OK;
}

/* Counters after a successful write (the last id of an insert that had
 * no RETURNING is asked for once the statement is released). */
static dbd_status report_write(odbc_conn *c, const dbd_op *op, SQLHSTMT h,
                               bool returning, dbd_exec_info *info)
{
    switch (op->kind) {
    case DBD_OP_INSERT:
        info->affected = odbc_row_count(h);
        if (info->affected < 0)
            info->affected = 1;
        return returning ? fetch_returned(c, h, info) : DBD_OK;
    case DBD_OP_REPLACE:
        /* one row is in its place, whether inserted, updated or kept */
        info->affected = 1;
        return DBD_OK;
    default:
        info->affected = odbc_row_count(h);
        return DBD_OK;
    }
}

dbd_status odbc_run_op(odbc_conn *c, const dbd_op *op, const dbd_sink *sink,
                       dbd_exec_info *info)
{
    odbc_stmt *st = NULL;
    char serial[DBD_IDENT_MAX + 1];
    dbd_status status;

    status = dbd_sql_stmt_build_shape(c->sql, op, info->msg,
                                      sizeof info->msg);
    if (status == DBD_OK)
        status = make_key(c, op, serial, sizeof serial, info);
    if (status != DBD_OK)
        return status;
    st = odbc_stmt_get(c->cache, dbd_buf_text(&c->key));
    if (st == NULL) {
        status = prepare_op(c, op, serial, &st, info);
        if (status != DBD_OK)
            return status;
    }
    status = odbc_bind_all(c, st->h, dbd_sql_stmt_binds(c->sql),
                           dbd_sql_stmt_nbinds(c->sql), info);
    if (status == DBD_OK)
        status = odbc_execute(c, st->h, "statement failed", info);
    if (status == DBD_OK && op->kind == DBD_OP_QUERY)
        status = odbc_stream(c, st->h, &st->cols, sink, info);
    else if (status == DBD_OK)
        status = report_write(c, op, st->h, serial[0] != '\0', info);
    odbc_release(st->h);
    st = NULL; /* the queries below may evict it from the cache */
    /* After an error the statement's state is not to be trusted, except
     * for the answers a healthy write gives; a query stopped before its
     * end may not run again right (see odbc_fetch_rest()). */
    if (status != DBD_OK &&
        (op->kind == DBD_OP_QUERY ||
         (status != DBD_CONSTRAINT && status != DBD_BUSY &&
          status != DBD_TIMEOUT)))
        dbd_stmt_cache_drop(c->cache, dbd_buf_text(&c->key));
    if (status == DBD_NOTFOUND)
        odbc_serials_free(c); /* a table went away: ask again */
    if (status == DBD_OK && op->kind == DBD_OP_INSERT && serial[0] == '\0')
        odbc_last_insert_id(c, &info->last_id);
    return status;
}

dbd_status odbc_exec(void *conn, const dbd_op *op, const dbd_sink *sink,
                     dbd_exec_info *info)
{
    odbc_conn *c = conn;
    dbd_exec_info scratch;
    dbd_status status;

    info = dbd_exec_info_begin(info, &scratch);
    if (op == NULL)
        return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                         "missing operation");
    if (op->kind == DBD_OP_REPLACE && c->dbms.emulate_upsert)
        status = odbc_replace_emulated(c, op, info);
    else
        status = odbc_run_op(c, op, sink, info);
    return odbc_check_dead(c, status, info);
}
