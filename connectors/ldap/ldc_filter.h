/*
 * ldc_filter.h - a request's WHERE conditions, twice: as an LDAP search
 * filter (RFC 4515) that the server evaluates, and as a test the
 * connector applies to every entry the server returns.
 *
 * The server's filter only narrows the candidates: it is built so that
 * every row that satisfies the conditions matches it (=, in and null are
 * sent as they are, <> as (&(a=*)(!(a=v))) where the attribute's equality
 * is exact, everything else as a presence test (a=*)).  The exact answer
 * always comes from ldc_filter_match(), so results do not depend on the
 * server's matching rules or on the attribute syntaxes.
 */
#ifndef LDC_FILTER_H
#define LDC_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "ldc_map.h"
#include "request.h"
#include "status.h"
#include "value.h"

typedef struct ldc_filter ldc_filter;

/* Prepares conds for table t: DBD_NOTFOUND for an unknown column, DBD_BAD
 * for a value that cannot be compared with its column.  The filter
 * borrows the request's memory and t. */
dbd_status ldc_filter_new(const ldc_table *t, const dbd_cond *conds,
                          size_t n, ldc_filter **out, char *msg,
                          size_t msglen);
void ldc_filter_destroy(ldc_filter **pf);

/* Appends "(&(objectClass=...)...)" to b; -1 when b ran out of memory. */
int ldc_filter_text(const ldc_filter *f, dbd_buf *b);
/* Does a row (one cell per table column, as decoded) satisfy every
 * condition, with SQL's NULL rules? */
bool ldc_filter_match(const ldc_filter *f, const dbd_value *row);
/* Sets want[i] for every column i the conditions read. */
void ldc_filter_columns(const ldc_filter *f, bool *want);

/* Appends bytes as an RFC 4515 assertion value: every byte other than a
 * letter, digit or one of "-._@:/+=,;" becomes \XX, so * ( ) \ NUL and
 * non-ASCII bytes never reach the filter parser raw. */
int ldc_filter_escape(dbd_buf *b, const char *p, size_t len);

#endif
