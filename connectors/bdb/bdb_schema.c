/* bdb_schema.c - reading the table-definition file (see bdb_schema.h). */
#include "bdb_schema.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bdb_literal.h"
#include "ident.h"

struct bdb_schema {
    bdb_schema_table *tables;
    size_t n;
    char **owned; /* names and bytes the rows point at */
    size_t nowned;
};

typedef struct parse_state {
    bdb_schema *s;
    char msg[400]; /* the first error */
} parse_state;

#define WORD_MAX 80
#define LINE_MAX_CHARS (INI_MAX_LINE - 4) /* name = value, with some room */

static int fail(parse_state *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records the first error; returns 0 so that inih reports the line. */
static int fail(parse_state *ps, const char *fmt, ...)
{
    if (ps->msg[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        dbd_verrf(ps->msg, sizeof ps->msg, fmt, ap);
        va_end(ap);
    }
    return 0;
}

static int keep(bdb_schema *s, char *p)
{
    if (p == NULL)
        return 0;
    char **grown = realloc(s->owned, (s->nowned + 1) * sizeof *grown);
    if (grown == NULL) {
        free(p);
        return -1;
    }
    s->owned = grown;
    s->owned[s->nowned++] = p;
    return 0;
}

static void skip_blanks(const char **p)
{
    while (**p == ' ' || **p == '\t' || **p == ',')
        (*p)++;
}

/* The next word (up to a blank, a comma or one of stop); false at the end
 * or when it is too long. */
static bool next_word(const char **p, const char *stop, char *out)
{
    char reject[16] = " \t,";
    strncat(reject, stop, sizeof reject - strlen(reject) - 1);
    skip_blanks(p);
    size_t n = strcspn(*p, reject);
    if (n == 0 || n >= WORD_MAX)
        return false;
    memcpy(out, *p, n);
    out[n] = '\0';
    *p += n;
    return true;
}

static bdb_schema_table *table_for(parse_state *ps, const char *section)
{
    bdb_schema *s = ps->s;
    if (s->n > 0 && strcmp(s->tables[s->n - 1].def->name, section) == 0)
        return &s->tables[s->n - 1];
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->tables[i].def->name, section) == 0) {
            fail(ps, "section [%s] appears twice", section);
            return NULL;
        }
    if (!dbd_ident_valid(section, strlen(section))) {
        fail(ps, "[%.80s] is not a valid table name", section);
        return NULL;
    }
    bdb_schema_table *grown = realloc(s->tables, (s->n + 1) * sizeof *grown);
    if (grown == NULL)
        return NULL;
    s->tables = grown;
    bdb_schema_table *t = &s->tables[s->n];
    memset(t, 0, sizeof *t);
    if ((t->def = bdb_def_new(section)) == NULL)
        return NULL;
    s->n++;
    return t;
}

/* column = NAME TYPE [null | not null] [default LITERAL] */
static int add_column(parse_state *ps, bdb_def *d, const char *value)
{
    char name[WORD_MAX], word[WORD_MAX], err[200];
    const char *p = value;
    dbd_type type;
    bool nullable = true;
    dbd_value lit = dbd_null(), dflt = dbd_null();
    char *lit_bytes = NULL, *dflt_bytes = NULL;
    int ok = 0;

    if (!next_word(&p, "", name) || !dbd_ident_valid(name, strlen(name)))
        return fail(ps, "column: '%.80s' does not start with a valid name",
                    value);
    if (bdb_def_find(d, name) >= 0)
        return fail(ps, "column %s is defined twice", name);
    if (!next_word(&p, "", word) || !dbd_type_from_name(word, &type) ||
        type == DBD_TYPE_NULL)
        return fail(ps, "column %s: type must be int, double, string, blob, "
                    "datetime or bool", name);
    while (next_word(&p, "", word)) {
        if (strcasecmp(word, "null") == 0) {
            nullable = true;
        } else if (strcasecmp(word, "not") == 0) {
            if (!next_word(&p, "", word) || strcasecmp(word, "null") != 0)
                return fail(ps, "column %s: 'not' must be followed by "
                            "'null'", name);
            nullable = false;
        } else if (strcasecmp(word, "default") == 0) {
            free(lit_bytes);
            if (bdb_literal_parse(&p, &lit, &lit_bytes, err, sizeof err) !=
                DBD_OK) {
                fail(ps, "column %s: default: %s", name, err);
                goto out;
            }
        } else {
            fail(ps, "column %s: '%s' is not understood (want null, not "
                 "null or default)", name, word);
            goto out;
        }
    }
    skip_blanks(&p);
    if (*p != '\0') {
        fail(ps, "column %s: '%.40s' is not understood", name, p);
        goto out;
    }
    if (lit.type != DBD_TYPE_NULL &&
        bdb_literal_for_column(&(bdb_column){.name = name, .type = type},
                               &lit, &dflt, &dflt_bytes, err,
                               sizeof err) != DBD_OK) {
        fail(ps, "column %s: default: %s", name, err);
        goto out;
    }
    ok = bdb_def_add_column(d, name, type, nullable, &dflt) == 0;
out:
    free(lit_bytes);
    free(dflt_bytes);
    return ok;
}

