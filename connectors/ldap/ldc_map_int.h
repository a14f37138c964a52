/*
 * ldc_map_int.h - what the files loading a mapping file share: the map's
 * insides and the parse state (ldc_map.c loads and looks up,
 * ldc_map_parse.c takes the keys inih reads, ldc_map_finish.c resolves
 * and checks each table once the file is read).
 */
#ifndef LDC_MAP_INT_H
#define LDC_MAP_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "ldc_map.h"

/* A table while it is read: the texts resolved at the end. */
typedef struct raw_table {
    char *rdn, *autoinc, *unique;
    char **def_cols, **def_texts;
    size_t ndefs;
} raw_table;

struct ldc_map {
    ldc_table *tables;
    raw_table *raw;
    size_t n;
};

typedef struct parse_ctx {
    ldc_map *m;
    const char *basedn;
    char *err;
    size_t errlen;
    bool failed; /* err holds the first problem */
} parse_ctx;

/* Frees what a column owns (not the column itself). */
void ldc_map_column_free(ldc_column *c);
int ldc_map_fail(parse_ctx *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The next word of *cursor (words end at spaces and commas), cut out in
 * place; NULL at the end. */
char *ldc_map_next_word(char **cursor);
/* inih's handler: one key of one section. */
int ldc_map_on_key(void *user, const char *section, const char *name,
                   const char *value);
/* Resolves the column names a table's keys hold and checks the table. */
bool ldc_map_finish_table(parse_ctx *p, ldc_table *t, raw_table *r);

#endif
