/* log.c - stderr or syslog logging with a level filter (see log.h). */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 4096

struct dbd_log {
    dbd_log_dest dest;
    int level;
};

static const struct {
    const char *name;
    int level;
} level_names[] = {
    {"error", LOG_ERR},   {"warning", LOG_WARNING}, {"notice", LOG_NOTICE},
    {"info", LOG_INFO},   {"debug", LOG_DEBUG},
};

bool dbd_log_level_from_name(const char *name, int *level)
{
    for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++) {
        if (strcmp(name, level_names[i].name) == 0) {
            *level = level_names[i].level;
            return true;
        }
    }
    return false;
}

const char *dbd_log_level_name(int level)
{
    for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
        if (level_names[i].level == level)
            return level_names[i].name;
    /* Levels above debug or below error are clamped by the callers. */
    return level < LOG_ERR ? "error" : "debug";
}

dbd_log *dbd_log_new(dbd_log_dest dest, int level, const char *ident)
{
    dbd_log *lg = calloc(1, sizeof *lg);
    if (lg == NULL)
        return NULL;
    lg->dest = dest;
    lg->level = level;
    if (dest == DBD_LOG_TO_SYSLOG)
        openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
    return lg;
}

void dbd_log_destroy(dbd_log **plg)
{
    if (plg == NULL || *plg == NULL)
        return;
    if ((*plg)->dest == DBD_LOG_TO_SYSLOG)
        closelog();
    free(*plg);
    *plg = NULL;
}

bool log_enabled(const dbd_log *lg, int level)
{
    return lg != NULL && level <= lg->level;
}

static void log_write(const dbd_log *lg, int level, const char *prefix,
                      const char *errtext, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

/* Formats and writes one line; errtext (may be NULL) is appended. */
static void log_write(const dbd_log *lg, int level, const char *prefix,
                      const char *errtext, const char *fmt, va_list ap)
{
    char line[LOG_LINE_MAX];
    size_t off = 0;
    int n;

    if (lg->dest == DBD_LOG_TO_STDERR) {
        struct timespec ts;
        struct tm tm;
        if (clock_gettime(CLOCK_REALTIME, &ts) != 0 ||
            gmtime_r(&ts.tv_sec, &tm) == NULL)
            memset(&tm, 0, sizeof tm);
        off = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
        n = snprintf(line + off, sizeof line - off, ".%03ldZ %s: ",
                     (long)(ts.tv_nsec / 1000000), dbd_log_level_name(level));
        if (n > 0)
            off += (size_t)n;
    }
    if (prefix != NULL && off < sizeof line) {
        n = snprintf(line + off, sizeof line - off, "%s", prefix);
        if (n > 0)
            off += (size_t)n;
    }
    if (off < sizeof line) {
        n = vsnprintf(line + off, sizeof line - off, fmt, ap);
        if (n > 0)
            off += (size_t)n;
    }
    if (errtext != NULL && off < sizeof line) {
        n = snprintf(line + off, sizeof line - off, ": %s", errtext);
        if (n > 0)
            off += (size_t)n;
    }
    /* Keep room for the newline even when the message was truncated. */
    if (off > sizeof line - 2)
        off = sizeof line - 2;
    if (lg->dest == DBD_LOG_TO_SYSLOG) {
        line[off] = '\0';
        syslog(level, "%s", line);
        return;
    }
    line[off++] = '\n';
    /* One write per line; a short write to stderr is not worth a retry loop
     * that could interleave with other threads. */
    if (write(STDERR_FILENO, line, off) < 0) {
        /* nowhere left to report it */
    }
}

void log_vmsg(const dbd_log *lg, int level, const char *prefix,
              const char *fmt, va_list ap)
{
    if (!log_enabled(lg, level))
        return;
    log_write(lg, level, prefix, NULL, fmt, ap);
}

void log_msg(const dbd_log *lg, int level, const char *fmt, ...)
{
    va_list ap;
    if (!log_enabled(lg, level))
        return;
    va_start(ap, fmt);
    log_write(lg, level, NULL, NULL, fmt, ap);
    va_end(ap);
}

/* The errno-appending variants save errno first: formatting may change it. */
#define LOG_FN(fname, lvl, with_errno)                                        \
    void fname(const dbd_log *lg, const char *fmt, ...)                       \
    {                                                                         \
        int saved = errno;                                                    \
        char ebuf[256];                                                       \
        const char *etext = NULL;                                             \
        va_list ap;                                                           \
        if (!log_enabled(lg, lvl))                                            \
            return;                                                           \
        if (with_errno)                                                       \
            etext = strerror_r(saved, ebuf, sizeof ebuf);                     \
        va_start(ap, fmt);                                                    \
        log_write(lg, lvl, NULL, etext, fmt, ap);                             \
        va_end(ap);                                                           \
        errno = saved;                                                        \
    }

LOG_FN(log_err, LOG_ERR, 1)
LOG_FN(log_errx, LOG_ERR, 0)
LOG_FN(log_warn, LOG_WARNING, 1)
LOG_FN(log_warnx, LOG_WARNING, 0)
LOG_FN(log_notice, LOG_NOTICE, 0)
LOG_FN(log_info, LOG_INFO, 0)
LOG_FN(log_debug, LOG_DEBUG, 0)
