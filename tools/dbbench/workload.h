/*
 * workload.h - what dbbench sends: the operations of a mix, the requests
 * they are made of, and the bench subscribers --prefill writes.
 *
 * Bench subscriber N (0 <= N < users) is username "userN" in domain
 * BENCH_DOMAIN with password "passN"; ha1 and ha1b are the digest-auth
 * hashes MD5(user:realm:password) and MD5(user@domain:realm:password) with
 * the realm equal to the domain, as Kamailio's auth_db expects them.
 */
#ifndef DBBENCH_WORKLOAD_H
#define DBBENCH_WORKLOAD_H

#include <stdint.h>

#include "dbdclient.h"

#define BENCH_DOMAIN "bench.example"

typedef enum bench_op {
    BENCH_OP_READ = 0, /* point read of a subscriber by username and domain */
    BENCH_OP_UPSERT,   /* replace of the user's location row, keyed by ruid */
    BENCH_OP_LOCATE,   /* the user's live bindings, as sipproxy per INVITE */
    BENCH_OP_COUNT
} bench_op;

/* "read", "upsert", "locate"; NULL when out of range. */
const char *bench_op_name(bench_op op);
/* false when name is not an operation. */
bool bench_op_from_name(const char *name, size_t len, bench_op *out);

/* A per-thread pseudo-random sequence (splitmix64). */
static inline uint64_t bench_rng_next(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Chooses an operation by weight; weights must not all be 0. */
bench_op bench_op_pick(const unsigned weights[BENCH_OP_COUNT], uint64_t rnd);

/*
 * The request for one operation on bench user `user`; seq distinguishes
 * successive upserts (their cseq).  NULL when memory runs out.
 */
dbd_request *bench_request_new(bench_op op, const char *datasource,
                               uint64_t user, uint64_t seq);

/* Appends subscriber `user` to a batch as a replace on (username, domain).
 * 0, or -1 when memory runs out. */
int bench_add_subscriber(dbd_request *batch, uint64_t user);

/* Parses "userN" with N < users; false for any other name. */
bool bench_user_from_name(const char *name, size_t len, uint64_t users,
                          uint64_t *user);

#endif
