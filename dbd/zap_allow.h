/*
 * zap_allow.h - the allow-list of CURVE client keys ([dbd] clients): one
 * "NAME PUBLIC-KEY" line per client, NAME 1..64 of [A-Za-z0-9_.-], the
 * key 40 characters of Z85; '#' comment lines and blank lines allowed.
 * A name or a key listed twice is an error, so that a record's client
 * name always stands for one key.
 */
#ifndef DBD_ZAP_ALLOW_H
#define DBD_ZAP_ALLOW_H

#include <stddef.h>

#include "curve_key.h"

#define DBD_ALLOW_KEY_BYTES 32 /* a CURVE public key */

typedef struct dbd_allow_entry {
    char name[DBD_CURVE_NAME_MAX + 1];
    unsigned char key[DBD_ALLOW_KEY_BYTES];
} dbd_allow_entry;

typedef struct dbd_allow_list {
    dbd_allow_entry *v;
    size_t n;
} dbd_allow_list;

/* Reads the file at path into *out (empty on error).  0, or -1 with err
 * "PATH:LINE: what" or "PATH: what". */
int dbd_allow_list_load(const char *path, dbd_allow_list *out, char *err,
                        size_t errlen);

/* The name listed for key, or NULL. */
const char *dbd_allow_list_find(const dbd_allow_list *l,
                                const unsigned char key[DBD_ALLOW_KEY_BYTES]);

/* Frees the entries and empties *l. */
void dbd_allow_list_free(dbd_allow_list *l);

#endif
