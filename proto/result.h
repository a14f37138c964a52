/*
 * result.h - the outcome of one request: status, message, counters and,
 * for queries, a table of typed values; for a batch, one sub-result per
 * operation.  A dbd_result owns all of its memory; every pointer a getter
 * returns stays valid until dbd_result_destroy().
 *
 * A result is not thread-safe; distinct results may be used from distinct
 * threads.
 */
#ifndef DBD_RESULT_H
#define DBD_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "value.h"

typedef struct dbd_result dbd_result;

/* --- building (codec, daemon, client library) --- */

/* An empty OK result; NULL on allocation failure. */
dbd_result *dbd_result_new(void);
void dbd_result_destroy(dbd_result **pres);

/* Copies msg (NULL = the status's default text). Returns 0 or -1. */
int dbd_result_set_status(dbd_result *r, dbd_status st, const char *msg);
/* Replaces the column set; allowed once, before the first row. 0 or -1. */
int dbd_result_set_columns(dbd_result *r, size_t n, const char *const *names,
                           const dbd_type *types);
/* Appends a row of ncols values, copying strings and blobs. 0 or -1. */
int dbd_result_add_row(dbd_result *r, const dbd_value *values);
void dbd_result_set_affected(dbd_result *r, int64_t n);
void dbd_result_set_last_id(dbd_result *r, int64_t id);
/* Appends a batch sub-result; takes ownership of *psub and clears it. */
int dbd_result_add_sub(dbd_result *r, dbd_result **psub);
/* Drops every row (keeps columns); used when a stream ends in an error. */
void dbd_result_clear_rows(dbd_result *r);

/* --- reading --- */

dbd_status dbd_result_status(const dbd_result *r);
/* Never NULL: the server's message or the status's default text. */
const char *dbd_result_message(const dbd_result *r);
size_t dbd_result_ncols(const dbd_result *r);
size_t dbd_result_nrows(const dbd_result *r);
/* NULL / DBD_TYPE_NULL when col is out of range. */
const char *dbd_result_col_name(const dbd_result *r, size_t col);
dbd_type dbd_result_col_type(const dbd_result *r, size_t col);
/* Index of the named column (exact match), or -1. */
long dbd_result_col_index(const dbd_result *r, const char *name);
/* Rows changed by insert/update/delete/replace; -1 when not reported. */
int64_t dbd_result_affected(const dbd_result *r);
/* Auto-increment id of an insert; 0 when not reported. */
int64_t dbd_result_last_id(const dbd_result *r);
size_t dbd_result_nsubs(const dbd_result *r);
/* Borrowed, owned by r; NULL when out of range. */
const dbd_result *dbd_result_sub(const dbd_result *r, size_t i);

/* Borrowed, owned by r; NULL when row or col is out of range. */
const dbd_value *dbd_result_value(const dbd_result *r, size_t row,
                                  size_t col);
/* true when the cell is NULL or out of range. */
bool dbd_result_is_null(const dbd_result *r, size_t row, size_t col);

/*
 * Typed getters: 0 on success, -1 when out of range, NULL, or of a type that
 * does not convert.  Conversions: int from int/bool/double (integral
 * value)/datetime(usec)/decimal string; double from int/double/decimal
 * string; datetime from datetime/int(usec)/datetime text; string from string
 * (and blob); blob from blob/string.  Returned pointers are owned by r.
 */
int dbd_result_get_int64(const dbd_result *r, size_t row, size_t col,
                         int64_t *out);
int dbd_result_get_double(const dbd_result *r, size_t row, size_t col,
                          double *out);
int dbd_result_get_bool(const dbd_result *r, size_t row, size_t col,
                        bool *out);
int dbd_result_get_datetime(const dbd_result *r, size_t row, size_t col,
                            int64_t *usec);
int dbd_result_get_string(const dbd_result *r, size_t row, size_t col,
                          const char **s, size_t *len);
int dbd_result_get_blob(const dbd_result *r, size_t row, size_t col,
                        const void **p, size_t *len);

#endif
