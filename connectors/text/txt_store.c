/* txt_store.c - table cache, reads and single writes (see txt_store.h). */
#include "txt_store_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "txt_format.h"
#include "txt_query.h"

txt_store *txt_store_new(const char *dir, long lock_timeout_ms,
                         const dbd_host *host)
{
    txt_store *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->dir = strdup(dir);
    if (s->dir == NULL) {
        free(s);
        return NULL;
    }
    s->lock_timeout_ms = lock_timeout_ms;
    s->host = host;
    return s;
}

void txt_store_destroy(txt_store **ps)
{
    if (ps == NULL || *ps == NULL)
        return;
    txt_store *s = *ps;
    txt_store_drop_staged(s);
    free(s->staged);
    for (size_t i = 0; i < s->ntables; i++)
        txt_table_destroy(&s->tables[i]);
    free(s->tables);
    free(s->dir);
    free(s);
    *ps = NULL;
}

void txt_store_log(const txt_store *s, int level, const char *fmt, ...)
{
    char line[600];
    if (s->host == NULL || s->host->log == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    s->host->log(s->host->ctx, level, "%s", line);
}

static dbd_status dir_check(const txt_store *s, char *msg, size_t msglen)
{
    struct stat st;
    if (stat(s->dir, &st) != 0)
        return dbd_failf(DBD_UNAVAILABLE, msg, msglen,
                         "directory %s is not accessible: %s", s->dir,
                         strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return dbd_failf(DBD_UNAVAILABLE, msg, msglen,
                         "%s is no longer a directory", s->dir);
    if (access(s->dir, R_OK | X_OK) != 0)
        return dbd_failf(DBD_UNAVAILABLE, msg, msglen,
                         "directory %s is not readable: %s", s->dir,
                         strerror(errno));
    return DBD_OK;
}

dbd_status txt_store_ping(txt_store *s, char *msg, size_t msglen)
{
    return dir_check(s, msg, msglen);
}

static long find_table(const txt_store *s, const char *name)
{
    for (size_t i = 0; i < s->ntables; i++)
        if (strcmp(s->tables[i]->name, name) == 0)
            return (long)i;
    return -1;
}

static void remove_table(txt_store *s, size_t i)
{
    txt_table_destroy(&s->tables[i]);
    s->tables[i] = s->tables[--s->ntables];
}

int txt_store_put(txt_store *s, txt_table *t)
{
    long i = find_table(s, t->name);
    if (i >= 0) {
        txt_table_destroy(&s->tables[i]);
        s->tables[i] = t;
        return 0;
    }
    if (s->ntables == s->captables) {
        size_t cap = s->captables ? s->captables * 2 : 16;
        txt_table **v = realloc(s->tables, cap * sizeof *v);
        if (v == NULL) {
            txt_table_destroy(&t);
            return -1;
        }
        s->tables = v;
        s->captables = cap;
    }
    s->tables[s->ntables++] = t;
    return 0;
}

dbd_status txt_store_table(txt_store *s, const char *name, txt_table **out,
                           char *msg, size_t msglen)
{
    bool reloaded = false;
    long i = find_table(s, name);
    *out = NULL;
    if (i < 0) {
        txt_table *t = txt_table_new(s->dir, name);
        if (t == NULL || txt_store_put(s, t) != 0)
            return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        i = (long)s->ntables - 1;
    }
    txt_table *t = s->tables[i];
    bool had = t->schema != NULL;
    dbd_status st = txt_table_refresh(t, &reloaded, msg, msglen);
    if (st == DBD_NOTFOUND) {
        remove_table(s, (size_t)i);
        /* A missing file is a missing table, unless the whole directory
         * went away. */
        if (dir_check(s, NULL, 0) != DBD_OK)
            return dir_check(s, msg, msglen);
        return st;
    }
    if (st != DBD_OK) {
        /* Logged once per broken version of the file. */
        if (reloaded)
            txt_store_log(s, DBD_LOG_ERR, "%s", msg);
        return st;
    }
    if (reloaded && had)
        txt_store_log(s, DBD_LOG_DEBUG,
                      "table %s changed on disk, re-read %zu rows", name,
                      t->rows.n);
    *out = t;
    return DBD_OK;
}

txt_staged *txt_store_staged(txt_store *s, const char *name)
{
    for (size_t i = 0; i < s->nstaged; i++)
        if (strcmp(s->staged[i].table->name, name) == 0)
            return &s->staged[i];
    return NULL;
}

void txt_store_drop_staged(txt_store *s)
{
    for (size_t i = 0; i < s->nstaged; i++)
        txt_table_destroy(&s->staged[i].table);
    s->nstaged = 0;
    s->in_tx = false;
}

dbd_status txt_store_query(txt_store *s, const dbd_op *op,
                           const dbd_sink *sink, char *msg, size_t msglen)
{
    txt_table *t = NULL;
    txt_staged *sg = s->in_tx ? txt_store_staged(s, op->table) : NULL;
    if (sg != NULL) {
        t = sg->table;
    } else {
        dbd_status st = txt_store_table(s, op->table, &t, msg, msglen);
        if (st != DBD_OK)
            return st;
    }
    return txt_query_run(t, op, sink, msg, msglen);
}

/* A write inside a transaction: applied to the staged copy only. */
static dbd_status staged_write(txt_store *s, const dbd_op *op,
                               txt_outcome *res, char *msg, size_t msglen)
{
    txt_rows rows;
    txt_staged *sg = txt_store_staged(s, op->table);
    txt_rows_init(&rows);
    if (sg == NULL) {
        txt_table *t = NULL;
        dbd_status st = txt_store_table(s, op->table, &t, msg, msglen);
        if (st != DBD_OK)
            return st;
        if (s->nstaged == s->capstaged) {
            size_t cap = s->capstaged ? s->capstaged * 2 : 4;
            txt_staged *v = realloc(s->staged, cap * sizeof *v);
            if (v == NULL)
                return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
            s->staged = v;
            s->capstaged = cap;
        }
        txt_table *copy = txt_table_clone(t);
        if (copy == NULL)
            return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        sg = &s->staged[s->nstaged++];
        *sg = (txt_staged){.table = copy};
    }
    if (op->kind == DBD_OP_INSERT) {
        /* The staged copy is private: append rather than copy it. */
        dbd_status st = txt_modify_append(sg->table, op, &sg->auto_max,
                                          &sg->auto_known, res, msg, msglen);
        if (st == DBD_OK)
            sg->dirty = true;
        return st;
    }
    sg->auto_known = false; /* an update or delete may change the max */
    dbd_status st = txt_modify(sg->table, op, &rows, res, msg, msglen);
    if (st == DBD_OK && res->changed) {
        txt_table_set_rows(sg->table, &rows, &sg->table->id);
        sg->dirty = true;
    }
    txt_rows_clear(&rows);
    return st;
}

/* A write outside a transaction: lock, re-read, change, replace, unlock. */
static dbd_status single_write(txt_store *s, const dbd_op *op,
                               txt_outcome *res, char *msg, size_t msglen)
{
    txt_table *t = NULL;
    txt_rows rows;
    dbd_buf data;
    txt_pending pend = {0};
    int lock = -1;

    txt_rows_init(&rows);
    dbd_buf_init(&data);
    dbd_status st = txt_store_table(s, op->table, &t, msg, msglen);
    if (st != DBD_OK)
        goto out;
    st = txt_lock_take(s->dir, op->table, s->lock_timeout_ms, &lock, msg,
                       msglen);
    if (st != DBD_OK)
        goto out;
    /* Under the lock: pick up whatever another writer did meanwhile. */
    st = txt_store_table(s, op->table, &t, msg, msglen);
    if (st != DBD_OK)
        goto out;
    st = txt_modify(t, op, &rows, res, msg, msglen);
    if (st != DBD_OK || !res->changed)
        goto out;
    if (txt_format_table(t->schema, &rows, &data) != 0) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        goto out;
    }
    st = txt_file_prepare(s->dir, t->name, t->path, data.data, data.len,
                          &pend, msg, msglen);
    if (st == DBD_OK)
        st = txt_file_install(&pend, msg, msglen);
    if (st == DBD_OK) {
        txt_table_set_rows(t, &rows, &pend.id);
        st = txt_dir_sync(s->dir, msg, msglen);
    }
    if (st != DBD_OK)
        txt_store_log(s, DBD_LOG_ERR, "%s", msg);
out:
    txt_file_abandon(&pend);
    txt_lock_drop(&lock);
    txt_rows_clear(&rows);
    dbd_buf_free(&data);
    return st;
}

dbd_status txt_store_write(txt_store *s, const dbd_op *op, txt_outcome *res,
                           char *msg, size_t msglen)
{
    memset(res, 0, sizeof *res);
    if (s->in_tx)
        return staged_write(s, op, res, msg, msglen);
    return single_write(s, op, res, msg, msglen);
}
