/*
 * pgsql_datetime.c - PostgreSQL's ISO date/time text to dbd datetimes
 * (UTC epoch microseconds), for values read in the text format.
 *
 * With DateStyle ISO the server writes "2024-02-29 13:45:00.123456" for a
 * timestamp, the same followed by "+00" for a timestamptz in TimeZone UTC
 * (other offsets are honoured all the same), "2024-02-29" for a date,
 * years past 9999 with more digits, " BC" after years before 1 AD, and
 * "infinity" / "-infinity".
 */
#include "pgsql_int.h"

#include <string.h>

#define USEC_PER_SEC INT64_C(1000000)

/* Days since 1970-01-01 of a proleptic Gregorian date (astronomical year:
 * 1 BC is year 0).  H. Hinnant's days_from_civil. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

typedef struct cursor {
    const char *p;
    size_t len, pos;
} cursor;

/* Between min and max digits into *out; false when fewer are there. */
static bool digits(cursor *c, size_t min, size_t max, int64_t *out)
{
    size_t n = 0;
    int64_t v = 0;
    while (c->pos < c->len && n < max && c->p[c->pos] >= '0' &&
           c->p[c->pos] <= '9') {
        v = v * 10 + (c->p[c->pos] - '0');
        c->pos++;
        n++;
    }
    *out = v;
    return n >= min;
}

static bool lit(cursor *c, char ch)
{
    if (c->pos < c->len && c->p[c->pos] == ch) {
        c->pos++;
        return true;
    }
    return false;
}

/* " HH:MM:SS[.ffffff]" after the date, when there; seconds and µs. */
static bool time_part(cursor *c, int64_t *secs, int64_t *frac)
{
    int64_t h, m, s, f = 0;
    *secs = 0;
    *frac = 0;
    if (c->pos + 1 >= c->len || c->p[c->pos] != ' ' ||
        c->p[c->pos + 1] < '0' || c->p[c->pos + 1] > '9')
        return true;
    c->pos++;
    if (!digits(c, 2, 2, &h) || !lit(c, ':') || !digits(c, 2, 2, &m) ||
        !lit(c, ':') || !digits(c, 2, 2, &s) || h > 24 || m > 59 || s > 60)
        return false;
    if (lit(c, '.')) {
        size_t start = c->pos;
        if (!digits(c, 1, 6, &f))
            return false;
        for (size_t i = c->pos - start; i < 6; i++)
            f *= 10;
    }
    *secs = h * 3600 + m * 60 + s;
    *frac = f;
    return true;
}

/* "+HH[:MM[:SS]]" or "-..." when there: seconds east of UTC. */
static bool offset_part(cursor *c, int64_t *east)
{
    int64_t h, m = 0, s = 0;
    int sign;
    *east = 0;
    if (lit(c, '+'))
        sign = 1;
    else if (lit(c, '-'))
        sign = -1;
    else
        return true;
    if (!digits(c, 2, 2, &h))
        return false;
    if (lit(c, ':') && !digits(c, 2, 2, &m))
        return false;
    if (lit(c, ':') && !digits(c, 2, 2, &s))
        return false;
    *east = sign * (h * 3600 + m * 60 + s);
    return true;
}

bool pgc_parse_datetime(const char *text, size_t len, int64_t *usec)
{
    cursor c = {.p = text, .len = len};
    int64_t year, month, day, secs, frac, east, total;
    static const char bc[] = " BC";

    if (len == 8 && memcmp(text, "infinity", 8) == 0) {
        *usec = INT64_MAX;
        return true;
    }
    if (len == 9 && memcmp(text, "-infinity", 9) == 0) {
        *usec = INT64_MIN;
        return true;
    }
    if (!digits(&c, 4, 9, &year) || !lit(&c, '-') ||
        !digits(&c, 2, 2, &month) || !lit(&c, '-') ||
        !digits(&c, 2, 2, &day) || month < 1 || month > 12 || day < 1 ||
        day > 31)
        return false;
    if (!time_part(&c, &secs, &frac) || !offset_part(&c, &east))
        return false;
    if (c.len - c.pos == sizeof bc - 1 &&
        memcmp(c.p + c.pos, bc, sizeof bc - 1) == 0) {
        year = 1 - year; /* 1 BC is year 0 */
        c.pos = c.len;
    }
    if (c.pos != c.len)
        return false;
    total = days_from_civil(year, (int)month, (int)day) * 86400 + secs - east;
    if (__builtin_mul_overflow(total, USEC_PER_SEC, &total) ||
        __builtin_add_overflow(total, frac, &total))
        return false;
    *usec = total;
    return true;
}
