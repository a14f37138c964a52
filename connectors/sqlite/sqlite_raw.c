/*
 * sqlite_raw.c - backend-native statements and transactions.
 *
 * raw runs exactly one statement: text after it (other than blanks and
 * comments) is refused, so a parameter can never smuggle a second
 * statement in and a client cannot mistake which one ran.  Raw statements
 * are not cached: they are rare and their text is unbounded.
 */
#include "sqlite_int.h"

#include <limits.h>
#include <string.h>

/* BAD unless nothing but blanks and comments follows the first statement. */
static dbd_status check_tail(sqlite3 *db, const char *tail, size_t n,
                             dbd_exec_info *info)
{
    sqlite3_stmt *next = NULL;
    dbd_status status = DBD_OK;
    const char *after = NULL;

    if (n == 0)
        return DBD_OK;
    int rc = sqlite3_prepare_v2(db, tail, (int)n, &next, &after);
    if (rc != SQLITE_OK || next != NULL)
        status = dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                           "raw takes one statement; text follows the "
                           "first: \"%.60s\"", tail);
    sqlite3_finalize(next);
    return status;
}

dbd_status sqlc_raw(void *conn, const char *text, size_t len,
                    const dbd_value *params, size_t nparams,
                    const dbd_sink *sink, dbd_exec_info *info)
{
    sqlc_conn *c = conn;
    dbd_exec_info scratch;
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    dbd_status status;
    int64_t total, rowid;
    int rc, want;

    info = dbd_exec_info_begin(info, &scratch);
    if (text == NULL || len == 0) {
        status = dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                           "raw statement is empty");
        goto out;
    }
    if (len >= INT_MAX || memchr(text, '\0', len) != NULL) {
        status = dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                           len >= INT_MAX ? "raw statement is too long"
                                          : "raw statement contains a NUL "
                                            "byte");
        goto out;
    }
    rc = sqlite3_prepare_v2(c->db, text, (int)len, &st, &tail);
    if (rc != SQLITE_OK) {
        status = sqlc_error(c->db, rc, "cannot prepare raw statement",
                            info->msg, sizeof info->msg);
        goto out;
    }
    if (st == NULL) {
        status = dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                           "raw statement is empty");
        goto out;
    }
    status = check_tail(c->db, tail, len - (size_t)(tail - text), info);
    if (status != DBD_OK)
        goto out;
    want = sqlite3_bind_parameter_count(st);
    if ((size_t)want != nparams) {
        status = dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                           "raw statement has %d parameters, %zu given",
                           want, nparams);
        goto out;
    }
    status = sqlc_bind_all(c->db, st, params, nparams, info);
    if (status != DBD_OK)
        goto out;
    if (sqlite3_column_count(st) > 0) {
        status = sqlc_stream(c, st, NULL, sink, info);
        goto out;
    }
    /* Counted as differences: sqlite3_changes() keeps the value of an
     * earlier statement when this one (DDL, say) changes no rows. */
    total = sqlc_total_changes(c->db);
    rowid = sqlite3_last_insert_rowid(c->db);
    status = sqlc_step_done(c->db, st, info);
    if (status == DBD_OK) {
        info->affected = sqlc_total_changes(c->db) - total;
        if (sqlite3_last_insert_rowid(c->db) != rowid)
            info->last_id = sqlite3_last_insert_rowid(c->db);
    }
out:
    sqlite3_finalize(st);
    return status;
}

/* Immediate: take the write lock now (waiting up to busy_timeout), so a
 * batch never fails half-way because another writer got in first. */
dbd_status sqlc_begin(void *conn, dbd_exec_info *info)
{
    dbd_exec_info scratch;
    info = dbd_exec_info_begin(info, &scratch);
    return sqlc_run_simple(conn, "!begin", "BEGIN IMMEDIATE", info);
}

dbd_status sqlc_commit(void *conn, dbd_exec_info *info)
{
    dbd_exec_info scratch;
    info = dbd_exec_info_begin(info, &scratch);
    return sqlc_run_simple(conn, "!commit", "COMMIT", info);
}

/* Without an open transaction (SQLite may already have rolled back after
 * an error) there is nothing to undo: that is not a failure. */
dbd_status sqlc_rollback(void *conn, dbd_exec_info *info)
{
    sqlc_conn *c = conn;
    dbd_exec_info scratch;
    info = dbd_exec_info_begin(info, &scratch);
    if (sqlite3_get_autocommit(c->db))
        return DBD_OK;
    return sqlc_run_simple(c, "!rollback", "ROLLBACK", info);
}
