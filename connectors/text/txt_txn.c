/*
 * txt_txn.c - transactions of a text connection: begin, commit, rollback
 * (the protocol is described in txt_store.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "txt_format.h"
#include "txt_store_priv.h"

dbd_status txt_store_begin(txt_store *s, char *msg, size_t msglen)
{
    if (s->in_tx)
        return dbd_failf(DBD_BAD, msg, msglen, "a transaction is already open");
    s->in_tx = true;
    return DBD_OK;
}

dbd_status txt_store_rollback(txt_store *s, char *msg, size_t msglen)
{
    (void)msg;
    (void)msglen;
    txt_store_drop_staged(s);
    return DBD_OK;
}

static int by_name(const void *pa, const void *pb)
{
    const txt_staged *a = *(const txt_staged *const *)pa;
    const txt_staged *b = *(const txt_staged *const *)pb;
    return strcmp(a->table->name, b->table->name);
}

/* Takes every lock and checks that no file changed since it was read. */
static dbd_status lock_and_check(txt_store *s, txt_staged **v, size_t n,
                                 int *locks, char *msg, size_t msglen)
{
    for (size_t i = 0; i < n; i++) {
        dbd_status st = txt_lock_take(s->dir, v[i]->table->name,
                                      s->lock_timeout_ms, &locks[i], msg,
                                      msglen);
        if (st != DBD_OK)
            return st;
    }
    for (size_t i = 0; i < n; i++) {
        txt_file_id now;
        const txt_table *t = v[i]->table;
        if (txt_file_stat(t->path, &now) != 0 ||
            !txt_file_id_equal(&now, &t->id))
            return dbd_failf(DBD_BUSY, msg, msglen,
                             "table '%s' changed on disk during the "
                             "transaction; nothing was applied", t->name);
    }
    return DBD_OK;
}

/* Writes and flushes every new file, then renames them into place. */
static dbd_status write_all(txt_store *s, txt_staged **v, size_t n,
                            txt_pending *pend, char *msg, size_t msglen)
{
    dbd_status st = DBD_OK;
    dbd_buf data;
    if (n == 0)
        return DBD_OK; /* nothing changed: nothing to write or sync */
    dbd_buf_init(&data);
    for (size_t i = 0; i < n && st == DBD_OK; i++) {
        const txt_table *t = v[i]->table;
        dbd_buf_reset(&data);
        if (txt_format_table(t->schema, &t->rows, &data) != 0)
            st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        else
            st = txt_file_prepare(s->dir, t->name, t->path, data.data,
                                  data.len, &pend[i], msg, msglen);
    }
    dbd_buf_free(&data);
    if (st != DBD_OK)
        return st;

    for (size_t i = 0; i < n; i++) {
        st = txt_file_install(&pend[i], msg, msglen);
        if (st != DBD_OK) {
            if (i > 0) {
                size_t used = strlen(msg);
                if (used < msglen)
                    snprintf(msg + used, msglen - used,
                             " (%zu of %zu tables were already replaced)",
                             i, n);
            }
            return st;
        }
        /* The staged copy becomes the cached table. */
        v[i]->table->id = pend[i].id;
        txt_table *t = v[i]->table;
        v[i]->table = NULL;
        v[i]->dirty = false;
        if (txt_store_put(s, t) != 0)
            st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    }
    if (st == DBD_OK)
        st = txt_dir_sync(s->dir, msg, msglen);
    return st;
}

dbd_status txt_store_commit(txt_store *s, char *msg, size_t msglen)
{
    dbd_status st = DBD_INTERNAL;
    size_t n = 0;
    txt_staged **v = NULL;
    int *locks = NULL;
    txt_pending *pend = NULL;

    if (!s->in_tx)
        return dbd_failf(DBD_BAD, msg, msglen, "commit without begin");
    v = calloc(s->nstaged + 1, sizeof *v);
    locks = calloc(s->nstaged + 1, sizeof *locks);
    pend = calloc(s->nstaged + 1, sizeof *pend);
    if (v == NULL || locks == NULL || pend == NULL) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < s->nstaged; i++)
        if (s->staged[i].dirty)
            v[n++] = &s->staged[i];
    for (size_t i = 0; i < n; i++)
        locks[i] = -1;
    /* One global order of locks: no two commits wait for each other. */
    qsort(v, n, sizeof *v, by_name);

    st = lock_and_check(s, v, n, locks, msg, msglen);
    if (st == DBD_OK)
        st = write_all(s, v, n, pend, msg, msglen);
    if (st != DBD_OK && st != DBD_BUSY)
        txt_store_log(s, DBD_LOG_ERR, "commit failed: %s", msg);
out:
    for (size_t i = 0; i < n; i++) {
        txt_file_abandon(&pend[i]);
        txt_lock_drop(&locks[i]);
    }
    free(v);
    free(locks);
    free(pend);
    /* Committed or failed, the transaction is over. */
    txt_store_drop_staged(s);
    return st;
}
