/*
 * bdb_write.c - insert, update, delete and replace.
 *
 * Columns a write does not give keep their value on update and get their
 * default on insert (NULL when they have none and may be NULL; a NOT NULL
 * column without a default must be given).  The auto column gets the next
 * id when it is not given (or NULL).  update and delete first
 * collect the keys of the matching rows, then change them, so a row that
 * moves ahead of the cursor is never met twice.  replace looks the row up
 * by its keys (the primary key or a unique index), updates the given
 * columns when it exists and inserts it otherwise, as the SQL backends'
 * INSERT ... ON CONFLICT DO UPDATE SET <given columns> does.
 */
#include "bdb_plan.h"
#include "bdb_store.h"

#include <stdlib.h>
#include <string.h>

#include "bdb_codec.h"

/* The request's values converted for their columns. */
typedef struct assigns {
    size_t n;
    size_t *col;
    bdb_cval *val;
} assigns;

static void assigns_free(assigns *a)
{
    free(a->col);
    free(a->val);
}

static dbd_status assigns_init(const bdb_def *d, const dbd_assign *values,
                               size_t n, assigns *a, char *msg, size_t msglen)
{
    memset(a, 0, sizeof *a);
    a->col = calloc(n + 1, sizeof *a->col);
    a->val = calloc(n + 1, sizeof *a->val);
    if (a->col == NULL || a->val == NULL)
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    for (size_t i = 0; i < n; i++) {
        long c = bdb_def_find(d, values[i].column);
        if (c < 0)
            return bdb_no_column(d, values[i].column, msg, msglen);
        a->col[i] = (size_t)c;
        a->n = i + 1;
        dbd_status st = bdb_value_for_store(&d->cols[c], &values[i].value,
                                            &a->val[i], msg, msglen);
        if (st != DBD_OK)
            return st;
    }
    return DBD_OK;
}

static dbd_status not_null(const bdb_def *d, size_t col, bool given,
                           char *msg, size_t msglen)
{
    if (given)
        return dbd_failf(DBD_CONSTRAINT, msg, msglen, "column '%s' of table "
                         "'%s' may not be NULL", d->cols[col].name, d->name);
    return dbd_failf(DBD_CONSTRAINT, msg, msglen, "column '%s' of table '%s' "
                     "needs a value (it is not null and has no default)",
                     d->cols[col].name, d->name);
}

static dbd_status do_insert(bdb_conn *c, bdb_table *t, DB_TXN *txn,
                            const assigns *a, dbd_exec_info *info)
{
    const bdb_def *d = t->def;
    dbd_value *row = calloc(d->ncols, sizeof *row);
    bool *given = calloc(d->ncols, sizeof *given);
    dbd_status st = DBD_OK;

    if (row == NULL || given == NULL) {
        st = dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                       "out of memory");
        goto out;
    }
    for (size_t i = 0; i < d->ncols; i++)
        row[i] = d->cols[i].dflt;
    for (size_t i = 0; i < a->n; i++) {
        row[a->col[i]] = a->val[i].v;
        given[a->col[i]] = true;
    }
    info->last_id = 0;
    if (d->autoinc >= 0) {
        size_t ac = (size_t)d->autoinc;
        /* a NULL id asks for the next one, as in MySQL and SQLite */
        if (row[ac].type == DBD_TYPE_NULL) {
            int64_t id;
            if ((st = bdb_next_id(c, t, txn, &id, info->msg,
                                  sizeof info->msg)) != DBD_OK)
                goto out;
            row[ac] = dbd_int(id);
        }
        info->last_id = row[ac].u.i;
        if ((st = bdb_auto_advance(c, t, txn, row[ac].u.i, info->msg,
                                   sizeof info->msg)) != DBD_OK)
            goto out;
    }
    for (size_t i = 0; i < d->ncols; i++)
        if (row[i].type == DBD_TYPE_NULL && !d->cols[i].nullable) {
            st = not_null(d, i, given[i], info->msg, sizeof info->msg);
            goto out;
        }
    st = bdb_store_row(c, t, txn, row, NULL, 0, info->msg, sizeof info->msg);
    if (st == DBD_OK)
        info->affected = 1;
out:
    if (st != DBD_OK)
        info->last_id = 0;
    free(row);
    free(given);
    return st;
}

