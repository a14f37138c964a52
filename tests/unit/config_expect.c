/* config_expect.c - see config_expect.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config_expect.h"

dbd_config *parse_ok(const char *text)
{
    char err[1024] = "";
    dbd_config *cfg = dbd_config_parse_string(text, "t.conf", err, sizeof err);
    if (cfg == NULL)
        fail_msg("config rejected: got \"%s\", want success", err);
    return cfg;
}

/* The error text refuses with; fails the test when it is accepted. */
static void refused(const char *text, const char *want, char *err,
                    size_t errlen)
{
    dbd_config *cfg = dbd_config_parse_string(text, "t.conf", err, errlen);
    if (cfg != NULL) {
        dbd_config_destroy(&cfg);
        fail_msg("config accepted, want error \"%s\"", want);
    }
}

void check_error(const char *text, const char *want)
{
    char err[1024] = "";
    refused(text, want, err, sizeof err);
    if (strcmp(err, want) != 0)
        fail_msg("got \"%s\", want \"%s\"", err, want);
}

void check_error_prefix(const char *text, const char *want)
{
    char err[1024] = "";
    refused(text, want, err, sizeof err);
    if (strncmp(err, want, strlen(want)) != 0)
        fail_msg("got \"%s\", want \"%s...\"", err, want);
}
