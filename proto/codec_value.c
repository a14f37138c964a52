/*
 * codec_value.c - the packer that appends to a dbd_buf, one dbd_value to
 * and from MessagePack, plus the guard every decoder runs first: a walk
 * over the raw bytes that allocates nothing and refuses truncation,
 * excessive nesting and container lengths the message cannot hold, so that
 * msgpack_unpack_next() (which allocates every declared array up front)
 * can only ever allocate in proportion to the message size.
 */
#include "codec_value.h"

#include <inttypes.h>
#include <string.h>

void dbd_quote(const char *s, size_t len, char *out, size_t outlen)
{
    static const char hex[] = "0123456789abcdef";
    const size_t shown = len > 32 ? 32 : len;
    size_t o = 0;

    if (outlen == 0)
        return;
    /* Reserve room for the closing quote, "..." and the NUL. */
#define QUOTE_PUT(c) do { if (o + 6 < outlen) out[o++] = (c); } while (0)
    QUOTE_PUT('"');
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            QUOTE_PUT((char)c);
        } else if (o + 10 < outlen) {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
#undef QUOTE_PUT
    if (o < outlen - 1)
        out[o++] = '"';
    if (shown < len)
        for (int i = 0; i < 3 && o < outlen - 1; i++)
            out[o++] = '.';
    out[o] = '\0';
}

/* --- packing --- */

int dbd_buf_write(void *data, const char *buf, size_t len)
{
    return dbd_buf_append(data, buf, len);
}

void dbd_packer_init(msgpack_packer *pk, dbd_buf *b)
{
    msgpack_packer_init(pk, b, dbd_buf_write);
}

int dbd_pack_str(msgpack_packer *pk, const char *s, size_t len)
{
    if (len > UINT32_MAX)
        return -1;
    if (msgpack_pack_str(pk, len) != 0)
        return -1;
    return len ? msgpack_pack_str_body(pk, s, len) : 0;
}

int dbd_pack_cstr(msgpack_packer *pk, const char *s)
{
    return dbd_pack_str(pk, s, strlen(s));
}

static void put_be64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

