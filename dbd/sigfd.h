/*
 * sigfd.h - signals as file descriptor events (signalfd), so the front
 * end sees them in its poll loop and no work happens in a handler.  Used
 * by dbd and by sipproxy (whose master also watches SIGCHLD).
 */
#ifndef DBD_SIGFD_H
#define DBD_SIGFD_H

#include <stdbool.h>

/*
 * Blocks SIGTERM, SIGINT and SIGHUP (and SIGCHLD when with_child) in the
 * calling thread (threads and children started later inherit the mask),
 * ignores SIGPIPE, and returns a non-blocking signalfd for them; -1 with
 * errno on failure.  Call before any thread exists, ZeroMQ's included.
 */
int dbd_signals_open(bool with_child);
/* The same with one more signal of the caller's (0: none), e.g. SIGUSR1
 * for dbd's audit file. */
int dbd_signals_open_with(int extra);

/* The number of one pending signal, 0 when none, -1 on error. */
int dbd_signals_read(int fd);

#endif
