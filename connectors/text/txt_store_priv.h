/*
 * txt_store_priv.h - the inside of txt_store, shared by txt_store.c
 * (cache, reads, single writes) and txt_txn.c (transactions).
 */
#ifndef TXT_STORE_PRIV_H
#define TXT_STORE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "txt_store.h"
#include "txt_table.h"

/* A table changed in the open transaction. */
typedef struct txt_staged {
    txt_table *table; /* rows as the transaction left them; id: as read */
    bool dirty;       /* something changed: commit writes it */
    /* The largest auto id of table's rows while auto_known: inserts
     * append without rescanning (see txt_modify_append). */
    int64_t auto_max;
    bool auto_known;
} txt_staged;

struct txt_store {
    char *dir;
    long lock_timeout_ms;
    const dbd_host *host;
    txt_table **tables; /* the cache */
    size_t ntables;
    size_t captables;
    bool in_tx;
    txt_staged *staged;
    size_t nstaged;
    size_t capstaged;
};

/* The cached table, refreshed from its file (see txt_table_refresh);
 * UNAVAILABLE when the directory itself is gone. */
dbd_status txt_store_table(txt_store *s, const char *name, txt_table **out,
                           char *msg, size_t msglen);
/* Puts t in the cache in place of the entry of the same name (taking it
 * over).  0 or -1 (out of memory: t is destroyed). */
int txt_store_put(txt_store *s, txt_table *t);
/* The staged copy of name in the open transaction, or NULL. */
txt_staged *txt_store_staged(txt_store *s, const char *name);
void txt_store_drop_staged(txt_store *s);

void txt_store_log(const txt_store *s, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
