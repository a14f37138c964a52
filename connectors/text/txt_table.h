/*
 * txt_table.h - one table as a connection sees it: its file, the parsed
 * header and rows, and the file identity they were read from.
 */
#ifndef TXT_TABLE_H
#define TXT_TABLE_H

#include <stdbool.h>

#include "status.h"
#include "txt_file.h"
#include "txt_row.h"
#include "txt_schema.h"

typedef struct txt_table {
    char *name;
    char *path;
    txt_schema *schema; /* NULL while not loaded */
    txt_rows rows;
    txt_file_id id;     /* meaningful while schema != NULL */
    /* The last failed read: answered again, without re-reading, until
     * the file changes (a broken table is not parsed on every query). */
    dbd_status failed;  /* DBD_OK when the last read did not fail */
    txt_file_id failed_id;
    char *failed_msg;
} txt_table;

/* An unloaded table DIR/NAME; NULL on allocation failure. */
txt_table *txt_table_new(const char *dir, const char *name);
void txt_table_destroy(txt_table **pt);

/*
 * Brings the table up to date with its file, re-reading it when its
 * identity changed.  NOTFOUND when the file does not exist; INTERNAL when
 * it cannot be read or is malformed (the message names file and line).
 * On failure the table is left unloaded.  *reloaded (may be NULL) tells
 * whether the file was read (true also for a read that failed; false when
 * an earlier failure of the same file version is repeated).
 */
dbd_status txt_table_refresh(txt_table *t, bool *reloaded, char *msg,
                             size_t msglen);

/* A copy sharing schema and rows (for a transaction's staged state). */
txt_table *txt_table_clone(const txt_table *t);

/* Installs rows (moved out of *rows) read or written as file identity id. */
void txt_table_set_rows(txt_table *t, txt_rows *rows, const txt_file_id *id);

#endif
