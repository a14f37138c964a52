/* ldc_map_finish.c - a table's column references resolved and checked
 * once the whole mapping file is read. */
#include "ldc_map_int.h"

#include <stdlib.h>
#include <string.h>

#include "ldc_value.h"

/* Column indexes of the words in text into *cols (allocated). */
static bool resolve_cols(parse_ctx *p, const ldc_table *t, char *text,
                         const char *what, size_t **cols, size_t *n)
{
    char *cur = text, *w;
    while ((w = ldc_map_next_word(&cur)) != NULL) {
        long c = ldc_table_column(t, w);
        if (c < 0)
            return ldc_map_fail(p, "%s names unknown column '%s'", what, w);
        size_t *v = realloc(*cols, (*n + 1) * sizeof *v);
        if (v == NULL)
            return ldc_map_fail(p, "out of memory");
        *cols = v;
        v[(*n)++] = (size_t)c;
    }
    return true;
}

static bool resolve_uniques(parse_ctx *p, ldc_table *t, char *text)
{
    /* keys are separated by commas, columns inside a key by spaces */
    char *save = NULL;
    for (char *key = strtok_r(text, ",", &save); key != NULL;
         key = strtok_r(NULL, ",", &save)) {
        ldc_key k = {NULL, 0};
        if (!resolve_cols(p, t, key, "unique", &k.cols, &k.n)) {
            free(k.cols);
            return false;
        }
        if (k.n == 0)
            continue;
        ldc_key *u = realloc(t->uniques, (t->nuniques + 1) * sizeof *u);
        if (u == NULL) {
            free(k.cols);
            return ldc_map_fail(p, "out of memory");
        }
        t->uniques = u;
        u[t->nuniques++] = k;
    }
    return true;
}

bool ldc_map_finish_table(parse_ctx *p, ldc_table *t, raw_table *r)
{
    if (t->base == NULL)
        return ldc_map_fail(p, "[%s] needs base = (the DN the rows live "
                            "under, relative to the URL's base DN)", t->name);
    if (t->nclasses == 0)
        return ldc_map_fail(p, "[%s] needs objectclass =", t->name);
    if (t->ncols == 0)
        return ldc_map_fail(p, "[%s] maps no column (column.NAME = "
                            "ATTRIBUTE TYPE)", t->name);
    if (r->rdn == NULL ||
        !resolve_cols(p, t, r->rdn, "rdn", &t->rdn, &t->nrdn) ||
        t->nrdn == 0)
        return ldc_map_fail(p, "[%s] needs rdn = (the columns naming an "
                            "entry)", t->name);
    for (size_t i = 0; i < t->nrdn; i++) {
        ldc_column *c = &t->cols[t->rdn[i]];
        if (c->rdn)
            return ldc_map_fail(p, "[%s] rdn names column '%s' twice", t->name,
                                c->name);
        c->rdn = true;
        c->notnull = true; /* an entry cannot be named by a missing value */
    }
    if (t->rdnattr != NULL &&
        ldc_table_attr(t, t->rdnattr, strlen(t->rdnattr)) >= 0)
        return ldc_map_fail(p, "[%s] rdnattr %s is also a column's attribute",
                            t->name, t->rdnattr);
    if (r->autoinc != NULL) {
        char *cur = r->autoinc, *w = ldc_map_next_word(&cur);
        long c = w != NULL ? ldc_table_column(t, w) : -1;
        if (c < 0 || ldc_map_next_word(&cur) != NULL)
            return ldc_map_fail(p, "[%s] autoincrement must name one column",
                                t->name);
        if (t->cols[c].type != DBD_TYPE_INT)
            return ldc_map_fail(p, "[%s] autoincrement column '%s' is not int",
                                t->name, t->cols[c].name);
        t->autoinc = c;
    }
    if (r->unique != NULL && !resolve_uniques(p, t, r->unique))
        return false;
    for (size_t i = 0; i < r->ndefs; i++) {
        long c = ldc_table_column(t, r->def_cols[i]);
        if (c < 0)
            return ldc_map_fail(p, "[%s] default for unknown column '%s'",
                                t->name, r->def_cols[i]);
        ldc_column *col = &t->cols[c];
        if (col->has_default)
            return ldc_map_fail(p, "[%s] two defaults for column '%s'",
                                t->name, col->name);
        col->def_text = r->def_texts[i];
        r->def_texts[i] = NULL;
        if (!ldc_value_parse_text(col->type, col->def_text, &col->def))
            return ldc_map_fail(p, "default of column '%s' is not a %s",
                                col->name, dbd_type_name(col->type));
        col->has_default = true;
    }
    size_t len = 1;
    for (size_t i = 0; i < t->nclasses; i++)
        len += strlen(t->classes[i]) + sizeof "(objectClass=)";
    if ((t->class_filter = malloc(len)) == NULL)
        return ldc_map_fail(p, "out of memory");
    t->class_filter[0] = '\0';
    for (size_t i = 0; i < t->nclasses; i++) {
        strcat(t->class_filter, "(objectClass=");
        strcat(t->class_filter, t->classes[i]);
        strcat(t->class_filter, ")");
    }
    return true;
}

