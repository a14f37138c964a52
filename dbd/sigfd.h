/*
 * sigfd.h - signals as file descriptor events (signalfd), so the front
 * end sees them in its poll loop and no work happens in a handler.
 */
#ifndef DBD_SIGFD_H
#define DBD_SIGFD_H

/*
 * Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (threads started
 * later inherit the mask), ignores SIGPIPE, and returns a non-blocking
 * signalfd for the three; -1 with errno on failure.  Call before any
 * thread exists, ZeroMQ's included.
 */
int dbd_signals_open(void);

/* The number of one pending signal, 0 when none, -1 on error. */
int dbd_signals_read(int fd);

#endif
