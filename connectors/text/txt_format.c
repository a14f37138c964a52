/* txt_format.c - db_text table writer (see txt_format.h). */
#include "txt_format.h"

#include <inttypes.h>
#include <stdio.h>

#include "txt_number.h"

static int put_text(dbd_buf *b, const char *p, size_t n)
{
    size_t run = 0; /* bytes copied as they are, flushed in one append */
    for (size_t i = 0; i < n; i++) {
        const char *esc = NULL;
        switch (p[i]) {
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\\': esc = "\\\\"; break;
        case ':': esc = "\\:"; break;
        case '\0': esc = "\\0"; break;
        default: run++; continue;
        }
        if (dbd_buf_append(b, p + i - run, run) != 0 ||
            dbd_buf_append(b, esc, 2) != 0)
            return -1;
        run = 0;
    }
    return dbd_buf_append(b, p + n - run, run);
}

static int put_cell(dbd_buf *b, const txt_column *col, const txt_cell *c)
{
    char num[32];
    if (c->null)
        return 0;
    switch (col->type) {
    case TXT_INT:
    case TXT_TIME: {
        int n = snprintf(num, sizeof num, "%" PRId64, c->u.i);
        return dbd_buf_append(b, num, (size_t)n);
    }
    case TXT_DOUBLE:
        return txt_put_double(b, c->u.d);
    case TXT_STR:
    case TXT_BLOB:
        return put_text(b, c->u.s.p, c->u.s.len);
    }
    return -1;
}

int txt_format_table(const txt_schema *s, const txt_rows *rows, dbd_buf *out)
{
    if (dbd_buf_append(out, s->header, s->header_len) != 0 ||
        dbd_buf_append_char(out, '\n') != 0)
        return -1;
    for (size_t r = 0; r < rows->n; r++) {
        const txt_row *row = rows->v[r];
        for (size_t i = 0; i < s->ncols; i++) {
            if (i > 0 && dbd_buf_append_char(out, ':') != 0)
                return -1;
            if (put_cell(out, &s->cols[i], &row->cells[i]) != 0)
                return -1;
        }
        if (dbd_buf_append_char(out, '\n') != 0)
            return -1;
    }
    return 0;
}
