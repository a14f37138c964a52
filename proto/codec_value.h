/*
 * codec_value.h - the codec's internal toolbox, shared by the request and
 * reply codecs: packing into a dbd_buf, one dbd_value to and from
 * MessagePack, and the guarded unpacking of a whole message.
 *
 * Not installed; nothing outside proto/codec_*.c and the codec tests uses it.
 */
#ifndef DBD_CODEC_VALUE_H
#define DBD_CODEC_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <msgpack.h>

#include "arena.h"
#include "codec.h"
#include "status.h"
#include "value.h"

/* MessagePack extension types. */
#define DBD_EXT_DATETIME 1    /* 8-byte big-endian int64, UTC epoch µs */
#define DBD_EXT_TIMESTAMP (-1) /* the standard timestamp extension */

/*
 * Limits on what a message may contain, checked before anything is
 * allocated for it (PROTOCOL.md, "Limits"): containers nest at most
 * DBD_CODEC_MAX_DEPTH deep, and no array or map of a request holds more
 * than DBD_CODEC_MAX_ITEMS elements.
 */
#define DBD_CODEC_MAX_DEPTH 8
#define DBD_CODEC_MAX_ITEMS 65536

/* --- buffer --- */

/* A msgpack_packer_write callback; data is a dbd_buf. */
int dbd_buf_write(void *data, const char *buf, size_t len);
/* Starts a packer that appends to b. */
void dbd_packer_init(msgpack_packer *pk, dbd_buf *b);

/* --- packing; each returns 0, or non-zero on allocation failure --- */

int dbd_pack_str(msgpack_packer *pk, const char *s, size_t len);
/* A NUL-terminated string, e.g. a map key. */
int dbd_pack_cstr(msgpack_packer *pk, const char *s);
int dbd_pack_value(msgpack_packer *pk, const dbd_value *v);

/* --- unpacking --- */

/* "nil", "bool", "int", "float", "str", "bin", "array", "map", "ext". */
const char *dbd_mp_type_name(const msgpack_object *o);

/*
 * Converts o into *v.  With an arena, string and blob bytes are copied
 * into it (NUL-terminated); without, v borrows them from the message.
 * Returns 0, or -1 with the reason (no field name) in why.
 */
int dbd_unpack_value(const msgpack_object *o, dbd_arena *a, dbd_value *v,
                     char *why, size_t whylen);

/* true when o is a string equal to the NUL-terminated s.  Inline: with a
 * literal s the length is known at compile time. */
static inline bool dbd_mp_str_eq(const msgpack_object *o, const char *s)
{
    size_t n = strlen(s);
    return o->type == MSGPACK_OBJECT_STR && o->via.str.size == n &&
           memcmp(o->via.str.ptr, s, n) == 0;
}

/*
 * Writes s (len bytes) into out for an error message: quoted, cut after
 * 32 bytes, bytes outside printable ASCII as \xNN.
 */
void dbd_quote(const char *s, size_t len, char *out, size_t outlen);

/*
 * Checks that data[0..len) holds exactly one well-formed MessagePack
 * object within the depth limit, and that no container declares more
 * elements than there are bytes left (so unpacking it cannot allocate more
 * than a small multiple of len).  Returns 0, or -1 with the reason in err.
 */
int dbd_mp_check(const void *data, size_t len, char *err, size_t errlen);

/*
 * Skips one object at data[*off..len) without allocating: 0 and *off
 * advanced past it, or -1 when it is malformed, truncated or too deep.
 */
int dbd_mp_skip(const unsigned char *data, size_t len, size_t *off);

/*
 * Reads the unsigned integer stored under the string key of the top-level
 * map in data without unpacking the rest; false when data is not a map or
 * the key is missing or holds something else.
 */
bool dbd_mp_map_uint(const void *data, size_t len, const char *key,
                     uint64_t *out);

/*
 * dbd_mp_check() then msgpack_unpack_next() into u (initialised here;
 * the caller destroys it with msgpack_unpacked_destroy() in every case).
 * The message must be a map.  DBD_OK, or DBD_BAD / DBD_INTERNAL with the
 * reason in err.
 */
dbd_status dbd_mp_unpack_map(const void *data, size_t len,
                             msgpack_unpacked *u, char *err, size_t errlen);

#endif
