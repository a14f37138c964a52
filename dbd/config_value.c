/* config_value.c - parsers for single dbd.conf values (see config_value.h). */
#include "config_value.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Parses the leading digits of s; *end points past them. */
static bool parse_digits(const char *s, uint64_t *out, const char **end,
                         char *err, size_t errlen)
{
    uint64_t v = 0;
    const char *p = s;
    if (!isdigit((unsigned char)*p)) {
        snprintf(err, errlen, "\"%s\" is not a number", s);
        return false;
    }
    for (; isdigit((unsigned char)*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10) {
            snprintf(err, errlen, "\"%s\" is too large", s);
            return false;
        }
        v = v * 10 + d;
    }
    *out = v;
    *end = p;
    return true;
}

static bool check_range(const char *s, uint64_t v, uint64_t min, uint64_t max,
                        char *err, size_t errlen)
{
    if (v < min || v > max) {
        snprintf(err, errlen, "%s is out of range (%" PRIu64 "..%" PRIu64 ")",
                 s, min, max);
        return false;
    }
    return true;
}

bool config_parse_uint(const char *s, uint64_t min, uint64_t max,
                       uint64_t *out, char *err, size_t errlen)
{
    uint64_t v;
    const char *end;
    if (!parse_digits(s, &v, &end, err, errlen))
        return false;
    if (*end != '\0') {
        snprintf(err, errlen, "\"%s\" is not a number", s);
        return false;
    }
    if (!check_range(s, v, min, max, err, errlen))
        return false;
    *out = v;
    return true;
}

bool config_parse_size(const char *s, uint64_t min, uint64_t max,
                       uint64_t *out, char *err, size_t errlen)
{
    uint64_t v, mult = 1;
    const char *end;
    if (!parse_digits(s, &v, &end, err, errlen))
        return false;
    switch (*end) {
    case '\0':
        break;
    case 'k': case 'K':
        mult = UINT64_C(1) << 10;
        break;
    case 'm': case 'M':
        mult = UINT64_C(1) << 20;
        break;
    case 'g': case 'G':
        mult = UINT64_C(1) << 30;
        break;
    default:
        snprintf(err, errlen, "\"%s\" is not a size (bytes, or a number "
                 "with K, M or G)", s);
        return false;
    }
    if (*end != '\0' && end[1] != '\0') {
        snprintf(err, errlen, "\"%s\" is not a size (bytes, or a number "
                 "with K, M or G)", s);
        return false;
    }
    if (v > UINT64_MAX / mult) {
        snprintf(err, errlen, "\"%s\" is too large", s);
        return false;
    }
    v *= mult;
    if (!check_range(s, v, min, max, err, errlen))
        return false;
    *out = v;
    return true;
}

bool config_parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

int config_parse_endpoints(const char *s, char ***list, size_t *n, char *err,
                           size_t errlen)
{
    char **out = NULL;
    size_t nout = 0;
    int rc = -1;
    const char *p = s;

    for (;;) {
        size_t len;
        char *ep, **grown;
        p += strspn(p, ", \t");
        if (*p == '\0')
            break;
        len = strcspn(p, ", \t");
        if (!((len > 6 && strncmp(p, "ipc://", 6) == 0) ||
              (len > 6 && strncmp(p, "tcp://", 6) == 0))) {
            snprintf(err, errlen, "\"%.*s\" is not ipc://PATH or "
                     "tcp://HOST:PORT", (int)len, p);
            goto out;
        }
        for (size_t i = 0; i < nout; i++) {
            if (strlen(out[i]) == len && strncmp(out[i], p, len) == 0) {
                snprintf(err, errlen, "\"%.*s\" is listed twice", (int)len, p);
                goto out;
            }
        }
        ep = strndup(p, len);
        if (ep == NULL) {
            rc = -2;
            goto out;
        }
        grown = realloc(out, (nout + 1) * sizeof *grown);
        if (grown == NULL) {
            free(ep);
            rc = -2;
            goto out;
        }
        out = grown;
        out[nout++] = ep;
        p += len;
    }
    if (nout == 0) {
        snprintf(err, errlen, "no endpoint given");
        goto out;
    }
    free_list(*list, *n);
    *list = out;
    *n = nout;
    out = NULL;
    nout = 0;
    rc = 0;
out:
    free_list(out, nout);
    return rc;
}

bool config_option_name_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '_' && c != '.' && c != '-')
            return false;
    }
    return true;
}
