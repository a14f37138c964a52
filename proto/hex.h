/*
 * hex.h - bytes as lowercase hexadecimal text and back: digests in
 * Kamailio's columns, nonces, branches, audit hashes.  Only lowercase is
 * read, so that one value has one spelling.
 */
#ifndef DBD_HEX_H
#define DBD_HEX_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the n bytes at raw as 2n lowercase hex digits at out, then a NUL
 * (out holds 2n + 1). */
void dbd_hex_encode(const void *raw, size_t n, char *out);

/* Reads 2n lowercase hex digits at hex into the n bytes at raw.  false,
 * with raw unchanged, when any of them is not one. */
bool dbd_hex_decode(const char *hex, size_t n, void *raw);

#endif