static uint64_t get_be(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

int dbd_pack_value(msgpack_packer *pk, const dbd_value *v)
{
    unsigned char be[8];

    switch (v->type) {
    case DBD_TYPE_NULL:
        return msgpack_pack_nil(pk);
    case DBD_TYPE_INT:
        return msgpack_pack_int64(pk, v->u.i);
    case DBD_TYPE_DOUBLE:
        return msgpack_pack_double(pk, v->u.d);
    case DBD_TYPE_STRING:
        return dbd_pack_str(pk, v->u.s.ptr, v->u.s.len);
    case DBD_TYPE_BLOB:
        if (v->u.s.len > UINT32_MAX || msgpack_pack_bin(pk, v->u.s.len) != 0)
            return -1;
        return v->u.s.len ? msgpack_pack_bin_body(pk, v->u.s.ptr, v->u.s.len)
                          : 0;
    case DBD_TYPE_DATETIME:
        put_be64(be, (uint64_t)v->u.usec);
        return msgpack_pack_ext_with_body(pk, be, sizeof be, DBD_EXT_DATETIME);
    case DBD_TYPE_BOOL:
        return v->u.b ? msgpack_pack_true(pk) : msgpack_pack_false(pk);
    case DBD_TYPE_COUNT:
        break;
    }
    return -1;
}

/* --- unpacking --- */

const char *dbd_mp_type_name(const msgpack_object *o)
{
    switch (o->type) {
    case MSGPACK_OBJECT_NIL: return "nil";
    case MSGPACK_OBJECT_BOOLEAN: return "bool";
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: return "int";
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: return "float";
    case MSGPACK_OBJECT_STR: return "str";
    case MSGPACK_OBJECT_BIN: return "bin";
    case MSGPACK_OBJECT_ARRAY: return "array";
    case MSGPACK_OBJECT_MAP: return "map";
    case MSGPACK_OBJECT_EXT: return "ext";
    }
    return "unknown";
}

/*
 * The standard timestamp extension in its three sizes, truncated to
 * microseconds (rounding towards minus infinity).
 */
static int timestamp_usec(const unsigned char *p, size_t n, int64_t *usec,
                          char *why, size_t whylen)
{
    int64_t sec;
    uint32_t nsec;

    if (n == 4) {
        sec = (int64_t)get_be(p, 4);
        nsec = 0;
    } else if (n == 8) {
        uint64_t v = get_be(p, 8);
        nsec = (uint32_t)(v >> 34);
        sec = (int64_t)(v & 0x3ffffffffULL);
    } else if (n == 12) {
        nsec = (uint32_t)get_be(p, 4);
        sec = (int64_t)get_be(p + 4, 8);
    } else {
        dbd_errf(why, whylen, "timestamp of %zu bytes (want 4, 8 or 12)", n);
        return -1;
    }
    if (nsec > 999999999u) {
        dbd_errf(why, whylen, "timestamp nanoseconds %" PRIu32 " out of range",
                 nsec);
        return -1;
    }
    if (sec > INT64_MAX / 1000000 || sec < INT64_MIN / 1000000) {
        dbd_errf(why, whylen, "timestamp %" PRId64 " s out of range", sec);
        return -1;
    }
    int64_t us = sec * 1000000;
    int64_t frac = (int64_t)(nsec / 1000u);
    if (us > INT64_MAX - frac) {
        dbd_errf(why, whylen, "timestamp %" PRId64 " s out of range", sec);
        return -1;
    }
    *usec = us + frac;
    return 0;
}

static int unpack_bytes(const char *ptr, size_t len, dbd_arena *a,
                        const char **out, char *why, size_t whylen)
{
    if (a == NULL) {
        *out = len ? ptr : "";
        return 0;
    }
    *out = dbd_arena_strndup(a, len ? ptr : "", len);
    if (*out == NULL) {
        dbd_errf(why, whylen, "out of memory");
        return -1;
    }
    return 0;
}

int dbd_unpack_value(const msgpack_object *o, dbd_arena *a, dbd_value *v,
                     char *why, size_t whylen)
{
    const char *p;

    switch (o->type) {
    case MSGPACK_OBJECT_NIL:
        *v = dbd_null();
        return 0;
    case MSGPACK_OBJECT_BOOLEAN:
        *v = dbd_bool(o->via.boolean);
        return 0;
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        if (o->via.u64 > (uint64_t)INT64_MAX) {
            dbd_errf(why, whylen, "integer %" PRIu64 " out of range (int64)",
                     o->via.u64);
            return -1;
        }
        *v = dbd_int((int64_t)o->via.u64);
        return 0;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        *v = dbd_int(o->via.i64);
        return 0;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        *v = dbd_double(o->via.f64);
        return 0;
    case MSGPACK_OBJECT_STR:
        if (unpack_bytes(o->via.str.ptr, o->via.str.size, a, &p, why,
                         whylen) != 0)
            return -1;
        *v = dbd_string(p, o->via.str.size);
        return 0;
    case MSGPACK_OBJECT_BIN:
        if (unpack_bytes(o->via.bin.ptr, o->via.bin.size, a, &p, why,
                         whylen) != 0)
            return -1;
        *v = dbd_blob(p, o->via.bin.size);
        return 0;
    case MSGPACK_OBJECT_EXT: {
        const unsigned char *b = (const unsigned char *)o->via.ext.ptr;
        int64_t usec;
        if (o->via.ext.type == DBD_EXT_DATETIME) {
            if (o->via.ext.size != 8) {
                dbd_errf(why, whylen, "datetime ext of %" PRIu32
                         " bytes (want 8)", o->via.ext.size);
                return -1;
            }
            *v = dbd_datetime((int64_t)get_be(b, 8));
            return 0;
        }
        if (o->via.ext.type == DBD_EXT_TIMESTAMP) {
            if (timestamp_usec(b, o->via.ext.size, &usec, why, whylen) != 0)
                return -1;
            *v = dbd_datetime(usec);
            return 0;
        }
        dbd_errf(why, whylen, "unknown ext type %d", (int)o->via.ext.type);
        return -1;
    }
    case MSGPACK_OBJECT_ARRAY:
    case MSGPACK_OBJECT_MAP:
        break;
    }
    dbd_errf(why, whylen, "expected a value, got %s", dbd_mp_type_name(o));
    return -1;
}

/* --- the guard walk --- */

typedef enum { HEAD_OK = 0, HEAD_TRUNCATED = -1, HEAD_INVALID = -2 } head_rc;

/* What the header of one object says. */
typedef struct mp_header {
    size_t size;      /* bytes of the header itself */
    uint64_t payload; /* bytes that follow it (str, bin, ext, numbers) */
    uint64_t items;   /* objects that follow it (array: n, map: 2n) */
    bool container;   /* array or map */
} mp_header;

/* Reads the header at p[off..len). */
static head_rc mp_head(const unsigned char *p, size_t len, size_t off,
                       mp_header *h)
{
    if (off >= len)
        return HEAD_TRUNCATED;
    const unsigned char b = p[off];
    const size_t left = len - off - 1;
    size_t lenbytes = 0; /* size of a length field after the type byte */
    int kind = 0;        /* 0 scalar, 1 str/bin, 2 ext, 3 array, 4 map */

    h->size = 1;
    h->payload = 0;
    h->items = 0;
    h->container = false;
    if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
        return HEAD_OK;
    if (b <= 0x8f) {
        h->items = 2u * (b & 0x0fu);
        h->container = true;
        return HEAD_OK;
    }
    if (b <= 0x9f) {
        h->items = b & 0x0fu;
        h->container = true;
        return HEAD_OK;
    }
    if (b <= 0xbf) {
        h->payload = b & 0x1fu;
        return HEAD_OK;
    }
    switch (b) {
    case 0xc4: case 0xd9: lenbytes = 1; kind = 1; break;
    case 0xc5: case 0xda: lenbytes = 2; kind = 1; break;
    case 0xc6: case 0xdb: lenbytes = 4; kind = 1; break;
    case 0xc7: lenbytes = 1; kind = 2; break;
    case 0xc8: lenbytes = 2; kind = 2; break;
    case 0xc9: lenbytes = 4; kind = 2; break;
    case 0xca: h->payload = 4; return HEAD_OK;
    case 0xcb: h->payload = 8; return HEAD_OK;
    case 0xcc: case 0xd0: h->payload = 1; return HEAD_OK;
    case 0xcd: case 0xd1: h->payload = 2; return HEAD_OK;
    case 0xce: case 0xd2: h->payload = 4; return HEAD_OK;
    case 0xcf: case 0xd3: h->payload = 8; return HEAD_OK;
    /* fixext: a type byte and 1, 2, 4, 8 or 16 data bytes */
    case 0xd4: h->payload = 2; return HEAD_OK;
    case 0xd5: h->payload = 3; return HEAD_OK;
    case 0xd6: h->payload = 5; return HEAD_OK;
    case 0xd7: h->payload = 9; return HEAD_OK;
    case 0xd8: h->payload = 17; return HEAD_OK;
    case 0xdc: lenbytes = 2; kind = 3; break;
    case 0xdd: lenbytes = 4; kind = 3; break;
    case 0xde: lenbytes = 2; kind = 4; break;
    case 0xdf: lenbytes = 4; kind = 4; break;
    default:
        return HEAD_INVALID; /* 0xc1, never used */
    }
    const size_t extra = kind == 2 ? 1u : 0u; /* the ext type byte */
    if (left < lenbytes + extra)
        return HEAD_TRUNCATED;
    const uint64_t n = get_be(p + off + 1, lenbytes);
    h->size = 1 + lenbytes + extra;
    if (kind <= 2) {
        h->payload = n;
    } else {
        h->items = kind == 4 ? 2 * n : n;
        h->container = true;
    }
    return HEAD_OK;
}

/* The size of an object whose header is the byte b alone and that holds
 * nothing else (fixint, fixstr, nil, bool); 0 for any other. */
static inline size_t simple_leaf_size(unsigned char b)
{
    if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
        return 1;
    if (b >= 0xa0 && b <= 0xbf)
        return 1 + (size_t)(b & 0x1f);
    return 0;
}

/* Walks one object from *off; 0, or -1 with the reason in err. */
static int mp_walk(const unsigned char *p, size_t len, size_t *off,
                   char *err, size_t errlen)
{
    uint64_t left[DBD_CODEC_MAX_DEPTH]; /* objects still due per container */
    size_t depth = 0;
    size_t o = *off;

    do {
        mp_header h;
        /* Small ints, short strings, nil and bools, most of a request,
         * need no header parsing. */
        const size_t leaf = o < len ? simple_leaf_size(p[o]) : 0;
        if (leaf > 0) {
            if (leaf > len - o) {
                dbd_errf(err, errlen, "truncated message (%zu bytes)", len);
                return -1;
            }
            o += leaf;
            if (depth > 0)
                left[depth - 1]--;
            while (depth > 0 && left[depth - 1] == 0)
                depth--;
            continue;
        }
        head_rc rc = mp_head(p, len, o, &h);
        if (rc == HEAD_INVALID) {
            dbd_errf(err, errlen, "malformed MessagePack: byte 0xc1 at "
                     "offset %zu", o);
            return -1;
        }
        if (rc != HEAD_OK || h.size > len - o ||
            h.payload > len - o - h.size) {
            dbd_errf(err, errlen, "truncated message (%zu bytes)", len);
            return -1;
        }
        const size_t start = o;
        o += h.size + (size_t)h.payload;
        if (depth > 0)
            left[depth - 1]--;
        if (h.container) {
            if (depth == DBD_CODEC_MAX_DEPTH) {
                dbd_errf(err, errlen, "containers nested deeper than %d",
                         DBD_CODEC_MAX_DEPTH);
                return -1;
            }
            /* Every element takes at least one byte. */
            if (h.items > len - o) {
                dbd_errf(err, errlen, "truncated message (%zu bytes): "
                         "container at offset %zu declares %" PRIu64
                         " elements", len, start, h.items);
                return -1;
            }
            left[depth++] = h.items;
        }
        while (depth > 0 && left[depth - 1] == 0)
            depth--;
    } while (depth > 0);
    *off = o;
    return 0;
}

int dbd_mp_skip(const unsigned char *data, size_t len, size_t *off)
{
    return mp_walk(data, len, off, NULL, 0);
}

int dbd_mp_check(const void *data, size_t len, char *err, size_t errlen)
{
    size_t off = 0;

    if (data == NULL || len == 0) {
        dbd_errf(err, errlen, "empty message");
        return -1;
    }
    if (mp_walk(data, len, &off, err, errlen) != 0)
        return -1;
    if (off != len) {
        dbd_errf(err, errlen, "%zu trailing bytes after the message",
                 len - off);
        return -1;
    }
    return 0;
}

/*
 * The object tree of a request or a one-row reply takes well under 1 KiB.
 * msgpack_unpack_next() would start a zone of 8 KiB for it; a first chunk
 * below glibc's large-request threshold (1 KiB) avoids that allocation
 * and the fast-bin consolidation it triggers on every message.  Bigger
 * messages make the zone grow as usual.
 */
#define UNPACK_ZONE_CHUNK 960

dbd_status dbd_mp_unpack_map(const void *data, size_t len,
                             msgpack_unpacked *u, char *err, size_t errlen)
{
    size_t off = 0;

    msgpack_unpacked_init(u);
    if (dbd_mp_check(data, len, err, errlen) != 0)
        return DBD_BAD;
    u->zone = msgpack_zone_new(UNPACK_ZONE_CHUNK);
    if (u->zone == NULL) {
        dbd_errf(err, errlen, "out of memory");
        return DBD_INTERNAL;
    }
    /* msgpack_unpack() (kept by msgpack-c for compatibility) is
     * msgpack_unpack_next() with the caller's zone; u->zone is freed by
     * msgpack_unpacked_destroy() as usual. */
    msgpack_unpack_return rc = msgpack_unpack(data, len, &off, u->zone,
                                              &u->data);
    if (rc == MSGPACK_UNPACK_NOMEM_ERROR) {
        dbd_errf(err, errlen, "out of memory");
        return DBD_INTERNAL;
    }
    if (rc != MSGPACK_UNPACK_SUCCESS || off != len) {
        dbd_errf(err, errlen, "malformed MessagePack");
        return DBD_BAD;
    }
    if (u->data.type != MSGPACK_OBJECT_MAP) {
        dbd_errf(err, errlen, "message is not a map, got %s",
                 dbd_mp_type_name(&u->data));
        return DBD_BAD;
    }
    return DBD_OK;
}

bool dbd_mp_map_uint(const void *data, size_t len, const char *key,
                     uint64_t *out)
{
    const unsigned char *p = data;
    const size_t klen = strlen(key);
    mp_header h;
    size_t off = 0;

    if (p == NULL || mp_head(p, len, 0, &h) != HEAD_OK || !h.container ||
        !(p[0] <= 0x8f || p[0] == 0xde || p[0] == 0xdf) || h.size > len)
        return false;
    off = h.size;
    for (uint64_t i = 0; i < h.items / 2; i++) {
        mp_header k;
        if (mp_head(p, len, off, &k) != HEAD_OK)
            return false;
        const bool is_str = (p[off] >= 0xa0 && p[off] <= 0xbf) ||
                            (p[off] >= 0xd9 && p[off] <= 0xdb);
        if (is_str && k.size <= len - off && k.payload == klen &&
            klen <= len - off - k.size &&
            memcmp(p + off + k.size, key, klen) == 0) {
            off += k.size + klen;
            mp_header v;
            if (mp_head(p, len, off, &v) != HEAD_OK ||
                v.payload > len - off - 1)
                return false;
            if (p[off] <= 0x7f) {
                *out = p[off];
                return true;
            }
            if (p[off] >= 0xcc && p[off] <= 0xcf && v.payload <= len - off - 1) {
                *out = get_be(p + off + 1, (size_t)v.payload);
                return true;
            }
            return false;
        }
        if (dbd_mp_skip(p, len, &off) != 0 || dbd_mp_skip(p, len, &off) != 0)
            return false;
    }
    return false;
}
