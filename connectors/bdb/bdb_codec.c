/* bdb_codec.c - stored row and key formats (see bdb_codec.h). */
#include "bdb_codec.h"

#include <string.h>

/* Value tags in rows; bool carries its value in the tag. */
enum {
    TAG_NULL = 0,
    TAG_INT = 1,
    TAG_DOUBLE = 2,
    TAG_STRING = 3,
    TAG_BLOB = 4,
    TAG_DATETIME = 5,
    TAG_FALSE = 6,
    TAG_TRUE = 7,
};

void bdb_put_varint(dbd_buf *b, uint64_t v)
{
    uint8_t out[10];
    size_t n = 0;
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        out[n++] = byte | (v != 0 ? 0x80 : 0);
    } while (v != 0);
    dbd_buf_append(b, out, n);
}

bool bdb_get_varint(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return false;
        uint8_t byte = *(*p)++;
        if (shift == 63 && (byte & 0x7e) != 0)
            return false; /* more than 64 bits */
        v |= (uint64_t)(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) {
            *out = v;
            return true;
        }
    }
    return false;
}

void bdb_put_bytes(dbd_buf *b, const void *p, size_t n)
{
    bdb_put_varint(b, n);
    if (n > 0)
        dbd_buf_append(b, p, n);
}

bool bdb_get_bytes(const uint8_t **p, const uint8_t *end, const uint8_t **out,
                   size_t *n)
{
    uint64_t len;
    if (!bdb_get_varint(p, end, &len) || len > (uint64_t)(end - *p))
        return false;
    *out = *p;
    *n = (size_t)len;
    *p += len;
    return true;
}

/* Zigzag keeps small negative numbers short. */
static uint64_t zigzag(int64_t i)
{
    return ((uint64_t)i << 1) ^ (uint64_t)(i < 0 ? -1 : 0);
}

static int64_t unzigzag(uint64_t u)
{
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

static void put_be64(dbd_buf *b, uint64_t u)
{
    uint8_t out[8];
    for (int i = 7; i >= 0; i--) {
        out[i] = (uint8_t)u;
        u >>= 8;
    }
    dbd_buf_append(b, out, sizeof out);
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u = u << 8 | p[i];
    return u;
}

static uint64_t double_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

void bdb_put_value(dbd_buf *b, const dbd_value *v)
{
    switch (v->type) {
    case DBD_TYPE_INT:
        dbd_buf_append_char(b, TAG_INT);
        bdb_put_varint(b, zigzag(v->u.i));
        break;
    case DBD_TYPE_DATETIME:
        dbd_buf_append_char(b, TAG_DATETIME);
        bdb_put_varint(b, zigzag(v->u.usec));
        break;
    case DBD_TYPE_DOUBLE:
        dbd_buf_append_char(b, TAG_DOUBLE);
        put_be64(b, double_bits(v->u.d)); /* exact: -0.0 stays -0.0 */
        break;
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB:
        dbd_buf_append_char(b, v->type == DBD_TYPE_STRING ? TAG_STRING
                                                          : TAG_BLOB);
        bdb_put_bytes(b, v->u.s.ptr, v->u.s.len);
        break;
    case DBD_TYPE_BOOL:
        dbd_buf_append_char(b, v->u.b ? TAG_TRUE : TAG_FALSE);
        break;
    default:
        dbd_buf_append_char(b, TAG_NULL);
        break;
    }
}

bool bdb_get_value(const uint8_t **p, const uint8_t *end, dbd_value *out)
{
    uint64_t u;
    const uint8_t *bytes;
    size_t n;

    if (*p >= end)
        return false;
    switch (*(*p)++) {
    case TAG_NULL:
        *out = dbd_null();
        return true;
    case TAG_INT:
        if (!bdb_get_varint(p, end, &u))
            return false;
        *out = dbd_int(unzigzag(u));
        return true;
    case TAG_DATETIME:
        if (!bdb_get_varint(p, end, &u))
            return false;
        *out = dbd_datetime(unzigzag(u));
        return true;
    case TAG_DOUBLE: {
        if (end - *p < 8)
            return false;
        u = get_be64(*p);
        *p += 8;
        double d;
        memcpy(&d, &u, sizeof d);
        *out = dbd_double(d);
        return true;
    }
    case TAG_STRING:
        if (!bdb_get_bytes(p, end, &bytes, &n))
            return false;
        *out = dbd_string((const char *)bytes, n);
        return true;
    case TAG_BLOB:
        if (!bdb_get_bytes(p, end, &bytes, &n))
            return false;
        *out = dbd_blob(bytes, n);
        return true;
    case TAG_FALSE:
        *out = dbd_bool(false);
        return true;
    case TAG_TRUE:
        *out = dbd_bool(true);
        return true;
    default:
        return false;
    }
}

void bdb_row_encode(dbd_buf *b, const dbd_value *vals, size_t n)
{
    bdb_put_varint(b, n);
    for (size_t i = 0; i < n; i++)
        bdb_put_value(b, &vals[i]);
}

bool bdb_row_decode(const void *data, size_t size, dbd_value *vals, size_t n)
{
    const uint8_t *p = data, *end = p + size;
    uint64_t stored;

    if (!bdb_get_varint(&p, end, &stored))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (i >= stored)
            vals[i] = dbd_null();
        else if (!bdb_get_value(&p, end, &vals[i]))
            return false;
    }
    return true;
}

bool bdb_row_column(const void *data, size_t size, size_t col,
                    dbd_value *out)
{
    const uint8_t *p = data, *end = p + size;
    uint64_t stored;

    if (!bdb_get_varint(&p, end, &stored))
        return false;
    if (col >= stored) {
        *out = dbd_null();
        return true;
    }
    for (size_t i = 0; i <= col; i++)
        if (!bdb_get_value(&p, end, out))
            return false;
    return true;
}

/* Strings and blobs: each NUL becomes 00 FF and the end is 00 01, so no
 * component is a prefix of another and shorter sorts first. */
static void key_bytes(dbd_buf *b, const char *p, size_t n)
{
    static const char nul[2] = {0, (char)0xff};
    static const char stop[2] = {0, 1};
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '\0')
            continue;
        dbd_buf_append(b, p + start, i - start);
        dbd_buf_append(b, nul, sizeof nul);
        start = i + 1;
    }
    dbd_buf_append(b, p + start, n - start);
    dbd_buf_append(b, stop, sizeof stop);
}

void bdb_key_append(dbd_buf *b, const dbd_value *v)
{
    const uint64_t sign = UINT64_C(1) << 63;
    uint64_t u;

    switch (v->type) {
    case DBD_TYPE_INT:
        put_be64(b, (uint64_t)v->u.i ^ sign);
        break;
    case DBD_TYPE_DATETIME:
        put_be64(b, (uint64_t)v->u.usec ^ sign);
        break;
    case DBD_TYPE_DOUBLE:
        u = double_bits(v->u.d == 0.0 ? 0.0 : v->u.d);
        /* negative: all bits flipped, so larger magnitudes sort first */
        put_be64(b, (u & sign) != 0 ? ~u : u ^ sign);
        break;
    case DBD_TYPE_BOOL:
        dbd_buf_append_char(b, v->u.b ? 1 : 0);
        break;
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB:
        key_bytes(b, v->u.s.ptr != NULL ? v->u.s.ptr : "", v->u.s.len);
        break;
    default:
        break; /* key columns are never NULL */
    }
}

bool bdb_key_int(const void *key, size_t size, int64_t *out)
{
    if (size != 8)
        return false;
    *out = (int64_t)(get_be64(key) ^ (UINT64_C(1) << 63));
    return true;
}
