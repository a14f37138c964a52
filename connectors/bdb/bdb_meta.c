/*
 * bdb_meta.c - the metadata database (dbd-meta.db in the environment):
 * one record per table, key "table:NAME", value the table's definition in
 * its stored form (bdb_def.h).  Written in the transaction that creates
 * the table, so a table and its definition exist together or not at all.
 */
#include "bdb_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define META_FILE "dbd-meta.db"
#define TABLE_PREFIX "table:"

dbd_status bdb_meta_open(bdb_conn *c, char *err, size_t errlen)
{
    int ret = db_create(&c->meta, c->env, 0);
    if (ret == 0)
        ret = c->meta->open(c->meta, NULL, META_FILE, NULL, DB_BTREE,
                            DB_CREATE | DB_AUTO_COMMIT, 0600);
    if (ret == 0)
        return DBD_OK;
    dbd_status st = bdb_fail(c, ret, "cannot open " META_FILE, err, errlen);
    if (c->meta != NULL)
        c->meta->close(c->meta, 0);
    c->meta = NULL;
    return st;
}

static int meta_key(const char *table, char *out, size_t len)
{
    return snprintf(out, len, TABLE_PREFIX "%s", table);
}

dbd_status bdb_meta_get(bdb_conn *c, const char *table, bdb_def **out,
                        char *msg, size_t msglen)
{
    char k[DBD_IDENT_MAX + sizeof TABLE_PREFIX + 1];
    int klen = meta_key(table, k, sizeof k);
    DBT key = bdb_dbt(k, klen > 0 ? (size_t)klen : 0);

    *out = NULL;
    /* Outside any batch transaction: a definition never changes, and a
     * read lock on it held until the batch ends would only block others
     * creating tables. */
    int ret = c->meta->get(c->meta, NULL, &key, &c->data, 0);
    if (ret == DB_NOTFOUND)
        return dbd_failf(DBD_NOTFOUND, msg, msglen, "no table '%s'", table);
    if (ret != 0)
        return bdb_fail(c, ret, "reading a table definition", msg, msglen);
    *out = bdb_def_decode(table, c->data.data, c->data.size);
    if (*out == NULL)
        return dbd_failf(DBD_INTERNAL, msg, msglen, "the stored definition "
                         "of table '%s' is damaged (or memory ran out)",
                         table);
    return DBD_OK;
}

int bdb_meta_put(bdb_conn *c, DB_TXN *txn, const bdb_def *d)
{
    char k[DBD_IDENT_MAX + sizeof TABLE_PREFIX + 1];
    int klen = meta_key(d->name, k, sizeof k);

    dbd_buf_reset(&c->vbuf);
    bdb_def_encode(d, &c->vbuf);
    if (c->vbuf.failed)
        return ENOMEM;
    DBT key = bdb_dbt(k, klen > 0 ? (size_t)klen : 0);
    DBT val = bdb_dbt(c->vbuf.data, c->vbuf.len);
    return c->meta->put(c->meta, txn, &key, &val, DB_NOOVERWRITE);
}
