/* ldc_map_parse.c - the keys of a mapping file as inih reads them. */
#include "ldc_map_int.h"

#include <ldap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"

/* Attribute and object class names go into filter text unescaped, so
 * they are held to descriptor or OID characters (plus ';' options). */
static bool ldap_name_valid(const char *s)
{
    if (s[0] == '\0')
        return false;
    for (const char *p = s; *p != '\0'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
              *p == ';'))
            return false;
    return true;
}

/* Keeps the first problem; returns 0, inih's "this line is bad". */
int ldc_map_fail(parse_ctx *p, const char *fmt, ...)
                 {
                 if (!p->failed) {
                 va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err, p->errlen, fmt, ap);
        va_end(ap);
    }
    p->failed = true;
    return 0;
}

static ldc_table *table_get(parse_ctx *p, const char *name, raw_table **raw)
{
    ldc_map *m = p->m;
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->tables[i].name, name) == 0) {
            *raw = &m->raw[i];
            return &m->tables[i];
        }
    ldc_table *t = realloc(m->tables, (m->n + 1) * sizeof *t);
    if (t != NULL)
        m->tables = t;
    raw_table *r = realloc(m->raw, (m->n + 1) * sizeof *r);
    if (r != NULL)
        m->raw = r;
    if (t == NULL || r == NULL)
        return NULL;
    t = &m->tables[m->n];
    r = &m->raw[m->n];
    memset(t, 0, sizeof *t);
    memset(r, 0, sizeof *r);
    t->index = m->n;
    t->autoinc = -1;
    t->scope = LDAP_SCOPE_ONELEVEL;
    if ((t->name = strdup(name)) == NULL)
        return NULL;
    m->n++;
    *raw = r;
    return t;
}

static int set_text(parse_ctx *p, char **slot, const char *key,
                    const char *value)
{
    if (*slot != NULL)
        return ldc_map_fail(p, "%s is given twice", key);
    if ((*slot = strdup(value)) == NULL)
        return ldc_map_fail(p, "out of memory");
    return 1;
}

/* Splits text into words separated by spaces and commas. */
char *ldc_map_next_word(char **cursor)
{
    char *s = *cursor;
    while (*s == ' ' || *s == '\t' || *s == ',')
        s++;
    if (*s == '\0')
        return NULL;
    char *w = s;
    while (*s != '\0' && *s != ' ' && *s != '\t' && *s != ',')
        s++;
    if (*s != '\0')
        *s++ = '\0';
    *cursor = s;
    return w;
}

static int add_classes(parse_ctx *p, ldc_table *t, const char *value)
{
    char *copy = strdup(value), *cur = copy, *w;
    int ok = 1;
    if (t->nclasses > 0)
        ok = ldc_map_fail(p, "objectclass is given twice");
    while (ok && copy != NULL && (w = ldc_map_next_word(&cur)) != NULL) {
        /* NULL-terminated: it is an LDAPMod value list as it is */
        char **c = realloc(t->classes, (t->nclasses + 2) * sizeof *c);
        if (c == NULL) {
            ok = ldc_map_fail(p, "out of memory");
            break;
        }
        t->classes = c;
        c[t->nclasses] = c[t->nclasses + 1] = NULL;
        if (!ldap_name_valid(w))
            ok = ldc_map_fail(p, "bad object class name '%s'", w);
        else if ((c[t->nclasses] = strdup(w)) == NULL)
            ok = ldc_map_fail(p, "out of memory");
        else
            t->nclasses++;
    }
    if (copy == NULL)
        ok = ldc_map_fail(p, "out of memory");
    free(copy);
    return ok;
}

