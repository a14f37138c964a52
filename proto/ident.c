/* ident.c - the strict identifier pattern (see ident.h). */
#include "ident.h"

static bool ident_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool ident_part(char c)
{
    return ident_start(c) || (c >= '0' && c <= '9');
}

bool dbd_ident_valid(const char *s, size_t len)
{
    if (s == NULL || len == 0 || len > DBD_IDENT_MAX || !ident_start(s[0]))
        return false;
    for (size_t i = 1; i < len; i++)
        if (!ident_part(s[i]))
            return false;
    return true;
}
