/*
 * cmd_migrate.c - migrate SRC DST [TABLE...]: copies tables from one
 * datasource to another through dbd and proves the copy: per table the
 * rows read, written and found on DST, and an order-independent checksum
 * of both sides (checksum.c).  --verify-only compares without copying.
 *
 * Nothing is written before every table passed the checks: it exists on
 * both sides with the same columns, and DST's copy is empty (or
 * --truncate lets it be emptied).
 */
#include "migrate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"

/* The Kamailio tables migrated when none are named. */
static const char *const default_tables[] = {
    "version", "subscriber", "location", "dr_gateways", "dr_rules",
};

#define MIG_TIMEOUT_MS 30000 /* per request, unless --timeout says */
#define MIG_PAGE 1000
#define MIG_PAGE_MAX 100000

typedef struct mig_args {
    const char *src, *dst;
    char **tables;
    int ntables;
} mig_args;

static int parse_number(dbctl *d, const char *opt, const char *text,
                        long min, long max, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 ||
        v < min || v > max)
        return dbctl_usage(d, "migrate", "%s wants a number from %ld to %ld, "
                           "not \"%s\"", opt, min, max, text);
    *out = v;
    return 0;
}

static int parse_args(dbctl *d, mig *m, int argc, char **argv, mig_args *a)
{
    bool options = true;
    long n;
    int rc;

    a->tables = calloc((size_t)argc, sizeof *a->tables);
    if (a->tables == NULL) {
        fprintf(d->err, "dbctl: INTERNAL: out of memory\n");
        return DBD_INTERNAL;
    }
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;

        if (options && strcmp(argv[i], "--") == 0) {
            options = false;
        } else if (options && strcmp(argv[i], "--truncate") == 0) {
            m->truncate = true;
        } else if (options && strcmp(argv[i], "--verify-only") == 0) {
            m->verify_only = true;
        } else if (options && (strcmp(argv[i], "--verbose") == 0 ||
                               strcmp(argv[i], "-v") == 0)) {
            m->verbose = true;
        } else if (options && (rc = opt_value(argc, argv, &i, "--page", &v)) != 0) {
            if (rc < 0)
                return dbctl_usage(d, argv[0], "--page needs a value");
            if ((rc = parse_number(d, "--page", v, 1, MIG_PAGE_MAX, &n)) != 0)
                return rc;
            m->page = n;
        } else if (options &&
                   (rc = opt_value(argc, argv, &i, "--float-digits", &v)) != 0) {
            if (rc < 0)
                return dbctl_usage(d, argv[0], "--float-digits needs a value");
            if ((rc = parse_number(d, "--float-digits", v, 1, 17, &n)) != 0)
                return rc;
            m->float_digits = (int)n;
        } else if (options && argv[i][0] == '-' && argv[i][1] == '-') {
            return dbctl_usage(d, argv[0], "no option \"%s\"", argv[i]);
        } else if (a->src == NULL) {
            a->src = argv[i];
        } else if (a->dst == NULL) {
            a->dst = argv[i];
        } else {
            a->tables[a->ntables++] = argv[i];
        }
    }
    if (a->dst == NULL)
        return dbctl_usage(d, argv[0], "wants SRC DST [TABLE...]");
    if (strcmp(a->src, a->dst) == 0)
        return dbctl_usage(d, argv[0], "SRC and DST are the same datasource");
    if (m->truncate && m->verify_only)
        return dbctl_usage(d, argv[0],
                           "--truncate and --verify-only exclude each other");
    for (int i = 0; i < a->ntables; i++)
        if (!dbd_ident_valid(a->tables[i], strlen(a->tables[i])))
            return dbctl_usage(d, argv[0], "\"%s\" is not a table name",
                               a->tables[i]);
    return 0;
}

/* Whether the comma-separated caps list holds name. */
static bool has_cap(const char *caps, const char *name)
{
    size_t n = strlen(name);

    for (const char *p = caps; p != NULL && *p != '\0';) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);

        if (len == n && memcmp(p, name, n) == 0)
            return true;
        p = comma ? comma + 1 : NULL;
    }
    return false;
}

