/*
 * options.c - parses dbbench's command line (see options.h).
 */
#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

#define MAX_THREADS 4096
#define MAX_INFLIGHT 100000
#define MAX_WEIGHT 1000000
#define MAX_RATE 100000000

static void usage(FILE *out)
{
    fputs(
        "usage: dbbench --datasource DS [--endpoint E] [--clients N]\n"
        "               [--inflight N] [--duration SEC | --count N]\n"
        "               [--mix read=80,upsert=20] [--users N] [--prefill]\n"
        "               [--warmup SEC] [--timeout MS] [--rate N]\n"
        "               [--timeline FILE] [--name N] [--json]\n"
        "               [--key FILE --server-key FILE]\n"
        "Load generator for dbd: N client threads, each with its own\n"
        "connection, keep `inflight` requests outstanding for SEC seconds\n"
        "(or until N requests in all) and report throughput and latency.\n"
        "  --endpoint E    dbd endpoint (default: $DBD_ENDPOINT, else "
        DBD_DEFAULT_ENDPOINT ")\n"
        "  --datasource DS datasource with the Kamailio subscriber and\n"
        "                  location tables (required)\n"
        "  --clients N     client threads (default 1)\n"
        "  --inflight N    requests outstanding per client (default 1)\n"
        "  --duration SEC  measured run time (default 10)\n"
        "  --count N       stop after N requests instead\n"
        "  --mix LIST      operations and weights (default read=100):\n"
        "                  read   the subscriber's row (auth per REGISTER)\n"
        "                  upsert the user's binding (usrloc per REGISTER)\n"
        "                  locate the user's live bindings (per INVITE)\n"
        "  --users N       bench users user0..userN-1 (default 1000)\n"
        "  --prefill       write the bench subscribers first\n"
        "  --warmup SEC    unmeasured load before the run (default 0)\n"
        "  --timeout MS    per-request timeout (default 5000)\n"
        "  --rate N        send N requests a second over all clients,\n"
        "                  evenly spaced (the in-flight limit still\n"
        "                  applies; a client that falls behind catches up)\n"
        "  --timeline FILE write answers per 100 ms of the measured run as\n"
        "                  TSV: t_ms ok failed latency_max_us\n"
        "  --name N        the client name sent with each request for dbd's\n"
        "                  audit trail (default dbbench)\n"
        "  --json          print the summary as one JSON object\n"
        "  --key FILE      CURVE: dbbench's key pair NAME.key (default\n"
        "                  $DBD_KEY); tcp:// endpoints only\n"
        "  --server-key FILE  CURVE: dbd's public key NAME.pub (default\n"
        "                  $DBD_SERVER_KEY); both or neither\n"
        "The summary counts `failed` answers (status other than OK, by\n"
        "status), `lost` requests (no answer from dbd by their deadline, or\n"
        "never sent out by the client library) and the longest gap between\n"
        "two answers.  dbbench waits for every request until its deadline.\n"
        "The wall clock time of the measured start (the timeline's 0) is\n"
        "printed on stderr and in the JSON summary as start_unix_ms.\n"
        "Exit status: 0 run completed (errors are reported), 1 could not\n"
        "start, 64 bad command line.\n",
        out);
}

