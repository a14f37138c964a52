/*
 * config_value.h - parsing of single dbd.conf values: numbers with ranges,
 * byte sizes with K/M/G suffixes, yes/no, endpoint lists, option names.
 * Each parser writes a message naming the problem to err on failure.
 */
#ifndef DBD_CONFIG_VALUE_H
#define DBD_CONFIG_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decimal integer in min..max. */
bool config_parse_uint(const char *s, uint64_t min, uint64_t max,
                       uint64_t *out, char *err, size_t errlen);
/* Like config_parse_uint, with an optional K, M or G suffix (x1024^n). */
bool config_parse_size(const char *s, uint64_t min, uint64_t max,
                       uint64_t *out, char *err, size_t errlen);
/* yes/no, true/false, on/off, 1/0. */
bool config_parse_bool(const char *s, bool *out);
/*
 * Splits s at commas and blanks into "ipc://..." / "tcp://..." endpoints,
 * replacing *list.  0, -1 (err says why) or -2 on allocation failure.
 */
int config_parse_endpoints(const char *s, char ***list, size_t *n, char *err,
                           size_t errlen);
/* [A-Za-z0-9_.-]{1,64} */
bool config_option_name_valid(const char *s);

#endif
