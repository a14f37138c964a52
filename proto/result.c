/*
 * result.c - the outcome of a request (see result.h).
 *
 * Cells live row-major in one array that grows by doubling; string and blob
 * bytes are copied NUL-terminated into an arena that is thrown away when
 * the rows are cleared.  Column names and types live in their own arena so
 * they survive dbd_result_clear_rows().
 */
#include "result.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

struct dbd_result {
    dbd_status status;
    char *msg;            /* NULL: the status's default text */
    int64_t affected;
    int64_t last_id;

    bool have_columns;
    size_t ncols;
    const char **col_names; /* in col_arena */
    dbd_type *col_types;    /* in col_arena */
    dbd_arena *col_arena;

    dbd_value *cells;     /* nrows * ncols, row-major */
    size_t nrows;
    size_t row_cap;
    dbd_arena *data;      /* string and blob bytes of the cells */

    dbd_result **subs;
    size_t nsubs;
    size_t sub_cap;
};

dbd_result *dbd_result_new(void)
{
    /* malloc(): calloc() would skip glibc's per-thread cache */
    dbd_result *r = malloc(sizeof(*r));
    if (r == NULL)
        return NULL;
    *r = (dbd_result){.status = DBD_OK, .affected = -1};
    return r;
}

void dbd_result_destroy(dbd_result **pres)
{
    if (pres == NULL || *pres == NULL)
        return;
    dbd_result *r = *pres;
    for (size_t i = 0; i < r->nsubs; i++)
        dbd_result_destroy(&r->subs[i]);
    free(r->subs);
    free(r->cells);
    dbd_arena_destroy(&r->data);
    dbd_arena_destroy(&r->col_arena);
    free(r->msg);
    free(r);
    *pres = NULL;
}

int dbd_result_set_status(dbd_result *r, dbd_status st, const char *msg)
{
    if (r == NULL || !dbd_status_valid(st))
        return -1;
    char *copy = NULL;
    if (msg != NULL && (copy = strdup(msg)) == NULL)
        return -1;
    free(r->msg);
    r->msg = copy;
    r->status = st;
    return 0;
}

int dbd_result_set_columns(dbd_result *r, size_t n, const char *const *names,
                           const dbd_type *types)
{
    if (r == NULL || r->have_columns || r->nrows > 0 ||
        (n > 0 && (names == NULL || types == NULL)))
        return -1;
    dbd_arena *arena = NULL;
    const char **cnames = NULL;
    dbd_type *ctypes = NULL;
    int rc = -1;

    if ((arena = dbd_arena_new()) == NULL)
        goto out;
    if (n > 0) {
        cnames = dbd_arena_calloc(arena, n, sizeof(*cnames));
        ctypes = dbd_arena_calloc(arena, n, sizeof(*ctypes));
        if (cnames == NULL || ctypes == NULL)
            goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (names[i] == NULL || (unsigned)types[i] >= DBD_TYPE_COUNT)
            goto out;
        if ((cnames[i] = dbd_arena_strdup(arena, names[i])) == NULL)
            goto out;
        ctypes[i] = types[i];
    }
    r->col_arena = arena;
    r->col_names = cnames;
    r->col_types = ctypes;
    r->ncols = n;
    r->have_columns = true;
    arena = NULL;
    rc = 0;
out:
    dbd_arena_destroy(&arena);
    return rc;
}

/* Makes room for one more row of cells. */
static int reserve_row(dbd_result *r)
{
    if (r->nrows < r->row_cap)
        return 0;
    /* Most results are a row or a few: start small, then double. */
    size_t cap = r->row_cap < 2 ? 2 : r->row_cap;
    if (cap > SIZE_MAX / 2)
        return -1;
    cap *= 2;
    if (r->ncols > 0) {
        if (cap > SIZE_MAX / sizeof(dbd_value) / r->ncols)
            return -1;
        dbd_value *cells = realloc(r->cells, cap * r->ncols * sizeof(dbd_value));
        if (cells == NULL)
            return -1;
        r->cells = cells;
    }
    r->row_cap = cap;
    return 0;
}

