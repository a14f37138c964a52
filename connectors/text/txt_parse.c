/* txt_parse.c - db_text table file reader (see txt_parse.h). */
#include "txt_parse.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "txt_number.h"

/* State for one file. */
typedef struct parser {
    const char *data;
    size_t len;
    size_t pos;
    size_t line;
    const char *path;
    const txt_schema *schema;
    txt_cell *cells;
    size_t *text_off; /* offset of each text cell's bytes in text */
    dbd_buf text;     /* unescaped bytes of the current row */
    char *msg;
    size_t msglen;
} parser;

/* Shows a field in a message: at most 40 bytes, control bytes as '?'. */
static const char *shown(const char *p, size_t n, char out[48])
{
    size_t m = n > 40 ? 40 : n;
    for (size_t i = 0; i < m; i++) {
        unsigned char u = (unsigned char)p[i];
        out[i] = (u < ' ' || u == 0x7f) ? '?' : (char)u;
    }
    if (n > m) {
        memcpy(out + m, "...", 4);
    } else {
        out[m] = '\0';
    }
    return out;
}

static dbd_status field_error(parser *ps, size_t col, const char *what,
                              const char *p, size_t n)
{
    char tmp[48];
    const txt_column *c = &ps->schema->cols[col];
    if (p != NULL)
        return dbd_failf(DBD_INTERNAL, ps->msg, ps->msglen,
                         "%s line %zu: column '%s' (%s): %s: '%s'", ps->path,
                         ps->line, c->name, txt_type_name(c->type), what,
                         shown(p, n, tmp));
    return dbd_failf(DBD_INTERNAL, ps->msg, ps->msglen,
                     "%s line %zu: column '%s' (%s): %s", ps->path, ps->line,
                     c->name, txt_type_name(c->type), what);
}

/* Counts the fields of the rest of the line from pos, for messages. */
static size_t count_rest(const parser *ps, size_t pos)
{
    size_t n = 1;
    while (pos < ps->len && ps->data[pos] != '\n') {
        if (ps->data[pos] == '\\' && pos + 1 < ps->len &&
            ps->data[pos + 1] != '\n')
            pos++;
        else if (ps->data[pos] == ':')
            n++;
        pos++;
    }
    return n;
}

/* Reads one text field into ps->text; stops at an unescaped ':', '\n' or
 * the end of data. */
static dbd_status read_text(parser *ps, size_t col)
{
    while (ps->pos < ps->len) {
        char ch = ps->data[ps->pos];
        if (ch == ':' || ch == '\n')
            break;
        if (ch == '\\') {
            if (ps->pos + 1 >= ps->len || ps->data[ps->pos + 1] == '\n')
                return field_error(ps, col,
                                   "backslash at the end of the line", NULL,
                                   0);
            char e = ps->data[ps->pos + 1];
            switch (e) {
            case 'n': ch = '\n'; break;
            case 'r': ch = '\r'; break;
            case 't': ch = '\t'; break;
            case '\\': ch = '\\'; break;
            case ':': ch = ':'; break;
            case '0': ch = '\0'; break;
            default:
                return field_error(ps, col,
                                   "unknown escape (want \\n \\r \\t \\\\ "
                                   "\\: or \\0)",
                                   ps->data + ps->pos, 2);
            }
            ps->pos += 2;
        } else {
            ps->pos++;
        }
        if (dbd_buf_append_char(&ps->text, ch) != 0)
            return dbd_failf(DBD_INTERNAL, ps->msg, ps->msglen,
                             "out of memory reading %s", ps->path);
    }
    return DBD_OK;
}

/* Reads field col of the current row into ps->cells[col]. */
static dbd_status read_field(parser *ps, size_t col, bool *pending_auto)
{
    const txt_column *c = &ps->schema->cols[col];
    txt_cell *cell = &ps->cells[col];
    size_t start = ps->pos;
    memset(cell, 0, sizeof *cell);

    if (txt_type_is_text(c->type)) {
        size_t before = ps->text.len;
        dbd_status st = read_text(ps, col);
        if (st != DBD_OK)
            return st;
        ps->text_off[col] = before;
        cell->u.s.len = ps->text.len - before;
        /* Only a field with no bytes at all is empty; "\0" is one NUL. */
        if (ps->pos == start && c->nullable)
            cell->null = true;
        return DBD_OK;
    }

    while (ps->pos < ps->len && ps->data[ps->pos] != ':' &&
           ps->data[ps->pos] != '\n')
        ps->pos++;
    const char *p = ps->data + start;
    size_t n = ps->pos - start;
    if (n == 0) {
        if (c->nullable) {
            cell->null = true;
            return DBD_OK;
        }
        if (c->autoinc) {
            *pending_auto = true;
            return DBD_OK;
        }
        return field_error(ps, col,
                           "empty value, but the column has no null "
                           "attribute", NULL, 0);
    }
    switch (c->type) {
    case TXT_INT:
        if (!txt_parse_int(p, n, &cell->u.i))
            return field_error(ps, col, "not an integer (or out of range)",
                               p, n);
        break;
    case TXT_TIME:
        if (!txt_parse_int(p, n, &cell->u.i))
            return field_error(ps, col,
                               "not an integer number of seconds", p, n);
        if (cell->u.i > TXT_TIME_MAX_SEC || cell->u.i < -TXT_TIME_MAX_SEC)
            return field_error(ps, col, "time out of range", p, n);
        break;
    case TXT_DOUBLE:
        if (!txt_parse_double(p, n, &cell->u.d))
            return field_error(ps, col, "not a decimal number", p, n);
        break;
    default:
        break;
    }
    return DBD_OK;
}

