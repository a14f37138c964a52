/*
 * audit_cmd.h - the parts of "dbctl audit": the status (cmd_audit.c), the
 * live stream (audit_follow.c) and the check of trail files
 * (audit_verify.c).
 */
#ifndef DBCTL_AUDIT_CMD_H
#define DBCTL_AUDIT_CMD_H

#include "dbctl.h"

/* Exit code of --follow when dbd publishes no stream, and of verify on an
 * I/O error (verify exits 1 at a bad record). */
#define AUDIT_EXIT_NOSTREAM 2
#define AUDIT_EXIT_VERIFY_BAD 1
#define AUDIT_EXIT_VERIFY_IO 2

/*
 * Asks dbd (op audit) for the value of the status row name into *value
 * (malloc'd; the caller frees it).  0, or an exit code after the error
 * was printed (dbd's status, or 1 NOTFOUND when the row is missing).
 */
int audit_status_value(dbctl *d, const char *name, char **value);

/* audit --follow ... and audit verify ...; argv[0] is "audit" resp.
 * "verify".  Return the exit code. */
int audit_follow(dbctl *d, int argc, char **argv);
int audit_verify(dbctl *d, int argc, char **argv);

#endif