static int add_column(parse_ctx *p, ldc_table *t, const char *name,
                      const char *value)
{
    char *copy = NULL, *cur, *w;
    ldc_column col = {.exact = true};
    int ok = 1;

    if (!dbd_ident_valid(name, strlen(name)))
        return ldc_map_fail(p, "'%s' is not a valid column name", name);
    if (ldc_table_column(t, name) >= 0)
        return ldc_map_fail(p, "column '%s' is given twice", name);
    if ((copy = strdup(value)) == NULL || (col.name = strdup(name)) == NULL) {
        ok = ldc_map_fail(p, "out of memory");
        goto out;
    }
    cur = copy;
    w = ldc_map_next_word(&cur);
    if (w == NULL || !ldap_name_valid(w)) {
        ok = ldc_map_fail(p, "column '%s': expected 'ATTRIBUTE TYPE "
                          "[notnull]', got '%s'", name, value);
        goto out;
    }
    if (ldc_table_attr(t, w, strlen(w)) >= 0) {
        ok = ldc_map_fail(p, "attribute %s is mapped to two columns", w);
        goto out;
    }
    if ((col.attr = strdup(w)) == NULL) {
        ok = ldc_map_fail(p, "out of memory");
        goto out;
    }
    w = ldc_map_next_word(&cur);
    if (w == NULL || !dbd_type_from_name(w, &col.type) ||
        col.type == DBD_TYPE_NULL) {
        ok = ldc_map_fail(p, "column '%s': unknown type '%s' (int, double, "
                          "string, blob, datetime, bool)", name,
                          w != NULL ? w : "");
        goto out;
    }
    while ((w = ldc_map_next_word(&cur)) != NULL) {
        if (strcmp(w, "notnull") == 0)
            col.notnull = true;
        else if (strcmp(w, "null") == 0)
            col.notnull = false;
        else if (strcmp(w, "inexact") == 0)
            col.exact = false;
        else {
            ok = ldc_map_fail(p, "column '%s': unknown flag '%s' (notnull, "
                              "null, inexact)", name, w);
            goto out;
        }
    }
    ldc_column *cols = realloc(t->cols, (t->ncols + 1) * sizeof *cols);
    if (cols == NULL) {
        ok = ldc_map_fail(p, "out of memory");
        goto out;
    }
    t->cols = cols;
    cols[t->ncols++] = col;
    memset(&col, 0, sizeof col);
out:
    ldc_map_column_free(&col);
    free(copy);
    return ok;
}

static int add_default(parse_ctx *p, raw_table *r, const char *column,
                       const char *value)
{
    char **c = realloc(r->def_cols, (r->ndefs + 1) * sizeof *c);
    if (c != NULL)
        r->def_cols = c;
    char **v = realloc(r->def_texts, (r->ndefs + 1) * sizeof *v);
    if (v != NULL)
        r->def_texts = v;
    if (c == NULL || v == NULL)
        return ldc_map_fail(p, "out of memory");
    c[r->ndefs] = strdup(column);
    v[r->ndefs] = strdup(value);
    r->ndefs++;
    if (c[r->ndefs - 1] == NULL || v[r->ndefs - 1] == NULL)
        return ldc_map_fail(p, "out of memory");
    return 1;
}

int ldc_map_on_key(void *user, const char *section, const char *name,
                  const char *value)
{
    parse_ctx *p = user;
    raw_table *r = NULL;
    ldc_table *t;

    if (!dbd_ident_valid(section, strlen(section)))
        return ldc_map_fail(p, "section [%s] is not a valid table name",
                            section);
    if ((t = table_get(p, section, &r)) == NULL)
        return ldc_map_fail(p, "out of memory");
    if (strcmp(name, "base") == 0) {
        char *dn = NULL;
        if (t->base != NULL)
            return ldc_map_fail(p, "[%s] base is given twice", section);
        if (value[0] != '\0' && p->basedn[0] != '\0') {
            size_t n = strlen(value) + strlen(p->basedn) + 2;
            if ((dn = malloc(n)) != NULL)
                snprintf(dn, n, "%s,%s", value, p->basedn);
        } else {
            dn = strdup(value[0] != '\0' ? value : p->basedn);
        }
        if (dn == NULL)
            return ldc_map_fail(p, "out of memory");
        t->base = dn;
        return 1;
    }
    if (strcmp(name, "scope") == 0) {
        if (strcmp(value, "one") == 0)
            t->scope = LDAP_SCOPE_ONELEVEL;
        else if (strcmp(value, "sub") == 0)
            t->scope = LDAP_SCOPE_SUBTREE;
        else
            return ldc_map_fail(p, "scope '%s': use one or sub", value);
        return 1;
    }
    if (strcmp(name, "objectclass") == 0)
        return add_classes(p, t, value);
    if (strcmp(name, "rdn") == 0)
        return set_text(p, &r->rdn, "rdn", value);
    if (strcmp(name, "rdnattr") == 0) {
        if (!ldap_name_valid(value) || strchr(value, ';') != NULL)
            return ldc_map_fail(p, "rdnattr '%s' is not an attribute name",
                                value);
        return set_text(p, &t->rdnattr, "rdnattr", value);
    }
    if (strcmp(name, "autoincrement") == 0)
        return set_text(p, &r->autoinc, "autoincrement", value);
    if (strcmp(name, "unique") == 0)
        return set_text(p, &r->unique, "unique", value);
    if (strncmp(name, "column.", 7) == 0)
        return add_column(p, t, name + 7, value);
    if (strncmp(name, "default.", 8) == 0)
        return add_default(p, r, name + 8, value);
    return ldc_map_fail(p, "unknown key '%s' in [%s] (base, scope, "
                        "objectclass, rdn, rdnattr, autoincrement, unique, "
                        "column.NAME, default.NAME)", name, section);
}

