/* bdb_def.c - table definitions and their stored form (see bdb_def.h). */
#include "bdb_def.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bdb_codec.h"
#include "ident.h"

#define DEF_FORMAT 1 /* first byte of the stored form */

bdb_def *bdb_def_new(const char *name)
{
    bdb_def *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    d->autoinc = -1;
    if ((d->name = strdup(name)) == NULL) {
        free(d);
        return NULL;
    }
    return d;
}

void bdb_def_destroy(bdb_def **pd)
{
    if (pd == NULL || *pd == NULL)
        return;
    bdb_def *d = *pd;
    for (size_t i = 0; i < d->ncols; i++) {
        free(d->cols[i].name);
        free(d->cols[i].dflt_bytes);
    }
    for (size_t i = 0; i < d->nindex; i++)
        free(d->index[i].cols);
    free(d->cols);
    free(d->key);
    free(d->index);
    free(d->name);
    free(d);
    *pd = NULL;
}

long bdb_def_find(const bdb_def *d, const char *name)
{
    for (size_t i = 0; i < d->ncols; i++)
        if (strcmp(d->cols[i].name, name) == 0)
            return (long)i;
    return -1;
}

int bdb_def_add_column(bdb_def *d, const char *name, dbd_type type,
                       bool nullable, const dbd_value *dflt)
{
    bdb_column *grown = realloc(d->cols, (d->ncols + 1) * sizeof *grown);
    if (grown == NULL)
        return -1;
    d->cols = grown;
    bdb_column *c = &d->cols[d->ncols];
    memset(c, 0, sizeof *c);
    c->type = type;
    c->nullable = nullable;
    c->dflt = dflt != NULL ? *dflt : dbd_null();
    if ((c->name = strdup(name)) == NULL)
        return -1;
    if (c->dflt.type == DBD_TYPE_STRING || c->dflt.type == DBD_TYPE_BLOB) {
        /* one byte more so that an empty default still owns memory */
        if ((c->dflt_bytes = malloc(c->dflt.u.s.len + 1)) == NULL) {
            free(c->name);
            return -1;
        }
        if (c->dflt.u.s.len > 0)
            memcpy(c->dflt_bytes, c->dflt.u.s.ptr, c->dflt.u.s.len);
        c->dflt_bytes[c->dflt.u.s.len] = '\0';
        c->dflt.u.s.ptr = c->dflt_bytes;
    }
    d->ncols++;
    return 0;
}

static size_t *copy_cols(const size_t *cols, size_t n)
{
    size_t *out = malloc((n > 0 ? n : 1) * sizeof *out);
    if (out != NULL && n > 0)
        memcpy(out, cols, n * sizeof *out);
    return out;
}

int bdb_def_set_key(bdb_def *d, const size_t *cols, size_t n)
{
    size_t *key = copy_cols(cols, n);
    if (key == NULL)
        return -1;
    free(d->key);
    d->key = key;
    d->nkey = n;
    return 0;
}

int bdb_def_add_index(bdb_def *d, const size_t *cols, size_t n, bool unique)
{
    bdb_index *grown = realloc(d->index, (d->nindex + 1) * sizeof *grown);
    if (grown == NULL)
        return -1;
    d->index = grown;
    bdb_index *ix = &d->index[d->nindex];
    if ((ix->cols = copy_cols(cols, n)) == NULL)
        return -1;
    ix->ncols = n;
    ix->unique = unique;
    d->nindex++;
    return 0;
}

bool bdb_index_is_set(const bdb_index *ix, const size_t *cols, size_t n)
{
    if (ix->ncols != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (size_t j = 0; j < ix->ncols && !found; j++)
            found = ix->cols[j] == cols[i];
        if (!found)
            return false;
    }
    return true;
}

static dbd_status check_cols(const bdb_def *d, const size_t *cols, size_t n,
                             const char *what, char *err, size_t errlen)
{
    if (n == 0)
        return dbd_failf(DBD_CONFIG, err, errlen, "table %s: %s has no "
                         "columns", d->name, what);
    for (size_t i = 0; i < n; i++) {
        if (cols[i] >= d->ncols)
            return dbd_failf(DBD_CONFIG, err, errlen, "table %s: %s names a "
                             "column that does not exist", d->name, what);
        for (size_t j = 0; j < i; j++)
            if (cols[j] == cols[i])
                return dbd_failf(DBD_CONFIG, err, errlen, "table %s: %s "
                                 "names column %s twice", d->name, what,
                                 d->cols[cols[i]].name);
    }
    return DBD_OK;
}

