/*
 * bdb_table.c - a table's Berkeley DB handles: the primary database
 * (TABLE.db, btree, key = the encoded key columns, value = the row) and
 * one secondary database per index (TABLE-indexN.db) associated with it,
 * so Berkeley DB keeps the indexes in step with every write.  A unique
 * index is a secondary without duplicates; others allow sorted
 * duplicates.  Rows with a NULL in an indexed column are not indexed (an
 * equality never matches NULL, and SQL lets unique keys repeat NULL).
 *
 * A table with an auto-increment column also has TABLE-auto.db, holding
 * the largest id ever given (see bdb_store.c).
 *
 * Tables are opened on first use and cached on the connection; the
 * schema's missing tables are created when a connection opens.
 */
#include "bdb_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bdb_codec.h"

#define CREATE_ATTEMPTS 5 /* when two openers race to create a table */

void bdb_table_file(const char *table, char *out, size_t len)
{
    snprintf(out, len, "%s.db", table);
}

void bdb_index_file(const char *table, size_t i, char *out, size_t len)
{
    snprintf(out, len, "%s-index%zu.db", table, i + 1);
}

void bdb_counter_file(const char *table, char *out, size_t len)
{
    snprintf(out, len, "%s-auto.db", table);
}

/* The secondary key of a row: its indexed columns, encoded as keys are. */
static int index_key(DB *sec, const DBT *pkey, const DBT *data, DBT *result)
{
    const bdb_index_ctx *x = sec->app_private;
    dbd_buf b;
    (void)pkey;

    dbd_buf_init(&b);
    for (size_t i = 0; i < x->index->ncols; i++) {
        dbd_value v;
        if (!bdb_row_column(data->data, data->size, x->index->cols[i], &v)) {
            dbd_buf_free(&b);
            return EINVAL;
        }
        if (v.type == DBD_TYPE_NULL) {
            dbd_buf_free(&b);
            return DB_DONOTINDEX;
        }
        bdb_key_append(&b, &v);
    }
    if (b.failed || b.len == 0) {
        dbd_buf_free(&b);
        return ENOMEM;
    }
    memset(result, 0, sizeof *result);
    result->data = b.data; /* Berkeley DB frees it */
    result->size = (u_int32_t)b.len;
    result->flags = DB_DBT_APPMALLOC;
    return 0;
}

static void table_destroy(bdb_table **pt)
{
    if (pt == NULL || *pt == NULL)
        return;
    bdb_table *t = *pt;
    /* secondaries first: they refer to the primary */
    for (size_t i = 0; t->sec != NULL && i < t->def->nindex; i++)
        if (t->sec[i] != NULL)
            t->sec[i]->close(t->sec[i], 0);
    if (t->counter != NULL)
        t->counter->close(t->counter, 0);
    if (t->pri != NULL)
        t->pri->close(t->pri, 0);
    free(t->sec);
    free(t->ctx);
    bdb_def_destroy(&t->def);
    free(t);
    *pt = NULL;
}

/* Opens (creating, inside txn, when create) the databases of def, which
 * the new table takes over. */
