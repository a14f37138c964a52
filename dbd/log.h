/*
 * log.h - the daemon's logger: stderr lines with an ISO 8601 UTC time and
 * the level, or syslog.  The level is checked before anything is formatted.
 * A dbd_log is read-only after creation and safe to share between threads;
 * each message goes out in one write(2) so lines from threads never mix.
 *
 * Following OpenSMTPD: log_warn() and log_err() append strerror(errno),
 * log_warnx() and log_errx() do not.
 */
#ifndef DBD_LOG_H
#define DBD_LOG_H

#include <stdarg.h>
#include <stdbool.h>

/* Levels are syslog's: LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG. */

typedef enum dbd_log_dest {
    DBD_LOG_TO_STDERR = 0,
    DBD_LOG_TO_SYSLOG,
} dbd_log_dest;

typedef struct dbd_log dbd_log;

/* NULL on allocation failure.  ident names the program in syslog. */
dbd_log *dbd_log_new(dbd_log_dest dest, int level, const char *ident);
void dbd_log_destroy(dbd_log **plg);

/* true when a message of this level would be written. */
bool log_enabled(const dbd_log *lg, int level);

/* prefix (may be NULL) goes before the message, e.g. "[sq] ". */
void log_vmsg(const dbd_log *lg, int level, const char *prefix,
              const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
void log_msg(const dbd_log *lg, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void log_err(const dbd_log *lg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_errx(const dbd_log *lg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_warn(const dbd_log *lg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_warnx(const dbd_log *lg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_notice(const dbd_log *lg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_info(const dbd_log *lg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_debug(const dbd_log *lg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "error", "warning", "notice", "info", "debug" <-> syslog levels. */
bool dbd_log_level_from_name(const char *name, int *level);
const char *dbd_log_level_name(int level);

#endif
