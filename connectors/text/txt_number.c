/* txt_number.c - strict number syntax, exact formatting (see txt_number.h). */
#include "txt_number.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool txt_parse_int(const char *p, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    uint64_t v = 0;
    if (i < n && (p[i] == '-' || p[i] == '+'))
        neg = p[i++] == '-';
    if (i == n)
        return false;
    for (; i < n; i++) {
        if (!is_digit(p[i]))
            return false;
        unsigned d = (unsigned)(p[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1)
            return false;
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX)
            return false;
        *out = (int64_t)v;
    }
    return true;
}

bool txt_number_syntax(const char *p, size_t n)
{
    size_t i = 0, digits = 0;
    if (i < n && (p[i] == '-' || p[i] == '+'))
        i++;
    while (i < n && is_digit(p[i]))
        i++, digits++;
    if (i < n && p[i] == '.') {
        i++;
        while (i < n && is_digit(p[i]))
            i++, digits++;
    }
    if (digits == 0)
        return false;
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '-' || p[i] == '+'))
            i++;
        size_t exp_digits = 0;
        while (i < n && is_digit(p[i]))
            i++, exp_digits++;
        if (exp_digits == 0)
            return false;
    }
    return i == n;
}

bool txt_parse_double(const char *p, size_t n, double *out)
{
    char small[64];
    char *copy = small;
    bool ok = false;

    if (!txt_number_syntax(p, n))
        return false;
    if (n >= sizeof small) {
        copy = malloc(n + 1);
        if (copy == NULL)
            return false;
    }
    memcpy(copy, p, n);
    copy[n] = '\0';
    char *end = NULL;
    errno = 0;
    double d = strtod(copy, &end);
    /* ERANGE on underflow still gives the nearest value; refuse only an
     * overflow to infinity. */
    if (end == copy + n && isfinite(d)) {
        *out = d;
        ok = true;
    }
    if (copy != small)
        free(copy);
    return ok;
}

int txt_put_double(dbd_buf *b, double d)
{
    /* The exact decimal expansion of a double has at most 1074 fraction
     * digits, so the loop ends. */
    for (int prec = 2; prec <= 1100; prec++) {
        int n = snprintf(NULL, 0, "%.*f", prec, d);
        if (n < 0 || dbd_buf_reserve(b, (size_t)n) != 0)
            return -1;
        snprintf(b->data + b->len, (size_t)n + 1, "%.*f", prec, d);
        if (strtod(b->data + b->len, NULL) == d || prec == 1100) {
            b->len += (size_t)n;
            return 0;
        }
    }
    return -1;
}

void txt_double_text(double d, char out[TXT_DOUBLE_TEXT_MAX])
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, TXT_DOUBLE_TEXT_MAX, "%.*g", prec, d);
        if (strtod(out, NULL) == d)
            return;
    }
}

int64_t txt_usec_to_sec(int64_t usec)
{
    int64_t s = usec / 1000000;
    if (usec % 1000000 < 0)
        s--;
    return s;
}

int txt_cmp_int_double(int64_t a, double b)
{
    if (isnan(b))
        return 2;
    if (b >= 0x1p63)
        return -1;
    if (b < -0x1p63)
        return 1;
    /* |b| < 2^63: its integral part is an exact int64. */
    double t = trunc(b);
    int64_t ti = (int64_t)t;
    if (a < ti)
        return -1;
    if (a > ti)
        return 1;
    double frac = b - t;
    return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}
