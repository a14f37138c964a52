/*
 * txt_filter.h - a request's WHERE list (AND-ed conditions) prepared for
 * one table: columns resolved and values converted once, then tested
 * against every row.  Comparisons follow SQL: a NULL cell or a NULL value
 * matches no operator but "null" (and "<>" does not match NULL either).
 */
#ifndef TXT_FILTER_H
#define TXT_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "request.h"
#include "status.h"
#include "txt_row.h"
#include "txt_schema.h"

typedef struct txt_filter txt_filter;

/* NOTFOUND for an unknown column, BAD for a value that does not fit. The
 * filter borrows the conditions' bytes: keep them alive while using it. */
dbd_status txt_filter_new(const txt_schema *s, const char *table,
                          const dbd_cond *conds, size_t n, txt_filter **out,
                          char *msg, size_t msglen);
bool txt_filter_match(const txt_filter *f, const txt_row *r);
void txt_filter_destroy(txt_filter **pf);

/* The message for a column the table lacks. */
dbd_status txt_no_column(const char *table, const char *column, char *msg,
                         size_t msglen);

#endif
