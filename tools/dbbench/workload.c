/*
 * workload.c - the requests dbbench sends and the bench subscribers it
 * writes (see workload.h).  The tables are Kamailio's subscriber and
 * location; the requests mirror what its auth_db and usrloc modules do per
 * REGISTER: a point read of the subscriber and an upsert of the binding,
 * and what sipproxy asks per INVITE: the callee's live bindings.
 */
#include "workload.h"
#include "hex.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <nettle/md5.h>

/* How long an upserted binding stays valid, like a REGISTER's Expires. */
#define BINDING_TTL_USEC (INT64_C(3600) * 1000000)
/* usrloc's bit mask of the methods a contact allows (from its Allow
 * header); the value only has to be an int of realistic size. */
#define BENCH_CONTACT_METHODS 8159

static const char *const op_names[BENCH_OP_COUNT] = {
    [BENCH_OP_READ] = "read",
    [BENCH_OP_UPSERT] = "upsert",
    [BENCH_OP_LOCATE] = "locate",
};

const char *bench_op_name(bench_op op)
{
    return (unsigned)op < BENCH_OP_COUNT ? op_names[op] : NULL;
}

bool bench_op_from_name(const char *name, size_t len, bench_op *out)
{
    for (int i = 0; i < BENCH_OP_COUNT; i++) {
        if (strlen(op_names[i]) == len && memcmp(op_names[i], name, len) == 0) {
            *out = (bench_op)i;
            return true;
        }
    }
    return false;
}

bench_op bench_op_pick(const unsigned weights[BENCH_OP_COUNT], uint64_t rnd)
{
    uint64_t total = 0;
    for (int i = 0; i < BENCH_OP_COUNT; i++)
        total += weights[i];
    uint64_t at = total > 0 ? rnd % total : 0;
    for (int i = 0; i < BENCH_OP_COUNT; i++) {
        if (at < weights[i])
            return (bench_op)i;
        at -= weights[i];
    }
    return BENCH_OP_READ;
}

static int add_str(dbd_request *req, dbd_op *op, const char *col,
                   const char *s)
{
    dbd_value v = dbd_string(s, strlen(s));
    return dbd_op_add_value(req, op, col, &v);
}

/* A query of table's columns for the bench user's AoR (username and
 * domain); NULL when memory runs out. */
static dbd_request *aor_query(const char *ds, const char *table,
                             const char *user, const char *const *columns,
                             size_t ncolumns)
{
    dbd_request *req = dbd_request_new(DBD_OP_QUERY, ds, table);
    dbd_value name = dbd_string(user, strlen(user));
    dbd_value domain = dbd_string(BENCH_DOMAIN, strlen(BENCH_DOMAIN));
    if (req == NULL)
        return NULL;
    for (size_t i = 0; i < ncolumns; i++)
        if (dbd_op_add_column(req, &req->op, columns[i]) < 0)
            goto fail;
    if (dbd_op_add_where(req, &req->op, "username", DBD_CMP_EQ, &name) < 0 ||
        dbd_op_add_where(req, &req->op, "domain", DBD_CMP_EQ, &domain) < 0)
        goto fail;
    return req;
fail:
    dbd_request_destroy(&req);
    return NULL;
}

static dbd_request *read_request(const char *ds, const char *user)
{
    static const char *const columns[] = {"username", "password", "ha1",
                                          "ha1b"};
    return aor_query(ds, "subscriber", user, columns,
                     sizeof columns / sizeof columns[0]);
}

/*
 * The binding as Kamailio's usrloc writes it in DB-only mode: every column
 * of location but the auto id, so the request has the size and shape of the
 * real one and fits every backend, including those (db_text) whose NOT NULL
 * columns have no defaults.  Values are those of a UDP contact without
 * NAT, path or GRUU: received, path and instance NULL, connection id -1.
 */
static dbd_request *upsert_request(const char *ds, uint64_t n,
                                   const char *user, uint64_t seq)
{
    char ruid[40], contact[96], callid[48];
    snprintf(ruid, sizeof ruid, "ruid-%" PRIu64, n);
    snprintf(contact, sizeof contact, "sip:%s@127.0.0.1:5060", user);
    snprintf(callid, sizeof callid, "dbbench-%s", user);
    int64_t now = dbd_now_usec();
    const char *socket = "udp:127.0.0.1:5060";
    const char *agent = "dbbench";
    const struct {
        const char *column;
        dbd_value value;
    } binding[] = {
        {"ruid", dbd_string(ruid, strlen(ruid))},
        {"username", dbd_string(user, strlen(user))},
        {"domain", dbd_string(BENCH_DOMAIN, strlen(BENCH_DOMAIN))},
        {"contact", dbd_string(contact, strlen(contact))},
        {"received", dbd_null()},
        {"path", dbd_null()},
        {"expires", dbd_datetime(now + BINDING_TTL_USEC)},
        {"q", dbd_double(1.0)},
        {"callid", dbd_string(callid, strlen(callid))},
        {"cseq", dbd_int((int64_t)(seq % INT32_MAX) + 1)},
        {"last_modified", dbd_datetime(now)},
        {"flags", dbd_int(0)},
        {"cflags", dbd_int(0)},
        {"user_agent", dbd_string(agent, strlen(agent))},
        {"socket", dbd_string(socket, strlen(socket))},
        {"methods", dbd_int(BENCH_CONTACT_METHODS)},
        {"instance", dbd_null()},
        {"reg_id", dbd_int(0)},
        {"server_id", dbd_int(0)},
        {"connection_id", dbd_int(-1)},
        {"keepalive", dbd_int(0)},
        {"partition", dbd_int(0)},
    };
    dbd_request *req = dbd_request_new(DBD_OP_REPLACE, ds, "location");
    if (req == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof binding / sizeof binding[0]; i++)
        if (dbd_op_add_value(req, &req->op, binding[i].column,
                             &binding[i].value) < 0)
            goto fail;
    if (dbd_op_add_key(req, &req->op, "ruid") < 0)
        goto fail;
    return req;
fail:
    dbd_request_destroy(&req);
    return NULL;
}

