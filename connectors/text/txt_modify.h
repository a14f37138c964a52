/*
 * txt_modify.h - insert, update, delete and replace applied to a table in
 * memory.  The result is a new row list sharing unchanged rows with the
 * table; the table itself is not touched, so a failure (bad value, full
 * disk later on) leaves it as it was.
 *
 * Values the file format cannot hold default as follows, since db_text
 * has no column defaults:
 *   - the auto column, when not given (or given NULL), gets the largest
 *     id in the table plus one (1 for an empty table), as Kamailio does;
 *     last_id reports the row's auto value (given or assigned);
 *   - a column with the null attribute, when not given, is NULL;
 *   - a str or blob column without it, when not given, is the empty
 *     string: that is what its empty field reads back as (Kamailio itself
 *     would refuse the row, but SQL schemas give these columns DEFAULT '');
 *   - an int, double or time column without it must be given: CONSTRAINT
 *     otherwise, as in Kamailio, which has nothing to fill in either.
 * Storing NULL into a column without the null attribute is CONSTRAINT.
 */
#ifndef TXT_MODIFY_H
#define TXT_MODIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "request.h"
#include "txt_row.h"
#include "txt_table.h"

typedef struct txt_outcome {
    int64_t affected;
    int64_t last_id;
    bool changed; /* false: nothing to write, out left empty */
} txt_outcome;

/* Applies op (INSERT, UPDATE, DELETE or REPLACE) to the loaded table t;
 * the new rows go to out (empty on entry) when something changed. */
dbd_status txt_modify(const txt_table *t, const dbd_op *op, txt_rows *out,
                      txt_outcome *res, char *msg, size_t msglen);

/*
 * An INSERT applied in place to t, a transaction's private staged copy
 * (its row array is its own; the rows stay shared): the row is appended
 * to t->rows, so n inserts in one transaction cost O(n), not O(n^2).
 * *auto_max caches the largest auto id of t's rows while *auto_known;
 * this computes and maintains it, and any other write to t must clear
 * *auto_known.  On failure t is unchanged.
 */
dbd_status txt_modify_append(txt_table *t, const dbd_op *op,
                             int64_t *auto_max, bool *auto_known,
                             txt_outcome *res, char *msg, size_t msglen);

#endif
