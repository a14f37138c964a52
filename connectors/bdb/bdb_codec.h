/*
 * bdb_codec.h - the byte formats the bdb connector stores: row values
 * (a column count, then one tagged value per column, lengths as varints,
 * so neither row size nor column count has a fixed limit) and key
 * components (order-preserving, so that Berkeley DB's bytewise key order
 * is the values' order: ints numerically, strings and blobs bytewise).
 *
 * Writers append to a dbd_buf, whose failure is sticky: check b->failed
 * once at the end.  Readers never read past end and return false on bytes
 * that do not decode (a damaged record).
 */
#ifndef BDB_CODEC_H
#define BDB_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "value.h"

void bdb_put_varint(dbd_buf *b, uint64_t v);
bool bdb_get_varint(const uint8_t **p, const uint8_t *end, uint64_t *out);
/* A length-prefixed byte string. */
void bdb_put_bytes(dbd_buf *b, const void *p, size_t n);
bool bdb_get_bytes(const uint8_t **p, const uint8_t *end, const uint8_t **out,
                   size_t *n);

/* One tagged value (any type, NULL included). Decoded strings and blobs
 * point into the input and are not NUL-terminated. */
void bdb_put_value(dbd_buf *b, const dbd_value *v);
bool bdb_get_value(const uint8_t **p, const uint8_t *end, dbd_value *out);

/* A row: the count of values, then the values. */
void bdb_row_encode(dbd_buf *b, const dbd_value *vals, size_t n);
/* Fills vals[0..n); columns the record lacks become NULL.  false when the
 * record is damaged. */
bool bdb_row_decode(const void *data, size_t size, dbd_value *vals,
                    size_t n);
/* Column col alone, skipping the ones before it. */
bool bdb_row_column(const void *data, size_t size, size_t col,
                    dbd_value *out);

/* Appends one key component for a non-NULL value; -0.0 is stored as 0.0
 * so that the two, equal in SQL, are one key. */
void bdb_key_append(dbd_buf *b, const dbd_value *v);
/* The int64 a key that is one int (or datetime) component encodes; false
 * when the key is not 8 bytes. */
bool bdb_key_int(const void *key, size_t size, int64_t *out);

#endif
