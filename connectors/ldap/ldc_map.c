/*
 * ldc_map.c - loads the mapping file (see ldc_map.h) and answers lookups
 * in it.  inih hands over one key at a time (ldc_map_parse.c); keys that
 * name columns (rdn, autoincrement, unique, default.X) are kept as text
 * and resolved once the whole file is read (ldc_map_finish.c), so the
 * order of lines inside a section does not matter except for the column
 * lines, whose order is the table's column order.
 */
#include "ldc_map_int.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void ldc_map_column_free(ldc_column *c)
{
    free(c->name);
    free(c->attr);
    free(c->def_text);
}

static void table_free(ldc_table *t, raw_table *r)
{
    free(t->name);
    free(t->base);
    for (size_t i = 0; i < t->nclasses; i++)
        free(t->classes[i]);
    free(t->classes);
    free(t->class_filter);
    for (size_t i = 0; i < t->ncols; i++)
        ldc_map_column_free(&t->cols[i]);
    free(t->cols);
    free(t->rdn);
    free(t->rdnattr);
    for (size_t i = 0; i < t->nuniques; i++)
        free(t->uniques[i].cols);
    free(t->uniques);
    free(r->rdn);
    free(r->autoinc);
    free(r->unique);
    for (size_t i = 0; i < r->ndefs; i++) {
        free(r->def_cols[i]);
        free(r->def_texts[i]);
    }
    free(r->def_cols);
    free(r->def_texts);
}

void ldc_map_destroy(ldc_map **pmap)
{
    if (pmap == NULL || *pmap == NULL)
        return;
    ldc_map *m = *pmap;
    for (size_t i = 0; i < m->n; i++)
        table_free(&m->tables[i], &m->raw[i]);
    free(m->tables);
    free(m->raw);
    free(m);
    *pmap = NULL;
}

ldc_map *ldc_map_load(const char *path, const char *basedn, char *err,
                      size_t errlen)
{
    parse_ctx p = {NULL, basedn != NULL ? basedn : "", err, errlen, false};
    char why[400] = "";
    ldc_map *m = calloc(1, sizeof *m);

    if (m == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    p.m = m;
    p.err = why;
    p.errlen = sizeof why;
    int rc = ini_parse(path, ldc_map_on_key, &p);
    if (rc < 0) {
        snprintf(err, errlen, "mapping file %s: cannot read it", path);
        goto fail;
    }
    if (rc > 0) {
        snprintf(err, errlen, "mapping file %s line %d: %s", path, rc,
                 p.failed ? why : "syntax error");
        goto fail;
    }
    for (size_t i = 0; i < m->n; i++)
        if (!ldc_map_finish_table(&p, &m->tables[i], &m->raw[i])) {
            snprintf(err, errlen, "mapping file %s: %s", path, why);
            goto fail;
        }
    if (m->n == 0) {
        snprintf(err, errlen, "mapping file %s maps no table", path);
        goto fail;
    }
    return m;
fail:
    ldc_map_destroy(&m);
    return NULL;
}

const ldc_table *ldc_map_table(const ldc_map *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->tables[i].name, name) == 0)
            return &m->tables[i];
    return NULL;
}

size_t ldc_map_ntables(const ldc_map *m)
{
    return m->n;
}

const ldc_table *ldc_map_table_at(const ldc_map *m, size_t i)
{
    return i < m->n ? &m->tables[i] : NULL;
}

long ldc_table_column(const ldc_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return (long)i;
    return -1;
}

long ldc_table_attr(const ldc_table *t, const char *attr, size_t len)
{
    const char *semi = memchr(attr, ';', len);
    if (semi != NULL)
        len = (size_t)(semi - attr);
    for (size_t i = 0; i < t->ncols; i++) {
        const char *a = t->cols[i].attr;
        if (strncasecmp(a, attr, len) == 0 &&
            (a[len] == '\0' || a[len] == ';'))
            return (long)i;
    }
    return -1;
}

dbd_status ldc_no_column(const ldc_table *t, const char *column, char *msg,
                         size_t msglen)
{
    return dbd_failf(DBD_NOTFOUND, msg, msglen,
                     "table '%s' has no column '%s' in the LDAP mapping",
                     t->name, column);
}
