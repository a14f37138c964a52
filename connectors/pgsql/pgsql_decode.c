/*
 * pgsql_decode.c - result values: which dbd type a PostgreSQL type is
 * reported as, and the decoding of a value from the binary format (used
 * when every column of a statement is of a type known here) or from the
 * text format (raw statements, and statements with other types).
 *
 *   bool                          bool
 *   int2 int4 int8 oid            int
 *   float4 float8                 double (binary: exact; text: exact too,
 *                                 the session sets extra_float_digits=3)
 *   numeric                       string (exact), or double by option
 *   bytea                         blob
 *   timestamp timestamptz date    datetime (UTC; the session's TimeZone is
 *                                 UTC, so a timestamp without time zone
 *                                 is read as UTC)
 *   anything else                 string, in PostgreSQL's text form
 */
#include "pgsql_int.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* 2000-01-01, PostgreSQL's epoch, in Unix-epoch microseconds and days. */
#define PG_EPOCH_USEC INT64_C(946684800000000)
#define PG_EPOCH_DAYS 10957
#define USEC_PER_DAY INT64_C(86400000000)

dbd_type pgc_type_of(Oid oid, bool numeric_double)
{
    switch (oid) {
    case PGC_OID_BOOL:
        return DBD_TYPE_BOOL;
    case PGC_OID_INT2:
    case PGC_OID_INT4:
    case PGC_OID_INT8:
    case PGC_OID_OID:
        return DBD_TYPE_INT;
    case PGC_OID_FLOAT4:
    case PGC_OID_FLOAT8:
        return DBD_TYPE_DOUBLE;
    case PGC_OID_NUMERIC:
        return numeric_double ? DBD_TYPE_DOUBLE : DBD_TYPE_STRING;
    case PGC_OID_BYTEA:
        return DBD_TYPE_BLOB;
    case PGC_OID_DATE:
    case PGC_OID_TIMESTAMP:
    case PGC_OID_TIMESTAMPTZ:
        return DBD_TYPE_DATETIME;
    default:
        return DBD_TYPE_STRING;
    }
}

bool pgc_binary_known(Oid oid)
{
    switch (oid) {
    case PGC_OID_BOOL:
    case PGC_OID_BYTEA:
    case PGC_OID_NAME:
    case PGC_OID_INT8:
    case PGC_OID_INT2:
    case PGC_OID_INT4:
    case PGC_OID_TEXT:
    case PGC_OID_OID:
    case PGC_OID_FLOAT4:
    case PGC_OID_FLOAT8:
    case PGC_OID_BPCHAR:
    case PGC_OID_VARCHAR:
    case PGC_OID_DATE:
    case PGC_OID_TIMESTAMP:
    case PGC_OID_TIMESTAMPTZ:
        return true;
    default:
        return false;
    }
}

static uint64_t get_be(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | u[i];
    return v;
}

/* PostgreSQL microseconds (or days) since 2000 to dbd's since 1970.  The
 * infinities are the extremes of their integer type and stay extremes. */
static bool pg_usec_to_dbd(int64_t pg, int64_t *out)
{
    if (pg == INT64_MAX || pg == INT64_MIN) {
        *out = pg;
        return true;
    }
    return !__builtin_add_overflow(pg, PG_EPOCH_USEC, out);
}

static bool pg_days_to_dbd(int32_t days, int64_t *out)
{
    int64_t usec;
    if (days == INT32_MAX || days == INT32_MIN) {
        *out = days == INT32_MAX ? INT64_MAX : INT64_MIN;
        return true;
    }
    if (__builtin_mul_overflow((int64_t)days + PG_EPOCH_DAYS, USEC_PER_DAY,
                               &usec))
        return false;
    *out = usec;
    return true;
}

static dbd_status bad_size(Oid oid, size_t len, char *err, size_t errlen)
{
    return dbd_failf(DBD_INTERNAL, err, errlen,
                     "unexpected binary value of %zu bytes for type %u", len,
                     (unsigned)oid);
}

