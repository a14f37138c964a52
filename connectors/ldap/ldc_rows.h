/*
 * ldc_rows.h - rows kept in memory: what an ORDER BY has to sort, and the
 * entries an update or delete found before it changes them.  Each row is
 * one allocation holding its cells, their bytes and, optionally, the
 * entry's DN.
 */
#ifndef LDC_ROWS_H
#define LDC_ROWS_H

#include <stdbool.h>
#include <stddef.h>

#include "value.h"

typedef struct ldc_rows ldc_rows;

/* Rows of ncols cells each; NULL on allocation failure. */
ldc_rows *ldc_rows_new(size_t ncols);
void ldc_rows_destroy(ldc_rows **prows);

/* Copies the cells (and dn, which may be NULL). 0, or -1 when out of
 * memory. */
int ldc_rows_add(ldc_rows *r, const dbd_value *cells, const char *dn);
size_t ldc_rows_count(const ldc_rows *r);
const dbd_value *ldc_rows_cells(const ldc_rows *r, size_t i);
const char *ldc_rows_dn(const ldc_rows *r, size_t i);

/* Stable sort by the cells at cols[0..n) (desc[k] reverses key k). */
void ldc_rows_sort(ldc_rows *r, const size_t *cols, const bool *desc,
                   size_t n);

#endif
