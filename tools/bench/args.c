/*
 * args.c - strict number parsing for the benchmark tools (see args.h).
 */
#include "args.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool bench_parse_uint(const char *text, uint64_t min, uint64_t max,
                      uint64_t *out)
{
    /* strtoull accepts leading blanks and a minus sign; refuse both. */
    if (text == NULL || !isdigit((unsigned char)text[0]))
        return false;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = (uint64_t)v;
    return true;
}

bool bench_parse_seconds(const char *text, double max, double *out)
{
    /* Plain decimal only: no blanks, signs, hex floats, inf or nan. */
    if (text == NULL || !(isdigit((unsigned char)text[0]) || text[0] == '.') ||
        strpbrk(text, "xX") != NULL)
        return false;
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !(v >= 0.0) || v > max)
        return false;
    *out = v;
    return true;
}
