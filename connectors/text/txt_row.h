/*
 * txt_row.h - table rows and row lists.
 *
 * A row is one allocation holding its cells and the bytes of its text
 * cells.  Rows are immutable and reference-counted: a change builds a new
 * row list that shares the untouched rows with the old one, so the cached
 * table stays intact until a write has succeeded, and a transaction's
 * staged copy costs one pointer per row.  Counts are not atomic: a row
 * belongs to one connection, used by one thread at a time.
 */
#ifndef TXT_ROW_H
#define TXT_ROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "txt_schema.h"

/* One field.  int and time columns use i (time: seconds since the epoch),
 * double columns d, str and blob columns s (NUL-terminated in a row). */
typedef struct txt_cell {
    bool null;
    union {
        int64_t i;
        double d;
        struct {
            const char *p;
            size_t len;
        } s;
    } u;
} txt_cell;

typedef struct txt_row {
    size_t refs;
    size_t ncells;
    txt_cell cells[];
} txt_row;

/* A new row (one reference) copying cells and their bytes; the schema
 * says which cells are text.  NULL on allocation failure. */
txt_row *txt_row_new(const txt_schema *s, const txt_cell *cells);
txt_row *txt_row_ref(txt_row *r);
/* Drops one reference; frees at zero; accepts NULL; clears *pr. */
void txt_row_unref(txt_row **pr);

typedef struct txt_rows {
    txt_row **v;
    size_t n;
    size_t cap;
} txt_rows;

void txt_rows_init(txt_rows *rs);
/* Drops every row reference and the array; leaves rs empty. */
void txt_rows_clear(txt_rows *rs);
/* Appends r, taking over the caller's reference (also on failure, when
 * the reference is dropped).  0 or -1. */
int txt_rows_push(txt_rows *rs, txt_row *r);
/* dst (empty) receives a new reference to every row of src.  0 or -1. */
int txt_rows_copy(txt_rows *dst, const txt_rows *src);
/* Moves src into dst (dst cleared first); src is left empty. */
void txt_rows_move(txt_rows *dst, txt_rows *src);

#endif
