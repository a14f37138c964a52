/*
 * ldc_time.c - GeneralizedTime (RFC 4517 3.3.13) to and from UTC epoch
 * microseconds, with the proleptic Gregorian calendar worked out in
 * integers so that every year 0000..9999 converts exactly, whatever
 * time_t and the C library's gmtime can do.
 */
#include "ldc_value.h"

#include <stdio.h>

#define USEC_PER_SEC 1000000LL
#define USEC_PER_DAY (86400LL * USEC_PER_SEC)

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
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

bool ldc_gentime_format(int64_t usec, char out[LDC_TEXT_MAX])
{
    int64_t days = usec / USEC_PER_DAY, rem = usec % USEC_PER_DAY;
    if (rem < 0) { /* floor division: before 1970 counts down */
        rem += USEC_PER_DAY;
        days -= 1;
    }
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999)
        return false;
    int64_t secs = rem / USEC_PER_SEC;
    int frac = (int)(rem % USEC_PER_SEC);
    int n = snprintf(out, LDC_TEXT_MAX, "%04d%02d%02d%02d%02d%02d", (int)y,
                     m, d, (int)(secs / 3600), (int)(secs / 60 % 60),
                     (int)(secs % 60));
    if (frac != 0) {
        int digits = 6;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        n += snprintf(out + n, (size_t)(LDC_TEXT_MAX - n), ".%0*d", digits,
                      frac);
    }
    snprintf(out + n, (size_t)(LDC_TEXT_MAX - n), "Z");
    return true;
}

/* n decimal digits at p as an int; -1 when they are not all digits. */
static int digits(const char *p, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

static int days_in_month(int64_t y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

bool ldc_gentime_parse(const char *p, size_t len, int64_t *usec)
{
    size_t i = 10;
    if (len < 11)
        return false;
    int y = digits(p, 4), mo = digits(p + 4, 2), d = digits(p + 6, 2);
    int h = digits(p + 8, 2), mi = 0, s = 0;
    int64_t unit = 3600 * USEC_PER_SEC; /* what a fraction is a part of */
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
        h < 0 || h > 23)
        return false;
    if (i + 2 <= len && digits(p + i, 2) >= 0) {
        mi = digits(p + i, 2);
        i += 2;
        unit = 60 * USEC_PER_SEC;
        if (i + 2 <= len && digits(p + i, 2) >= 0) {
            s = digits(p + i, 2);
            i += 2;
            unit = USEC_PER_SEC;
        }
    }
    if (mi > 59 || s > 60)
        return false;
    int64_t frac = 0;
    if (i < len && (p[i] == '.' || p[i] == ',')) {
        int64_t num = 0, den = 1;
        size_t start = ++i;
        for (; i < len && p[i] >= '0' && p[i] <= '9'; i++)
            if (den < 1000000000LL) { /* more digits are below 1 usec */
                num = num * 10 + (p[i] - '0');
                den *= 10;
            }
        if (i == start)
            return false;
        frac = unit * num / den;
    }
    int64_t offset = 0;
    if (i < len && p[i] == 'Z') {
        i++;
    } else if (i < len && (p[i] == '+' || p[i] == '-')) {
        int sign = p[i] == '-' ? -1 : 1;
        int oh = i + 3 <= len ? digits(p + i + 1, 2) : -1, om = 0;
        i += 3;
        if (oh >= 0 && i + 2 <= len) {
            om = digits(p + i, 2);
            i += 2;
        }
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return false;
        offset = sign * ((int64_t)oh * 3600 + om * 60) * USEC_PER_SEC;
    } else {
        return false;
    }
    if (i != len)
        return false;
    *usec = days_from_civil(y, mo, d) * USEC_PER_DAY +
            ((int64_t)h * 3600 + mi * 60 + s) * USEC_PER_SEC + frac - offset;
    return true;
}
