/*
 * odbc_upsert.c - replace for a DBMS without a native upsert (or when the
 * datasource asks for upsert=emulate):
 *
 *     UPDATE t SET <the other columns> WHERE <key> = ? AND ...
 *     INSERT INTO t (...) VALUES (...)       only when no row matched
 *
 * built as two ordinary operations, so they go through the builder and
 * the statement cache like any other.  Both run in one transaction (the
 * batch's, or one of their own), so no reader sees half of it.  When
 * another client inserts the same key between the two, the INSERT fails
 * with a constraint violation; in a transaction of its own the pair is
 * then tried once more, and the UPDATE finds the row.
 *
 * It relies on the driver counting the rows an UPDATE matched; MySQL
 * counts only the rows it changed, which is one reason MySQL keeps its
 * native form.
 */
#include "odbc_int.h"

#include <stdlib.h>
#include <string.h>

static bool is_key(const dbd_op *op, const char *column)
{
    for (size_t i = 0; i < op->nkeys; i++)
        if (strcmp(op->keys[i], column) == 0)
            return true;
    return false;
}

/* UPDATE then, when nothing matched, INSERT. */
static dbd_status update_or_insert(odbc_conn *c, const dbd_op *update,
                                   const dbd_op *insert, dbd_exec_info *info)
{
    dbd_status status = odbc_run_op(c, update, NULL, info);
    if (status != DBD_OK)
        return status;
    if (info->affected < 0)
        return dbd_failf(DBD_UNSUPPORTED, info->msg, sizeof info->msg,
                         "replace: the driver does not count updated rows, "
                         "so the emulated upsert cannot work");
    if (info->affected > 0)
        return DBD_OK;
    return odbc_run_op(c, insert, NULL, info);
}

static dbd_status run_pair(odbc_conn *c, const dbd_op *update,
                           const dbd_op *insert, dbd_exec_info *info)
{
    dbd_status status = DBD_OK;

    if (c->in_txn)
        return update_or_insert(c, update, insert, info);
    for (int attempt = 0; attempt < 2; attempt++) {
        dbd_exec_info tx;
        dbd_exec_info_begin(&tx, &tx);
        status = odbc_begin(c, info);
        if (status != DBD_OK)
            return status;
        status = update_or_insert(c, update, insert, info);
        if (status == DBD_OK)
            status = odbc_commit(c, info);
        else
            odbc_rollback(c, &tx);
        if (status != DBD_CONSTRAINT)
            break;
    }
    return status;
}

dbd_status odbc_replace_emulated(odbc_conn *c, const dbd_op *op,
                                 dbd_exec_info *info)
{
    dbd_cond *where = NULL;
    dbd_assign *set = NULL;
    dbd_status status;

    if (op->nkeys == 0 || op->keys == NULL || op->nvalues == 0 ||
        op->values == NULL)
        return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                         "replace needs values and at least one key");
    where = calloc(op->nkeys, sizeof *where);
    set = calloc(op->nvalues, sizeof *set);
    if (where == NULL || set == NULL) {
        status = dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                           "out of memory");
        goto out;
    }
    for (size_t i = 0; i < op->nkeys; i++) {
        const dbd_assign *v = NULL;
        for (size_t j = 0; j < op->nvalues && v == NULL; j++)
            if (op->values[j].column != NULL && op->keys[i] != NULL &&
                strcmp(op->values[j].column, op->keys[i]) == 0)
                v = &op->values[j];
        if (v == NULL) {
            status = dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                               "replace key %s is not among the values",
                               op->keys[i] != NULL ? op->keys[i] : "(null)");
            goto out;
        }
        where[i] = (dbd_cond){.column = v->column, .cmp = DBD_CMP_EQ,
                              .value = v->value};
    }
    size_t nset = 0;
    for (size_t i = 0; i < op->nvalues; i++)
        if (!is_key(op, op->values[i].column))
            set[nset++] = op->values[i];
    /* All columns are keys: setting them to themselves tells whether the
     * row is there and changes nothing. */
    if (nset == 0)
        for (size_t i = 0; i < op->nvalues; i++)
            set[nset++] = op->values[i];

    dbd_op update = {.kind = DBD_OP_UPDATE, .table = op->table,
                     .values = set, .nvalues = nset, .where = where,
                     .nwhere = op->nkeys, .limit = -1};
    dbd_op insert = {.kind = DBD_OP_INSERT, .table = op->table,
                     .values = op->values, .nvalues = op->nvalues,
                     .limit = -1};
    status = run_pair(c, &update, &insert, info);
    if (status == DBD_OK) {
        info->affected = 1;
        info->last_id = 0;
    }
out:
    free(where);
    free(set);
    return status;
}
