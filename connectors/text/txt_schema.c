/*
 * txt_schema.c - parses db_text header lines (see txt_schema.h).
 *
 * Kamailio's own reader looks only at the first letter of a type word and
 * at the first attribute; this reader accepts exactly the words Kamailio
 * writes (case-insensitive) and any number of attributes, and says what is
 * wrong instead of refusing silently.  Kamailio has no "datetime" type
 * word (it would read one as double), so none is accepted here either.
 */
#include "txt_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "status.h"

typedef struct type_word {
    const char *word;
    txt_type type;
} type_word;

static const type_word type_words[] = {
    {"int", TXT_INT},     {"double", TXT_DOUBLE}, {"str", TXT_STR},
    {"string", TXT_STR},  {"blob", TXT_BLOB},     {"time", TXT_TIME},
};

const char *txt_type_name(txt_type t)
{
    switch (t) {
    case TXT_INT: return "int";
    case TXT_DOUBLE: return "double";
    case TXT_STR: return "str";
    case TXT_BLOB: return "blob";
    case TXT_TIME: return "time";
    }
    return "?";
}

dbd_type txt_type_result(txt_type t)
{
    switch (t) {
    case TXT_INT: return DBD_TYPE_INT;
    case TXT_DOUBLE: return DBD_TYPE_DOUBLE;
    case TXT_STR: return DBD_TYPE_STRING;
    case TXT_BLOB: return DBD_TYPE_BLOB;
    case TXT_TIME: return DBD_TYPE_DATETIME;
    }
    return DBD_TYPE_NULL;
}

static bool word_is(const char *p, size_t n, const char *word)
{
    return strlen(word) == n && strncasecmp(p, word, n) == 0;
}

static void schema_free(txt_schema *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->ncols; i++)
        free(s->cols[i].name);
    free(s->cols);
    free(s->header);
    free(s);
}

txt_schema *txt_schema_ref(txt_schema *s)
{
    if (s != NULL)
        s->refs++;
    return s;
}

void txt_schema_unref(txt_schema **ps)
{
    if (ps == NULL || *ps == NULL)
        return;
    if (--(*ps)->refs == 0)
        schema_free(*ps);
    *ps = NULL;
}

