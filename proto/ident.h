/*
 * ident.h - the identifier rule every table and column name must pass
 * before any connector sees it: an ASCII letter or '_', then up to 63
 * letters, digits or '_'.  Nothing that could quote, comment or separate SQL
 * gets through, so connectors may quote identifiers without escaping.
 */
#ifndef DBD_IDENT_H
#define DBD_IDENT_H

#include <stdbool.h>
#include <stddef.h>

#define DBD_IDENT_MAX 64 /* characters, not counting the NUL */

bool dbd_ident_valid(const char *s, size_t len);

#endif
