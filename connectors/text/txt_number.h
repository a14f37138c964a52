/*
 * txt_number.h - reading and writing numbers in the db_text format.
 *
 * Numbers are read strictly: an int is an optional sign and decimal
 * digits; a double is decimal digits with an optional fraction and
 * exponent (no inf, nan, hex or spaces).  Doubles are written in plain
 * decimal notation (Kamailio's reader knows no exponent) with the fewest
 * digits, but at least two decimals as Kamailio writes them, that read
 * back to the same value.  The caller runs these under the "C" numeric
 * locale.
 */
#ifndef TXT_NUMBER_H
#define TXT_NUMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Largest seconds value whose microseconds fit in an int64. */
#define TXT_TIME_MAX_SEC (INT64_MAX / 1000000)

/* false on bad syntax or overflow. */
bool txt_parse_int(const char *p, size_t n, int64_t *out);
/* false on bad syntax or a value out of the double range. */
bool txt_parse_double(const char *p, size_t n, double *out);
/* true when p[0..n) is a number txt_parse_double accepts. */
bool txt_number_syntax(const char *p, size_t n);

/* Appends d (finite) in the file notation.  0 or -1 (out of memory). */
int txt_put_double(dbd_buf *b, double d);
/* The shortest "%g" text that reads back as d, for comparing doubles with
 * text columns. */
#define TXT_DOUBLE_TEXT_MAX 32
void txt_double_text(double d, char out[TXT_DOUBLE_TEXT_MAX]);

/* floor(usec / 1e6), the seconds a datetime is stored as. */
int64_t txt_usec_to_sec(int64_t usec);

/* Compares an int64 with a double exactly: <0, 0, >0; 2 when b is NaN. */
int txt_cmp_int_double(int64_t a, double b);

#endif
