/* txt_table.c - a table and its file (see txt_table.h). */
#include "txt_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "txt_parse.h"
#include "txt_util.h"

txt_table *txt_table_new(const char *dir, const char *name)
{
    txt_table *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    txt_rows_init(&t->rows);
    t->name = strdup(name);
    t->path = txt_path(dir, "", name, "");
    if (t->name == NULL || t->path == NULL)
        txt_table_destroy(&t);
    return t;
}

static void unload(txt_table *t)
{
    txt_schema_unref(&t->schema);
    txt_rows_clear(&t->rows);
    memset(&t->id, 0, sizeof t->id);
}

static void forget_failure(txt_table *t)
{
    t->failed = DBD_OK;
    free(t->failed_msg);
    t->failed_msg = NULL;
}

void txt_table_destroy(txt_table **pt)
{
    if (pt == NULL || *pt == NULL)
        return;
    txt_table *t = *pt;
    unload(t);
    forget_failure(t);
    free(t->name);
    free(t->path);
    free(t);
    *pt = NULL;
}

dbd_status txt_table_refresh(txt_table *t, bool *reloaded, char *msg,
                             size_t msglen)
{
    dbd_status st = DBD_INTERNAL;
    txt_file_id now;
    dbd_buf data;
    txt_rows rows;
    txt_schema *schema = NULL;

    dbd_buf_init(&data);
    txt_rows_init(&rows);
    if (reloaded != NULL)
        *reloaded = false;
    if (txt_file_stat(t->path, &now) != 0) {
        int e = errno;
        unload(t);
        if (e == ENOENT || e == ENOTDIR)
            return dbd_failf(DBD_NOTFOUND, msg, msglen,
                             "no such table '%s' (no file %s)", t->name,
                             t->path);
        return dbd_failf(DBD_INTERNAL, msg, msglen, "cannot stat %s: %s",
                         t->path, strerror(e));
    }
    if (t->schema != NULL && txt_file_id_equal(&now, &t->id))
        return DBD_OK;
    if (t->failed != DBD_OK && txt_file_id_equal(&now, &t->failed_id))
        return dbd_failf(t->failed, msg, msglen, "%s",
                         t->failed_msg ? t->failed_msg : "unreadable table");

    unload(t);
    forget_failure(t);
    if (reloaded != NULL)
        *reloaded = true;
    if (txt_file_read(t->path, &data, &now) != 0) {
        int e = errno;
        if (e == ENOENT)
            st = dbd_failf(DBD_NOTFOUND, msg, msglen,
                           "no such table '%s' (no file %s)", t->name,
                           t->path);
        else if (e == EAGAIN)
            st = dbd_failf(DBD_INTERNAL, msg, msglen,
                           "%s kept changing while being read", t->path);
        else
            st = dbd_failf(DBD_INTERNAL, msg, msglen, "cannot read %s: %s",
                           t->path, strerror(e));
        goto out;
    }
    st = txt_parse_table(data.data, data.len, t->path, &schema, &rows, msg,
                         msglen);
    if (st != DBD_OK)
        goto out;
    t->schema = schema;
    schema = NULL;
    txt_table_set_rows(t, &rows, &now);
out:
    if (st != DBD_OK && st != DBD_NOTFOUND) {
        /* Remember it for this version of the file (best effort). */
        t->failed = st;
        t->failed_id = now;
        t->failed_msg = msg != NULL ? strdup(msg) : NULL;
    }
    txt_schema_unref(&schema);
    txt_rows_clear(&rows);
    dbd_buf_free(&data);
    return st;
}

txt_table *txt_table_clone(const txt_table *t)
{
    txt_table *c = txt_table_new("", t->name);
    if (c == NULL)
        return NULL;
    free(c->path);
    c->path = strdup(t->path);
    if (c->path == NULL || txt_rows_copy(&c->rows, &t->rows) != 0) {
        txt_table_destroy(&c);
        return NULL;
    }
    c->schema = txt_schema_ref(t->schema);
    c->id = t->id;
    return c;
}

void txt_table_set_rows(txt_table *t, txt_rows *rows, const txt_file_id *id)
{
    txt_rows_move(&t->rows, rows);
    t->id = *id;
}
