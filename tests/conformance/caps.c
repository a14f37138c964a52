/*
 * caps.c - capability names as dbd's datasources op lists them ("caps":
 * lowercase, comma-separated) and the DBD_CAP_* bits they stand for.
 */
#include "conf.h"

#include <string.h>

static const struct {
    uint64_t bit;
    const char *name;
} cap_names[] = {
    {DBD_CAP_QUERY, "query"},     {DBD_CAP_INSERT, "insert"},
    {DBD_CAP_UPDATE, "update"},   {DBD_CAP_DELETE, "delete"},
    {DBD_CAP_REPLACE, "replace"}, {DBD_CAP_TRANSACTION, "transaction"},
    {DBD_CAP_RAW, "raw"},         {DBD_CAP_ORDER, "order"},
    {DBD_CAP_LIMIT, "limit"},     {DBD_CAP_BITAND, "bitand"},
    {DBD_CAP_LAST_ID, "last_id"}, {DBD_CAP_UNIQUE, "unique"},
};

#define NCAPS (sizeof cap_names / sizeof cap_names[0])

uint64_t conf_caps_parse(const char *text)
{
    uint64_t caps = 0;
    const char *p = text;

    while (p != NULL && *p != '\0') {
        size_t len = strcspn(p, ",");
        for (size_t i = 0; i < NCAPS; i++)
            if (strlen(cap_names[i].name) == len &&
                strncmp(cap_names[i].name, p, len) == 0)
                caps |= cap_names[i].bit;
        p += len;
        if (*p == ',')
            p++;
    }
    return caps;
}

const char *conf_cap_name(uint64_t caps)
{
    for (size_t i = 0; i < NCAPS; i++)
        if ((caps & cap_names[i].bit) != 0)
            return cap_names[i].name;
    return "?";
}
