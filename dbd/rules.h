/*
 * rules.h - whether one client's [client NAME] rules allow a request.
 * Nothing but the rules and the decoded request is looked at, so a
 * denial never depends on whether a datasource or a table exists: a
 * client learns nothing about what it may not use.
 *
 * The classes: query is read; insert, update, delete and replace are
 * write (of the table named); raw needs a raw grant on the datasource; a
 * batch is allowed when each of its sub-operations is; ping with a
 * datasource needs any grant on it, ping without one is always allowed;
 * the other admin operations need their bit in admin.
 */
#ifndef DBD_RULES_H
#define DBD_RULES_H

#include <stddef.h>

#include "config.h"
#include "request.h"
#include "status.h"

/* DBD_OK, or DBD_DENY with the reason (naming the client, the class and
 * the datasource and table) in msg. */
dbd_status dbd_rules_check(const dbd_client_rules *c, const dbd_request *req,
                           char *msg, size_t len);

#endif
