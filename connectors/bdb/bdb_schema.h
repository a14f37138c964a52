/*
 * bdb_schema.h - the table-definition file (option "schema"): INI, one
 * section per table, read with inih.
 *
 *   [subscriber]
 *   column = id int not null
 *   column = username string not null default ''
 *   auto = id                  ; the auto-increment column
 *   key = id                   ; primary key columns (default: auto)
 *   unique = username domain   ; a unique secondary index (repeatable)
 *   index = username           ; a secondary index (repeatable)
 *   row = table_name='version' table_version=1   ; inserted on creation
 *
 * Column types: int double string blob datetime bool; "null" (the
 * default) or "not null"; "default LITERAL" (see bdb_literal.h).  Columns
 * come before the lines that name them.
 */
#ifndef BDB_SCHEMA_H
#define BDB_SCHEMA_H

#include <stddef.h>

#include "bdb_def.h"
#include "request.h"
#include "status.h"

typedef struct bdb_schema_row {
    dbd_assign *values; /* column names and values, owned by the schema */
    size_t n;
} bdb_schema_row;

typedef struct bdb_schema_table {
    bdb_def *def;
    bdb_schema_row *rows;
    size_t nrows;
} bdb_schema_table;

typedef struct bdb_schema bdb_schema;

/* CONFIG with "PATH:LINE: what" when the file is wrong. */
dbd_status bdb_schema_load(const char *path, bdb_schema **out, char *err,
                           size_t errlen);
void bdb_schema_destroy(bdb_schema **ps);

size_t bdb_schema_count(const bdb_schema *s);
const bdb_schema_table *bdb_schema_table_at(const bdb_schema *s, size_t i);

#endif
