/*
 * pgsql_params.c - bound values in the form PQexecPrepared takes: a type
 * OID, bytes, a length and a format for each.
 *
 *   null      no type (the server infers it), NULL
 *   int       int8, binary                    signature letter i
 *   double    float8, binary (exact)          d
 *   string    "unknown", text                 s
 *   blob      bytea, binary                   b
 *   datetime  timestamptz, binary             t
 *   bool      bool, binary                    o      (null: n)
 *
 * A string is sent untyped so that the server gives it the type its use
 * asks for, exactly as it would a quoted literal: '42' compares with an
 * integer column, '2024-01-01 00:00:00' with a timestamp.  The text format
 * needs a NUL after the bytes, so strings are copied.
 *
 * A statement prepared for one combination of types does not fit another,
 * so the signature (one letter per value) is part of the cache key.
 */
#include "pgsql_int.h"

#include <stdlib.h>
#include <string.h>

/* dbd datetimes count from 1970, PostgreSQL's from 2000. */
#define PG_EPOCH_USEC INT64_C(946684800000000)
/* PostgreSQL caps a statement's parameters at 65535. */
#define MAX_PARAMS 65535

void pgc_params_free(pgc_params *p)
{
    free(p->types);
    free(p->values);
    free(p->lengths);
    free(p->formats);
    free(p->bin);
    dbd_buf_free(&p->text);
    dbd_buf_free(&p->sig);
    memset(p, 0, sizeof *p);
}

static int reserve(pgc_params *p, size_t n)
{
    if (n <= p->cap)
        return 0;
    size_t cap = p->cap ? p->cap : 16;
    while (cap < n)
        cap *= 2;
    Oid *types = realloc(p->types, cap * sizeof *types);
    if (types == NULL)
        return -1;
    p->types = types;
    const char **values = realloc(p->values, cap * sizeof *values);
    if (values == NULL)
        return -1;
    p->values = values;
    int *lengths = realloc(p->lengths, cap * sizeof *lengths);
    if (lengths == NULL)
        return -1;
    p->lengths = lengths;
    int *formats = realloc(p->formats, cap * sizeof *formats);
    if (formats == NULL)
        return -1;
    p->formats = formats;
    unsigned char (*bin)[8] = realloc(p->bin, cap * sizeof *bin);
    if (bin == NULL)
        return -1;
    p->bin = bin;
    p->cap = cap;
    return 0;
}

static void put_be(unsigned char *out, uint64_t v, size_t n)
{
    for (size_t i = n; i-- > 0; v >>= 8)
        out[i] = (unsigned char)(v & 0xff);
}

/* The extremes stand for the infinities, as PostgreSQL's own do. */
static bool dbd_usec_to_pg(int64_t usec, int64_t *out)
{
    if (usec == INT64_MAX || usec == INT64_MIN) {
        *out = usec;
        return true;
    }
    return !__builtin_sub_overflow(usec, PG_EPOCH_USEC, out);
}

static void set_binary(pgc_params *p, size_t i, Oid type, uint64_t v,
                       size_t n)
{
    put_be(p->bin[i], v, n);
    p->types[i] = type;
    p->values[i] = (const char *)p->bin[i];
    p->lengths[i] = (int)n;
    p->formats[i] = PGC_FORMAT_BINARY;
}

dbd_status pgc_params_set(pgc_params *p, const dbd_value *vals, size_t n,
                          char *err, size_t errlen)
{
    p->n = 0;
    dbd_buf_reset(&p->text);
    dbd_buf_reset(&p->sig);
    if (n > MAX_PARAMS)
        return dbd_failf(DBD_BAD, err, errlen,
                         "%zu values to bind; PostgreSQL takes at most %d",
                         n, MAX_PARAMS);
    if (reserve(p, n) != 0)
        return dbd_failf(DBD_INTERNAL, err, errlen,
                         "out of memory binding values");
    for (size_t i = 0; i < n; i++) {
        const dbd_value *v = &vals[i];
        uint64_t bits;
        int64_t pg;
        char letter;
        p->lengths[i] = 0;
        p->formats[i] = PGC_FORMAT_TEXT;
        switch (v->type) {
        case DBD_TYPE_INT:
            set_binary(p, i, PGC_OID_INT8, (uint64_t)v->u.i, 8);
            letter = 'i';
            break;
        case DBD_TYPE_DOUBLE:
            memcpy(&bits, &v->u.d, sizeof bits);
            set_binary(p, i, PGC_OID_FLOAT8, bits, 8);
            letter = 'd';
            break;
        case DBD_TYPE_BOOL:
            set_binary(p, i, PGC_OID_BOOL, v->u.b ? 1 : 0, 1);
            letter = 'o';
            break;
        case DBD_TYPE_DATETIME:
            if (!dbd_usec_to_pg(v->u.usec, &pg))
                return dbd_failf(DBD_BAD, err, errlen,
                                 "value %zu: datetime out of PostgreSQL's "
                                 "range", i + 1);
            set_binary(p, i, PGC_OID_TIMESTAMPTZ, (uint64_t)pg, 8);
            letter = 't';
            break;
        case DBD_TYPE_BLOB:
            if (v->u.s.len > INT32_MAX)
                return dbd_failf(DBD_BAD, err, errlen,
                                 "value %zu: blob of %zu bytes is too long",
                                 i + 1, v->u.s.len);
            p->types[i] = PGC_OID_BYTEA;
            p->values[i] = v->u.s.len > 0 ? v->u.s.ptr : "";
            p->lengths[i] = (int)v->u.s.len;
            p->formats[i] = PGC_FORMAT_BINARY;
            letter = 'b';
            break;
        case DBD_TYPE_STRING:
            if (v->u.s.len > 0 && memchr(v->u.s.ptr, '\0', v->u.s.len))
                return dbd_failf(DBD_BAD, err, errlen,
                                 "value %zu: string holds a NUL byte, which "
                                 "PostgreSQL text cannot store (use a blob)",
                                 i + 1);
            if (v->u.s.len > INT32_MAX ||
                p->text.len > INT32_MAX - v->u.s.len)
                return dbd_failf(DBD_BAD, err, errlen,
                                 "value %zu: strings too long", i + 1);
            /* the offset now; the pointer once the copies stop moving */
            p->lengths[i] = (int)p->text.len;
            if (v->u.s.len > 0)
                (void)dbd_buf_append(&p->text, v->u.s.ptr, v->u.s.len);
            (void)dbd_buf_append_char(&p->text, '\0');
            p->types[i] = 0;
            letter = 's';
            break;
        default: /* null */
            p->types[i] = 0;
            p->values[i] = NULL;
            letter = 'n';
            break;
        }
        (void)dbd_buf_append_char(&p->sig, letter);
    }
    if (p->text.failed || p->sig.failed)
        return dbd_failf(DBD_INTERNAL, err, errlen,
                         "out of memory binding values");
    for (size_t i = 0; i < n; i++)
        if (vals[i].type == DBD_TYPE_STRING) {
            p->values[i] = p->text.data + p->lengths[i];
            p->lengths[i] = 0;
        }
    p->n = n;
    return DBD_OK;
}
