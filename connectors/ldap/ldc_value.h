/*
 * ldc_value.h - how typed values are written to and read from LDAP
 * attribute values.  LDAP values are octet strings; the mapping gives each
 * column a type, and these forms round-trip every value exactly:
 *
 *   int       decimal ("-9223372036854775808"), INTEGER syntax
 *   double    the shortest of "%.15g", "%.16g", "%.17g" that reads back to
 *             the same bits ("-0", "1e+308", "4.94065645841247e-324"),
 *             IA5 string syntax; inf and NaN are refused
 *   string    the bytes as they are (empty and NUL included), octet string
 *   blob      the bytes as they are, octet string
 *   datetime  GeneralizedTime "YYYYMMDDHHMMSS[.ffffff]Z" (UTC, years
 *             0000..9999, fraction only when non-zero)
 *   bool      "TRUE" / "FALSE", Boolean syntax
 *
 * Numbers are formatted and parsed under the "C" locale: callers run with
 * uselocale() set to it (see ldap.c).
 */
#ifndef LDC_VALUE_H
#define LDC_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ldc_map.h"
#include "status.h"
#include "value.h"

#define LDC_TEXT_MAX 40 /* enough for any non-string form above */

/* A value converted for storing into col: exact conversions only
 * (int <- bool or an integral double; double <- int; string <-> blob;
 * datetime <- datetime text; bool <- int 0/1; int and double <- decimal
 * text).  NULL stays NULL; anything else is DBD_BAD naming the column.
 * Strings in out borrow v's bytes. */
dbd_status ldc_value_coerce(const ldc_column *col, const dbd_value *v,
                            dbd_value *out, char *msg, size_t msglen);

/* The attribute text of a non-NULL value of the column's own type; *p
 * points into buf or at the value's bytes.  false when it has no LDAP form
 * (a datetime outside years 0000..9999, a non-finite double). */
bool ldc_value_encode(const dbd_value *v, char buf[LDC_TEXT_MAX],
                      const char **p, size_t *len);

/* Attribute bytes as a value of col's type; strings and blobs borrow p.
 * DBD_BAD naming the column when the text is not of that type. */
dbd_status ldc_value_decode(const ldc_column *col, const char *p, size_t len,
                            dbd_value *out, char *msg, size_t msglen);

/* Text of a default in the mapping file ("2030-05-28 21:32:15" for a
 * datetime, true/false for a bool); strings borrow text. */
bool ldc_value_parse_text(dbd_type t, const char *text, dbd_value *out);

/* Strict decimal int64 and C-locale double parsing of len bytes. */
bool ldc_parse_int(const char *p, size_t len, int64_t *out);
bool ldc_parse_double(const char *p, size_t len, double *out);

/* GeneralizedTime (ldc_time.c).  format: false when the year is outside
 * 0000..9999.  parse accepts YYYYMMDDHH[MM[SS]][(.|,)fraction](Z|+hhmm|
 * -hhmm), the fraction applying to the last unit given. */
bool ldc_gentime_format(int64_t usec, char out[LDC_TEXT_MAX]);
bool ldc_gentime_parse(const char *p, size_t len, int64_t *usec);

#endif