/* Column names separated by blanks or commas, into cols[ncols]. */
static int column_list(parse_state *ps, const bdb_def *d, const char *what,
                       const char *value, size_t **cols, size_t *n)
{
    char word[WORD_MAX];
    const char *p = value;
    *n = 0;
    if ((*cols = calloc(d->ncols + 1, sizeof **cols)) == NULL)
        return 0;
    while (next_word(&p, "", word)) {
        long c = bdb_def_find(d, word);
        if (c < 0)
            return fail(ps, "%s: no column %s (columns come first)", what,
                        word);
        if (*n == d->ncols)
            return fail(ps, "%s: a column is named twice", what);
        (*cols)[(*n)++] = (size_t)c;
    }
    skip_blanks(&p);
    if (*p != '\0' || *n == 0)
        return fail(ps, "%s: want column names", what);
    return 1;
}

/* row = NAME=LITERAL ... */
static int add_row(parse_state *ps, bdb_schema_table *t, const char *value)
{
    char name[WORD_MAX], err[200];
    const char *p = value;
    bdb_schema_row row = {0};
    int ok = 0;

    if ((row.values = calloc(t->def->ncols + 1, sizeof *row.values)) == NULL)
        return 0;
    while (next_word(&p, "=", name)) {
        dbd_value lit;
        char *lit_bytes = NULL, *bytes = NULL, *col_name = NULL;
        long c = bdb_def_find(t->def, name);
        if (c < 0 || *p != '=') {
            fail(ps, c < 0 ? "row: no column %s" : "row: want %s=VALUE",
                 name);
            goto out;
        }
        p++;
        if (row.n == t->def->ncols) {
            fail(ps, "row: a column is named twice");
            goto out;
        }
        dbd_status st = bdb_literal_parse(&p, &lit, &lit_bytes, err,
                                          sizeof err);
        if (st == DBD_OK)
            st = bdb_literal_for_column(&t->def->cols[c], &lit,
                                        &row.values[row.n].value, &bytes, err,
                                        sizeof err);
        free(lit_bytes);
        if (st != DBD_OK) {
            free(bytes);
            fail(ps, "row: %s: %s", name, err);
            goto out;
        }
        /* keep() frees what it cannot keep */
        if (keep(ps->s, bytes) != 0 || (col_name = strdup(name)) == NULL ||
            keep(ps->s, col_name) != 0) {
            fail(ps, "out of memory");
            goto out;
        }
        row.values[row.n++].column = col_name;
    }
    skip_blanks(&p);
    if (*p != '\0' || row.n == 0) {
        fail(ps, "row: want NAME=VALUE pairs");
        goto out;
    }
    bdb_schema_row *grown = realloc(t->rows, (t->nrows + 1) * sizeof *grown);
    if (grown == NULL)
        goto out;
    t->rows = grown;
    t->rows[t->nrows++] = row;
    row.values = NULL;
    ok = 1;
out:
    free(row.values);
    return ok;
}

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
    parse_state *ps = user;
    bdb_schema_table *t = table_for(ps, section);
    size_t *cols = NULL, n = 0;
    int ok = 0;

    if (t == NULL)
        return fail(ps, "out of memory");
    /* inih cuts longer lines and reads the rest as a line of its own */
    if (strlen(name) + strlen(value) + 3 >= LINE_MAX_CHARS)
        return fail(ps, "line too long (a line holds at most %d "
                    "characters)", LINE_MAX_CHARS - 1);
    bdb_def *d = t->def;
    if (strcmp(name, "column") == 0)
        return add_column(ps, d, value);
    if (strcmp(name, "row") == 0)
        return add_row(ps, t, value);
    if (strcmp(name, "auto") == 0) {
        long c = bdb_def_find(d, value);
        if (c < 0)
            return fail(ps, "auto: no column %.80s (columns come first)",
                        value);
        d->autoinc = c;
        d->cols[c].nullable = false;
        return 1;
    }
    if (strcmp(name, "key") != 0 && strcmp(name, "unique") != 0 &&
        strcmp(name, "index") != 0)
        return fail(ps, "'%.40s' is not a table setting (column, auto, key, "
                    "unique, index, row)", name);
    if (column_list(ps, d, name, value, &cols, &n)) {
        if (strcmp(name, "key") == 0)
            ok = bdb_def_set_key(d, cols, n) == 0;
        else
            ok = bdb_def_add_index(d, cols, n, name[0] == 'u') == 0;
        if (!ok)
            fail(ps, "out of memory");
    }
    free(cols);
    return ok;
}

