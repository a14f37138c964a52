/*
 * expect.c - the documented per-connector expectations: where a backend's
 * storage format itself cannot hold a value exactly, the suite expects the
 * substitute the connector documents, and the TAP name says why.  Anything
 * not listed here must round-trip exactly.  Entries match a connector
 * scheme, or a datasource name for a backend reached through a generic
 * connector (e.g. SQLite behind ODBC).
 */
#include "conf.h"

#include <string.h>

static const struct {
    const char *scheme; /* or NULL */
    const char *ds;     /* or NULL */
    unsigned expect;
} rules[] = {
    /* db_text: `time` columns hold integer seconds; an empty field of a
     * column that allows NULL is NULL. */
    {"text", NULL, CONF_EXPECT_DT_SECONDS | CONF_EXPECT_EMPTY_IS_NULL},
    /* SQLite writes a REAL whose value is integral as an integer, so the
     * sign of -0.0 does not survive a REAL column. */
    {"sqlite", NULL, CONF_EXPECT_NEG_ZERO},
    {NULL, "odbc_sqlite", CONF_EXPECT_NEG_ZERO},
    /* MariaDB stores -0.0 in a DOUBLE column as +0.0 (seen on the server
     * itself, whatever the client sends). */
    {"mysql", NULL, CONF_EXPECT_NEG_ZERO},
    {NULL, "odbc_maria", CONF_EXPECT_NEG_ZERO},
};

unsigned conf_expectations(const char *ds, const char *scheme)
{
    unsigned e = 0;

    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        if (rules[i].scheme != NULL && strcmp(rules[i].scheme, scheme) == 0)
            e |= rules[i].expect;
        if (rules[i].ds != NULL && strcmp(rules[i].ds, ds) == 0)
            e |= rules[i].expect;
    }
    return e;
}

const char *conf_expect_why(unsigned bit)
{
    switch (bit) {
    case CONF_EXPECT_DT_SECONDS:
        return "whole seconds: the format stores integer seconds";
    case CONF_EXPECT_EMPTY_IS_NULL:
        return "reads NULL: the format cannot tell '' from NULL in a null "
               "column";
    case CONF_EXPECT_NEG_ZERO:
        return "reads +0.0: the backend does not keep the sign of a zero "
               "double";
    default:
        return "?";
    }
}
