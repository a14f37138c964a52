/*
 * txt_query.h - runs a query over a table held in memory: conditions,
 * ORDER BY on several keys (NULL first when ascending, as SQLite orders),
 * LIMIT/OFFSET, and delivery of typed rows to the daemon's sink.
 */
#ifndef TXT_QUERY_H
#define TXT_QUERY_H

#include <stddef.h>

#include "dbd_connector.h"
#include "txt_table.h"

/* t must be loaded.  NOTFOUND for unknown columns, BAD for values that do
 * not fit their column, INTERNAL when the sink asks to stop. */
dbd_status txt_query_run(const txt_table *t, const dbd_op *op,
                         const dbd_sink *sink, char *msg, size_t msglen);

#endif