static dbd_status table_open(bdb_conn *c, bdb_def *def, DB_TXN *txn,
                             bool create, bdb_table **out, char *msg,
                             size_t msglen)
{
    char file[DBD_IDENT_MAX + 32], what[DBD_IDENT_MAX + 64];
    u_int32_t flags = (create ? DB_CREATE : 0) |
                      (txn == NULL ? DB_AUTO_COMMIT : 0);
    dbd_status st = DBD_INTERNAL;
    bdb_table *t = calloc(1, sizeof *t);
    int ret = 0;

    *out = NULL;
    if (t == NULL) {
        bdb_def_destroy(&def);
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    }
    t->def = def;
    t->sec = calloc(def->nindex + 1, sizeof *t->sec);
    t->ctx = calloc(def->nindex + 1, sizeof *t->ctx);
    if (t->sec == NULL || t->ctx == NULL) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        goto out;
    }
    bdb_table_file(def->name, file, sizeof file);
    snprintf(what, sizeof what, "cannot open table %s", def->name);
    if ((ret = db_create(&t->pri, c->env, 0)) != 0 ||
        (ret = t->pri->open(t->pri, txn, file, NULL, DB_BTREE, flags,
                            0600)) != 0)
        goto fail;
    if (def->autoinc >= 0) {
        /* created if missing even when the table exists: it only ever
         * raises the next id */
        bdb_counter_file(def->name, file, sizeof file);
        if ((ret = db_create(&t->counter, c->env, 0)) != 0 ||
            (ret = t->counter->open(t->counter, txn, file, NULL, DB_BTREE,
                                    flags | DB_CREATE, 0600)) != 0)
            goto fail;
    }
    for (size_t i = 0; i < def->nindex; i++) {
        t->ctx[i] = (bdb_index_ctx){def, &def->index[i]};
        bdb_index_file(def->name, i, file, sizeof file);
        if ((ret = db_create(&t->sec[i], c->env, 0)) != 0)
            goto fail;
        t->sec[i]->app_private = &t->ctx[i];
        if ((!def->index[i].unique &&
             (ret = t->sec[i]->set_flags(t->sec[i],
                                         DB_DUP | DB_DUPSORT)) != 0) ||
            (ret = t->sec[i]->open(t->sec[i], txn, file, NULL, DB_BTREE,
                                   flags, 0600)) != 0 ||
            (ret = t->pri->associate(t->pri, txn, t->sec[i], index_key,
                                     0)) != 0)
            goto fail;
    }
    *out = t;
    return DBD_OK;
fail:
    st = bdb_fail(c, ret, what, msg, msglen);
out:
    table_destroy(&t);
    return st;
}

static dbd_status cache_add(bdb_conn *c, bdb_table *t, char *msg,
                            size_t msglen)
{
    bdb_table **grown = realloc(c->tables, (c->ntables + 1) * sizeof *grown);
    if (grown == NULL) {
        table_destroy(&t);
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    }
    c->tables = grown;
    c->tables[c->ntables++] = t;
    return DBD_OK;
}

static bdb_table *cache_find(const bdb_conn *c, const char *name)
{
    for (size_t i = 0; i < c->ntables; i++)
        if (strcmp(c->tables[i]->def->name, name) == 0)
            return c->tables[i];
    return NULL;
}

dbd_status bdb_table_get(bdb_conn *c, const char *name, bdb_table **out,
                         char *msg, size_t msglen)
{
    bdb_def *def = NULL;
    bdb_table *t;
    dbd_status st;

    if ((*out = cache_find(c, name)) != NULL)
        return DBD_OK;
    if ((st = bdb_meta_get(c, name, &def, msg, msglen)) != DBD_OK ||
        (st = table_open(c, def, NULL, false, &t, msg, msglen)) != DBD_OK ||
        (st = cache_add(c, t, msg, msglen)) != DBD_OK)
        return st;
    *out = t;
    return DBD_OK;
}

/* A private copy of a definition, through its stored form. */
static bdb_def *def_copy(bdb_conn *c, const bdb_def *d)
{
    dbd_buf_reset(&c->vbuf);
    bdb_def_encode(d, &c->vbuf);
    if (c->vbuf.failed)
        return NULL;
    return bdb_def_decode(d->name, c->vbuf.data, c->vbuf.len);
}

static bool same_def(bdb_conn *c, const bdb_def *a, const bdb_def *b)
{
    dbd_buf other;
    dbd_buf_init(&other);
    dbd_buf_reset(&c->vbuf);
    bdb_def_encode(a, &c->vbuf);
    bdb_def_encode(b, &other);
    bool same = !c->vbuf.failed && !other.failed &&
                c->vbuf.len == other.len &&
                memcmp(c->vbuf.data, other.data, other.len) == 0;
    dbd_buf_free(&other);
    return same;
}