long txt_schema_find(const txt_schema *s, const char *name)
{
    for (size_t i = 0; i < s->ncols; i++)
        if (strcmp(s->cols[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* Cursor over the header line. */
typedef struct cursor {
    const char *p;
    const char *end;
} cursor;

static void skip_spaces(cursor *c)
{
    while (c->p < c->end && *c->p == ' ')
        c->p++;
}

/* A word of letters (type or attribute name). */
static size_t take_word(cursor *c, const char **start)
{
    *start = c->p;
    while (c->p < c->end && ((*c->p >= 'a' && *c->p <= 'z') ||
                             (*c->p >= 'A' && *c->p <= 'Z')))
        c->p++;
    return (size_t)(c->p - *start);
}

static bool name_char(char ch)
{
    /* Kamailio ends a name at ' ' or '('; control characters, ':' and
     * the other punctuation of the header are refused to stay readable. */
    unsigned char u = (unsigned char)ch;
    return u > ' ' && u != 0x7f && ch != '(' && ch != ')' && ch != ',' &&
           ch != ':';
}

/* Describes the character at c for messages. */
static const char *what_char(const cursor *c, char tmp[16])
{
    if (c->p >= c->end)
        return "the end of the line";
    unsigned char u = (unsigned char)*c->p;
    if (u == '\r')
        return "a carriage return (CRLF line ends are not allowed)";
    if (u == '\t')
        return "a tab (columns are separated by spaces)";
    if (u < ' ' || u >= 0x7f)
        snprintf(tmp, 16, "byte 0x%02x", u);
    else
        snprintf(tmp, 16, "'%c'", u);
    return tmp;
}

/* Parses "(type[,attr...])" after a column name into col. */
static int parse_decl(cursor *c, txt_column *col, bool have_auto, char *err,
                      size_t errlen)
{
    char tmp[16];
    const char *w;
    size_t n;

    skip_spaces(c);
    if (c->p >= c->end || *c->p != '(') {
        dbd_errf(err, errlen, "column '%s': expected '(' but found %s",
                  col->name, what_char(c, tmp));
        return -1;
    }
    c->p++;
    skip_spaces(c);
    n = take_word(c, &w);
    bool found = false;
    for (size_t i = 0; i < sizeof type_words / sizeof type_words[0]; i++) {
        if (word_is(w, n, type_words[i].word)) {
            col->type = type_words[i].type;
            found = true;
            break;
        }
    }
    if (!found) {
        if (n == 0)
            dbd_errf(err, errlen, "column '%s': missing type", col->name);
        else if (word_is(w, n, "datetime"))
            dbd_failf(0, err, errlen,
                      "column '%s': unknown type 'datetime' (db_text calls "
                      "it 'time': integer seconds)", col->name);
        else
            dbd_failf(0, err, errlen,
                      "column '%s': unknown type '%.*s' (want int, double, "
                      "str, string, blob or time)", col->name, (int)n, w);
        return -1;
    }
    skip_spaces(c);
    while (c->p < c->end && *c->p == ',') {
        c->p++;
        skip_spaces(c);
        n = take_word(c, &w);
        if (word_is(w, n, "null")) {
            col->nullable = true;
        } else if (word_is(w, n, "auto")) {
            if (col->type != TXT_INT) {
                dbd_failf(0, err, errlen,
                          "column '%s': attribute auto needs type int",
                          col->name);
                return -1;
            }
            if (have_auto) {
                dbd_failf(0, err, errlen,
                          "column '%s': only one column may be auto",
                          col->name);
                return -1;
            }
            col->autoinc = true;
        } else if (n == 0) {
            dbd_errf(err, errlen, "column '%s': missing attribute after ','",
                      col->name);
            return -1;
        } else {
            dbd_failf(0, err, errlen,
                      "column '%s': unknown attribute '%.*s' (want null or "
                      "auto)", col->name, (int)n, w);
            return -1;
        }
        skip_spaces(c);
    }
    if (c->p >= c->end || *c->p != ')') {
        dbd_errf(err, errlen, "column '%s': expected ')' but found %s",
                  col->name, what_char(c, tmp));
        return -1;
    }
    c->p++;
    return 0;
}

txt_schema *txt_schema_parse(const char *line, size_t len, char *err,
                             size_t errlen)
{
    char tmp[16];
    txt_schema *s = calloc(1, sizeof *s);
    size_t cap = 0;
    cursor c = {line, line + len};

    if (s == NULL)
        goto oom;
    s->refs = 1;
    s->auto_col = -1;
    s->header = malloc(len + 1);
    if (s->header == NULL)
        goto oom;
    memcpy(s->header, line, len);
    s->header[len] = '\0';
    s->header_len = len;

    for (;;) {
        skip_spaces(&c);
        if (c.p >= c.end)
            break;
        const char *name = c.p;
        while (c.p < c.end && name_char(*c.p))
            c.p++;
        size_t nlen = (size_t)(c.p - name);
        if (nlen == 0) {
            dbd_failf(0, err, errlen,
                      "header column %zu: expected a column name but found %s",
                      s->ncols + 1, what_char(&c, tmp));
            goto fail;
        }
        if (s->ncols == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            txt_column *nc = realloc(s->cols, ncap * sizeof *nc);
            if (nc == NULL)
                goto oom;
            s->cols = nc;
            cap = ncap;
        }
        txt_column *col = &s->cols[s->ncols];
        memset(col, 0, sizeof *col);
        col->name = strndup(name, nlen);
        if (col->name == NULL)
            goto oom;
        s->ncols++;
        for (size_t i = 0; i + 1 < s->ncols; i++) {
            if (strcmp(s->cols[i].name, col->name) == 0) {
                dbd_errf(err, errlen, "column '%s' is declared twice",
                          col->name);
                goto fail;
            }
        }
        if (parse_decl(&c, col, s->auto_col >= 0, err, errlen) != 0)
            goto fail;
        if (col->autoinc)
            s->auto_col = (long)(s->ncols - 1);
        if (c.p < c.end && *c.p != ' ') {
            dbd_failf(0, err, errlen,
                      "column '%s': expected a space after ')' but found %s",
                      col->name, what_char(&c, tmp));
            goto fail;
        }
    }
    if (s->ncols == 0) {
        dbd_errf(err, errlen, "the header line declares no column");
        goto fail;
    }
    return s;

oom:
    dbd_errf(err, errlen, "out of memory");
fail:
    schema_free(s);
    return NULL;
}
