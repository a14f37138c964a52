/*
 * fdlimit.h - the open-files limit a daemon starts with.  Every client
 * connection to dbd is a descriptor; at the usual soft limit of 1024 a
 * daemon with a thousand clients runs out, and libzmq aborts the process
 * when it cannot accept.  Raising the soft limit to the hard one (which
 * needs no privilege) is what the administrator meant by the hard limit.
 */
#ifndef DBD_FDLIMIT_H
#define DBD_FDLIMIT_H

#include <sys/resource.h>

/* Below this many descriptors dbd warns at start-up. */
#define DBD_FD_LIMIT_WANT 4096

typedef struct dbd_fd_limit {
    rlim_t before; /* the soft limit found */
    rlim_t now;    /* the soft limit after raising it */
} dbd_fd_limit;

/* Raises the soft RLIMIT_NOFILE to the hard limit.  0, or -1 with errno
 * (out->now then stays out->before). */
int dbd_fd_limit_raise(dbd_fd_limit *out);

#endif
