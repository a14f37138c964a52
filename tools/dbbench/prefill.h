/*
 * prefill.h - writes the bench subscribers (see workload.h) before a run.
 */
#ifndef DBBENCH_PREFILL_H
#define DBBENCH_PREFILL_H

#include <stddef.h>

#include "dbdclient.h"
#include "options.h"

/*
 * Makes sure subscribers user0..user<users-1> exist in BENCH_DOMAIN: does
 * nothing when all of them are there, else replaces them in atomic batches
 * of 1000.  Progress goes to stderr.  Returns 0, or -1 with the reason in
 * err.
 */
int bench_prefill(dbd_client *c, const dbbench_opts *o, char *err,
                  size_t errlen);

#endif