/* Fills src and dst from dbd's datasources table. */
static int find_datasources(mig *m)
{
    dbd_request *req = dbd_request_new(DBD_OP_DATASOURCES, NULL, NULL);
    dbd_result *r = mig_call(m, &req);
    long name, scheme, caps;
    mig_ds *want[2] = {&m->src, &m->dst};
    int code = 0;

    if (r == NULL)
        return DBD_INTERNAL;
    if (dbd_result_status(r) != DBD_OK) {
        fprintf(m->d->err, "dbctl: %s: %s\n",
                dbd_status_name(dbd_result_status(r)), dbd_result_message(r));
        code = (int)dbd_result_status(r);
        goto out;
    }
    name = dbd_result_col_index(r, "name");
    scheme = dbd_result_col_index(r, "scheme");
    caps = dbd_result_col_index(r, "caps");
    for (size_t k = 0; k < 2; k++) {
        size_t row;
        const char *s;
        size_t len;

        for (row = 0; row < dbd_result_nrows(r); row++)
            if (dbd_result_get_string(r, row, (size_t)name, &s, &len) == 0 &&
                strcmp(s, want[k]->name) == 0)
                break;
        if (name < 0 || row == dbd_result_nrows(r)) {
            fprintf(m->d->err, "dbctl: NOTFOUND: no such datasource \"%s\"\n",
                    want[k]->name);
            code = DBD_NOTFOUND;
            goto out;
        }
        if (scheme >= 0 &&
            dbd_result_get_string(r, row, (size_t)scheme, &s, &len) == 0)
            snprintf(want[k]->scheme, sizeof want[k]->scheme, "%s", s);
        if (caps < 0 ||
            dbd_result_get_string(r, row, (size_t)caps, &s, &len) != 0)
            s = "";
        want[k]->order = has_cap(s, "order");
        want[k]->limit = has_cap(s, "limit");
        want[k]->transaction = has_cap(s, "transaction");
    }
out:
    dbd_result_destroy(&r);
    return code;
}

/* Whether a and b have the same column names (in any order); if not,
 * *missing is the first one the other side lacks, *on_dst whether DST (b)
 * lacks it. */
static bool same_columns(const dbd_result *a, const dbd_result *b,
                         const char **missing, bool *on_dst)
{
    for (int side = 0; side < 2; side++) {
        const dbd_result *x = side ? b : a, *y = side ? a : b;

        for (size_t c = 0; c < dbd_result_ncols(x); c++)
            if (dbd_result_col_index(y, dbd_result_col_name(x, c)) < 0) {
                *missing = dbd_result_col_name(x, c);
                *on_dst = side == 0; /* a is SRC: DST lacks it */
                return false;
            }
    }
    return true;
}

/* Checks one table before anything is written; 0 or an exit code (the
 * problem printed). */
static int check_table(mig *m, mig_table *t, bool named)
{
    char err[600];
    dbd_status st;
    const char *missing;
    bool on_dst;

    st = mig_probe(m, &m->src, t->name, &t->src_probe, err, sizeof err);
    if (st == DBD_NOTFOUND && !named) {
        t->skip = true;
        if (m->verbose)
            fprintf(m->d->err, "dbctl: migrate: %s: not on %s, skipped\n",
                    t->name, m->src.name);
        return 0;
    }
    if (st == DBD_OK)
        st = mig_probe(m, &m->dst, t->name, &t->dst_probe, err, sizeof err);
    if (st != DBD_OK) {
        fprintf(m->d->err, "dbctl: migrate: %s\n", err);
        return (int)st;
    }
    if (!same_columns(t->src_probe, t->dst_probe, &missing, &on_dst)) {
        fprintf(m->d->err,
                "dbctl: migrate: table %s: the columns differ: %s has "
                "\"%s\", %s has not\n",
                t->name, on_dst ? m->src.name : m->dst.name, missing,
                on_dst ? m->dst.name : m->src.name);
        return DBCTL_EXIT_MISMATCH;
    }
    if (!m->verify_only && !m->truncate &&
        dbd_result_nrows(t->dst_probe) > 0) {
        fprintf(m->d->err,
                "dbctl: migrate: table %s on %s has rows; refusing to copy "
                "into it (--truncate deletes them first)\n",
                t->name, m->dst.name);
        return DBCTL_EXIT_NOTEMPTY;
    }
    return 0;
}

typedef struct copy_ctx {
    mig_table *t;
    bool dst_side; /* reading DST: only count and sum */
} copy_ctx;

static dbd_status on_page(mig *m, const dbd_result *page, int64_t first,
                          void *ctx, char *err, size_t errlen)
{
    copy_ctx *c = ctx;
    mig_sum *sum = c->dst_side ? &c->t->dst : &c->t->src;
    dbd_status st;

    if (mig_sum_add_page(sum, page, m->float_digits) != 0) {
        snprintf(err, errlen, "%s: out of memory", c->t->name);
        return DBD_INTERNAL;
    }
    if (c->dst_side)
        return DBD_OK;
    c->t->read += (int64_t)dbd_result_nrows(page);
    if (m->verify_only || dbd_result_nrows(page) == 0)
        return DBD_OK;
    st = mig_write_page(m, c->t->name, page, first, &c->t->written, err,
                        errlen);
    if (st == DBD_OK && m->verbose)
        fprintf(m->d->err, "dbctl: migrate: %s: %lld rows copied\n",
                c->t->name, (long long)c->t->written);
    return st;
}

/* Copies (unless --verify-only) and compares one table; 0 or an exit
 * code.  A failure to write stops the migration. */
