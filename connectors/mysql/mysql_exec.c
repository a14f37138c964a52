/*
 * mysql_exec.c - the data operations: query, insert, update, delete and
 * replace, built by the shared SQL builder (mysql dialect: backquoted
 * names, ? placeholders, replace as INSERT ... ON DUPLICATE KEY UPDATE)
 * and run as server-side prepared statements cached by the builder's shape
 * key.  The statement text is built only when the key is not cached.
 */
#include "mysql_int.h"

#include <errmsg.h>

/* Counters after a successful write. */
static void report_write(MYSQL_STMT *st, const dbd_op *op,
                         dbd_exec_info *info)
{
    switch (op->kind) {
    case DBD_OP_INSERT:
        info->affected = (int64_t)mysql_stmt_affected_rows(st);
        info->last_id = (int64_t)mysql_stmt_insert_id(st);
        break;
    case DBD_OP_REPLACE:
        /* MySQL counts an update by ON DUPLICATE KEY as 2 rows; one row is
         * in its place, whether inserted, updated or kept */
        info->affected = 1;
        break;
    default:
        /* rows matched, not only changed: the connection is opened with
         * CLIENT_FOUND_ROWS, as the other backends count */
        info->affected = (int64_t)mysql_stmt_affected_rows(st);
        break;
    }
}

/* The cached statement for the shape just built, prepared when new. */
static dbd_status statement(myc_conn *c, const dbd_op *op, MYSQL_STMT **out,
                            dbd_exec_info *info)
{
    const char *key = dbd_sql_stmt_shape(c->sql, NULL);
    size_t len;

    *out = dbd_stmt_cache_get(c->cache, key, NULL);
    if (*out != NULL)
        return DBD_OK;
    dbd_status status = dbd_sql_stmt_build(c->sql, op, info->msg,
                                           sizeof info->msg);
    if (status != DBD_OK)
        return status;
    const char *text = dbd_sql_stmt_text(c->sql, &len);
    status = myc_prepare(c, text, len, out, info);
    if (status != DBD_OK)
        return status;
    if (dbd_stmt_cache_put(c->cache, dbd_sql_stmt_shape(c->sql, NULL), *out,
                           NULL) != 0) {
        (void)mysql_stmt_close(*out);
        *out = NULL;
        return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                         "out of memory caching a statement");
    }
    return DBD_OK;
}

dbd_status myc_exec(void *conn, const dbd_op *op, const dbd_sink *sink,
                    dbd_exec_info *info)
{
    myc_conn *c = conn;
    dbd_exec_info scratch;
    MYSQL_STMT *st = NULL;
    dbd_status status;

    info = dbd_exec_info_begin(info, &scratch);
    status = dbd_sql_stmt_build_shape(c->sql, op, info->msg,
                                      sizeof info->msg);
    if (status == DBD_OK)
        status = statement(c, op, &st, info);
    if (status == DBD_OK)
        status = myc_execute(c, st, dbd_sql_stmt_binds(c->sql),
                             dbd_sql_stmt_nbinds(c->sql), info);
    if (status != DBD_OK && st != NULL &&
        mysql_stmt_errno(st) == CR_NEW_STMT_METADATA) {
        /* The table changed under the cached statement and its result
         * has other columns now: prepare it afresh, once. */
        dbd_stmt_cache_drop(c->cache, dbd_sql_stmt_shape(c->sql, NULL));
        st = NULL;
        dbd_exec_info_begin(info, info);
        status = statement(c, op, &st, info);
        if (status == DBD_OK)
            status = myc_execute(c, st, dbd_sql_stmt_binds(c->sql),
                                 dbd_sql_stmt_nbinds(c->sql), info);
    }
    if (status != DBD_OK)
        goto out;
    if (op->kind == DBD_OP_QUERY)
        status = myc_stream(c, st, sink, info);
    else
        report_write(st, op, info);
out:
    myc_release(st);
    return status;
}
