/*
 * bdb_store.h - writing one row: its key and value encoded, the unique
 * indexes checked (a duplicate is CONSTRAINT, never Berkeley DB's EINVAL),
 * the record put (Berkeley DB updates the secondary indexes), and the
 * auto-increment counter.  All inside the caller's transaction.
 */
#ifndef BDB_STORE_H
#define BDB_STORE_H

#include "bdb_int.h"

/* Whether key is in db: 0 when found (for a secondary, its primary key
 * goes to pk, a DB_DBT_REALLOC DBT), DB_NOTFOUND, or an error.  Takes a
 * write lock: the caller is about to write. */
int bdb_probe(DB *db, DB_TXN *txn, const void *key, size_t klen, DBT *pk);

/* Stores row (d->ncols values of the columns' types).  old_pk is the key
 * the row had (an update), NULL for an insert. */
dbd_status bdb_store_row(bdb_conn *c, bdb_table *t, DB_TXN *txn,
                         const dbd_value *row, const void *old_pk,
                         size_t old_pklen, char *msg, size_t msglen);

/* The id an insert without one gets: one more than the largest ever
 * given (the counter) or stored. */
dbd_status bdb_next_id(bdb_conn *c, bdb_table *t, DB_TXN *txn, int64_t *id,
                       char *msg, size_t msglen);
/* Raises the counter to id when id is larger (every id written). */
dbd_status bdb_auto_advance(bdb_conn *c, bdb_table *t, DB_TXN *txn,
                            int64_t id, char *msg, size_t msglen);

/* "(a, b)": the names of cols, for messages. */
void bdb_cols_text(const bdb_def *d, const size_t *cols, size_t n, char *out,
                   size_t len);

#endif
