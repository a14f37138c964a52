/*
 * ldc_cmp.h - comparisons done by the connector itself, so that every
 * operator and ORDER BY give the answers the SQL backends give: ints,
 * bools and datetimes numerically, doubles numerically (-0.0 equals 0.0),
 * strings and blobs bytewise (as utf8mb4_bin or the C collation), NULL
 * first in ascending order.
 *
 * A cell is a value decoded from an entry (ldc_value_decode), so its type
 * is the column's type or NULL.
 */
#ifndef LDC_CMP_H
#define LDC_CMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ldc_map.h"
#include "status.h"
#include "value.h"

typedef enum ldc_cval_kind {
    LDC_CVAL_INT,    /* i: ints, bools (0/1), datetimes (usec) */
    LDC_CVAL_DOUBLE, /* d */
    LDC_CVAL_BYTES,  /* p, len: strings and blobs */
} ldc_cval_kind;

/* A condition's value converted for comparing with cells of a column.
 * Bytes borrow the request's memory. */
typedef struct ldc_cval {
    bool null;
    ldc_cval_kind kind;
    int64_t i;
    double d;
    const char *p;
    size_t len;
} ldc_cval;

/* DBD_BAD naming the column when v cannot be compared with it (a string
 * with an int column that is not a decimal number, NaN, ...). */
dbd_status ldc_cval_make(const ldc_column *col, const dbd_value *v,
                         ldc_cval *out, char *msg, size_t msglen);

/* A non-NULL cell against a non-NULL cval: -1, 0, 1, or 2 when they are
 * unordered. */
int ldc_cmp_cell(const dbd_value *cell, const ldc_cval *k);

/* Two cells of one column for ORDER BY: NULL first, then by value. */
int ldc_cmp_cells(const dbd_value *a, const dbd_value *b);

#endif
