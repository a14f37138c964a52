/*
 * curve_key.h - reading the CURVE key files of dbd and its clients.
 *
 * A key-pair file NAME.key (kept secret, mode 0600) and a public-key file
 * NAME.pub, both written by "dbctl keygen", hold lines "public = Z85" and
 * (the pair only) "secret = Z85", each value 40 characters of Z85 (the
 * ZeroMQ text form of a 32-byte key); '#' starts a comment line, blank
 * lines are allowed.  Everything else is an error, so that a typo never
 * leaves a key silently unused.
 *
 * This lives in the core library (no ZeroMQ dependency: Z85 is checked
 * here exactly as zmq_z85_decode() checks it) so that dbd, the client
 * library and every tool read key files the same way.
 */
#ifndef DBD_CURVE_KEY_H
#define DBD_CURVE_KEY_H

#include <stdbool.h>
#include <stddef.h>

/* Characters of a key in Z85, not counting the NUL. */
#define DBD_CURVE_Z85_LEN 40

/* Longest key name (allow-list names, keygen's NAME): 1..64 of
 * [A-Za-z0-9_.-]. */
#define DBD_CURVE_NAME_MAX 64

/*
 * Reads the key file at path into public_z85 (always) and secret_z85.
 * secret_z85 may be NULL: then a .pub file (or a .key file, whose secret
 * is checked but not returned) is enough; when it is not NULL the file
 * must hold a secret.  0, or -1 with err set to "PATH:LINE: what" or
 * "PATH: what" (the outputs are then cleared).
 */
int dbd_curve_key_load(const char *path, char public_z85[41],
                       char secret_z85[41], char *err, size_t errlen);

/* true when s is exactly 40 characters that zmq_z85_decode() accepts. */
bool dbd_curve_z85_valid(const char *s);

/* true when name is 1..64 of [A-Za-z0-9_.-] (a key's name: keygen's NAME,
 * the first word of an allow-list line). */
bool dbd_curve_name_valid(const char *name);

#endif
