/* txt_row.c - immutable, shared rows and row lists (see txt_row.h). */
#include "txt_row.h"

#include <stdlib.h>
#include <string.h>

txt_row *txt_row_new(const txt_schema *s, const txt_cell *cells)
{
    size_t head = sizeof(txt_row) + s->ncols * sizeof(txt_cell);
    size_t bytes = 0;
    for (size_t i = 0; i < s->ncols; i++) {
        if (txt_type_is_text(s->cols[i].type) && !cells[i].null) {
            if (cells[i].u.s.len > SIZE_MAX - bytes - 1 - head)
                return NULL;
            bytes += cells[i].u.s.len + 1;
        }
    }
    txt_row *r = malloc(head + bytes);
    if (r == NULL)
        return NULL;
    r->refs = 1;
    r->ncells = s->ncols;
    char *p = (char *)r + head;
    for (size_t i = 0; i < s->ncols; i++) {
        r->cells[i] = cells[i];
        if (txt_type_is_text(s->cols[i].type) && !cells[i].null) {
            size_t n = cells[i].u.s.len;
            if (n > 0)
                memcpy(p, cells[i].u.s.p, n);
            p[n] = '\0';
            r->cells[i].u.s.p = p;
            p += n + 1;
        }
    }
    return r;
}

txt_row *txt_row_ref(txt_row *r)
{
    if (r != NULL)
        r->refs++;
    return r;
}

void txt_row_unref(txt_row **pr)
{
    if (pr == NULL || *pr == NULL)
        return;
    if (--(*pr)->refs == 0)
        free(*pr);
    *pr = NULL;
}

void txt_rows_init(txt_rows *rs)
{
    rs->v = NULL;
    rs->n = 0;
    rs->cap = 0;
}

void txt_rows_clear(txt_rows *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        txt_row_unref(&rs->v[i]);
    free(rs->v);
    txt_rows_init(rs);
}

static int rows_reserve(txt_rows *rs, size_t want)
{
    if (want <= rs->cap)
        return 0;
    size_t cap = rs->cap ? rs->cap : 16;
    while (cap < want) {
        if (cap > SIZE_MAX / 2 / sizeof(txt_row *))
            return -1;
        cap *= 2;
    }
    txt_row **v = realloc(rs->v, cap * sizeof *v);
    if (v == NULL)
        return -1;
    rs->v = v;
    rs->cap = cap;
    return 0;
}

int txt_rows_push(txt_rows *rs, txt_row *r)
{
    if (rows_reserve(rs, rs->n + 1) != 0) {
        txt_row_unref(&r);
        return -1;
    }
    rs->v[rs->n++] = r;
    return 0;
}

int txt_rows_copy(txt_rows *dst, const txt_rows *src)
{
    if (rows_reserve(dst, dst->n + src->n) != 0)
        return -1;
    for (size_t i = 0; i < src->n; i++)
        dst->v[dst->n++] = txt_row_ref(src->v[i]);
    return 0;
}

void txt_rows_move(txt_rows *dst, txt_rows *src)
{
    txt_rows_clear(dst);
    *dst = *src;
    txt_rows_init(src);
}