/* Parses the row starting at ps->pos (not a blank line) and appends it. */
static dbd_status read_row(parser *ps, txt_rows *rows, txt_rows *autos)
{
    const txt_schema *s = ps->schema;
    bool pending_auto = false;
    dbd_status st;

    dbd_buf_reset(&ps->text);
    for (size_t col = 0; col < s->ncols; col++) {
        st = read_field(ps, col, &pending_auto);
        if (st != DBD_OK)
            return st;
        bool at_end = ps->pos >= ps->len || ps->data[ps->pos] == '\n';
        if (col + 1 < s->ncols && at_end)
            return dbd_failf(DBD_INTERNAL, ps->msg, ps->msglen,
                             "%s line %zu: %zu field%s, but the header "
                             "declares %zu columns", ps->path, ps->line,
                             col + 1, col == 0 ? "" : "s", s->ncols);
        if (col + 1 == s->ncols && !at_end)
            return dbd_failf(DBD_INTERNAL, ps->msg, ps->msglen,
                             "%s line %zu: %zu fields, but the header "
                             "declares %zu columns", ps->path, ps->line,
                             s->ncols + count_rest(ps, ps->pos + 1), s->ncols);
        if (!at_end)
            ps->pos++; /* the ':' */
    }
    /* The text buffer may have moved while growing: point cells now. */
    for (size_t col = 0; col < s->ncols; col++)
        if (txt_type_is_text(s->cols[col].type) && !ps->cells[col].null)
            ps->cells[col].u.s.p = ps->text.data + ps->text_off[col];

    txt_row *r = txt_row_new(s, ps->cells);
    if (r == NULL || txt_rows_push(rows, r) != 0)
        return dbd_failf(DBD_INTERNAL, ps->msg, ps->msglen,
                         "out of memory reading %s", ps->path);
    if (pending_auto && txt_rows_push(autos, txt_row_ref(r)) != 0)
        return dbd_failf(DBD_INTERNAL, ps->msg, ps->msglen,
                         "out of memory reading %s", ps->path);
    return DBD_OK;
}

/* Gives rows whose auto field was empty the next ids after the largest. */
static dbd_status fill_autos(parser *ps, txt_rows *rows, txt_rows *autos)
{
    size_t col = (size_t)ps->schema->auto_col;
    int64_t max = 0;
    for (size_t i = 0; i < rows->n; i++) {
        const txt_cell *c = &rows->v[i]->cells[col];
        /* Pending rows still hold 0 here, which cannot raise max. */
        if (!c->null && c->u.i > max)
            max = c->u.i;
    }
    for (size_t i = 0; i < autos->n; i++) {
        if (max == INT64_MAX)
            return dbd_failf(DBD_INTERNAL, ps->msg, ps->msglen,
                             "%s: no id left for an empty auto field",
                             ps->path);
        /* Still private to the parser (shared with rows only). */
        autos->v[i]->cells[col].u.i = ++max;
    }
    return DBD_OK;
}

dbd_status txt_parse_table(const char *data, size_t len, const char *path,
                           txt_schema **schema, txt_rows *rows, char *msg,
                           size_t msglen)
{
    char err[400];
    dbd_status st = DBD_INTERNAL;
    txt_rows autos;
    parser ps = {.data = data, .len = len, .path = path, .msg = msg,
                 .msglen = msglen, .line = 1};
    txt_schema *s = NULL;

    txt_rows_init(&autos);
    dbd_buf_init(&ps.text);
    *schema = NULL;

    if (len == 0) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen,
                       "%s: empty file (a table needs a header line)", path);
        goto out;
    }
    const char *eol = memchr(data, '\n', len);
    size_t hlen = eol ? (size_t)(eol - data) : len;
    s = txt_schema_parse(data, hlen, err, sizeof err);
    if (s == NULL) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "%s line 1: %s", path, err);
        goto out;
    }
    ps.schema = s;
    /* Keeps text.data non-NULL, so cells can always point into it. */
    if (dbd_buf_reserve(&ps.text, 256) != 0) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory reading %s",
                       path);
        goto out;
    }
    ps.cells = calloc(s->ncols, sizeof *ps.cells);
    ps.text_off = calloc(s->ncols, sizeof *ps.text_off);
    if (ps.cells == NULL || ps.text_off == NULL) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory reading %s",
                       path);
        goto out;
    }
    ps.pos = eol ? hlen + 1 : len;
    ps.line = 2;
    while (ps.pos < len) {
        if (data[ps.pos] != '\n') {
            st = read_row(&ps, rows, &autos);
            if (st != DBD_OK)
                goto out;
        }
        ps.pos++; /* the '\n' (or past the end) */
        ps.line++;
    }
    if (autos.n > 0 && (st = fill_autos(&ps, rows, &autos)) != DBD_OK)
        goto out;
    *schema = s;
    s = NULL;
    st = DBD_OK;
out:
    if (st != DBD_OK)
        txt_rows_clear(rows);
    txt_rows_clear(&autos);
    txt_schema_unref(&s);
    dbd_buf_free(&ps.text);
    free(ps.cells);
    free(ps.text_off);
    return st;
}
