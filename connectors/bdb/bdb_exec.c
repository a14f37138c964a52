/*
 * bdb_exec.c - running operations in transactions.
 *
 * Every operation runs in a transaction.  Outside a batch each one has its
 * own (read-committed for a query, so a long scan does not hold read locks
 * on every page it passed), committed at the end; when Berkeley DB picks
 * it as a deadlock victim it is rolled back and run again, a few times,
 * before the answer is BUSY (a query only while it sent no row yet).
 * Inside a batch (begin ... commit/rollback) each write runs in a child
 * transaction of the batch's, so a failing operation leaves no half of
 * itself behind, as a failing SQL statement would not.
 *
 * A write first takes a write lock on its table (a lock object of the
 * environment, so it holds between processes too), kept until its
 * transaction ends: writers of one table go one at a time.  Berkeley DB
 * locks pages, and writers taking the pages of the primary and of the
 * indexes in different orders (an insert starts at the last page, a
 * replace at the unique index) would otherwise deadlock often; queries
 * take no table lock.
 */
#include "bdb_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define ATTEMPTS 5

/* A short pause before a retry, growing with the attempt and varied by
 * the connection so that two victims do not meet again at once. */
static void backoff(const bdb_conn *c, int attempt)
{
    long ms = (1L << attempt) + (long)(((uintptr_t)c >> 4) % 3);
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

/* The table's write lock for locker's transaction. */
static dbd_status lock_table(bdb_conn *c, const bdb_table *t,
                             DB_TXN *owner, dbd_exec_info *info)
{
    char name[DBD_IDENT_MAX + 16];
    DB_LOCK lock;
    int n = snprintf(name, sizeof name, "dbd-table:%s", t->def->name);
    DBT obj = bdb_dbt(name, n > 0 ? (size_t)n : 0);
    int ret = c->env->lock_get(c->env, owner->id(owner), 0, &obj,
                               DB_LOCK_WRITE, &lock);
    if (ret != 0)
        return bdb_fail(c, ret, "waiting for the table's write lock",
                        info->msg, sizeof info->msg);
    return DBD_OK; /* released when owner ends */
}

static dbd_status run_op(bdb_conn *c, bdb_table *t, const dbd_op *op,
                         DB_TXN *txn, const dbd_sink *sink, bool *started,
                         dbd_exec_info *info)
{
    *started = false;
    if (op->kind == DBD_OP_QUERY)
        return bdb_query(c, t, op, txn, sink, started, info);
    info->affected = 0;
    return bdb_write(c, t, op, txn, info);
}

/* One operation inside the open batch transaction. */
static dbd_status in_batch(bdb_conn *c, bdb_table *t, const dbd_op *op,
                           const dbd_sink *sink, dbd_exec_info *info)
{
    DB_TXN *child = NULL;
    bool started;
    int ret;

    if (op->kind == DBD_OP_QUERY)
        return run_op(c, t, op, c->txn, sink, &started, info);
    /* by the batch, so that a failing operation does not drop it */
    dbd_status st = lock_table(c, t, c->txn, info);
    if (st != DBD_OK)
        return st;
    if ((ret = c->env->txn_begin(c->env, c->txn, &child, 0)) != 0)
        return bdb_fail(c, ret, "cannot begin a nested transaction",
                        info->msg, sizeof info->msg);
    st = run_op(c, t, op, child, sink, &started, info);
    if (st == DBD_OK) {
        if ((ret = child->commit(child, 0)) != 0)
            st = bdb_fail(c, ret, "cannot commit a nested transaction",
                          info->msg, sizeof info->msg);
    } else {
        child->abort(child);
    }
    return st;
}

/* One operation in a transaction of its own, retried after a deadlock. */
static dbd_status alone(bdb_conn *c, bdb_table *t, const dbd_op *op,
                        const dbd_sink *sink, dbd_exec_info *info)
{
    const u_int32_t flags = op->kind == DBD_OP_QUERY ? DB_READ_COMMITTED : 0;
    dbd_status st = DBD_INTERNAL;

    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        DB_TXN *txn = NULL;
        bool started = false;
        int ret;

        if (attempt > 0)
            backoff(c, attempt);
        c->deadlock = false;
        dbd_exec_info_begin(info, NULL);
        if ((ret = c->env->txn_begin(c->env, NULL, &txn, flags)) != 0)
            return bdb_fail(c, ret, "cannot begin a transaction", info->msg,
                            sizeof info->msg);
        st = op->kind == DBD_OP_QUERY ? DBD_OK
                                      : lock_table(c, t, txn, info);
        if (st == DBD_OK)
            st = run_op(c, t, op, txn, sink, &started, info);
        if (st == DBD_OK) {
            if ((ret = txn->commit(txn, 0)) != 0)
                st = bdb_fail(c, ret, "cannot commit", info->msg,
                              sizeof info->msg);
            else if (op->kind != DBD_OP_QUERY)
                bdb_env_after_commit(c);
        } else {
            txn->abort(txn);
        }
        if (st == DBD_OK || !c->deadlock || started)
            break;
    }
    if (st == DBD_BUSY && c->deadlock)
        dbd_errf(info->msg, sizeof info->msg, "deadlock with other "
                 "transactions, %d attempts failed; retry later", ATTEMPTS);
    return st;
}

