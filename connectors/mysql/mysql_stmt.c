/*
 * mysql_stmt.c - running statements: preparing, binding and executing,
 * releasing a result, and the plain text commands (transactions, session
 * settings) that need neither parameters nor rows.
 */
#include "mysql_int.h"

#include <string.h>

/* The cache's release callback. */
static void close_cached(void *ctx, void *stmt, void *extra)
{
    (void)ctx;
    (void)extra;
    /* fails only when the connection is gone, and then the server has
     * dropped the statement already */
    (void)mysql_stmt_close(stmt);
}

dbd_stmt_cache *myc_stmt_cache_new(size_t capacity)
{
    return dbd_stmt_cache_new(capacity, 0, close_cached, NULL);
}

dbd_status myc_prepare(myc_conn *c, const char *text, size_t len,
                       MYSQL_STMT **out, dbd_exec_info *info)
{
    MYSQL_STMT *st = NULL;
    dbd_status status = DBD_OK;

    *out = NULL;
    if ((unsigned long)len != len)
        return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                         "statement of %zu bytes is too long", len);
    st = mysql_stmt_init(c->db);
    if (st == NULL)
        return myc_db_error(c->db, "cannot create a statement", info->msg,
                            sizeof info->msg);
    if (mysql_stmt_prepare(st, text, (unsigned long)len) != 0) {
        status = myc_stmt_error(c->db, st, "cannot prepare statement",
                                info->msg, sizeof info->msg);
        goto out;
    }
    *out = st;
    st = NULL;
out:
    if (st != NULL)
        (void)mysql_stmt_close(st);
    return status;
}

dbd_status myc_execute(myc_conn *c, MYSQL_STMT *st, const dbd_value *vals,
                       size_t n, dbd_exec_info *info)
{
    unsigned long want = mysql_stmt_param_count(st);
    if (want != n)
        return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                         "statement has %lu parameters, %zu given", want, n);
    dbd_status status = myc_bind_params(&c->params, c->db, st, vals, n,
                                        info);
    if (status != DBD_OK)
        return status;
    if (mysql_stmt_execute(st) != 0)
        return myc_stmt_error(c->db, st, "statement failed", info->msg,
                              sizeof info->msg);
    return DBD_OK;
}

void myc_release(MYSQL_STMT *st)
{
    if (st == NULL)
        return;
    /* Reads off the rows the sink did not take, so that the connection
     * is ready for the next command; a failure here is a lost connection,
     * which the next command reports. */
    (void)mysql_stmt_free_result(st);
}

dbd_status myc_run_text(myc_conn *c, const char *text, dbd_exec_info *info)
{
    if (mysql_real_query(c->db, text, (unsigned long)strlen(text)) != 0)
        return myc_db_error(c->db, text, info->msg, sizeof info->msg);
    /* none of these statements returns rows; should one, drop them */
    if (mysql_field_count(c->db) > 0) {
        MYSQL_RES *res = mysql_use_result(c->db);
        if (res != NULL)
            mysql_free_result(res);
    }
    return DBD_OK;
}
