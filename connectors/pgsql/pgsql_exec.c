/*
 * pgsql_exec.c - the data operations: query, insert, update, delete and
 * replace, built by the shared SQL builder (PostgreSQL dialect: $N
 * placeholders, INSERT ... ON CONFLICT for replace) and run as prepared
 * statements cached under the builder's shape key plus the types of the
 * bound values.  The statement text is built only when the key is not
 * cached.
 *
 * An insert into a table with a serial column returns that column
 * (INSERT ... RETURNING), which becomes last_id.
 *
 * A cached statement can go stale in the server session: a table altered
 * so that SELECT * now has other columns ("cached plan must not change
 * result type", 0A000), or every statement deallocated by a raw
 * DEALLOCATE / DISCARD (26000).  Such a statement is dropped from the
 * cache; outside a transaction it is prepared afresh and run once more,
 * inside one the transaction has already failed: BUSY, retry.
 */
#include "pgsql_int.h"

#include <string.h>

/* The statement's text, with RETURNING when there is a serial column. */
static dbd_status build_text(pgc_conn *c, const dbd_op *op, const char *serial,
                             dbd_exec_info *info)
{
    size_t len;
    dbd_status status = dbd_sql_stmt_build(c->sql, op, info->msg,
                                           sizeof info->msg);
    if (status != DBD_OK)
        return status;
    const char *text = dbd_sql_stmt_text(c->sql, &len);
    dbd_buf_reset(&c->text);
    (void)dbd_buf_append(&c->text, text, len);
    if (serial != NULL) {
        (void)dbd_buf_append_str(&c->text, " RETURNING \"");
        (void)dbd_buf_append_str(&c->text, serial);
        (void)dbd_buf_append_char(&c->text, '"');
    }
    if (c->text.failed)
        return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                         "out of memory building a statement");
    return DBD_OK;
}

/* shape '#' value types ['#' serial column] */
static dbd_status build_key(pgc_conn *c, const char *serial,
                            dbd_exec_info *info)
{
    dbd_buf_reset(&c->key);
    (void)dbd_buf_append_str(&c->key, dbd_sql_stmt_shape(c->sql, NULL));
    (void)dbd_buf_append_char(&c->key, '#');
    (void)dbd_buf_append_str(&c->key, dbd_buf_text(&c->params.sig));
    if (serial != NULL) {
        (void)dbd_buf_append_char(&c->key, '#');
        (void)dbd_buf_append_str(&c->key, serial);
    }
    if (c->key.failed)
        return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                         "out of memory");
    return DBD_OK;
}

/* A cached statement failed because it went stale. */
static bool stale(const pgc_conn *c)
{
    return strcmp(c->last_state, "0A000") == 0 ||
           strcmp(c->last_state, "26000") == 0;
}

dbd_status pgc_exec(void *conn, const dbd_op *op, const dbd_sink *sink,
                    dbd_exec_info *info)
{
    pgc_conn *c = conn;
    dbd_exec_info scratch;
    const char *serial = NULL;
    const pgc_stmt *st;
    bool text_built = false;
    dbd_status status;

    info = dbd_exec_info_begin(info, &scratch);
    status = pgc_ready(c, info);
    if (status == DBD_OK)
        status = dbd_sql_stmt_build_shape(c->sql, op, info->msg,
                                          sizeof info->msg);
    if (status == DBD_OK)
        status = pgc_params_set(&c->params, dbd_sql_stmt_binds(c->sql),
                                dbd_sql_stmt_nbinds(c->sql), info->msg,
                                sizeof info->msg);
    if (status == DBD_OK && op->kind == DBD_OP_INSERT)
        status = pgc_serial_column(c, op->table, &serial, info);
    if (status == DBD_OK)
        status = build_key(c, serial, info);
    for (int attempt = 0; status == DBD_OK && attempt < 2; attempt++) {
        bool cached = true;
        unsigned long replan_after = PGC_REPLAN_FIRST;
        st = pgc_cached(c, dbd_buf_text(&c->key), &replan_after);
        if (st == NULL) {
            cached = false;
            if (!text_built)
                status = build_text(c, op, serial, info);
            text_built = status == DBD_OK;
            if (status == DBD_OK)
                status = pgc_prepare(c, dbd_buf_text(&c->key),
                                     dbd_buf_text(&c->text), serial != NULL,
                                     replan_after, &st, info);
            if (status != DBD_OK)
                break;
        }
        pgc_rows_to to = op->kind == DBD_OP_QUERY ? PGC_ROWS_SINK
                         : st->returning         ? PGC_ROWS_ID
                                                 : PGC_ROWS_NONE;
        status = pgc_run_prepared(c, st, to, sink, info);
        if (status == DBD_OK || status == DBD_UNAVAILABLE || !cached ||
            !stale(c))
            break;
        pgc_log(c, DBD_LOG_DEBUG, "statement %s went stale (%s)", st->name,
                info->msg);
        pgc_forget(c, dbd_buf_text(&c->key));
        if (PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
            /* the transaction failed with it: the next try will work */
            status = DBD_BUSY;
            break;
        }
        dbd_exec_info_begin(info, &scratch);
        status = DBD_OK;
    }
    /* one row is in its place, whether inserted, updated or kept */
    if (status == DBD_OK && op->kind == DBD_OP_REPLACE)
        info->affected = 1;
    return status;
}
