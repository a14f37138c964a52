/*
 * bdb_value.h - request values converted to a column's type, and the
 * comparisons conditions and ORDER BY use.  Comparison follows SQL: ints
 * and doubles numerically (an int column compared with 1.5 works), strings
 * and blobs bytewise, NULL sorting first; -0.0 equals 0.0.
 */
#ifndef BDB_VALUE_H
#define BDB_VALUE_H

#include <stdbool.h>
#include <stddef.h>

#include "bdb_def.h"
#include "status.h"
#include "value.h"

/* A request value converted for one column.  Never copy one by value: v
 * may point into text. */
typedef struct bdb_cval {
    dbd_value v;   /* the column's type, or NULL; see exact */
    bool exact;    /* v has the column's type (an int column given 1.5
                    * keeps a double here, usable only to compare) */
    char text[40]; /* v's bytes when a number became text */
} bdb_cval;

/* For a condition: BAD when the value cannot compare with the column at
 * all (a blob against an int column, a NaN). */
dbd_status bdb_value_for_compare(const bdb_column *col, const dbd_value *v,
                                 bdb_cval *out, char *msg, size_t msglen);
/* For a write: as above, and BAD unless the value converts exactly (1.5
 * for an int column). NULL passes; NOT NULL is the caller's check. */
dbd_status bdb_value_for_store(const bdb_column *col, const dbd_value *v,
                               bdb_cval *out, char *msg, size_t msglen);

/* A stored non-NULL cell against a converted non-NULL value: -1, 0, 1,
 * or 2 when they cannot be compared. */
int bdb_value_cmp_key(const dbd_value *cell, const dbd_value *key);
/* Two cells of one column for ORDER BY: NULL first, then by value. */
int bdb_value_cmp_cells(const dbd_value *a, const dbd_value *b);

#endif