dbd_status bdb_schema_load(const char *path, bdb_schema **out, char *err,
                           size_t errlen)
{
    parse_state ps = {0};
    dbd_status st = DBD_CONFIG;

    *out = NULL;
    if ((ps.s = calloc(1, sizeof *ps.s)) == NULL)
        return dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
    int line = ini_parse(path, handler, &ps);
    if (line == -1) {
        dbd_failf(DBD_CONFIG, err, errlen, "cannot read table definitions "
                  "%.200s: %s", path, strerror(errno));
        goto out;
    }
    if (line != 0) {
        dbd_failf(DBD_CONFIG, err, errlen, "%.200s:%d: %s", path, line,
                  ps.msg[0] != '\0' ? ps.msg
                  : line < 0 ? "out of memory"
                             : "not understood (want [table] or name = "
                               "value)");
        goto out;
    }
    for (size_t i = 0; i < ps.s->n; i++) {
        bdb_def *d = ps.s->tables[i].def;
        if (d->nkey == 0 && d->autoinc >= 0) {
            size_t a = (size_t)d->autoinc;
            if (bdb_def_set_key(d, &a, 1) != 0) {
                st = dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
                goto out;
            }
        }
        char why[300];
        if (bdb_def_check(d, why, sizeof why) != DBD_OK) {
            dbd_failf(DBD_CONFIG, err, errlen, "%.200s: %s%s", path, why,
                      d->nkey == 0 ? " (give key = COLUMNS, or auto)" : "");
            goto out;
        }
    }
    *out = ps.s;
    ps.s = NULL;
    st = DBD_OK;
out:
    bdb_schema_destroy(&ps.s);
    return st;
}

void bdb_schema_destroy(bdb_schema **ps)
{
    if (ps == NULL || *ps == NULL)
        return;
    bdb_schema *s = *ps;
    for (size_t i = 0; i < s->n; i++) {
        bdb_def_destroy(&s->tables[i].def);
        for (size_t r = 0; r < s->tables[i].nrows; r++)
            free(s->tables[i].rows[r].values);
        free(s->tables[i].rows);
    }
    for (size_t i = 0; i < s->nowned; i++)
        free(s->owned[i]);
    free(s->owned);
    free(s->tables);
    free(s);
    *ps = NULL;
}

size_t bdb_schema_count(const bdb_schema *s)
{
    return s != NULL ? s->n : 0;
}

const bdb_schema_table *bdb_schema_table_at(const bdb_schema *s, size_t i)
{
    return s != NULL && i < s->n ? &s->tables[i] : NULL;
}