int dbd_result_add_row(dbd_result *r, const dbd_value *values)
{
    if (r == NULL || !r->have_columns || (values == NULL && r->ncols > 0))
        return -1;
    for (size_t c = 0; c < r->ncols; c++) {
        const dbd_value *v = &values[c];
        if ((unsigned)v->type >= DBD_TYPE_COUNT)
            return -1;
        if ((v->type == DBD_TYPE_STRING || v->type == DBD_TYPE_BLOB) &&
            v->u.s.ptr == NULL && v->u.s.len > 0)
            return -1;
    }
    if (reserve_row(r) < 0)
        return -1;
    if (r->data == NULL && (r->data = dbd_arena_new()) == NULL)
        return -1;
    dbd_value *row = r->cells + r->nrows * r->ncols;
    for (size_t c = 0; c < r->ncols; c++) {
        row[c] = values[c];
        if (values[c].type == DBD_TYPE_STRING ||
            values[c].type == DBD_TYPE_BLOB) {
            /* A failure here leaves the row uncounted: nothing leaks, the
             * arena is freed with the result. */
            char *p = dbd_arena_strndup(r->data, values[c].u.s.ptr,
                                        values[c].u.s.len);
            if (p == NULL)
                return -1;
            row[c].u.s.ptr = p;
        }
    }
    r->nrows++;
    return 0;
}

void dbd_result_set_affected(dbd_result *r, int64_t n)
{
    if (r != NULL)
        r->affected = n;
}

void dbd_result_set_last_id(dbd_result *r, int64_t id)
{
    if (r != NULL)
        r->last_id = id;
}

int dbd_result_add_sub(dbd_result *r, dbd_result **psub)
{
    if (r == NULL || psub == NULL || *psub == NULL || *psub == r)
        return -1;
    if (r->nsubs == r->sub_cap) {
        size_t cap = r->sub_cap < 4 ? 8 : r->sub_cap * 2;
        if (cap > SIZE_MAX / sizeof(*r->subs))
            return -1;
        dbd_result **subs = realloc(r->subs, cap * sizeof(*subs));
        if (subs == NULL)
            return -1;
        r->subs = subs;
        r->sub_cap = cap;
    }
    r->subs[r->nsubs++] = *psub;
    *psub = NULL;
    return 0;
}

void dbd_result_clear_rows(dbd_result *r)
{
    if (r == NULL)
        return;
    dbd_arena_destroy(&r->data);
    free(r->cells);
    r->cells = NULL;
    r->nrows = 0;
    r->row_cap = 0;
}

/* --- reading --- */

dbd_status dbd_result_status(const dbd_result *r)
{
    return r != NULL ? r->status : DBD_INTERNAL;
}

const char *dbd_result_message(const dbd_result *r)
{
    if (r == NULL)
        return dbd_status_text(DBD_INTERNAL);
    return r->msg != NULL ? r->msg : dbd_status_text(r->status);
}

size_t dbd_result_ncols(const dbd_result *r)
{
    return r != NULL ? r->ncols : 0;
}

size_t dbd_result_nrows(const dbd_result *r)
{
    return r != NULL ? r->nrows : 0;
}

const char *dbd_result_col_name(const dbd_result *r, size_t col)
{
    return r != NULL && col < r->ncols ? r->col_names[col] : NULL;
}

dbd_type dbd_result_col_type(const dbd_result *r, size_t col)
{
    return r != NULL && col < r->ncols ? r->col_types[col] : DBD_TYPE_NULL;
}

long dbd_result_col_index(const dbd_result *r, const char *name)
{
    if (r == NULL || name == NULL)
        return -1;
    for (size_t i = 0; i < r->ncols; i++)
        if (strcmp(r->col_names[i], name) == 0)
            return (long)i;
    return -1;
}

int64_t dbd_result_affected(const dbd_result *r)
{
    return r != NULL ? r->affected : -1;
}

int64_t dbd_result_last_id(const dbd_result *r)
{
    return r != NULL ? r->last_id : 0;
}

size_t dbd_result_nsubs(const dbd_result *r)
{
    return r != NULL ? r->nsubs : 0;
}

const dbd_result *dbd_result_sub(const dbd_result *r, size_t i)
{
    return r != NULL && i < r->nsubs ? r->subs[i] : NULL;
}

const dbd_value *dbd_result_value(const dbd_result *r, size_t row, size_t col)
{
    if (r == NULL || row >= r->nrows || col >= r->ncols)
        return NULL;
    return &r->cells[row * r->ncols + col];
}

/* The non-NULL cell at row/col; NULL when out of range or NULL. */
static const dbd_value *cell(const dbd_result *r, size_t row, size_t col)
{
    const dbd_value *v = dbd_result_value(r, row, col);
    return v != NULL && v->type != DBD_TYPE_NULL ? v : NULL;
}

bool dbd_result_is_null(const dbd_result *r, size_t row, size_t col)
{
    return cell(r, row, col) == NULL;
}

/* The step every typed getter starts with: the cell to convert, or NULL
 * (the getter fails) when it is out of range or NULL or out is NULL. */
static const dbd_value *getter_cell(const dbd_result *r, size_t row,
                                    size_t col, const void *out)
{
    return out != NULL ? cell(r, row, col) : NULL;
}

