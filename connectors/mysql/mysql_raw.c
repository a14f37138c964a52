/*
 * mysql_raw.c - backend-native statements and transactions.
 *
 * raw prepares the text as one server-side statement: the server refuses
 * a second statement in a prepare (there is no multi-statement form of
 * it), so a parameter can never smuggle one in.  Statements MySQL cannot
 * prepare come back UNSUPPORTED.  Raw statements are not cached: they are
 * rare and their text is unbounded.  A result is streamed like a query's;
 * of a procedure's several results (CALL) only the first is delivered.
 */
#include "mysql_int.h"

#include <string.h>

/* Reads off the results after the first (CALL's final status among them)
 * so that the connection is ready for the next command. */
static dbd_status drain_results(MYSQL *db, MYSQL_STMT *st,
                                dbd_exec_info *info)
{
    while (mysql_stmt_more_results(st)) {
        int rc = mysql_stmt_next_result(st);
        if (rc > 0)
            return myc_stmt_error(db, st, "statement failed", info->msg,
                                  sizeof info->msg);
        if (rc < 0)
            break;
        (void)mysql_stmt_free_result(st);
    }
    return DBD_OK;
}

dbd_status myc_raw(void *conn, const char *text, size_t len,
                   const dbd_value *params, size_t nparams,
                   const dbd_sink *sink, dbd_exec_info *info)
{
    myc_conn *c = conn;
    dbd_exec_info scratch;
    MYSQL_STMT *st = NULL;
    dbd_status status;

    info = dbd_exec_info_begin(info, &scratch);
    if (text == NULL || len == 0) {
        status = dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                           "raw statement is empty");
        goto out;
    }
    if (memchr(text, '\0', len) != NULL) {
        status = dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                           "raw statement contains a NUL byte");
        goto out;
    }
    status = myc_prepare(c, text, len, &st, info);
    if (status == DBD_OK)
        status = myc_execute(c, st, params, nparams, info);
    if (status != DBD_OK)
        goto out;
    if (mysql_stmt_field_count(st) > 0) {
        status = myc_stream(c, st, sink, info);
    } else {
        info->affected = (int64_t)mysql_stmt_affected_rows(st);
        info->last_id = (int64_t)mysql_stmt_insert_id(st);
    }
    myc_release(st);
    if (status != DBD_UNAVAILABLE) {
        /* also after a failed stream: the connection must be left ready */
        dbd_exec_info ignored;
        dbd_status drained = drain_results(c->db, st,
                                           status == DBD_OK ? info
                                                            : &ignored);
        if (status == DBD_OK)
            status = drained;
    }
out:
    if (st != NULL) {
        myc_release(st);
        (void)mysql_stmt_close(st);
    }
    return status;
}

dbd_status myc_begin(void *conn, dbd_exec_info *info)
{
    dbd_exec_info scratch;
    info = dbd_exec_info_begin(info, &scratch);
    return myc_run_text(conn, "START TRANSACTION", info);
}

dbd_status myc_commit(void *conn, dbd_exec_info *info)
{
    dbd_exec_info scratch;
    info = dbd_exec_info_begin(info, &scratch);
    return myc_run_text(conn, "COMMIT", info);
}

/* ROLLBACK without an open transaction (a deadlock has already rolled it
 * back) is a no-op for MySQL, not an error. */
dbd_status myc_rollback(void *conn, dbd_exec_info *info)
{
    dbd_exec_info scratch;
    info = dbd_exec_info_begin(info, &scratch);
    return myc_run_text(conn, "ROLLBACK", info);
}
