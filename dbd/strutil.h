/* strutil.h - bounded string copy (truncating, always NUL-terminated). */
#ifndef DBD_STRUTIL_H
#define DBD_STRUTIL_H

#include <stddef.h>
#include <string.h>

static inline void str_copy(char *dst, size_t size, const char *src)
{
    size_t n;
    if (size == 0)
        return;
    n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

#endif
