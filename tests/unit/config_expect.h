/*
 * config_expect.h - what the dbd.conf unit tests expect of a parse, as
 * cmocka failures: a config that must load, and one that must be refused
 * with an exact "t.conf:LINE: message" (or one starting with it).
 */
#ifndef DBD_TEST_CONFIG_EXPECT_H
#define DBD_TEST_CONFIG_EXPECT_H

#include "config.h"

/* text parsed as "t.conf"; fails the test when it is refused. */
dbd_config *parse_ok(const char *text);
/* Fails the test unless text is refused with exactly want. */
void check_error(const char *text, const char *want);
/* Fails the test unless text is refused with a message starting with
 * want (for messages that come from another module). */
void check_error_prefix(const char *text, const char *want);

#endif