dbd_status bdb_def_check(const bdb_def *d, char *err, size_t errlen)
{
    dbd_status st;

    if (d->ncols == 0)
        return dbd_failf(DBD_CONFIG, err, errlen, "table %s has no columns",
                         d->name);
    for (size_t i = 0; i < d->ncols; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(d->cols[i].name, d->cols[j].name) == 0)
                return dbd_failf(DBD_CONFIG, err, errlen, "table %s: column "
                                 "%s is defined twice", d->name,
                                 d->cols[i].name);
    if ((st = check_cols(d, d->key, d->nkey, "the key", err, errlen)) !=
        DBD_OK)
        return st;
    for (size_t i = 0; i < d->nkey; i++)
        if (d->cols[d->key[i]].nullable)
            return dbd_failf(DBD_CONFIG, err, errlen, "table %s: key column "
                             "%s must be not null", d->name,
                             d->cols[d->key[i]].name);
    for (size_t i = 0; i < d->nindex; i++)
        if ((st = check_cols(d, d->index[i].cols, d->index[i].ncols,
                             "an index", err, errlen)) != DBD_OK)
            return st;
    if (d->autoinc < 0)
        return DBD_OK;
    const bdb_column *a = &d->cols[d->autoinc];
    size_t one = (size_t)d->autoinc;
    bool keyed = d->nkey == 1 && d->key[0] == one;
    for (size_t i = 0; i < d->nindex && !keyed; i++)
        keyed = d->index[i].unique && d->index[i].ncols == 1 &&
                d->index[i].cols[0] == one;
    if (a->type != DBD_TYPE_INT)
        return dbd_failf(DBD_CONFIG, err, errlen, "table %s: auto column %s "
                         "must be an int", d->name, a->name);
    /* The next id is the largest one stored plus one, read from the end of
     * the key or of the unique index. */
    if (!keyed)
        return dbd_failf(DBD_CONFIG, err, errlen, "table %s: auto column %s "
                         "must be the key or a unique index by itself",
                         d->name, a->name);
    return DBD_OK;
}

static void put_cols(dbd_buf *b, const size_t *cols, size_t n)
{
    bdb_put_varint(b, n);
    for (size_t i = 0; i < n; i++)
        bdb_put_varint(b, cols[i]);
}

void bdb_def_encode(const bdb_def *d, dbd_buf *b)
{
    dbd_buf_append_char(b, DEF_FORMAT);
    bdb_put_varint(b, d->ncols);
    for (size_t i = 0; i < d->ncols; i++) {
        const bdb_column *c = &d->cols[i];
        bdb_put_bytes(b, c->name, strlen(c->name));
        dbd_buf_append_char(b, (char)c->type);
        dbd_buf_append_char(b, c->nullable ? 1 : 0);
        bdb_put_value(b, &c->dflt);
    }
    bdb_put_varint(b, d->autoinc < 0 ? 0 : (uint64_t)d->autoinc + 1);
    put_cols(b, d->key, d->nkey);
    bdb_put_varint(b, d->nindex);
    for (size_t i = 0; i < d->nindex; i++) {
        dbd_buf_append_char(b, d->index[i].unique ? 1 : 0);
        put_cols(b, d->index[i].cols, d->index[i].ncols);
    }
}

/* A column list; *cols is malloc'd. */
static bool get_cols(const uint8_t **p, const uint8_t *end, size_t ncols,
                     size_t **cols, size_t *n)
{
    uint64_t count, col;
    if (!bdb_get_varint(p, end, &count) || count > ncols)
        return false;
    if ((*cols = malloc((count > 0 ? count : 1) * sizeof **cols)) == NULL)
        return false;
    *n = (size_t)count;
    for (size_t i = 0; i < count; i++) {
        if (!bdb_get_varint(p, end, &col) || col >= ncols)
            return false;
        (*cols)[i] = (size_t)col;
    }
    return true;
}

static bool decode_column(bdb_def *d, const uint8_t **p, const uint8_t *end)
{
    const uint8_t *name;
    size_t len;
    dbd_value dflt;
    char buf[DBD_IDENT_MAX + 1];

    if (!bdb_get_bytes(p, end, &name, &len) || len == 0 ||
        len >= sizeof buf || end - *p < 2)
        return false;
    memcpy(buf, name, len);
    buf[len] = '\0';
    uint8_t type = *(*p)++;
    uint8_t nullable = *(*p)++;
    if (type <= DBD_TYPE_NULL || type >= DBD_TYPE_COUNT || nullable > 1 ||
        !bdb_get_value(p, end, &dflt))
        return false;
    return bdb_def_add_column(d, buf, (dbd_type)type, nullable == 1,
                              &dflt) == 0;
}

bdb_def *bdb_def_decode(const char *name, const void *data, size_t size)
{
    const uint8_t *p = data, *end = p + size;
    uint64_t ncols, autoinc, nindex;
    bdb_def *d = bdb_def_new(name);

    if (d == NULL || p >= end || *p++ != DEF_FORMAT ||
        !bdb_get_varint(&p, end, &ncols) || ncols > size)
        goto bad;
    for (uint64_t i = 0; i < ncols; i++)
        if (!decode_column(d, &p, end))
            goto bad;
    if (!bdb_get_varint(&p, end, &autoinc) || autoinc > ncols)
        goto bad;
    d->autoinc = (long)autoinc - 1;
    if (!get_cols(&p, end, d->ncols, &d->key, &d->nkey) ||
        !bdb_get_varint(&p, end, &nindex) || nindex > size)
        goto bad;
    for (uint64_t i = 0; i < nindex; i++) {
        size_t *cols = NULL, n = 0;
        if (p >= end || *p > 1)
            goto bad;
        bool unique = *p++ == 1;
        if (!get_cols(&p, end, d->ncols, &cols, &n) ||
            bdb_def_add_index(d, cols, n, unique) != 0) {
            free(cols);
            goto bad;
        }
        free(cols);
    }
    if (p != end)
        goto bad;
    return d;
bad:
    bdb_def_destroy(&d);
    return NULL;
}
