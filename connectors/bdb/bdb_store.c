/*
 * bdb_store.c - writing one row (see bdb_store.h).
 *
 * Auto-increment: the table's counter database keeps the largest id ever
 * given, in the writing transaction, so ids are not used twice even after
 * the rows holding them were deleted (as with MySQL, PostgreSQL and
 * SQLite's AUTOINCREMENT), and a rolled-back insert gives its id back.
 * The next id is one more than the counter or than the largest stored id,
 * whichever is larger, so rows written with explicit ids never collide.
 */
#include "bdb_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bdb_codec.h"

void bdb_cols_text(const bdb_def *d, const size_t *cols, size_t n, char *out,
                   size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++) {
        int w = snprintf(out + used, len - used, "%s%s",
                         i == 0 ? "(" : ", ", d->cols[cols[i]].name);
        if (w < 0)
            return;
        used += (size_t)w;
    }
    if (used < len)
        snprintf(out + used, len - used, ")");
}

int bdb_probe(DB *db, DB_TXN *txn, const void *key, size_t klen, DBT *pk)
{
    DBT k = bdb_dbt(key, klen);
    DBT data;
    int ret;

    /* no need for the row itself, which may be large */
    memset(&data, 0, sizeof data);
    data.flags = DB_DBT_PARTIAL | DB_DBT_USERMEM;
    if (pk != NULL)
        ret = db->pget(db, txn, &k, pk, &data, DB_RMW);
    else
        ret = db->get(db, txn, &k, &data, DB_RMW);
    return ret;
}

/* The index key of row; false when a column is NULL (no entry). */
static bool index_key(const bdb_index *ix, const dbd_value *row, dbd_buf *b)
{
    dbd_buf_reset(b);
    for (size_t i = 0; i < ix->ncols; i++) {
        if (row[ix->cols[i]].type == DBD_TYPE_NULL)
            return false;
        bdb_key_append(b, &row[ix->cols[i]]);
    }
    return true;
}

static bool same_bytes(const void *a, size_t alen, const void *b, size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* CONSTRAINT when another row holds row's values in a unique index. */
static dbd_status check_unique(bdb_conn *c, bdb_table *t, DB_TXN *txn,
                               const dbd_value *row, const void *self,
                               size_t selflen, char *msg, size_t msglen)
{
    const bdb_def *d = t->def;
    dbd_buf key;
    DBT pk;
    dbd_status st = DBD_OK;

    dbd_buf_init(&key);
    memset(&pk, 0, sizeof pk);
    pk.flags = DB_DBT_REALLOC;
    for (size_t i = 0; i < d->nindex && st == DBD_OK; i++) {
        const bdb_index *ix = &d->index[i];
        if (!ix->unique || !index_key(ix, row, &key))
            continue;
        if (key.failed) {
            st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
            break;
        }
        int ret = bdb_probe(t->sec[i], txn, key.data, key.len, &pk);
        if (ret == DB_NOTFOUND)
            continue;
        if (ret != 0) {
            st = bdb_fail(c, ret, "checking a unique index", msg, msglen);
        } else if (self == NULL ||
                   !same_bytes(pk.data, pk.size, self, selflen)) {
            char cols[200];
            bdb_cols_text(d, ix->cols, ix->ncols, cols, sizeof cols);
            st = dbd_failf(DBD_CONSTRAINT, msg, msglen, "duplicate value "
                           "for the unique index %s of table '%s'", cols,
                           d->name);
        }
    }
    free(pk.data);
    dbd_buf_free(&key);
    return st;
}

static dbd_status duplicate_key(const bdb_def *d, char *msg, size_t msglen)
{
    char cols[200];
    bdb_cols_text(d, d->key, d->nkey, cols, sizeof cols);
    return dbd_failf(DBD_CONSTRAINT, msg, msglen, "duplicate key %s in "
                     "table '%s'", cols, d->name);
}

dbd_status bdb_store_row(bdb_conn *c, bdb_table *t, DB_TXN *txn,
                         const dbd_value *row, const void *old_pk,
                         size_t old_pklen, char *msg, size_t msglen)
{
    const bdb_def *d = t->def;
    dbd_status st;
    int ret;

    dbd_buf_reset(&c->kbuf);
    dbd_buf_reset(&c->vbuf);
    for (size_t i = 0; i < d->nkey; i++)
        bdb_key_append(&c->kbuf, &row[d->key[i]]);
    bdb_row_encode(&c->vbuf, row, d->ncols);
    if (c->kbuf.failed || c->vbuf.failed)
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    if ((st = check_unique(c, t, txn, row, old_pk, old_pklen, msg,
                           msglen)) != DBD_OK)
        return st;
    DBT key = bdb_dbt(c->kbuf.data, c->kbuf.len);
    DBT val = bdb_dbt(c->vbuf.data, c->vbuf.len);
    bool moved = old_pk != NULL &&
                 !same_bytes(old_pk, old_pklen, c->kbuf.data, c->kbuf.len);
    if (moved) {
        /* a new key: it must be free, then the old record goes */
        ret = bdb_probe(t->pri, txn, c->kbuf.data, c->kbuf.len, NULL);
        if (ret == 0)
            return duplicate_key(d, msg, msglen);
        if (ret != DB_NOTFOUND)
            return bdb_fail(c, ret, "checking a key", msg, msglen);
        DBT old = bdb_dbt(old_pk, old_pklen);
        if ((ret = t->pri->del(t->pri, txn, &old, 0)) != 0)
            return bdb_fail(c, ret, "moving a row to its new key", msg,
                            msglen);
    }
    ret = t->pri->put(t->pri, txn, &key, &val,
                      old_pk == NULL || moved ? DB_NOOVERWRITE : 0);
    if (ret == DB_KEYEXIST)
        return duplicate_key(d, msg, msglen);
    if (ret != 0) {
        char what[DBD_IDENT_MAX + 32];
        snprintf(what, sizeof what, "writing table %s", d->name);
        return bdb_fail(c, ret, what, msg, msglen);
    }
    return DBD_OK;
}

/* The largest id stored under the auto column's key (0 when none). */
static dbd_status last_id(bdb_conn *c, bdb_table *t, DB_TXN *txn,
                          int64_t *max, char *msg, size_t msglen)
{
    const bdb_def *d = t->def;
    size_t a = (size_t)d->autoinc;
    DB *db = t->pri;
    DBC *cur = NULL;
    DBT key, data;
    dbd_status st = DBD_OK;

    for (size_t i = 0; i < d->nindex && !(d->nkey == 1 && d->key[0] == a);
         i++)
        if (d->index[i].unique && d->index[i].ncols == 1 &&
            d->index[i].cols[0] == a)
            db = t->sec[i];
    memset(&key, 0, sizeof key);
    memset(&data, 0, sizeof data);
    key.flags = DB_DBT_REALLOC;
    data.flags = DB_DBT_PARTIAL | DB_DBT_USERMEM;
    *max = 0;
    int ret = db->cursor(db, txn, &cur, 0);
    if (ret == 0)
        ret = cur->get(cur, &key, &data, DB_LAST | DB_RMW);
    if (ret == 0 && !bdb_key_int(key.data, key.size, max))
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "table '%s': a stored key "
                       "of auto column %s is damaged", d->name,
                       d->cols[a].name);
    else if (ret != 0 && ret != DB_NOTFOUND)
        st = bdb_fail(c, ret, "finding the next id", msg, msglen);
    if (cur != NULL)
        cur->close(cur);
    free(key.data);
    return st;
}

