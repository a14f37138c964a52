/*
 * sqlstmt.h - inside the SQL builder: the pieces sqlbuild.c writes a
 * statement with.  Not for connectors (they use sqlbuild.h).
 *
 * Appends never fail visibly; an allocation failure is remembered and
 * reported by sqlstmt_failed(), so the builder checks once per statement.
 */
#ifndef DBD_SQLSTMT_H
#define DBD_SQLSTMT_H

#include <stdbool.h>

#include "sqlbuild.h"

const dbd_sql_dialect *sqlstmt_dialect(const dbd_sql_stmt *s);
/* Empties text, shape and binds; keeps the memory.  with_text false makes
 * the text appends below do nothing until the next reset. */
void sqlstmt_reset(dbd_sql_stmt *s, bool with_text);
bool sqlstmt_failed(const dbd_sql_stmt *s);

/* Statement text. */
void sqlstmt_sql(dbd_sql_stmt *s, const char *text);
/* A quoted identifier (the caller has checked it). */
void sqlstmt_ident(dbd_sql_stmt *s, const char *name);
/* A placeholder in the text and v at the end of the bind list. */
void sqlstmt_param(dbd_sql_stmt *s, const dbd_value *v);

/* Shape key. */
void sqlstmt_shape(dbd_sql_stmt *s, const char *text);
void sqlstmt_shape_count(dbd_sql_stmt *s, unsigned long long n);

#endif
