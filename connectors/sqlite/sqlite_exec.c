/*
 * sqlite_exec.c - the data operations: query, insert, update, delete and
 * replace, built by the shared SQL builder and run through the statement
 * cache keyed by the builder's shape key.  The statement text is built
 * only when the key is not cached (see sqlc_cached()).
 */
#include "sqlite_int.h"

/* Counters after a successful write. */
static void report_write(sqlc_conn *c, const dbd_op *op, dbd_exec_info *info)
{
    switch (op->kind) {
    case DBD_OP_INSERT:
        info->affected = sqlc_changes(c->db);
        info->last_id = sqlite3_last_insert_rowid(c->db);
        break;
    case DBD_OP_REPLACE:
        /* one row is in its place, whether inserted, updated or kept */
        info->affected = 1;
        break;
    default:
        info->affected = sqlc_changes(c->db);
        break;
    }
}

dbd_status sqlc_exec(void *conn, const dbd_op *op, const dbd_sink *sink,
                     dbd_exec_info *info)
{
    sqlc_conn *c = conn;
    dbd_exec_info scratch;
    sqlite3_stmt *st = NULL;
    sqlc_cols *cols = NULL;
    dbd_status status;
    size_t len;

    info = dbd_exec_info_begin(info, &scratch);
    status = dbd_sql_stmt_build_shape(c->sql, op, info->msg,
                                      sizeof info->msg);
    if (status != DBD_OK)
        goto out;
    st = sqlc_cached(c, dbd_sql_stmt_shape(c->sql, NULL), NULL, &cols);
    if (st == NULL) {
        status = dbd_sql_stmt_build(c->sql, op, info->msg, sizeof info->msg);
        if (status != DBD_OK)
            goto out;
        const char *text = dbd_sql_stmt_text(c->sql, &len);
        status = sqlc_prepare_put(c, dbd_sql_stmt_shape(c->sql, NULL), text,
                                  len, &st, &cols, info);
        if (status != DBD_OK)
            goto out;
    }
    status = sqlc_bind_all(c->db, st, dbd_sql_stmt_binds(c->sql),
                           dbd_sql_stmt_nbinds(c->sql), info);
    if (status != DBD_OK)
        goto out;
    if (op->kind == DBD_OP_QUERY) {
        status = sqlc_stream(c, st, cols, sink, info);
    } else {
        status = sqlc_step_done(c->db, st, info);
        if (status == DBD_OK)
            report_write(c, op, info);
    }
out:
    sqlc_release(st);
    return status;
}
