/*
 * audit_line.h - one audit record as dbctl's "audit --follow" sees it: the
 * top-level fields of its JSON line, the filters of the command line and
 * the readable one-line form.  Kept apart from the socket code so that it
 * can be tested without a daemon.
 */
#ifndef DBCTL_AUDIT_LINE_H
#define DBCTL_AUDIT_LINE_H

#include <stdbool.h>
#include <stddef.h>

#include "dbctl.h"

/* The fields of a record; NULL when the line has no such key.  Strings
 * are unescaped; numbers are kept as their JSON text. */
typedef struct audit_line {
    const char *ts, *seq, *client, *name, *peer, *ds, *host, *op, *table;
    const char *status, *rows, *latency_us, *id, *detail;
    char *store; /* owns every field above */
} audit_line;

/* The filters of "audit --follow"; NULL means "any". */
typedef struct audit_filter {
    const char *datasource; /* topic and "ds", exact */
    const char *client;     /* substring of "client" or "name" */
    const char *status;     /* exact, case-insensitive */
    const char *table;      /* exact */
} audit_filter;

/*
 * Parses one record: a JSON object (nothing but blanks after it) whose
 * known keys have the expected types; other keys and nested values are
 * checked and skipped.  0, or -1 with err saying what was wrong (out then
 * holds nothing to free).  out is freed with audit_line_free().
 */
int audit_line_parse(const char *text, size_t len, audit_line *out,
                     char *err, size_t errlen);
void audit_line_free(audit_line *l);

/* Whether the record passes every filter set. */
bool audit_filter_match(const audit_filter *f, const audit_line *l);

/*
 * Appends the readable form, without a newline:
 *   TS  SEQ  CLIENT[ (NAME)]  DS[#HOST]  OP TABLE  STATUS  rows=N  Lms  id=ID
 * followed by "  detail=TEXT" when the record has one; an absent field is
 * "-", control characters are written as \xHH.  0, or -1 when memory ran
 * out.
 */
int audit_line_format(strbuf *b, const audit_line *l);

#endif
