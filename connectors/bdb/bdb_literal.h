/*
 * bdb_literal.h - the value syntax of table-definition files, used for
 * column defaults and initial rows:
 *   'text'      a string ('' inside for one quote)
 *   x'0a1f'     a blob, in hex
 *   42  -1.5    numbers
 *   true false  booleans
 *   null
 * A literal is converted to its column's type as a request value would be,
 * so '2030-05-28 21:32:15' suits a datetime column and 1 a double one.
 */
#ifndef BDB_LITERAL_H
#define BDB_LITERAL_H

#include <stddef.h>

#include "bdb_def.h"
#include "status.h"
#include "value.h"

/* Parses the literal at *p (leading blanks skipped) and moves *p past it.
 * A string's or blob's bytes go to *bytes (malloc'd, the caller frees,
 * NULL for other types) and v points at them.  BAD with a message
 * otherwise. */
dbd_status bdb_literal_parse(const char **p, dbd_value *v, char **bytes,
                             char *err, size_t errlen);

/* The literal converted for col into *out, whose string bytes are copied
 * into *bytes (malloc'd, the caller frees; NULL when none). */
dbd_status bdb_literal_for_column(const bdb_column *col, const dbd_value *lit,
                                  dbd_value *out, char **bytes, char *err,
                                  size_t errlen);

#endif
