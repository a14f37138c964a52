/*
 * audit_file.h - the audit trail's file, as the writer thread uses it:
 * where an existing file's chain ends, whole-or-nothing appends, size
 * rotation, reopening (after an outside rotation) and syncing.  Used by
 * one thread only.
 */
#ifndef DBD_AUDIT_FILE_H
#define DBD_AUDIT_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit_chain.h"

typedef struct audit_file {
    const char *path;     /* borrowed from the config */
    int fd;               /* -1 when closed */
    uint64_t size;        /* bytes in the file now */
    uint64_t max_size;    /* rotate beyond this; 0: never */
} audit_file;

/*
 * Where the chain of the file at path ends: its last record's hash and the
 * seq after it.  1 when the file is missing or empty (nothing to
 * continue); 0 when found; -1 with the reason in err when the file cannot
 * be read or its last line is not a whole record (a write cut short).
 */
int audit_file_last(const char *path, dbd_audit_chain *c, uint64_t *next_seq,
                    char *err, size_t errlen);

/* Opens path for appending (created 0640).  0, or -1 with err. */
int audit_file_open(audit_file *f, const char *path, uint64_t max_size,
                    char *err, size_t errlen);
void audit_file_close(audit_file *f);

/* Whether adding len bytes would take a non-empty file past max_size. */
bool audit_file_full(const audit_file *f, size_t len);

/* Appends len bytes whole: after a short or failed write the file is cut
 * back to where it was, so it never ends in part of a line.  0 / -1. */
int audit_file_append(audit_file *f, const void *data, size_t len,
                      char *err, size_t errlen);

/* Renames the file to PATH.YYYYMMDDTHHMMSSZ (-0002, -0003... when taken)
 * and opens a new PATH; moved gets the new name of the old file.  When
 * durable, the directory is synced so the rename survives a crash. */
int audit_file_rotate(audit_file *f, bool durable, char *moved,
                      size_t movedlen, char *err, size_t errlen);

/* Closes and opens PATH again (another program moved it away).  0 / -1. */
int audit_file_reopen(audit_file *f, char *err, size_t errlen);

/* fdatasync.  0 / -1 with err. */
int audit_file_sync(audit_file *f, char *err, size_t errlen);

#endif
