/*
 * bdb_def.h - a table's definition: its columns in order (type,
 * nullability, default), the auto-increment column, the primary key (the
 * columns whose encoded values form each record's key) and the secondary
 * indexes (unique or not).  A definition is written once, when its table
 * is created, into the environment's metadata database; every connection
 * reads it back from there, so rows always decode with the types they were
 * written with.
 */
#ifndef BDB_DEF_H
#define BDB_DEF_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "status.h"
#include "value.h"

typedef struct bdb_column {
    char *name;
    dbd_type type;
    bool nullable;
    dbd_value dflt;   /* DBD_TYPE_NULL when the column has no default */
    char *dflt_bytes; /* owns dflt's string or blob bytes */
} bdb_column;

typedef struct bdb_index {
    bool unique;
    size_t ncols;
    size_t *cols; /* column numbers, in key order */
} bdb_index;

typedef struct bdb_def {
    char *name;
    size_t ncols;
    bdb_column *cols;
    long autoinc; /* column number, -1 when none */
    size_t nkey;
    size_t *key;  /* primary key column numbers */
    size_t nindex;
    bdb_index *index;
} bdb_def;

bdb_def *bdb_def_new(const char *name);
void bdb_def_destroy(bdb_def **pd);

/* Column number of name, or -1. */
long bdb_def_find(const bdb_def *d, const char *name);

/* Adds a column (name copied; a string or blob default copied too).
 * 0, or -1 when out of memory. */
int bdb_def_add_column(bdb_def *d, const char *name, dbd_type type,
                       bool nullable, const dbd_value *dflt);
/* Sets the primary key, or adds a secondary index, from column numbers.
 * 0, or -1 when out of memory. */
int bdb_def_set_key(bdb_def *d, const size_t *cols, size_t n);
int bdb_def_add_index(bdb_def *d, const size_t *cols, size_t n, bool unique);

/* The rules a definition must follow (key present and NOT NULL, auto
 * column an int that is the key or a unique index by itself, no column
 * twice in a key); CONFIG with a message naming the table otherwise. */
dbd_status bdb_def_check(const bdb_def *d, char *err, size_t errlen);

/* The stored form; decode returns NULL on damaged bytes or no memory. */
void bdb_def_encode(const bdb_def *d, dbd_buf *out);
bdb_def *bdb_def_decode(const char *name, const void *data, size_t size);

/* Whether index i is exactly the given set of columns (in any order). */
bool bdb_index_is_set(const bdb_index *ix, const size_t *cols, size_t n);

#endif