/* "read=80,upsert=20", or a bare name for weight 1. */
static int parse_mix(const char *text, dbbench_opts *o)
{
    bool seen[BENCH_OP_COUNT] = {false};
    unsigned total = 0;
    memset(o->weights, 0, sizeof o->weights);
    const char *p = text;
    for (;;) {
        size_t itemlen = strcspn(p, ",");
        size_t namelen = strcspn(p, ",=");
        bench_op op;
        if (!bench_op_from_name(p, namelen, &op)) {
            fprintf(stderr, "dbbench: --mix: unknown operation '%.*s' "
                    "(want read, upsert or locate)\n", (int)namelen, p);
            return -1;
        }
        if (seen[op]) {
            fprintf(stderr, "dbbench: --mix: '%s' given twice\n",
                    bench_op_name(op));
            return -1;
        }
        seen[op] = true;
        uint64_t w = 1;
        if (namelen < itemlen) {
            char num[24];
            size_t numlen = itemlen - namelen - 1;
            if (numlen >= sizeof num) {
                fprintf(stderr, "dbbench: --mix: weight of '%s' too long\n",
                        bench_op_name(op));
                return -1;
            }
            memcpy(num, p + namelen + 1, numlen);
            num[numlen] = '\0';
            if (!bench_parse_uint(num, 0, MAX_WEIGHT, &w)) {
                fprintf(stderr, "dbbench: --mix: weight of '%s' must be a "
                        "number 0..%d, got '%s'\n", bench_op_name(op),
                        MAX_WEIGHT, num);
                return -1;
            }
        }
        o->weights[op] = (unsigned)w;
        total += (unsigned)w;
        if (p[itemlen] == '\0')
            break;
        p += itemlen + 1;
    }
    if (total == 0) {
        fprintf(stderr, "dbbench: --mix: every weight is 0\n");
        return -1;
    }
    /* Keep a canonical spelling for the report. */
    size_t used = 0;
    o->mix[0] = '\0';
    for (int i = 0; i < BENCH_OP_COUNT; i++) {
        if (o->weights[i] == 0)
            continue;
        int n = snprintf(o->mix + used, sizeof o->mix - used, "%s%s=%u",
                         used > 0 ? "," : "", bench_op_name((bench_op)i),
                         o->weights[i]);
        if (n < 0 || (size_t)n >= sizeof o->mix - used)
            break; /* cannot happen with three operations and 7-digit weights */
        used += (size_t)n;
    }
    return 0;
}

static bool parse_count(const char *name, const char *text, uint64_t min,
                        uint64_t max, uint64_t *out)
{
    if (bench_parse_uint(text, min, max, out))
        return true;
    fprintf(stderr, "dbbench: --%s wants a number %llu..%llu, got '%s'\n",
            name, (unsigned long long)min, (unsigned long long)max, text);
    return false;
}

static bool parse_secs(const char *name, const char *text, double *out)
{
    if (bench_parse_seconds(text, 86400.0 * 7, out))
        return true;
    fprintf(stderr, "dbbench: --%s wants seconds (0..604800), got '%s'\n",
            name, text);
    return false;
}

