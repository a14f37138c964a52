/*
 * config_parse.h - the state of one dbd.conf parse, shared by config.c
 * (sections and whole-file checks), config_keys.c, config_audit.c and
 * config_client.c (the keys); reading
 * lines, duplicate keys and errors are ini_strict's.
 */
#ifndef DBD_CONFIG_PARSE_H
#define DBD_CONFIG_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "ini_strict.h"

enum section_kind { SEC_DBD, SEC_AUDIT, SEC_DS, SEC_CLIENT };

typedef struct parse_state {
    dbd_config *cfg;
    enum section_kind sec; /* of the current good section */
    size_t cur_ds;
    size_t cur_client;
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

/* [client NAME] (config_client.c): the header (name is what follows
 * "client", trimmed), its keys (read, write, raw and admin may repeat and
 * add up), and the checks that need the whole file, run after [dbd]'s
 * defaults are in place. */
bool config_client_section(ini_strict *in, parse_state *ps, const char *name);
bool config_client_key_repeats(const char *key);
bool config_client_key(ini_strict *in, parse_state *ps, const char *key,
                       const char *value);
void config_client_finish(ini_strict *in, parse_state *ps);

#endif
