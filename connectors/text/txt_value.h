/*
 * txt_value.h - request values converted to a column's type, and
 * comparisons of cells with them.
 *
 * A value is converted only when the conversion is exact; otherwise the
 * request is BAD and the message names the column:
 *   int column     int; bool as 0/1; a double, or a decimal string, that
 *                  is integral ("42"); a datetime as whole seconds (as
 *                  Kamailio stores DATETIME values into int columns).  In
 *                  conditions a fractional number compares numerically.
 *   double column  int, double, bool, decimal string; finite only.
 *   time column    datetime; int as seconds since the epoch; a string
 *                  holding datetime text or integer seconds.  A stored
 *                  datetime keeps floor seconds; conditions compare with
 *                  the fraction.
 *   str and blob   string or blob bytes; an int as its decimal text, a
 *                  double as its shortest exact "%g" text, bool as "0" or
 *                  "1", a datetime as "YYYY-MM-DD HH:MM:SS[.ffffff]".
 */
#ifndef TXT_VALUE_H
#define TXT_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "txt_row.h"
#include "txt_schema.h"
#include "value.h"

typedef enum txt_num {
    TXT_NUM_INT,    /* i holds the value (time columns: seconds) */
    TXT_NUM_DOUBLE, /* d holds the value (time columns: seconds) */
} txt_num;

#define TXT_VAL_TEXT 48

/*
 * A converted value.  Text columns use p/len, which may point into text
 * (a number's text) or at the request's bytes: never copy a txt_val after
 * converting into it, and keep the request alive while it is used.
 */
typedef struct txt_val {
    bool null;
    txt_num num;
    int64_t i;
    double d;
    const char *p;
    size_t len;
    char text[TXT_VAL_TEXT];
} txt_val;

/* For comparing with cells of col (conditions and replace keys). */
dbd_status txt_value_key(const txt_column *col, const dbd_value *v,
                         txt_val *out, char *msg, size_t msglen);
/* For storing into col: int and time columns get TXT_NUM_INT, double
 * columns TXT_NUM_DOUBLE.  NULL converts to a NULL txt_val. */
dbd_status txt_value_store(const txt_column *col, const dbd_value *v,
                           txt_val *out, char *msg, size_t msglen);
/* The cell holding a value converted by txt_value_store(). */
txt_cell txt_value_cell(const txt_column *col, const txt_val *v);

/* Compares a non-NULL cell of col with a non-NULL key: <0, 0, >0, or 2
 * when they are unordered (NaN). */
int txt_cmp_cell_key(const txt_column *col, const txt_cell *c,
                     const txt_val *k);
/* Orders two cells of col for ORDER BY; NULL sorts first. */
int txt_cmp_cells(const txt_column *col, const txt_cell *a,
                  const txt_cell *b);

#endif