static int run_table(mig *m, mig_table *t, bool *stop)
{
    char err[800], src_hex[MIG_SUM_HEX], dst_hex[MIG_SUM_HEX];
    copy_ctx c = {.t = t};
    dbd_status st = DBD_OK;

    t->verdict = "FAILED";
    if (m->truncate) {
        st = mig_truncate(m, t->name, &t->deleted, err, sizeof err);
        if (st == DBD_OK && m->verbose)
            fprintf(m->d->err, "dbctl: migrate: %s: %lld rows deleted on %s\n",
                    t->name, (long long)t->deleted, m->dst.name);
    }
    if (st == DBD_OK)
        st = mig_scan(m, &m->src, t->name, t->src_probe, on_page, &c, err,
                      sizeof err);
    if (st == DBD_OK && !m->verify_only && t->written > 0)
        mig_fix_sequences(m, t->name, t->src_probe);
    c.dst_side = true;
    if (st == DBD_OK)
        st = mig_scan(m, &m->dst, t->name, t->dst_probe, on_page, &c, err,
                      sizeof err);
    if (st != DBD_OK) {
        fprintf(m->d->err, "dbctl: migrate: %s\n", err);
        *stop = true;
        return (int)st;
    }
    if (mig_sum_equal(&t->src, &t->dst) &&
        (m->verify_only || t->written == t->read)) {
        t->verdict = "ok";
        return 0;
    }
    t->verdict = "MISMATCH";
    mig_sum_hex(&t->src, src_hex);
    mig_sum_hex(&t->dst, dst_hex);
    if (t->src.rows != t->dst.rows || (!m->verify_only && t->written != t->read))
        fprintf(m->d->err,
                "dbctl: migrate: table %s differs: %lld rows read on %s, "
                "%lld on %s\n",
                t->name, (long long)t->src.rows, m->src.name,
                (long long)t->dst.rows, m->dst.name);
    else
        fprintf(m->d->err,
                "dbctl: migrate: table %s differs: %lld rows on both, "
                "checksums %s (%s) and %s (%s)\n",
                t->name, (long long)t->src.rows, src_hex, m->src.name,
                dst_hex, m->dst.name);
    return DBCTL_EXIT_MISMATCH;
}

/* Checks every table, then copies and compares them in turn; frees the
 * probes. */
static int migrate(mig *m, mig_table *t, size_t n, bool named)
{
    int code = 0, failed = 0, rc;
    size_t ran = 0;
    bool stop = false, checked;

    for (size_t i = 0; i < n; i++)
        if ((rc = check_table(m, &t[i], named)) != 0 && code == 0)
            code = rc;
    checked = code == 0;
    /* Nothing is written unless every table passed. */
    for (size_t i = 0; code == 0 && !stop && i < n; i++) {
        if (t[i].skip)
            continue;
        ran++;
        /* A failure that stopped the run outranks a mismatch. */
        if ((rc = run_table(m, &t[i], &stop)) != 0 && (failed == 0 || stop))
            failed = rc;
    }
    if (code == 0)
        code = failed;
    if (checked && ran == 0) {
        fprintf(m->d->err, "dbctl: migrate: none of the tables is on %s\n",
                m->src.name);
        code = DBD_NOTFOUND;
    }
    if (ran > 0 && (rc = mig_print_summary(m, t, n)) != 0 && code == 0)
        code = rc;
    for (size_t i = 0; i < n; i++) {
        dbd_result_destroy(&t[i].src_probe);
        dbd_result_destroy(&t[i].dst_probe);
    }
    return code;
}

int cmd_migrate(dbctl *d, int argc, char **argv)
{
    mig m = {.d = d, .page = MIG_PAGE, .float_digits = 17};
    mig_args a = {0};
    mig_table *t = NULL;
    size_t n = 0;
    int code;

    if ((code = parse_args(d, &m, argc, argv, &a)) != 0)
        goto out;
    m.src.name = a.src;
    m.dst.name = a.dst;
    m.timeout_ms = d->timeout_ms >= 0 ? d->timeout_ms : MIG_TIMEOUT_MS;
    n = a.ntables > 0 ? (size_t)a.ntables
                      : sizeof default_tables / sizeof default_tables[0];
    t = calloc(n, sizeof *t);
    if (t == NULL) {
        fprintf(d->err, "dbctl: INTERNAL: out of memory\n");
        code = DBD_INTERNAL;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        t[i].name = a.ntables > 0 ? a.tables[i] : default_tables[i];
    m.client = dbctl_connect(d, "dbctl migrate");
    if (m.client == NULL) {
        code = DBCTL_EXIT_USAGE;
        goto out;
    }
    if ((code = find_datasources(&m)) == 0)
        code = migrate(&m, t, n, a.ntables > 0);
out:
    dbd_client_destroy(&m.client);
    free(t);
    free(a.tables);
    return code;
}
