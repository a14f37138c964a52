/* ini_values.c - one key's value parsed and stored (see ini_values.h). */
#include "ini_values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_value.h"

bool ini_set_string(ini_strict *in, const char *key, const char *value,
                    bool empty_is_null, char **dst)
{
    char *copy = NULL;
    if (*value == '\0' && !empty_is_null) {
        ini_strict_error(in, "%s is empty", key);
        return false;
    }
    if (*value != '\0') {
        copy = strdup(value);
        if (copy == NULL) {
            ini_strict_oom(in);
            return false;
        }
    }
    free(*dst);
    *dst = copy;
    return true;
}

bool ini_set_choice(ini_strict *in, const char *key, const char *value,
                    const char *const *names, size_t n, int *out)
{
    char list[256];
    size_t used = 0;

    for (size_t i = 0; i < n; i++) {
        if (strcmp(value, names[i]) == 0) {
            *out = (int)i;
            return true;
        }
    }
    list[0] = '\0';
    for (size_t i = 0; i < n && used < sizeof list; i++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s",
                         i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    ini_strict_error(in, "%s: \"%s\" is not %s", key, value, list);
    return false;
}

bool ini_set_mode(ini_strict *in, const char *key, const char *value,
                  unsigned *out)
{
    unsigned v = 0;
    const char *p = value;

    for (; *p >= '0' && *p <= '7' && v <= 0777; p++)
        v = v * 8 + (unsigned)(*p - '0');
    if (p == value || *p != '\0' || v > 0777) {
        ini_strict_error(in, "%s: \"%s\" is not an octal mode from 0 to "
                         "0777 (e.g. 0660)", key, value);
        return false;
    }
    *out = v;
    return true;
}

typedef bool (*number_parser)(const char *s, uint64_t min, uint64_t max,
                              uint64_t *out, char *err, size_t errlen);

static bool set_number(ini_strict *in, const char *key, const char *value,
                       uint64_t min, uint64_t max, uint64_t *out,
                       number_parser parse)
{
    char err[256];
    if (!parse(value, min, max, out, err, sizeof err)) {
        ini_strict_error(in, "%s: %s", key, err);
        return false;
    }
    return true;
}

bool ini_set_uint(ini_strict *in, const char *key, const char *value,
                  uint64_t min, uint64_t max, uint64_t *out)
{
    return set_number(in, key, value, min, max, out, config_parse_uint);
}

bool ini_set_size(ini_strict *in, const char *key, const char *value,
                  uint64_t min, uint64_t max, uint64_t *out)
{
    return set_number(in, key, value, min, max, out, config_parse_size);
}

bool ini_set_bool(ini_strict *in, const char *key, const char *value,
                  bool *out)
{
    if (!config_parse_bool(value, out)) {
        ini_strict_error(in, "%s: \"%s\" is not yes or no", key, value);
        return false;
    }
    return true;
}

bool ini_set_log_dest(ini_strict *in, const char *key, const char *value,
                      dbd_log_dest *out)
{
    if (strcmp(value, "stderr") == 0)
        *out = DBD_LOG_TO_STDERR;
    else if (strcmp(value, "syslog") == 0)
        *out = DBD_LOG_TO_SYSLOG;
    else {
        ini_strict_error(in, "%s: \"%s\" is neither stderr nor syslog", key,
                         value);
        return false;
    }
    return true;
}

bool ini_set_log_level(ini_strict *in, const char *key, const char *value,
                       int *out)
{
    if (!dbd_log_level_from_name(value, out)) {
        ini_strict_error(in, "%s: \"%s\" is not one of error, warning, "
                         "notice, info, debug", key, value);
        return false;
    }
    return true;
}