/* [+-]digits, nothing else, in range. Not locale dependent. */
static int parse_int64(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
    }
    if (i == len)
        return -1;
    /* Accumulate negatively: INT64_MIN has no positive counterpart. */
    int64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        int digit = s[i] - '0';
        if (v < (INT64_MIN + digit) / 10)
            return -1;
        v = v * 10 - digit;
    }
    if (!neg) {
        if (v == INT64_MIN)
            return -1;
        v = -v;
    }
    *out = v;
    return 0;
}

/* A decimal number ([+-]digits[.digits][e[+-]digits]); no inf, nan, hex. */
static int parse_double(const char *s, size_t len, double *out)
{
    size_t i = 0, digits = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (i < len && s[i] == '.')
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    if (digits == 0)
        return -1;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t exp_digits = 0;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            exp_digits++;
        if (exp_digits == 0)
            return -1;
    }
    if (i != len)
        return -1;
    /* The cell is NUL-terminated right after len, so strtod stops there. */
    char *end = NULL;
    errno = 0;
    double d = strtod(s, &end);
    if (end != s + len || (errno == ERANGE && isinf(d)))
        return -1;
    *out = d;
    return 0;
}

int dbd_result_get_int64(const dbd_result *r, size_t row, size_t col,
                         int64_t *out)
{
    const dbd_value *v = getter_cell(r, row, col, out);
    if (v == NULL)
        return -1;
    switch (v->type) {
    case DBD_TYPE_INT:
        *out = v->u.i;
        return 0;
    case DBD_TYPE_BOOL:
        *out = v->u.b ? 1 : 0;
        return 0;
    case DBD_TYPE_DATETIME:
        *out = v->u.usec;
        return 0;
    case DBD_TYPE_DOUBLE:
        /* Integral and inside [-2^63, 2^63). */
        if (!isfinite(v->u.d) || v->u.d != trunc(v->u.d) ||
            v->u.d < -9223372036854775808.0 || v->u.d >= 9223372036854775808.0)
            return -1;
        *out = (int64_t)v->u.d;
        return 0;
    case DBD_TYPE_STRING:
        return parse_int64(v->u.s.ptr, v->u.s.len, out);
    default:
        return -1;
    }
}

int dbd_result_get_double(const dbd_result *r, size_t row, size_t col,
                          double *out)
{
    const dbd_value *v = getter_cell(r, row, col, out);
    if (v == NULL)
        return -1;
    switch (v->type) {
    case DBD_TYPE_INT:
        *out = (double)v->u.i;
        return 0;
    case DBD_TYPE_DOUBLE:
        *out = v->u.d;
        return 0;
    case DBD_TYPE_STRING:
        return parse_double(v->u.s.ptr, v->u.s.len, out);
    default:
        return -1;
    }
}

int dbd_result_get_bool(const dbd_result *r, size_t row, size_t col,
                        bool *out)
{
    const dbd_value *v = getter_cell(r, row, col, out);
    if (v == NULL)
        return -1;
    switch (v->type) {
    case DBD_TYPE_BOOL:
        *out = v->u.b;
        return 0;
    case DBD_TYPE_INT:
        /* Backends without a bool type store 0/1. */
        *out = v->u.i != 0;
        return 0;
    default:
        return -1;
    }
}

int dbd_result_get_datetime(const dbd_result *r, size_t row, size_t col,
                            int64_t *usec)
{
    const dbd_value *v = getter_cell(r, row, col, usec);
    if (v == NULL)
        return -1;
    switch (v->type) {
    case DBD_TYPE_DATETIME:
        *usec = v->u.usec;
        return 0;
    case DBD_TYPE_INT:
        *usec = v->u.i;
        return 0;
    case DBD_TYPE_STRING:
        return dbd_datetime_parse(v->u.s.ptr, v->u.s.len, usec) ? 0 : -1;
    default:
        return -1;
    }
}

/* The bytes of a string or blob cell: strings and blobs convert both ways. */
static int get_bytes(const dbd_result *r, size_t row, size_t col,
                     const char **p, size_t *len)
{
    const dbd_value *v = getter_cell(r, row, col, p);
    if (v == NULL || (v->type != DBD_TYPE_STRING && v->type != DBD_TYPE_BLOB))
        return -1;
    *p = v->u.s.ptr;
    if (len != NULL)
        *len = v->u.s.len;
    return 0;
}

int dbd_result_get_string(const dbd_result *r, size_t row, size_t col,
                          const char **s, size_t *len)
{
    return get_bytes(r, row, col, s, len);
}

int dbd_result_get_blob(const dbd_result *r, size_t row, size_t col,
                        const void **p, size_t *len)
{
    const char *bytes;
    if (p == NULL || get_bytes(r, row, col, &bytes, len) != 0)
        return -1;
    *p = bytes;
    return 0;
}