int dbbench_opts_parse(int argc, char **argv, dbbench_opts *o)
{
    enum { O_ENDPOINT = 256, O_DS, O_CLIENTS, O_INFLIGHT, O_DURATION, O_COUNT,
           O_MIX, O_USERS, O_PREFILL, O_WARMUP, O_TIMEOUT, O_JSON, O_RATE, O_TIMELINE,
           O_NAME, O_KEY, O_SERVER_KEY, O_HELP };
    static const struct option longopts[] = {
        {"endpoint", required_argument, NULL, O_ENDPOINT},
        {"datasource", required_argument, NULL, O_DS},
        {"clients", required_argument, NULL, O_CLIENTS},
        {"inflight", required_argument, NULL, O_INFLIGHT},
        {"duration", required_argument, NULL, O_DURATION},
        {"count", required_argument, NULL, O_COUNT},
        {"mix", required_argument, NULL, O_MIX},
        {"users", required_argument, NULL, O_USERS},
        {"prefill", no_argument, NULL, O_PREFILL},
        {"warmup", required_argument, NULL, O_WARMUP},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"json", no_argument, NULL, O_JSON},
        {"rate", required_argument, NULL, O_RATE},
        {"timeline", required_argument, NULL, O_TIMELINE},
        {"name", required_argument, NULL, O_NAME},
        {"key", required_argument, NULL, O_KEY},
        {"server-key", required_argument, NULL, O_SERVER_KEY},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *env = getenv("DBD_ENDPOINT");
    *o = (dbbench_opts){
        .endpoint = env != NULL && *env != '\0' ? env : DBD_DEFAULT_ENDPOINT,
        .clients = 1,
        .inflight = 1,
        .duration_s = 10.0,
        .users = 1000,
        .timeout_ms = DBD_DEFAULT_TIMEOUT_MS,
        .name = "dbbench",
    };
    /* The options given override these one by one. */
    env = getenv("DBD_KEY");
    o->key = env != NULL && *env != '\0' ? env : NULL;
    env = getenv("DBD_SERVER_KEY");
    o->server_key = env != NULL && *env != '\0' ? env : NULL;
    o->weights[BENCH_OP_READ] = 100;
    snprintf(o->mix, sizeof o->mix, "read=100");
    bool have_duration = false;
    uint64_t n = 0;
    int c, ok = 1;
    opterr = 1;
    while (ok && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_ENDPOINT:
            o->endpoint = optarg;
            break;
        case O_DS:
            o->datasource = optarg;
            break;
        case O_CLIENTS:
            ok = parse_count("clients", optarg, 1, MAX_THREADS, &n);
            o->clients = (unsigned)n;
            break;
        case O_INFLIGHT:
            ok = parse_count("inflight", optarg, 1, MAX_INFLIGHT, &n);
            o->inflight = (unsigned)n;
            break;
        case O_DURATION:
            ok = parse_secs("duration", optarg, &o->duration_s);
            if (ok && o->duration_s <= 0) {
                fprintf(stderr, "dbbench: --duration must be > 0\n");
                ok = 0;
            }
            have_duration = true;
            break;
        case O_COUNT:
            ok = parse_count("count", optarg, 1, UINT64_C(1000000000000),
                             &o->count);
            break;
        case O_MIX:
            ok = parse_mix(optarg, o) == 0;
            break;
        case O_USERS:
            ok = parse_count("users", optarg, 1, UINT64_C(1000000000), &o->users);
            break;
        case O_PREFILL:
            o->prefill = true;
            break;
        case O_WARMUP:
            ok = parse_secs("warmup", optarg, &o->warmup_s);
            break;
        case O_TIMEOUT:
            ok = parse_count("timeout", optarg, 1, 3600000, &n);
            o->timeout_ms = (int)n;
            break;
        case O_JSON:
            o->json = true;
            break;
        case O_RATE:
            ok = parse_count("rate", optarg, 1, MAX_RATE, &o->rate);
            break;
        case O_TIMELINE:
            o->timeline = optarg;
            if (*optarg == '\0') {
                fprintf(stderr, "dbbench: --timeline wants a file name\n");
                ok = 0;
            }
            break;
        case O_NAME:
            o->name = optarg;
            if (!dbd_request_client_valid(optarg, strlen(optarg))) {
                fprintf(stderr, "dbbench: --name wants 1 to %d printable "
                        "ASCII characters\n", DBD_REQUEST_CLIENT_MAX);
                ok = 0;
            }
            break;
        case O_KEY:
        case O_SERVER_KEY:
            if (*optarg == '\0') {
                fprintf(stderr, "dbbench: --%s wants a key file\n",
                        c == O_KEY ? "key" : "server-key");
                ok = 0;
            }
            if (c == O_KEY)
                o->key = optarg;
            else
                o->server_key = optarg;
            break;
        case O_HELP:
            usage(stdout);
            return 1;
        default: /* getopt said what was wrong */
            ok = 0;
            break;
        }
    }
    if (ok && optind != argc) {
        fprintf(stderr, "dbbench: unexpected argument '%s'\n", argv[optind]);
        ok = 0;
    }
    if (ok && have_duration && o->count > 0) {
        fprintf(stderr, "dbbench: give either --duration or --count\n");
        ok = 0;
    }
    if (ok && (o->key == NULL) != (o->server_key == NULL)) {
        fprintf(stderr, "dbbench: --key (or $DBD_KEY) and --server-key (or "
                "$DBD_SERVER_KEY) go together: %s is missing\n",
                o->key == NULL ? "--key" : "--server-key");
        ok = 0;
    }
    if (ok && (o->datasource == NULL || *o->datasource == '\0')) {
        fprintf(stderr, "dbbench: --datasource is required\n");
        ok = 0;
    }
    if (!ok) {
        usage(stderr);
        return -1;
    }
    return 0;
}