dbd_status bdb_exec(void *conn, const dbd_op *op, const dbd_sink *sink,
                    dbd_exec_info *info)
{
    bdb_conn *c = conn;
    dbd_exec_info scratch;
    bdb_table *t;
    dbd_status st;

    info = dbd_exec_info_begin(info, &scratch);
    c->dbmsg[0] = '\0';
    switch (op->kind) {
    case DBD_OP_QUERY:
    case DBD_OP_INSERT:
    case DBD_OP_UPDATE:
    case DBD_OP_DELETE:
    case DBD_OP_REPLACE:
        break;
    default:
        return dbd_failf(DBD_UNSUPPORTED, info->msg, sizeof info->msg,
                         "bdb cannot run %s here", dbd_op_name(op->kind));
    }
    if (op->table == NULL)
        return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                         "no table given");
    if ((st = bdb_table_get(c, op->table, &t, info->msg,
                            sizeof info->msg)) != DBD_OK)
        return st;
    if (c->txn != NULL)
        return in_batch(c, t, op, sink, info);
    return alone(c, t, op, sink, info);
}

dbd_status bdb_begin(void *conn, dbd_exec_info *info)
{
    bdb_conn *c = conn;
    dbd_exec_info scratch;
    info = dbd_exec_info_begin(info, &scratch);
    if (c->txn != NULL)
        return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                         "a transaction is already open");
    int ret = c->env->txn_begin(c->env, NULL, &c->txn, 0);
    if (ret != 0) {
        c->txn = NULL;
        return bdb_fail(c, ret, "cannot begin a transaction", info->msg,
                        sizeof info->msg);
    }
    return DBD_OK;
}

dbd_status bdb_commit(void *conn, dbd_exec_info *info)
{
    bdb_conn *c = conn;
    dbd_exec_info scratch;
    info = dbd_exec_info_begin(info, &scratch);
    if (c->txn == NULL)
        return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                         "no transaction is open");
    int ret = c->txn->commit(c->txn, 0);
    c->txn = NULL; /* gone either way */
    if (ret != 0)
        return bdb_fail(c, ret, "cannot commit", info->msg,
                        sizeof info->msg);
    bdb_env_after_commit(c);
    return DBD_OK;
}

dbd_status bdb_rollback(void *conn, dbd_exec_info *info)
{
    bdb_conn *c = conn;
    dbd_exec_info scratch;
    info = dbd_exec_info_begin(info, &scratch);
    if (c->txn == NULL)
        return DBD_OK;
    int ret = c->txn->abort(c->txn);
    c->txn = NULL;
    if (ret != 0)
        return bdb_fail(c, ret, "cannot roll back", info->msg,
                        sizeof info->msg);
    return DBD_OK;
}