/* One attempt at creating st's table with its rows, in one transaction.
 * *exists is set when another connection created it first. */
static dbd_status create_once(bdb_conn *c, const bdb_schema_table *sch,
                              bool *exists, char *err, size_t errlen)
{
    DB_TXN *txn = NULL;
    bdb_table *t = NULL;
    bdb_def *def = def_copy(c, sch->def);
    dbd_exec_info info;
    dbd_status st;
    int ret;

    *exists = false;
    if (def == NULL)
        return dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
    if ((ret = c->env->txn_begin(c->env, NULL, &txn, 0)) != 0) {
        bdb_def_destroy(&def);
        return bdb_fail(c, ret, "cannot begin a transaction", err, errlen);
    }
    ret = bdb_meta_put(c, txn, def);
    if (ret == DB_KEYEXIST) {
        *exists = true;
        bdb_def_destroy(&def);
        st = DBD_OK;
        goto out;
    }
    if (ret != 0) {
        bdb_def_destroy(&def);
        st = bdb_fail(c, ret, "cannot store a table definition", err,
                      errlen);
        goto out;
    }
    if ((st = table_open(c, def, txn, true, &t, err, errlen)) != DBD_OK)
        goto out;
    for (size_t r = 0; r < sch->nrows; r++) {
        dbd_op op = {.kind = DBD_OP_INSERT, .table = sch->def->name,
                     .values = sch->rows[r].values,
                     .nvalues = sch->rows[r].n, .limit = -1};
        memset(&info, 0, sizeof info);
        if ((st = bdb_write(c, t, &op, txn, &info)) != DBD_OK) {
            dbd_errf(err, errlen, "table %s, initial row %zu: %s",
                     sch->def->name, r + 1, info.msg);
            goto out;
        }
    }
    ret = txn->commit(txn, 0);
    txn = NULL;
    if (ret != 0) {
        st = bdb_fail(c, ret, "cannot commit a new table", err, errlen);
        goto out;
    }
    bdb_log(c, DBD_LOG_NOTICE, "%s: created table %s", c->dir,
            sch->def->name);
    st = cache_add(c, t, err, errlen);
    t = NULL;
out:
    if (txn != NULL)
        txn->abort(txn);
    table_destroy(&t); /* handles opened in an aborted transaction die */
    return st;
}

static dbd_status ensure_table(bdb_conn *c, const bdb_schema_table *sch,
                               char *err, size_t errlen)
{
    bdb_def *stored = NULL;
    dbd_status st = DBD_OK;

    for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
        st = bdb_meta_get(c, sch->def->name, &stored, err, errlen);
        if (st == DBD_OK) {
            if (!same_def(c, stored, sch->def))
                bdb_log(c, DBD_LOG_WARNING, "%s: table %s exists with a "
                        "definition other than the schema file's; the "
                        "stored one is used", c->dir, sch->def->name);
            bdb_def_destroy(&stored);
            return DBD_OK;
        }
        if (st != DBD_NOTFOUND)
            return st;
        bool exists;
        c->deadlock = false;
        st = create_once(c, sch, &exists, err, errlen);
        if (st == DBD_OK && !exists)
            return DBD_OK;
        if (st != DBD_OK && !c->deadlock)
            return st;
    }
    return st;
}

dbd_status bdb_tables_create(bdb_conn *c, const bdb_schema *s, char *err,
                             size_t errlen)
{
    for (size_t i = 0; i < bdb_schema_count(s); i++) {
        dbd_status st = ensure_table(c, bdb_schema_table_at(s, i), err,
                                     errlen);
        if (st != DBD_OK)
            return st;
    }
    return DBD_OK;
}

void bdb_tables_close(bdb_conn *c)
{
    for (size_t i = 0; i < c->ntables; i++)
        table_destroy(&c->tables[i]);
    free(c->tables);
    c->tables = NULL;
    c->ntables = 0;
}
