/*
 * txt_schema.h - the column layout of a db_text table, parsed from the
 * file's header line: space-separated "name(type[,attr...])" with types
 * int, double, str, string, blob, time and attributes null and auto.
 *
 * A schema is immutable once parsed and reference-counted, so a cached
 * table and the copies a transaction stages can share it.
 */
#ifndef TXT_SCHEMA_H
#define TXT_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "value.h"

typedef enum txt_type {
    TXT_INT,    /* "int": int64 */
    TXT_DOUBLE, /* "double" */
    TXT_STR,    /* "str" or "string": text */
    TXT_BLOB,   /* "blob": bytes */
    TXT_TIME,   /* "time": integer seconds since the epoch */
} txt_type;

typedef struct txt_column {
    char *name;
    txt_type type;
    bool nullable; /* attribute "null" */
    bool autoinc;  /* attribute "auto" (int columns only) */
} txt_column;

typedef struct txt_schema {
    size_t refs;
    char *header;      /* the header line exactly as read, without '\n' */
    size_t header_len;
    txt_column *cols;
    size_t ncols;
    long auto_col;     /* index of the auto column, -1 when none */
} txt_schema;

/*
 * Parses a header line (without its '\n').  NULL on failure with the
 * reason in err (without file name or line number; the caller adds them).
 */
txt_schema *txt_schema_parse(const char *line, size_t len, char *err,
                             size_t errlen);
txt_schema *txt_schema_ref(txt_schema *s);
/* Drops one reference; frees at zero; accepts NULL; clears *ps. */
void txt_schema_unref(txt_schema **ps);

/* Index of the column named name (exact match), or -1. */
long txt_schema_find(const txt_schema *s, const char *name);

/* The type a result column of this type carries on the wire. */
dbd_type txt_type_result(txt_type t);
/* "int", "double", "str", "blob", "time". */
const char *txt_type_name(txt_type t);
/* true for the types stored as bytes (str, blob). */
static inline bool txt_type_is_text(txt_type t)
{
    return t == TXT_STR || t == TXT_BLOB;
}

#endif
