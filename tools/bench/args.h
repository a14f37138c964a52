/*
 * args.h - strict parsing of the numbers the benchmark tools take on their
 * command lines: the whole text must be a number within the given range.
 */
#ifndef BENCH_ARGS_H
#define BENCH_ARGS_H

#include <stdbool.h>
#include <stdint.h>

/* Exit status for a bad command line (BSD sysexits EX_USAGE). */
#define BENCH_EXIT_USAGE 64

/* Decimal unsigned integer in [min, max]; false on anything else. */
bool bench_parse_uint(const char *text, uint64_t min, uint64_t max,
                      uint64_t *out);
/* Non-negative decimal seconds, e.g. "10" or "0.5", at most max. */
bool bench_parse_seconds(const char *text, double max, double *out);

#endif
