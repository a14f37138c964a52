/*
 * status.h - the one status table of the dbd protocol.
 *
 * An X-macro keeps the enum, the wire codes, the names and the default
 * messages in one place so they cannot drift apart.  Wire codes are fixed
 * forever: add new statuses only at the end.
 */
#ifndef DBD_STATUS_H
#define DBD_STATUS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/*      name         code  default message                                   */
#define DBD_STATUS_MAP(X)                                                      \
    X(OK,          0,  "success")                                              \
    X(NOTFOUND,    1,  "no such datasource, table or column")                  \
    X(BAD,         2,  "malformed or invalid request")                         \
    X(DENY,        3,  "not permitted")                                        \
    X(UNAVAILABLE, 4,  "backend unavailable, retry later")                     \
    X(TIMEOUT,     5,  "deadline passed")                                      \
    X(CONSTRAINT,  6,  "constraint violation")                                 \
    X(UNSUPPORTED, 7,  "not supported by this backend")                        \
    X(CONFIG,      8,  "configuration error")                                  \
    X(BUSY,        9,  "too many requests queued, retry later")                \
    X(INTERNAL,    10, "internal error")

typedef enum dbd_status {
#define DBD_STATUS_ENUM(name, code, text) DBD_##name = code,
    DBD_STATUS_MAP(DBD_STATUS_ENUM)
#undef DBD_STATUS_ENUM
    DBD_STATUS_COUNT
} dbd_status;

/* "OK", "NOTFOUND", ...; "?" for an out-of-range value. Static storage. */
const char *dbd_status_name(dbd_status st);
/* The default human-readable message. Static storage. */
const char *dbd_status_text(dbd_status st);
/* Case-insensitive name to status; false when the name is unknown. */
bool dbd_status_from_name(const char *name, dbd_status *out);
/* true when code is a defined wire code. */
bool dbd_status_valid(long long code);

/*
 * Formats a message into msg, always NUL-terminated and cut to msglen;
 * nothing happens when msg is NULL or msglen is 0.
 */
void dbd_errf(char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* dbd_errf() for helpers that take their own variable arguments. */
void dbd_verrf(char *msg, size_t msglen, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* dbd_errf() that returns st, so that error paths read
 * "return dbd_failf(DBD_BAD, msg, msglen, "no column %s", name);". */
dbd_status dbd_failf(dbd_status st, char *msg, size_t msglen,
                     const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
