/*
 * bdb_int.h - the bdb connector's connection and the functions its files
 * share.
 *
 * A connection owns its own DB_ENV handle on the environment directory
 * and its own DB handles (see bdb_env.c for why each connection opens the
 * environment itself), a cache of the tables it has opened, and the
 * transaction of an open batch.  The daemon uses a connection from one
 * thread at a time, so nothing here is locked.
 */
#ifndef BDB_INT_H
#define BDB_INT_H

#include <db.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bdb_def.h"
#include "bdb_schema.h"
#include "buf.h"
#include "dbd_connector.h"
#include "ident.h"

enum bdb_sync { BDB_SYNC_FULL, BDB_SYNC_WRITE, BDB_SYNC_NONE };

typedef struct bdb_opts {
    const char *schema;        /* table-definition file, or NULL */
    uint64_t cache_size;       /* bytes */
    uint32_t lock_timeout_ms;  /* 0: wait for the deadlock detector only */
    bool indexes;              /* use keys and indexes for lookups */
    enum bdb_sync sync;
} bdb_opts;

/* What a secondary's key callback needs: the definition and the index. */
typedef struct bdb_index_ctx {
    const bdb_def *def;
    const bdb_index *index;
} bdb_index_ctx;

typedef struct bdb_table {
    bdb_def *def;
    DB *pri;
    DB *counter;         /* the auto-increment counter, when there is one */
    DB **sec;            /* one per def->index */
    bdb_index_ctx *ctx;  /* one per def->index, the secondaries' app_private */
} bdb_table;

typedef struct bdb_conn {
    const dbd_host *host;
    char *dir;
    bdb_opts opts;
    DB_ENV *env;
    int users_fd;        /* shared lock while the environment is open */
    DB *meta;            /* table definitions */
    DB_TXN *txn;         /* the open batch transaction, or NULL */
    bdb_table **tables;
    size_t ntables;
    char dbmsg[300];     /* Berkeley DB's last error text */
    bool deadlock;       /* the last failure was a deadlock: retry */
    DBT data;            /* DB_DBT_REALLOC buffer for point reads */
    dbd_buf kbuf, vbuf;  /* scratch: keys and rows being written */
} bdb_conn;

/* bdb_opts.c */
dbd_status bdb_opts_parse(bdb_opts *o, const dbd_option *opts, size_t n,
                          char *err, size_t errlen);

/* bdb_error.c: a Berkeley DB return code as a status, with what failed
 * and Berkeley DB's own text in msg.  Sets c->deadlock for a deadlock. */
dbd_status bdb_fail(bdb_conn *c, int ret, const char *what, char *msg,
                    size_t msglen);
void bdb_errcall(const DB_ENV *env, const char *prefix, const char *msg);
#define bdb_log(c, ...) dbd_host_logf((c)->host, __VA_ARGS__)
/* A DBT over bytes we own (for keys and rows being written). */
DBT bdb_dbt(const void *data, size_t size);

/* bdb_env.c */
dbd_status bdb_env_open(bdb_conn *c, char *err, size_t errlen);
void bdb_env_close(bdb_conn *c);
/* After a commit: a checkpoint now and then, so recovery stays short and
 * old log files can go. */
void bdb_env_after_commit(bdb_conn *c);
/* A checkpoint now: when a connection closes, so that the next open has
 * (almost) nothing to recover. */
void bdb_env_checkpoint(bdb_conn *c);

/* bdb_meta.c */
dbd_status bdb_meta_open(bdb_conn *c, char *err, size_t errlen);
/* NOTFOUND when the table does not exist. */
dbd_status bdb_meta_get(bdb_conn *c, const char *table, bdb_def **out,
                        char *msg, size_t msglen);
/* A Berkeley DB code: DB_KEYEXIST when the table exists already. */
int bdb_meta_put(bdb_conn *c, DB_TXN *txn, const bdb_def *d);

/* bdb_table.c */
/* The table, opened and cached on first use; NOTFOUND when missing. */
dbd_status bdb_table_get(bdb_conn *c, const char *name, bdb_table **out,
                         char *msg, size_t msglen);
/* Creates the schema's tables that do not exist yet. */
dbd_status bdb_tables_create(bdb_conn *c, const bdb_schema *s, char *err,
                             size_t errlen);
void bdb_tables_close(bdb_conn *c);
/* The file names of a table, of its index i and of its counter. */
void bdb_table_file(const char *table, char *out, size_t len);
void bdb_index_file(const char *table, size_t i, char *out, size_t len);
void bdb_counter_file(const char *table, char *out, size_t len);

/* bdb_write.c: insert, update, delete and replace inside txn. */
dbd_status bdb_write(bdb_conn *c, bdb_table *t, const dbd_op *op,
                     DB_TXN *txn, dbd_exec_info *info);

/* bdb_query.c: rows go to the sink; *started tells whether the sink saw
 * anything (after which the query cannot be retried). */
dbd_status bdb_query(bdb_conn *c, bdb_table *t, const dbd_op *op,
                     DB_TXN *txn, const dbd_sink *sink, bool *started,
                     dbd_exec_info *info);

/* bdb_exec.c */
dbd_status bdb_exec(void *conn, const dbd_op *op, const dbd_sink *sink,
                    dbd_exec_info *info);
dbd_status bdb_begin(void *conn, dbd_exec_info *info);
dbd_status bdb_commit(void *conn, dbd_exec_info *info);
dbd_status bdb_rollback(void *conn, dbd_exec_info *info);

#endif
