/*
 * conf_parse.h - the state of one sipproxy.conf parse, shared by conf.c
 * (sections and whole-file checks) and conf_keys.c (the keys); reading
 * lines, duplicate keys and errors are dbd's strict INI reader's
 * (ini_strict.h), so both daemons read and report alike.
 */
#ifndef SP_CONF_PARSE_H
#define SP_CONF_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "ini_strict.h"

enum sp_section { SP_SEC_NONE, SP_SEC_SIPPROXY, SP_SEC_SIP, SP_SEC_TABLES,
                  SP_SEC_COUNT };

typedef struct sp_parse {
    sp_conf *cfg;
    ini_strict *in;            /* for errors, while a key is handled */
    enum sp_section sec;       /* of the current good section */
    int sec_lines[SP_SEC_COUNT]; /* line of each section's header, 0 = unseen */
} sp_parse;

#define sp_conf_error(ps, ...) ini_strict_error((ps)->in, __VA_ARGS__)

/* One key of the current section; false with the error set when the key
 * is unknown or its value bad. */
bool sp_conf_sipproxy_key(sp_parse *ps, const char *key, const char *value);
bool sp_conf_sip_key(sp_parse *ps, const char *key, const char *value);
bool sp_conf_tables_key(sp_parse *ps, const char *key, const char *value);

/* Splits value at commas and blanks, calling fn for each word; false as
 * soon as fn fails or when there is no word at all. */
bool sp_conf_each_word(sp_parse *ps, const char *key, const char *value,
                       bool (*fn)(sp_parse *ps, const char *word));

#endif