/* The counter record: the largest id ever given, 0 when none. */
static int read_counter(bdb_table *t, DB_TXN *txn, int64_t *value)
{
    static const char name[] = "last";
    DBT key = bdb_dbt(name, sizeof name - 1), data;
    uint8_t buf[8];

    memset(&data, 0, sizeof data);
    data.data = buf;
    data.ulen = sizeof buf;
    data.flags = DB_DBT_USERMEM;
    *value = 0;
    int ret = t->counter->get(t->counter, txn, &key, &data, DB_RMW);
    if (ret == DB_NOTFOUND)
        return 0;
    if (ret == 0 && !bdb_key_int(data.data, data.size, value))
        return EINVAL;
    return ret;
}

dbd_status bdb_next_id(bdb_conn *c, bdb_table *t, DB_TXN *txn, int64_t *id,
                       char *msg, size_t msglen)
{
    const bdb_def *d = t->def;
    int64_t counter, max;
    dbd_status st;

    /* Both under write locks: concurrent inserts wait for this
     * transaction, so no two get the same id. */
    int ret = read_counter(t, txn, &counter);
    if (ret != 0)
        return bdb_fail(c, ret, "reading the auto-increment counter", msg,
                        msglen);
    if ((st = last_id(c, t, txn, &max, msg, msglen)) != DBD_OK)
        return st;
    if (counter > max)
        max = counter;
    if (max == INT64_MAX)
        return dbd_failf(DBD_CONSTRAINT, msg, msglen, "table '%s': auto "
                         "column %s has no id left", d->name,
                         d->cols[d->autoinc].name);
    *id = max + 1;
    return DBD_OK;
}

dbd_status bdb_auto_advance(bdb_conn *c, bdb_table *t, DB_TXN *txn,
                            int64_t id, char *msg, size_t msglen)
{
    static const char name[] = "last";
    int64_t counter;
    dbd_buf b;

    int ret = read_counter(t, txn, &counter);
    if (ret == 0 && id > counter) {
        dbd_buf_init(&b);
        dbd_value v = dbd_int(id);
        bdb_key_append(&b, &v);
        DBT key = bdb_dbt(name, sizeof name - 1);
        DBT data = bdb_dbt(b.data, b.len);
        ret = b.failed ? ENOMEM
                       : t->counter->put(t->counter, txn, &key, &data, 0);
        dbd_buf_free(&b);
    }
    if (ret != 0)
        return bdb_fail(c, ret, "advancing the auto-increment counter", msg,
                        msglen);
    return DBD_OK;
}
