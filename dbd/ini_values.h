/*
 * ini_values.h - storing one key's value while reading a strict INI file
 * (ini_strict.h): the value is parsed with config_value.h and stored, or
 * an error naming the key is recorded for the line being read.  Shared by
 * dbd.conf and sipproxy.conf, so the same kind of value reads and fails
 * alike in both.
 */
#ifndef DBD_INI_VALUES_H
#define DBD_INI_VALUES_H

#include <stdbool.h>
#include <stdint.h>

#include "ini_strict.h"
#include "log.h"

/* A copy of value into *dst (the old one freed).  An empty value is an
 * error ("KEY is empty"), or sets *dst to NULL when empty_is_null. */
bool ini_set_string(ini_strict *in, const char *key, const char *value,
                    bool empty_is_null, char **dst);
/* Decimal integer in min..max. */
bool ini_set_uint(ini_strict *in, const char *key, const char *value,
                  uint64_t min, uint64_t max, uint64_t *out);
/* Like ini_set_uint, with an optional K, M or G suffix. */
bool ini_set_size(ini_strict *in, const char *key, const char *value,
                  uint64_t min, uint64_t max, uint64_t *out);
/* yes/no, true/false, on/off, 1/0. */
bool ini_set_bool(ini_strict *in, const char *key, const char *value,
                  bool *out);
/* One of n names: *out gets its index.  Otherwise the error says
 * KEY: "VALUE" is not A, B or C. */
bool ini_set_choice(ini_strict *in, const char *key, const char *value,
                    const char *const *names, size_t n, int *out);
/* File permission bits in octal, 0 to 0777 (e.g. 0660). */
bool ini_set_mode(ini_strict *in, const char *key, const char *value,
                  unsigned *out);
/* "stderr" or "syslog". */
bool ini_set_log_dest(ini_strict *in, const char *key, const char *value,
                      dbd_log_dest *out);
/* A syslog level by name (dbd_log_level_from_name). */
bool ini_set_log_level(ini_strict *in, const char *key, const char *value,
                       int *out);

#endif