/* Applies a to the row stored under pk. */
static dbd_status update_one(bdb_conn *c, bdb_table *t, DB_TXN *txn,
                             const void *pk, size_t pklen, const assigns *a,
                             dbd_value *row, bool *found,
                             dbd_exec_info *info)
{
    const bdb_def *d = t->def;
    DBT key = bdb_dbt(pk, pklen);
    int ret = t->pri->get(t->pri, txn, &key, &c->data, DB_RMW);

    *found = ret == 0;
    if (ret == DB_NOTFOUND)
        return DBD_OK;
    if (ret != 0)
        return bdb_fail(c, ret, "reading a row to update", info->msg,
                        sizeof info->msg);
    if (!bdb_row_decode(c->data.data, c->data.size, row, d->ncols))
        return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                         "a stored row of table '%s' is damaged", d->name);
    for (size_t i = 0; i < a->n; i++) {
        if (a->val[i].v.type == DBD_TYPE_NULL &&
            !d->cols[a->col[i]].nullable)
            return not_null(d, a->col[i], true, info->msg, sizeof info->msg);
        row[a->col[i]] = a->val[i].v;
        dbd_status st;
        if ((long)a->col[i] == d->autoinc &&
            (st = bdb_auto_advance(c, t, txn, a->val[i].v.u.i, info->msg,
                                   sizeof info->msg)) != DBD_OK)
            return st;
    }
    return bdb_store_row(c, t, txn, row, pk, pklen, info->msg,
                         sizeof info->msg);
}

/* The keys of the rows where matches, length-prefixed in keys. */
static dbd_status collect(bdb_conn *c, bdb_table *t, DB_TXN *txn,
                          const dbd_op *op, dbd_value *row, dbd_buf *keys,
                          size_t *count, dbd_exec_info *info)
{
    const bdb_def *d = t->def;
    bdb_filter f;
    bdb_plan p;
    bdb_iter it;
    bool opened = false;
    dbd_status st;
    int more = 0;

    dbd_buf_init(&p.prefix);
    *count = 0;
    if ((st = bdb_filter_init(&f, d, op->where, op->nwhere, info->msg,
                              sizeof info->msg)) != DBD_OK)
        goto out;
    if (bdb_plan_choose(&p, t, &f, c->opts.indexes) != 0) {
        st = dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                       "out of memory");
        goto out;
    }
    if (f.never)
        goto out;
    if ((st = bdb_iter_open(&it, c, t, &p, txn, true, info->msg,
                            sizeof info->msg)) != DBD_OK)
        goto out;
    opened = true;
    while ((more = bdb_iter_next(&it, &st, info->msg, sizeof info->msg)) ==
           1) {
        if (!bdb_row_decode(it.row, it.rowlen, row, d->ncols)) {
            st = dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                           "a stored row of table '%s' is damaged", d->name);
            goto out;
        }
        if (!bdb_filter_match(&f, row))
            continue;
        bdb_put_bytes(keys, it.pk, it.pklen);
        (*count)++;
    }
    if (more == 0 && keys->failed)
        st = dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                       "out of memory");
out:
    if (opened)
        bdb_iter_close(&it);
    bdb_plan_free(&p);
    bdb_filter_free(&f);
    return st;
}

static dbd_status update_or_delete(bdb_conn *c, bdb_table *t, DB_TXN *txn,
                                   const dbd_op *op, const assigns *a,
                                   dbd_exec_info *info)
{
    const bdb_def *d = t->def;
    dbd_value *row = calloc(d->ncols, sizeof *row);
    dbd_buf keys;
    size_t count = 0;
    dbd_status st;

    dbd_buf_init(&keys);
    if (row == NULL) {
        st = dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                       "out of memory");
        goto out;
    }
    if ((st = collect(c, t, txn, op, row, &keys, &count, info)) != DBD_OK)
        goto out;
    const uint8_t *p = (const uint8_t *)keys.data, *end = p + keys.len;
    int64_t done = 0;
    for (size_t i = 0; i < count; i++) {
        const uint8_t *pk;
        size_t pklen;
        bool found = true;
        if (!bdb_get_bytes(&p, end, &pk, &pklen)) {
            st = dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                           "collected keys are damaged");
            goto out;
        }
        if (a != NULL) {
            st = update_one(c, t, txn, pk, pklen, a, row, &found, info);
        } else {
            DBT key = bdb_dbt(pk, pklen);
            int ret = t->pri->del(t->pri, txn, &key, 0);
            found = ret == 0;
            if (ret != 0 && ret != DB_NOTFOUND)
                st = bdb_fail(c, ret, "deleting a row", info->msg,
                              sizeof info->msg);
        }
        if (st != DBD_OK)
            goto out;
        done += found;
    }
    info->affected = done;
out:
    dbd_buf_free(&keys);
    free(row);
    return st;
}

/* Which unique key the replace names: the primary key (*ix = -1) or a
 * unique index; BAD when neither. */
