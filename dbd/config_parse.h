/*
 * config_parse.h - the state of one dbd.conf parse, shared by config.c
 * (sections and whole-file checks) and config_keys.c (the keys); reading
 * lines, duplicate keys and errors are ini_strict's.
 */
#ifndef DBD_CONFIG_PARSE_H
#define DBD_CONFIG_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "ini_strict.h"

enum section_kind { SEC_DBD, SEC_AUDIT, SEC_DS };

typedef struct parse_state {
    dbd_config *cfg;
    enum section_kind sec; /* of the current good section */
    size_t cur_ds;
    int dbd_line;
    int audit_line;
} parse_state;

/* One key of [dbd] / of the current [datasource NAME]; false with the
 * error set when the key is unknown or its value bad. */
bool config_dbd_key(ini_strict *in, parse_state *ps, const char *key,
                    const char *value);
bool config_audit_key(ini_strict *in, parse_state *ps, const char *key,
                      const char *value);
/* The [audit] checks that need the whole section. */
void config_audit_finish(ini_strict *in, parse_state *ps);
bool config_ds_key(ini_strict *in, parse_state *ps, const char *key,
                   const char *value);

#endif
