/*
 * value.h - typed values as they travel in requests and results.
 *
 * A dbd_value never owns memory: string and blob bytes belong to the object
 * that holds the value (a request's arena, a result, a connector's row
 * buffer) and stay valid as long as that object does.  String and blob bytes
 * may contain NUL; code that stores them always keeps the length.  Values
 * made by the codec and by dbd_result are additionally NUL-terminated (the
 * NUL is not counted in len) so they can be printed directly.
 */
#ifndef DBD_VALUE_H
#define DBD_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Wire codes of the value types (also used for column types). Fixed. */
typedef enum dbd_type {
    DBD_TYPE_NULL = 0,
    DBD_TYPE_INT = 1,      /* int64 */
    DBD_TYPE_DOUBLE = 2,   /* IEEE 754 binary64 */
    DBD_TYPE_STRING = 3,   /* UTF-8 text (not validated), may contain NUL */
    DBD_TYPE_BLOB = 4,     /* bytes */
    DBD_TYPE_DATETIME = 5, /* UTC, microseconds since the Unix epoch */
    DBD_TYPE_BOOL = 6,
    DBD_TYPE_COUNT
} dbd_type;

typedef struct dbd_value {
    dbd_type type;
    union {
        int64_t i;      /* DBD_TYPE_INT */
        double d;       /* DBD_TYPE_DOUBLE */
        bool b;         /* DBD_TYPE_BOOL */
        int64_t usec;   /* DBD_TYPE_DATETIME */
        struct {
            const char *ptr;
            size_t len;
        } s;            /* DBD_TYPE_STRING and DBD_TYPE_BLOB */
    } u;
} dbd_value;

/* "null", "int", "double", "string", "blob", "datetime", "bool". Static. */
const char *dbd_type_name(dbd_type t);
bool dbd_type_from_name(const char *name, dbd_type *out);

static inline dbd_value dbd_null(void)
{
    dbd_value v = {.type = DBD_TYPE_NULL};
    return v;
}
static inline dbd_value dbd_int(int64_t i)
{
    dbd_value v = {.type = DBD_TYPE_INT, .u.i = i};
    return v;
}
static inline dbd_value dbd_double(double d)
{
    dbd_value v = {.type = DBD_TYPE_DOUBLE, .u.d = d};
    return v;
}
static inline dbd_value dbd_bool(bool b)
{
    dbd_value v = {.type = DBD_TYPE_BOOL, .u.b = b};
    return v;
}
static inline dbd_value dbd_datetime(int64_t usec)
{
    dbd_value v = {.type = DBD_TYPE_DATETIME, .u.usec = usec};
    return v;
}
/* Borrows ptr: the caller keeps it alive while the value is used. */
static inline dbd_value dbd_string(const char *ptr, size_t len)
{
    dbd_value v = {.type = DBD_TYPE_STRING, .u.s = {ptr, len}};
    return v;
}
static inline dbd_value dbd_blob(const void *ptr, size_t len)
{
    dbd_value v = {.type = DBD_TYPE_BLOB, .u.s = {(const char *)ptr, len}};
    return v;
}

/* Exact equality of type and content (doubles compared bitwise-equal by ==). */
bool dbd_value_equal(const dbd_value *a, const dbd_value *b);

/*
 * Datetime text in the form "YYYY-MM-DD HH:MM:SS[.ffffff]" (UTC), the form
 * SQL backends and Kamailio use.  format writes at most 27 bytes + NUL and
 * omits the fraction when it is zero.  parse accepts the same form, with 'T'
 * in place of the space and an optional trailing 'Z'; false on bad text.
 */
#define DBD_DATETIME_TEXT_MAX 32
void dbd_datetime_format(int64_t usec, char out[DBD_DATETIME_TEXT_MAX]);
bool dbd_datetime_parse(const char *text, size_t len, int64_t *usec);

#endif
