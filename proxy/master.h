/*
 * master.h - the master process: forks the workers (which inherit all
 * the bound sockets; worker i uses only its own, see listen.h), restarts
 * one that dies with a growing delay when it dies young (so a crash loop
 * does not spin), and on SIGTERM/SIGINT stops them all and waits for
 * them.  The master keeps every socket open, so a restarted worker i
 * finds its sockets again, with the datagrams the kernel queued on them
 * meanwhile.
 */
#ifndef SP_MASTER_H
#define SP_MASTER_H

#include "conf.h"
#include "log.h"

typedef enum sp_master_outcome {
    SP_MASTER_DONE,   /* the master stopped: exit with *exit_code */
    SP_MASTER_CHILD,  /* in a new worker: run worker *worker_index */
} sp_master_outcome;

/*
 * Runs until SIGTERM/SIGINT arrive on sigfd (which must watch SIGCHLD
 * too).  In a forked worker it returns SP_MASTER_CHILD at once, with the
 * master's own allocations released.
 */
sp_master_outcome sp_master_run(const sp_conf *cfg, const dbd_log *log,
                                int sigfd, unsigned *worker_index,
                                int *exit_code);

#endif
