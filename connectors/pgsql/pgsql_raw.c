/*
 * pgsql_raw.c - backend-native statements and transactions.
 *
 * raw runs exactly one statement through the extended protocol, which
 * itself refuses a second one, with $1, $2, ... bound to the parameters
 * (see pgsql_params.c); rows come back in the text format and stream like
 * a query's.  Raw statements are not cached: they are rare and their text
 * is unbounded.
 *
 * A connection serves many clients one request at a time, so raw may not
 * leave a transaction open (BEGIN alone) nor end the one of a batch
 * (COMMIT inside it): either is undone or reported as BAD.
 */
#include "pgsql_int.h"

#include <string.h>

static dbd_status check_txn(pgc_conn *c, dbd_status status,
                            dbd_exec_info *info)
{
    PGTransactionStatusType ts = PQtransactionStatus(c->pg);
    bool open = ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR;

    if (status == DBD_UNAVAILABLE || open == c->in_txn)
        return status;
    if (!c->in_txn) {
        dbd_exec_info undo;
        dbd_exec_info_begin(&undo, NULL);
        dbd_status st = pgc_run_simple(c, "ROLLBACK", "rollback", NULL, &undo);
        if (st == DBD_UNAVAILABLE) {
            *info = undo;
            return st;
        }
        return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                         "raw may not leave a transaction open; it was "
                         "rolled back (use an atomic batch)");
    }
    c->in_txn = false;
    return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                     "raw ended the batch's transaction");
}

dbd_status pgc_raw(void *conn, const char *text, size_t len,
                   const dbd_value *params, size_t nparams,
                   const dbd_sink *sink, dbd_exec_info *info)
{
    pgc_conn *c = conn;
    dbd_exec_info scratch;
    dbd_status status;

    info = dbd_exec_info_begin(info, &scratch);
    if (text == NULL || len == 0)
        return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                         "raw statement is empty");
    if (memchr(text, '\0', len) != NULL)
        return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                         "raw statement contains a NUL byte");
    dbd_buf_reset(&c->text);
    if (dbd_buf_append(&c->text, text, len) != 0)
        return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                         "out of memory");
    status = pgc_ready(c, info);
    if (status == DBD_OK)
        status = pgc_params_set(&c->params, params, nparams, info->msg,
                                sizeof info->msg);
    if (status != DBD_OK)
        return status;
    status = pgc_run_text(c, dbd_buf_text(&c->text), sink, info);
    return check_txn(c, status, info);
}

dbd_status pgc_begin(void *conn, dbd_exec_info *info)
{
    pgc_conn *c = conn;
    dbd_exec_info scratch;
    info = dbd_exec_info_begin(info, &scratch);
    dbd_status status = pgc_ready(c, info);
    if (status == DBD_OK)
        status = pgc_run_simple(c, "BEGIN", "begin", NULL, info);
    c->in_txn = status == DBD_OK;
    return status;
}

dbd_status pgc_commit(void *conn, dbd_exec_info *info)
{
    pgc_conn *c = conn;
    dbd_exec_info scratch;
    info = dbd_exec_info_begin(info, &scratch);
    c->in_txn = false;
    /* a failed transaction answers COMMIT with ROLLBACK, not an error */
    return pgc_run_simple(c, "COMMIT", "commit", "COMMIT", info);
}

/* Without an open transaction there is nothing to undo: not a failure. */
dbd_status pgc_rollback(void *conn, dbd_exec_info *info)
{
    pgc_conn *c = conn;
    dbd_exec_info scratch;
    info = dbd_exec_info_begin(info, &scratch);
    c->in_txn = false;
    if (PQstatus(c->pg) == CONNECTION_OK &&
        PQtransactionStatus(c->pg) == PQTRANS_IDLE)
        return DBD_OK;
    return pgc_run_simple(c, "ROLLBACK", "rollback", NULL, info);
}