static dbd_status decode_binary(Oid oid, const char *p, size_t len,
                                dbd_value *out, char *err, size_t errlen)
{
    size_t want = 0;
    int64_t usec;

    switch (oid) {
    case PGC_OID_BOOL: want = 1; break;
    case PGC_OID_INT2: want = 2; break;
    case PGC_OID_INT4: case PGC_OID_OID: case PGC_OID_FLOAT4:
    case PGC_OID_DATE: want = 4; break;
    case PGC_OID_INT8: case PGC_OID_FLOAT8: case PGC_OID_TIMESTAMP:
    case PGC_OID_TIMESTAMPTZ: want = 8; break;
    default: break;
    }
    if (want != 0 && len != want)
        return bad_size(oid, len, err, errlen);
    switch (oid) {
    case PGC_OID_BOOL:
        *out = dbd_bool(p[0] != 0);
        return DBD_OK;
    case PGC_OID_INT2:
        *out = dbd_int((int16_t)get_be(p, 2));
        return DBD_OK;
    case PGC_OID_INT4:
        *out = dbd_int((int32_t)get_be(p, 4));
        return DBD_OK;
    case PGC_OID_OID:
        *out = dbd_int((uint32_t)get_be(p, 4));
        return DBD_OK;
    case PGC_OID_INT8:
        *out = dbd_int((int64_t)get_be(p, 8));
        return DBD_OK;
    case PGC_OID_FLOAT4: {
        uint32_t bits = (uint32_t)get_be(p, 4);
        float f;
        memcpy(&f, &bits, sizeof f);
        *out = dbd_double((double)f);
        return DBD_OK;
    }
    case PGC_OID_FLOAT8: {
        uint64_t bits = get_be(p, 8);
        double d;
        memcpy(&d, &bits, sizeof d);
        *out = dbd_double(d);
        return DBD_OK;
    }
    case PGC_OID_BYTEA:
        *out = dbd_blob(p, len);
        return DBD_OK;
    case PGC_OID_TIMESTAMP:
    case PGC_OID_TIMESTAMPTZ:
        if (!pg_usec_to_dbd((int64_t)get_be(p, 8), &usec))
            return dbd_failf(DBD_BAD, err, errlen,
                             "timestamp out of the range of a dbd datetime");
        *out = dbd_datetime(usec);
        return DBD_OK;
    case PGC_OID_DATE:
        if (!pg_days_to_dbd((int32_t)get_be(p, 4), &usec))
            return dbd_failf(DBD_BAD, err, errlen,
                             "date out of the range of a dbd datetime");
        *out = dbd_datetime(usec);
        return DBD_OK;
    default:
        if (pgc_binary_known(oid)) { /* the text types: plain bytes */
            *out = dbd_string(p, len);
            return DBD_OK;
        }
        return dbd_failf(DBD_INTERNAL, err, errlen,
                         "no binary decoder for type %u", (unsigned)oid);
    }
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* bytea_output = hex (set by the session): "\x" then two digits a byte. */
static dbd_status decode_bytea_text(const char *p, size_t len,
                                    dbd_buf *scratch, dbd_value *out,
                                    char *err, size_t errlen)
{
    if (len < 2 || p[0] != '\\' || p[1] != 'x' || len % 2 != 0)
        return dbd_failf(DBD_INTERNAL, err, errlen,
                         "bytea value not in hex format");
    size_t n = (len - 2) / 2;
    dbd_buf_reset(scratch);
    if (dbd_buf_reserve(scratch, n) != 0)
        return dbd_failf(DBD_INTERNAL, err, errlen,
                         "out of memory reading a bytea value");
    unsigned char *dst = (unsigned char *)scratch->data;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_digit(p[2 + 2 * i]), lo = hex_digit(p[3 + 2 * i]);
        if (hi < 0 || lo < 0)
            return dbd_failf(DBD_INTERNAL, err, errlen,
                             "bad hex digit in a bytea value");
        dst[i] = (unsigned char)(hi << 4 | lo);
    }
    scratch->len = n;
    scratch->data[n] = '\0';
    *out = dbd_blob(scratch->data, n);
    return DBD_OK;
}

static dbd_status decode_text(Oid oid, const char *p, size_t len,
                              bool numeric_double, dbd_buf *scratch,
                              dbd_value *out, char *err, size_t errlen)
{
    char *end = NULL;
    int64_t usec;

    switch (pgc_type_of(oid, numeric_double)) {
    case DBD_TYPE_BOOL:
        if (len != 1 || (p[0] != 't' && p[0] != 'f'))
            break;
        *out = dbd_bool(p[0] == 't');
        return DBD_OK;
    case DBD_TYPE_INT: {
        errno = 0;
        long long v = strtoll(p, &end, 10);
        if (errno != 0 || end != p + len || len == 0)
            break;
        *out = dbd_int(v);
        return DBD_OK;
    }
    case DBD_TYPE_DOUBLE: {
        /* A float4's shortest text is that of the float, not the double:
         * read it as a float so it equals the binary path's value.
         * Underflow to a subnormal is a value, not an error. */
        double d = oid == PGC_OID_FLOAT4 ? (double)strtof(p, &end)
                                         : strtod(p, &end);
        if (end != p + len || len == 0)
            break;
        *out = dbd_double(d);
        return DBD_OK;
    }
    case DBD_TYPE_BLOB:
        return decode_bytea_text(p, len, scratch, out, err, errlen);
    case DBD_TYPE_DATETIME:
        if (!pgc_parse_datetime(p, len, &usec))
            return dbd_failf(DBD_BAD, err, errlen,
                             "date/time value \"%.40s\" out of the range of "
                             "a dbd datetime", p);
        *out = dbd_datetime(usec);
        return DBD_OK;
    default:
        *out = dbd_string(p, len);
        return DBD_OK;
    }
    return dbd_failf(DBD_INTERNAL, err, errlen,
                     "cannot read \"%.40s\" as a value of type %u", p,
                     (unsigned)oid);
}

dbd_status pgc_decode(Oid oid, int fmt, const char *bytes, size_t len,
                      bool numeric_double, dbd_buf *scratch, dbd_value *out,
                      char *err, size_t errlen)
{
    if (fmt == PGC_FORMAT_BINARY)
        return decode_binary(oid, bytes, len, out, err, errlen);
    return decode_text(oid, bytes, len, numeric_double, scratch, out, err,
                       errlen);
}
