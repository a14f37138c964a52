/*
 * value.c - value type names, equality and the datetime text form
 * (see value.h).
 *
 * Datetime conversion is done with integer day arithmetic on the proleptic
 * Gregorian calendar (H. Hinnant's days_from_civil / civil_from_days) so it
 * does not depend on timegm(), the TZ variable or the locale, and works for
 * dates before 1970 and far outside time_t's comfortable range.
 */
#include "value.h"

#include <string.h>
#include <strings.h>

#define USEC_PER_SEC 1000000LL
#define SEC_PER_DAY 86400LL

static const char *const type_names[DBD_TYPE_COUNT] = {
    [DBD_TYPE_NULL] = "null",         [DBD_TYPE_INT] = "int",
    [DBD_TYPE_DOUBLE] = "double",     [DBD_TYPE_STRING] = "string",
    [DBD_TYPE_BLOB] = "blob",         [DBD_TYPE_DATETIME] = "datetime",
    [DBD_TYPE_BOOL] = "bool",
};

const char *dbd_type_name(dbd_type t)
{
    if ((unsigned)t >= DBD_TYPE_COUNT)
        return "?";
    return type_names[t];
}

bool dbd_type_from_name(const char *name, dbd_type *out)
{
    if (name == NULL)
        return false;
    for (int i = 0; i < DBD_TYPE_COUNT; i++) {
        if (strcasecmp(name, type_names[i]) == 0) {
            if (out != NULL)
                *out = (dbd_type)i;
            return true;
        }
    }
    return false;
}

bool dbd_value_equal(const dbd_value *a, const dbd_value *b)
{
    if (a == NULL || b == NULL || a->type != b->type)
        return false;
    switch (a->type) {
    case DBD_TYPE_NULL:
        return true;
    case DBD_TYPE_INT:
        return a->u.i == b->u.i;
    case DBD_TYPE_DOUBLE:
        return a->u.d == b->u.d;
    case DBD_TYPE_BOOL:
        return a->u.b == b->u.b;
    case DBD_TYPE_DATETIME:
        return a->u.usec == b->u.usec;
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB:
        if (a->u.s.len != b->u.s.len)
            return false;
        return a->u.s.len == 0 || memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0;
    default:
        return false;
    }
}

/* Days since 1970-01-01 of the civil date y-m-d. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int days_in_month(int64_t y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Writes v as exactly width digits (v >= 0, fits). Returns the end. */
static char *put_digits(char *p, int64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

void dbd_datetime_format(int64_t usec, char out[DBD_DATETIME_TEXT_MAX])
{
    /* Floor division: the fraction of a negative time counts forward from
     * the second before it. */
    int64_t secs = usec / USEC_PER_SEC;
    int64_t frac = usec % USEC_PER_SEC;
    if (frac < 0) {
        frac += USEC_PER_SEC;
        secs--;
    }
    int64_t days = secs / SEC_PER_DAY;
    int64_t sod = secs % SEC_PER_DAY;
    if (sod < 0) {
        sod += SEC_PER_DAY;
        days--;
    }
    int64_t year;
    int month, day;
    civil_from_days(days, &year, &month, &day);

    /* The int64 range spans years -290308..294247: at most 6 digits. */
    char *p = out;
    if (year < 0) {
        *p++ = '-';
        year = -year;
    }
    int width = 4;
    for (int64_t y = year / 10000; y > 0; y /= 10)
        width++;
    p = put_digits(p, year, width);
    *p++ = '-';
    p = put_digits(p, month, 2);
    *p++ = '-';
    p = put_digits(p, day, 2);
    *p++ = ' ';
    p = put_digits(p, sod / 3600, 2);
    *p++ = ':';
    p = put_digits(p, sod / 60 % 60, 2);
    *p++ = ':';
    p = put_digits(p, sod % 60, 2);
    if (frac != 0) {
        *p++ = '.';
        p = put_digits(p, frac, 6);
    }
    *p = '\0';
}

/* Reads exactly n digits at *pos; false when they are not there. */
static bool get_digits(const char *s, size_t len, size_t *pos, int n,
                       int64_t *out)
{
    int64_t v = 0;
    if (len - *pos < (size_t)n)
        return false;
    for (int i = 0; i < n; i++) {
        char c = s[*pos + (size_t)i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *pos += (size_t)n;
    *out = v;
    return true;
}

static bool get_char(const char *s, size_t len, size_t *pos, char c)
{
    if (*pos >= len || s[*pos] != c)
        return false;
    (*pos)++;
    return true;
}

static size_t count_digits(const char *s, size_t len, size_t pos)
{
    size_t n = 0;
    while (pos + n < len && s[pos + n] >= '0' && s[pos + n] <= '9')
        n++;
    return n;
}

bool dbd_datetime_parse(const char *text, size_t len, int64_t *usec)
{
    if (text == NULL || usec == NULL)
        return false;
    size_t pos = 0;
    bool negative = false;
    if (pos < len && (text[pos] == '-' || text[pos] == '+')) {
        negative = text[pos] == '-';
        pos++;
    }
    size_t ydigits = count_digits(text, len, pos);
    if (ydigits < 4 || ydigits > 6)
        return false;

    int64_t year, month, day, hour, minute, second, frac = 0;
    if (!get_digits(text, len, &pos, (int)ydigits, &year) ||
        !get_char(text, len, &pos, '-') ||
        !get_digits(text, len, &pos, 2, &month) ||
        !get_char(text, len, &pos, '-') ||
        !get_digits(text, len, &pos, 2, &day))
        return false;
    if (pos >= len || (text[pos] != ' ' && text[pos] != 'T'))
        return false;
    pos++;
    if (!get_digits(text, len, &pos, 2, &hour) ||
        !get_char(text, len, &pos, ':') ||
        !get_digits(text, len, &pos, 2, &minute) ||
        !get_char(text, len, &pos, ':') ||
        !get_digits(text, len, &pos, 2, &second))
        return false;
    if (get_char(text, len, &pos, '.')) {
        size_t fdigits = count_digits(text, len, pos);
        if (fdigits < 1 || fdigits > 6 ||
            !get_digits(text, len, &pos, (int)fdigits, &frac))
            return false;
        for (size_t i = fdigits; i < 6; i++)
            frac *= 10;
    }
    (void)get_char(text, len, &pos, 'Z');
    if (pos != len)
        return false;

    if (negative)
        year = -year;
    if (month < 1 || month > 12 || day < 1 ||
        day > days_in_month(year, (int)month) || hour > 23 || minute > 59 ||
        second > 59)
        return false;

    int64_t days = days_from_civil(year, (int)month, (int)day);
    int64_t secs = days * SEC_PER_DAY + hour * 3600 + minute * 60 + second;
    /* Borrow a second for negative times so that the lowest values
     * (INT64_MIN is not a whole second) do not overflow on the way. */
    if (secs < 0 && frac > 0) {
        secs++;
        frac -= USEC_PER_SEC;
    }
    int64_t result;
    if (__builtin_mul_overflow(secs, USEC_PER_SEC, &result) ||
        __builtin_add_overflow(result, frac, &result))
        return false;
    *usec = result;
    return true;
}
