/*
 * ldc_replace.c - replace (upsert on the key columns): the entries whose
 * keys equal the given values get the other values (an update); when
 * there is none the row is inserted.  If the insert finds its name taken
 * (another writer inserted the same keys in between) the update is tried
 * again, so two writers replacing the same row both succeed.  As with
 * SQL, a NULL key matches nothing and always inserts.
 */
#include "ldc_int.h"

#include <stdlib.h>
#include <string.h>

#define MAX_TRIES 3

static bool is_key(const dbd_op *op, const char *column)
{
    for (size_t i = 0; i < op->nkeys; i++)
        if (strcmp(op->keys[i], column) == 0)
            return true;
    return false;
}

dbd_status ldc_replace(ldc_conn *c, const ldc_table *t, const dbd_op *op,
                       dbd_exec_info *info)
{
    dbd_cond *conds = calloc(op->nkeys + 1, sizeof *conds);
    dbd_assign *set = calloc(op->nvalues + 1, sizeof *set);
    size_t nset = 0;
    bool null_key = false;
    dbd_status st = DBD_OK;

    if (conds == NULL || set == NULL) {
        st = dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                       "out of memory");
        goto out;
    }
    for (size_t k = 0; k < op->nkeys; k++) {
        const dbd_assign *v = NULL;
        for (size_t i = 0; i < op->nvalues && v == NULL; i++)
            if (strcmp(op->values[i].column, op->keys[k]) == 0)
                v = &op->values[i];
        if (v == NULL) {
            st = dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                           "replace key '%s' is not among the values",
                           op->keys[k]);
            goto out;
        }
        conds[k] = (dbd_cond){.column = v->column, .cmp = DBD_CMP_EQ,
                              .value = v->value};
        null_key = null_key || v->value.type == DBD_TYPE_NULL;
    }
    for (size_t i = 0; i < op->nvalues; i++)
        if (!is_key(op, op->values[i].column))
            set[nset++] = op->values[i];

    for (int tries = 0; tries < MAX_TRIES; tries++) {
        int64_t matched = 0;
        bool exists = false;
        if (!null_key && op->nkeys > 0) {
            st = ldc_update(c, t, conds, op->nkeys, set, nset, &matched,
                            info->msg, sizeof info->msg);
            if (st != DBD_OK || matched > 0)
                break;
        }
        st = ldc_insert(c, t, op->values, op->nvalues, &exists, info);
        if (st == DBD_OK || !exists || null_key)
            break;
    }
    if (st == DBD_OK)
        info->affected = 1; /* one row is in its place, as sqlite reports */
out:
    free(conds);
    free(set);
    return st;
}
