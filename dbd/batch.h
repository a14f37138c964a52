/*
 * batch.h - runs a batch: its operations in order, inside a transaction
 * when the batch is atomic (the front end has made sure the connector can
 * do transactions), each one's outcome reported as one entry of
 * "results".  See batch.c for how a failure is reported.
 */
#ifndef DBD_BATCH_H
#define DBD_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "codec.h"
#include "exec.h"

/* Sends the reply through w (already created for this request).  Returns
 * true when the connection broke; *why then says how. */
bool dbd_exec_batch(const dbd_exec_env *x, const dbd_op *batch,
                    dbd_reply_writer *w, const dbd_reply_to *to, char *why,
                    size_t whylen);

#endif
