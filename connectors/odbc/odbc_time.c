/*
 * odbc_time.c - dbd datetimes (UTC epoch microseconds) to and from ODBC's
 * SQL_TIMESTAMP_STRUCT, whose fraction counts nanoseconds.
 *
 * The day arithmetic is the proleptic Gregorian calendar in the usual
 * era-of-400-years form, exact for every year ODBC can carry.
 */
#include "odbc_int.h"

#define USEC_PER_SEC 1000000LL
#define SEC_PER_DAY 86400LL

/* Days since 1970-01-01 of y-m-d. */
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

bool odbc_time_to_struct(int64_t usec, SQL_TIMESTAMP_STRUCT *ts)
{
    /* Floor division: the fraction of a time before 1970 counts forward
     * from the second before it. */
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
    if (year < 1 || year > 9999)
        return false;
    ts->year = (SQLSMALLINT)year;
    ts->month = (SQLUSMALLINT)month;
    ts->day = (SQLUSMALLINT)day;
    ts->hour = (SQLUSMALLINT)(sod / 3600);
    ts->minute = (SQLUSMALLINT)(sod / 60 % 60);
    ts->second = (SQLUSMALLINT)(sod % 60);
    ts->fraction = (SQLUINTEGER)(frac * 1000);
    return true;
}

bool odbc_time_from_struct(const SQL_TIMESTAMP_STRUCT *ts, int64_t *usec)
{
    /* A leap second (60) is kept as the next second, as PostgreSQL does. */
    if (ts->month < 1 || ts->month > 12 || ts->day < 1 || ts->day > 31 ||
        ts->hour > 23 || ts->minute > 59 || ts->second > 60 ||
        ts->fraction > 999999999u)
        return false;
    int64_t days = days_from_civil(ts->year, ts->month, ts->day);
    int64_t secs = days * SEC_PER_DAY + ts->hour * 3600LL +
                   ts->minute * 60LL + ts->second;
    *usec = secs * USEC_PER_SEC + ts->fraction / 1000;
    return true;
}