static dbd_status replace_target(const bdb_def *d, const dbd_op *op,
                                 long *ix, size_t *cols, char *msg,
                                 size_t msglen)
{
    for (size_t k = 0; k < op->nkeys; k++) {
        long c = bdb_def_find(d, op->keys[k]);
        if (c < 0)
            return bdb_no_column(d, op->keys[k], msg, msglen);
        cols[k] = (size_t)c;
    }
    bdb_index pk = {true, d->nkey, d->key};
    if (bdb_index_is_set(&pk, cols, op->nkeys)) {
        *ix = -1;
        return DBD_OK;
    }
    for (size_t i = 0; i < d->nindex; i++)
        if (d->index[i].unique &&
            bdb_index_is_set(&d->index[i], cols, op->nkeys)) {
            *ix = (long)i;
            return DBD_OK;
        }
    return dbd_failf(DBD_BAD, msg, msglen, "replace keys are not the key "
                     "or a unique index of table '%s'", d->name);
}

static dbd_status do_replace(bdb_conn *c, bdb_table *t, DB_TXN *txn,
                             const dbd_op *op, const assigns *a,
                             dbd_exec_info *info)
{
    const bdb_def *d = t->def;
    size_t *cols = calloc(op->nkeys + 1, sizeof *cols);
    dbd_value *row = calloc(d->ncols, sizeof *row);
    dbd_buf key;
    DBT pk;
    long ix;
    bool lookup = true, found = false;
    dbd_status st;

    dbd_buf_init(&key);
    memset(&pk, 0, sizeof pk);
    pk.flags = DB_DBT_REALLOC;
    if (cols == NULL || row == NULL) {
        st = dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                       "out of memory");
        goto out;
    }
    if (op->nkeys == 0) {
        st = dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                       "replace needs key columns");
        goto out;
    }
    if ((st = replace_target(d, op, &ix, cols, info->msg,
                             sizeof info->msg)) != DBD_OK)
        goto out;
    const size_t *order = ix < 0 ? d->key : d->index[ix].cols;
    for (size_t k = 0; k < op->nkeys && lookup; k++) {
        size_t v = 0;
        while (v < a->n && a->col[v] != order[k])
            v++;
        if (v == a->n) {
            st = dbd_failf(DBD_BAD, info->msg, sizeof info->msg, "replace "
                           "key '%s' has no value", d->cols[order[k]].name);
            goto out;
        }
        /* NULL never equals anything: no row can conflict */
        lookup = a->val[v].v.type != DBD_TYPE_NULL;
        if (lookup)
            bdb_key_append(&key, &a->val[v].v);
    }
    if (key.failed) {
        st = dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                       "out of memory");
        goto out;
    }
    if (lookup) {
        int ret = bdb_probe(ix < 0 ? t->pri : t->sec[ix], txn, key.data,
                            key.len, ix < 0 ? NULL : &pk);
        if (ret != 0 && ret != DB_NOTFOUND) {
            st = bdb_fail(c, ret, "looking up the row to replace",
                          info->msg, sizeof info->msg);
            goto out;
        }
        found = ret == 0;
    }
    if (found) {
        const void *at = ix < 0 ? (const void *)key.data : pk.data;
        size_t atlen = ix < 0 ? key.len : pk.size;
        st = update_one(c, t, txn, at, atlen, a, row, &found, info);
    }
    if (st == DBD_OK && !found)
        st = do_insert(c, t, txn, a, info);
    if (st == DBD_OK) {
        info->affected = 1; /* one row is in place, inserted or updated */
        info->last_id = 0;
    }
out:
    free(pk.data);
    dbd_buf_free(&key);
    free(cols);
    free(row);
    return st;
}

dbd_status bdb_write(bdb_conn *c, bdb_table *t, const dbd_op *op,
                     DB_TXN *txn, dbd_exec_info *info)
{
    assigns a;
    dbd_status st;

    memset(&a, 0, sizeof a);
    if (op->kind != DBD_OP_DELETE &&
        (st = assigns_init(t->def, op->values, op->nvalues, &a, info->msg,
                           sizeof info->msg)) != DBD_OK)
        goto out;
    switch (op->kind) {
    case DBD_OP_INSERT:
        st = do_insert(c, t, txn, &a, info);
        break;
    case DBD_OP_UPDATE:
        st = update_or_delete(c, t, txn, op, &a, info);
        break;
    case DBD_OP_DELETE:
        st = update_or_delete(c, t, txn, op, NULL, info);
        break;
    case DBD_OP_REPLACE:
        st = do_replace(c, t, txn, op, &a, info);
        break;
    default:
        st = dbd_failf(DBD_UNSUPPORTED, info->msg, sizeof info->msg,
                       "operation %s is not a write", dbd_op_name(op->kind));
        break;
    }
out:
    assigns_free(&a);
    return st;
}
