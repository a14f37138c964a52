/* ldc_rows.c - rows kept in memory (see ldc_rows.h). */
#include "ldc_rows.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ldc_cmp.h"

typedef struct row {
    size_t seq;    /* arrival order: ties keep it */
    char *dn;      /* inside the same allocation, or NULL */
    dbd_value cells[];
} row;

struct ldc_rows {
    size_t ncols;
    row **v;
    size_t n, cap;
};

ldc_rows *ldc_rows_new(size_t ncols)
{
    ldc_rows *r = calloc(1, sizeof *r);
    if (r != NULL)
        r->ncols = ncols;
    return r;
}

void ldc_rows_destroy(ldc_rows **prows)
{
    if (prows == NULL || *prows == NULL)
        return;
    ldc_rows *r = *prows;
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i]);
    free(r->v);
    free(r);
    *prows = NULL;
}

int ldc_rows_add(ldc_rows *r, const dbd_value *cells, const char *dn)
{
    size_t bytes = 0, dnlen = dn != NULL ? strlen(dn) + 1 : 0;
    for (size_t i = 0; i < r->ncols; i++)
        if (cells[i].type == DBD_TYPE_STRING || cells[i].type == DBD_TYPE_BLOB)
            bytes += cells[i].u.s.len;
    size_t head = sizeof(row) + r->ncols * sizeof(dbd_value);
    if (bytes > SIZE_MAX - head - dnlen)
        return -1;
    if (r->n == r->cap) {
        size_t cap = r->cap > 0 ? r->cap * 2 : 64;
        row **v = realloc(r->v, cap * sizeof *v);
        if (v == NULL)
            return -1;
        r->v = v;
        r->cap = cap;
    }
    row *w = malloc(head + bytes + dnlen);
    if (w == NULL)
        return -1;
    char *p = (char *)w + head;
    w->seq = r->n;
    for (size_t i = 0; i < r->ncols; i++) {
        w->cells[i] = cells[i];
        if (cells[i].type == DBD_TYPE_STRING ||
            cells[i].type == DBD_TYPE_BLOB) {
            if (cells[i].u.s.len > 0)
                memcpy(p, cells[i].u.s.ptr, cells[i].u.s.len);
            w->cells[i].u.s.ptr = p;
            p += cells[i].u.s.len;
        }
    }
    w->dn = NULL;
    if (dn != NULL) {
        memcpy(p, dn, dnlen);
        w->dn = p;
    }
    r->v[r->n++] = w;
    return 0;
}

size_t ldc_rows_count(const ldc_rows *r)
{
    return r->n;
}

const dbd_value *ldc_rows_cells(const ldc_rows *r, size_t i)
{
    return r->v[i]->cells;
}

const char *ldc_rows_dn(const ldc_rows *r, size_t i)
{
    return r->v[i]->dn;
}

typedef struct sort_keys {
    const size_t *cols;
    const bool *desc;
    size_t n;
} sort_keys;

static int compare(const void *pa, const void *pb, void *pctx)
{
    const row *a = *(row *const *)pa, *b = *(row *const *)pb;
    const sort_keys *k = pctx;
    for (size_t i = 0; i < k->n; i++) {
        int r = ldc_cmp_cells(&a->cells[k->cols[i]], &b->cells[k->cols[i]]);
        if (r != 0)
            return k->desc[i] ? -r : r;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq ? 1 : 0;
}

void ldc_rows_sort(ldc_rows *r, const size_t *cols, const bool *desc,
                   size_t n)
{
    sort_keys k = {cols, desc, n};
    if (r->n > 1 && n > 0)
        qsort_r(r->v, r->n, sizeof *r->v, compare, &k);
}
