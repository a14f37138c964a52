/*
 * clock.h - the two clocks dbd uses: deadlines are absolute UTC epoch
 * microseconds (the wire's clock, CLOCK_REALTIME); latencies, backoff and
 * drain timers use CLOCK_MONOTONIC so that a clock step cannot stretch them.
 */
#ifndef DBD_CLOCK_H
#define DBD_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t clock_us(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* UTC epoch microseconds. */
static inline int64_t now_real_us(void)
{
    return clock_us(CLOCK_REALTIME);
}

static inline int64_t now_mono_us(void)
{
    return clock_us(CLOCK_MONOTONIC);
}

static inline struct timespec mono_timespec(int64_t mono_us)
{
    struct timespec ts = {.tv_sec = mono_us / 1000000,
                          .tv_nsec = (long)(mono_us % 1000000) * 1000};
    return ts;
}

#endif
