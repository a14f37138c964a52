/*
 * mysql_time.c - dbd datetimes (UTC epoch microseconds) to and from
 * MYSQL_TIME, the broken-down form the binary protocol carries.
 *
 * MySQL's DATETIME holds no time zone; the connector sets the session's
 * time_zone to '+00:00' so that TIMESTAMP columns and NOW() agree with the
 * values it binds, and reads every temporal value as UTC.  The calendar is
 * the proleptic Gregorian one MySQL uses, converted with Howard Hinnant's
 * days-from-civil algorithms (exact for every year MySQL can hold).
 */
#include "mysql_int.h"

#include <string.h>

#define USEC_PER_SEC 1000000LL
#define SEC_PER_DAY 86400LL

/* Days since 1970-01-01 of y-m-d. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

bool myc_time_from_usec(int64_t usec, MYSQL_TIME *tm)
{
    int64_t secs = usec / USEC_PER_SEC;
    int64_t frac = usec % USEC_PER_SEC;
    if (frac < 0) {
        frac += USEC_PER_SEC;
        secs--;
    }
    int64_t days = secs / SEC_PER_DAY;
    int64_t rest = secs % SEC_PER_DAY;
    if (rest < 0) {
        rest += SEC_PER_DAY;
        days--;
    }
    int64_t year;
    unsigned month, day;
    civil_from_days(days, &year, &month, &day);
    if (year < 0 || year > 9999)
        return false;
    memset(tm, 0, sizeof *tm);
    tm->year = (unsigned)year;
    tm->month = month;
    tm->day = day;
    tm->hour = (unsigned)(rest / 3600);
    tm->minute = (unsigned)(rest / 60 % 60);
    tm->second = (unsigned)(rest % 60);
    tm->second_part = (unsigned long)frac;
    tm->neg = 0;
    tm->time_type = MYSQL_TIMESTAMP_DATETIME;
    return true;
}

bool myc_time_to_usec(const MYSQL_TIME *tm, int64_t *usec)
{
    if (tm->month < 1 || tm->month > 12 || tm->day < 1 || tm->day > 31 ||
        tm->year > 9999 || tm->hour > 23 || tm->minute > 59 ||
        tm->second > 59 || tm->second_part >= USEC_PER_SEC)
        return false;
    int64_t days = days_from_civil(tm->year, tm->month, tm->day);
    int64_t secs = days * SEC_PER_DAY + tm->hour * 3600LL +
                   tm->minute * 60LL + tm->second;
    *usec = secs * USEC_PER_SEC + (int64_t)tm->second_part;
    return true;
}
