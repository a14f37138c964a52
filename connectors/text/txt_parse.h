/*
 * txt_parse.h - reads a whole db_text table file.
 *
 * Format (as Kamailio's db_text reads and writes it): line 1 is the
 * header (txt_schema.h); every further line is a row of ':'-separated
 * fields, one per column.  Blank lines are skipped, as Kamailio does (so
 * a one-column table cannot hold an empty value).  In str and blob
 * fields a backslash escapes \n \r \t \\ \: and \0 (NUL); any other
 * escape is an error.  int and time fields are decimal integers (time:
 * seconds since the epoch), double fields decimal numbers.
 *
 * Empty fields.  Kamailio reads an empty field as NULL and, by default,
 * refuses the whole table when the column lacks the null attribute (its
 * "emptystring" option turns empty text into an empty string instead).
 * This reader:
 *   - column with null:            empty field -> NULL
 *   - str/blob column without it:  empty field -> empty string (that is
 *                                  what a writer leaves for one)
 *   - auto column without it:      the next id (max + 1), as Kamailio
 *   - any other column without it: error (Kamailio refuses it too)
 * A malformed file is an error naming the file, line and column; nothing
 * is guessed.
 */
#ifndef TXT_PARSE_H
#define TXT_PARSE_H

#include <stddef.h>

#include "status.h"
#include "txt_row.h"
#include "txt_schema.h"

/*
 * Parses data[0..len).  On success returns DBD_OK with a new schema in
 * *schema and the rows appended to rows (empty on entry).  On failure
 * returns DBD_INTERNAL with "PATH line N: ..." in msg; nothing is kept.
 */
dbd_status txt_parse_table(const char *data, size_t len, const char *path,
                           txt_schema **schema, txt_rows *rows, char *msg,
                           size_t msglen);

#endif
