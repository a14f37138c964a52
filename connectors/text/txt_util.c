/* txt_util.c - path building (see txt_util.h). */
#include "txt_util.h"

#include <stdio.h>

char *txt_path(const char *dir, const char *prefix, const char *name,
               const char *suffix)
{
    char *p = NULL;
    if (asprintf(&p, "%s/%s%s%s", dir, prefix, name, suffix) < 0)
        return NULL;
    return p;
}
