/*
 * txt_format.h - writes a table in the db_text format that txt_parse.h
 * reads: the header line exactly as it was read, then one line per row.
 * Text is escaped as Kamailio escapes it (\n \r \t \\ \: \0); NULL and
 * the empty string both become an empty field, so in a column with the
 * null attribute an empty string reads back as NULL (as in Kamailio).
 * Files are written in full, never patched in place (txt_file.h).
 */
#ifndef TXT_FORMAT_H
#define TXT_FORMAT_H

#include "buf.h"
#include "txt_row.h"
#include "txt_schema.h"

/* Appends the whole file to out.  0 or -1 (out of memory). */
int txt_format_table(const txt_schema *s, const txt_rows *rows, dbd_buf *out);

#endif
