/*
 * signals.h - sipproxy's name for reading dbd's shared signal fd
 * (sigfd.h), which the master and the workers open with
 * dbd_signals_open(); kept so that callers of sp_signals_read need not
 * change.
 */
#ifndef SP_SIGNALS_H
#define SP_SIGNALS_H

#include "sigfd.h"

/* The number of one pending signal, 0 when none, -1 on error. */
static inline int sp_signals_read(int fd)
{
    return dbd_signals_read(fd);
}

#endif
