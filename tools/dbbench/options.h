/*
 * options.h - dbbench's command line.
 */
#ifndef DBBENCH_OPTIONS_H
#define DBBENCH_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "workload.h"

typedef struct dbbench_opts {
    const char *endpoint;
    const char *datasource;
    unsigned clients;
    unsigned inflight;
    double duration_s;        /* used when count == 0 */
    uint64_t count;           /* total requests over all clients; 0: timed */
    unsigned weights[BENCH_OP_COUNT];
    char mix[64];             /* the mix as printed: "read=80,upsert=20" */
    uint64_t users;
    bool prefill;
    double warmup_s;
    int timeout_ms;
    bool json;
    uint64_t rate;            /* requests/s over all clients; 0: unpaced */
    const char *timeline;     /* TSV file to write, or NULL */
    const char *name;         /* client name sent with each request */
    const char *key;          /* CURVE: own key pair file, or NULL */
    const char *server_key;   /* CURVE: dbd's public key file, or NULL;
                                 both or neither is set */
} dbbench_opts;

/*
 * Fills o from argv.  Returns 0 to run, 1 when --help was given (usage
 * already printed), -1 on a bad command line (the reason and the usage
 * printed on stderr).
 */
int dbbench_opts_parse(int argc, char **argv, dbbench_opts *o);

#endif
