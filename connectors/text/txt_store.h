/*
 * txt_store.h - the state of one connection to a db_text directory: the
 * tables it has parsed (re-read whenever their file changed) and the
 * transaction it may have open.
 *
 * Reads use the cached table after a stat() shows the file unchanged.
 * A write outside a transaction takes the table's lock, re-reads the
 * table if it changed, applies the change in memory, replaces the file
 * atomically (txt_file.h) and releases the lock.
 *
 * In a transaction, writes change staged copies of the tables only; reads
 * of a staged table see them.  Commit takes the locks of every changed
 * table in name order (so two commits cannot deadlock), checks that none
 * of the files changed since the transaction first read it (BUSY and
 * nothing applied if one did), writes and flushes every new file, and
 * only then renames them into place one after the other.  Each table file
 * is always whole, but a crash (or a failing rename) between two renames
 * leaves a multi-table transaction half applied: the file system offers
 * no atomic rename of several files.
 */
#ifndef TXT_STORE_H
#define TXT_STORE_H

#include <stddef.h>

#include "dbd_connector.h"
#include "txt_modify.h"

typedef struct txt_store txt_store;

/* dir must be an absolute directory path.  NULL on allocation failure.
 * host (may be NULL) is used for logging only. */
txt_store *txt_store_new(const char *dir, long lock_timeout_ms,
                         const dbd_host *host);
void txt_store_destroy(txt_store **ps);

/* OK when the directory is still there and readable, else UNAVAILABLE. */
dbd_status txt_store_ping(txt_store *s, char *msg, size_t msglen);
dbd_status txt_store_query(txt_store *s, const dbd_op *op,
                           const dbd_sink *sink, char *msg, size_t msglen);
/* INSERT, UPDATE, DELETE or REPLACE. */
dbd_status txt_store_write(txt_store *s, const dbd_op *op, txt_outcome *res,
                           char *msg, size_t msglen);

dbd_status txt_store_begin(txt_store *s, char *msg, size_t msglen);
dbd_status txt_store_commit(txt_store *s, char *msg, size_t msglen);
/* Drops the staged changes; OK also when no transaction is open. */
dbd_status txt_store_rollback(txt_store *s, char *msg, size_t msglen);

#endif
