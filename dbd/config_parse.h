/*
 * config_parse.h - the state of one dbd.conf parse, shared by config.c
 * (reading lines and sections) and config_keys.c (the keys).
 */
#ifndef DBD_CONFIG_PARSE_H
#define DBD_CONFIG_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"

enum section_kind { SEC_NONE, SEC_DBD, SEC_DS, SEC_BAD };

typedef struct seen_key {
    char *key;
    int line;
} seen_key;

typedef struct parse_state {
    dbd_config *cfg;
    const char *name; /* file name for messages */
    /* the line source: a FILE or a string */
    FILE *fp;
    const char *text;
    size_t textpos;
    char *line;
    size_t linecap;
    int lineno;
    /* section tracking (done here, not by inih) */
    enum section_kind sec;
    size_t cur_ds;
    int dbd_line;
    seen_key *seen; /* keys of the current section */
    size_t nseen;
    /* the first error */
    int err_line;
    char err[512];
    bool oom;
} parse_state;

/* Records the first error (later ones are dropped): "message" at line. */
void config_set_error_at(parse_state *ps, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define set_error(ps, ...) config_set_error_at((ps), (ps)->lineno, __VA_ARGS__)

/* Remembers key for the current section; false (error set) when it was
 * set before in the section. */
bool config_note_key(parse_state *ps, const char *key);

/* One key of [dbd] / of the current [datasource NAME]; false with the
 * error set when the key is unknown or its value bad. */
bool config_dbd_key(parse_state *ps, const char *key, const char *value);
bool config_ds_key(parse_state *ps, const char *key, const char *value);

#endif
