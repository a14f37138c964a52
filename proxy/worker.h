/*
 * worker.h - one worker process: reads datagrams from its own sockets
 * (one per listen address, see listen.h), handles them, answers and
 * forwards from those same sockets, and talks to dbd through its own
 * client without ever waiting for it, until SIGTERM or SIGINT.
 */
#ifndef SP_WORKER_H
#define SP_WORKER_H

#include <stddef.h>

#include "conf.h"
#include "listen.h"
#include "log.h"
#include "nonce.h"

/* Runs worker index on its sockets within socks (all nsocks from
 * sp_sockets_open); returns the process exit code.  Worker 0 also
 * deletes expired location rows every cfg->cleanup_interval_s. */
int sp_worker_run(const sp_conf *cfg, const dbd_log *log,
                  const sp_socket *socks, size_t nsocks, unsigned index,
                  const sip_nonce_key *key);

#endif