/*
 * The lookup sipproxy sends per INVITE (reg_query_lookup in
 * proxy/binding.c): every binding column of the AoR's rows that have not
 * expired, best q first, the latest first among equal q.
 */
static dbd_request *locate_request(const char *ds, const char *user)
{
    static const char *const columns[] = {
        "ruid", "contact", "expires", "q", "callid", "cseq", "last_modified",
        "user_agent", "received", "path", "socket", "instance", "reg_id",
    };
    dbd_request *req = aor_query(ds, "location", user, columns,
                                 sizeof columns / sizeof columns[0]);
    dbd_value now = dbd_datetime(dbd_now_usec());
    if (req == NULL)
        return NULL;
    if (dbd_op_add_where(req, &req->op, "expires", DBD_CMP_GT, &now) < 0 ||
        dbd_op_add_order(req, &req->op, "q", true) < 0 ||
        dbd_op_add_order(req, &req->op, "last_modified", true) < 0)
        dbd_request_destroy(&req);
    return req;
}

dbd_request *bench_request_new(bench_op op, const char *datasource,
                               uint64_t user, uint64_t seq)
{
    char name[32];
    snprintf(name, sizeof name, "user%" PRIu64, user);
    switch (op) {
    case BENCH_OP_READ:
        return read_request(datasource, name);
    case BENCH_OP_UPSERT:
        return upsert_request(datasource, user, name, seq);
    case BENCH_OP_LOCATE:
        return locate_request(datasource, name);
    case BENCH_OP_COUNT:
        break;
    }
    return NULL;
}

/* Lower-case hex MD5 of text, as digest authentication writes it. */
static void md5_hex(const char *text, char out[2 * MD5_DIGEST_SIZE + 1])
{
    struct md5_ctx ctx;
    uint8_t digest[MD5_DIGEST_SIZE];
    md5_init(&ctx);
    md5_update(&ctx, strlen(text), (const uint8_t *)text);
    md5_digest(&ctx, sizeof digest, digest);
    dbd_hex_encode(digest, sizeof digest, out);
}

int bench_add_subscriber(dbd_request *batch, uint64_t user)
{
    char name[32], password[32], a1[160];
    char ha1[2 * MD5_DIGEST_SIZE + 1], ha1b[2 * MD5_DIGEST_SIZE + 1];
    snprintf(name, sizeof name, "user%" PRIu64, user);
    snprintf(password, sizeof password, "pass%" PRIu64, user);
    /* The realm is the domain. */
    snprintf(a1, sizeof a1, "%s:%s:%s", name, BENCH_DOMAIN, password);
    md5_hex(a1, ha1);
    snprintf(a1, sizeof a1, "%s@%s:%s:%s", name, BENCH_DOMAIN, BENCH_DOMAIN,
             password);
    md5_hex(a1, ha1b);
    dbd_op *op = dbd_request_add_op(batch, DBD_OP_REPLACE, "subscriber");
    if (op == NULL || add_str(batch, op, "username", name) < 0 ||
        add_str(batch, op, "domain", BENCH_DOMAIN) < 0 ||
        add_str(batch, op, "password", password) < 0 ||
        add_str(batch, op, "ha1", ha1) < 0 ||
        add_str(batch, op, "ha1b", ha1b) < 0 ||
        dbd_op_add_key(batch, op, "username") < 0 ||
        dbd_op_add_key(batch, op, "domain") < 0)
        return -1;
    return 0;
}

bool bench_user_from_name(const char *name, size_t len, uint64_t users,
                          uint64_t *user)
{
    if (len < 5 || memcmp(name, "user", 4) != 0)
        return false;
    /* Canonical decimal only: "user007" is not bench user 7. */
    if (name[4] == '0' && len > 5)
        return false;
    uint64_t n = 0;
    for (size_t i = 4; i < len; i++) {
        if (name[i] < '0' || name[i] > '9' || n > (UINT64_MAX - 9) / 10)
            return false;
        n = n * 10 + (uint64_t)(name[i] - '0');
    }
    if (n >= users)
        return false;
    *user = n;
    return true;
}
