/*
 * status.c - names and messages of the status table, and the helpers
 * every layer formats its error messages with (see status.h).
 */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

static const char *const status_names[] = {
#define DBD_STATUS_NAME(name, code, text) [code] = #name,
    DBD_STATUS_MAP(DBD_STATUS_NAME)
#undef DBD_STATUS_NAME
};

static const char *const status_texts[] = {
#define DBD_STATUS_TEXT(name, code, text) [code] = text,
    DBD_STATUS_MAP(DBD_STATUS_TEXT)
#undef DBD_STATUS_TEXT
};

bool dbd_status_valid(long long code)
{
    return code >= 0 && code < DBD_STATUS_COUNT;
}

const char *dbd_status_name(dbd_status st)
{
    return dbd_status_valid(st) ? status_names[st] : "?";
}

const char *dbd_status_text(dbd_status st)
{
    return dbd_status_valid(st) ? status_texts[st] : "unknown status";
}

bool dbd_status_from_name(const char *name, dbd_status *out)
{
    if (name == NULL)
        return false;
    for (int i = 0; i < DBD_STATUS_COUNT; i++) {
        if (strcasecmp(name, status_names[i]) == 0) {
            *out = (dbd_status)i;
            return true;
        }
    }
    return false;
}

void dbd_verrf(char *msg, size_t msglen, const char *fmt, va_list ap)
{
    if (msg == NULL || msglen == 0)
        return;
    if (vsnprintf(msg, msglen, fmt, ap) < 0)
        msg[0] = '\0';
}

void dbd_errf(char *msg, size_t msglen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dbd_verrf(msg, msglen, fmt, ap);
    va_end(ap);
}

dbd_status dbd_failf(dbd_status st, char *msg, size_t msglen,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dbd_verrf(msg, msglen, fmt, ap);
    va_end(ap);
    return st;
}
