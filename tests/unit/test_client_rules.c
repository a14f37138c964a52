/*
 * test_client_rules.c - [client NAME] sections of dbd.conf (every key, the
 * grant forms, every error with the line it is reported on), the deep
 * copy of a client's rules, and dbd_rules_check: which request each grant
 * class allows and the exact reason of every denial.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "config_expect.h"
#include "request.h"
#include "rules.h"
#include "status.h"

/* The datasources every grant below may name. */
#define DATASOURCES                                                        \
    "[datasource main]\nurl = sqlite:///m.db\n"                            \
    "[datasource prod.kam]\nurl = sqlite:///p.db\n"                        \
    "[datasource other]\nurl = sqlite:///o.db\n"

#define BIT(k) (UINT32_C(1) << (k))

static void assert_grant(const dbd_grant *g, const char *ds,
                         const char *table)
{
    if (ds == NULL)
        assert_null(g->ds);
    else
        assert_string_equal(g->ds, ds);
    if (table == NULL)
        assert_null(g->table);
    else
        assert_string_equal(g->table, table);
}

/* --- parsing -------------------------------------------------------------- */

static void test_full_section(void **state)
{
    dbd_config *cfg = parse_ok(
        "[dbd]\n"                                                 /* 1 */
        "endpoint = ipc:///tmp/a.sock ipc:///tmp/b.sock "
        "ipc:///tmp/c.sock\n"                                     /* 2 */
        "max_message = 2M\n"                                      /* 3 */
        DATASOURCES                                               /* 4-9 */
        "\n"                                                      /* 10 */
        "[client app]\n"                                          /* 11 */
        "endpoint = ipc:///tmp/a.sock, ipc:///tmp/b.sock\n"
        "read = main.users main.* *.location *\n"
        "read = prod.kam.subscriber\n"
        "write = main.acc, prod.kam.*\n"
        "write = *.missed_calls\n"
        "raw = main *\n"
        "raw = prod.kam\n"
        "admin = stats,hosts\n"
        "admin = audit\n"
        "max_message = 64K\n"
        "max_rows = 5000\n"
        "max_in_flight = 8\n"
        "rate = 100\n"
        "burst = 250\n"
        "[client ops.team-1]\n"                                   /* 26 */
        "admin = *\n"
        "rate = 7\n"
        "[client bare]\n");                                       /* 29 */
    const dbd_client_rules *c;
    (void)state;

    assert_int_equal(cfg->nrules, 3);
    c = &cfg->rules[0];
    assert_ptr_equal(dbd_config_find_client(cfg, "app"), c);
    assert_string_equal(c->name, "app");
    assert_int_equal(c->line, 11);
    assert_int_equal(c->nendpoints, 2);
    assert_string_equal(c->endpoints[0], "ipc:///tmp/a.sock");
    assert_string_equal(c->endpoints[1], "ipc:///tmp/b.sock");

    assert_int_equal(c->ngrants[DBD_GRANT_READ], 5);
    assert_grant(&c->grants[DBD_GRANT_READ][0], "main", "users");
    assert_grant(&c->grants[DBD_GRANT_READ][1], "main", NULL);
    assert_grant(&c->grants[DBD_GRANT_READ][2], NULL, "location");
    assert_grant(&c->grants[DBD_GRANT_READ][3], NULL, NULL);
    /* split at the last dot: the datasource name keeps its own dot */
    assert_grant(&c->grants[DBD_GRANT_READ][4], "prod.kam", "subscriber");

    assert_int_equal(c->ngrants[DBD_GRANT_WRITE], 3);
    assert_grant(&c->grants[DBD_GRANT_WRITE][0], "main", "acc");
    assert_grant(&c->grants[DBD_GRANT_WRITE][1], "prod.kam", NULL);
    assert_grant(&c->grants[DBD_GRANT_WRITE][2], NULL, "missed_calls");

    assert_int_equal(c->ngrants[DBD_GRANT_RAW], 3);
    assert_grant(&c->grants[DBD_GRANT_RAW][0], "main", NULL);
    assert_grant(&c->grants[DBD_GRANT_RAW][1], NULL, NULL);
    assert_grant(&c->grants[DBD_GRANT_RAW][2], "prod.kam", NULL);

    assert_int_equal(c->admin,
                     BIT(DBD_OP_STATS) | BIT(DBD_OP_HOSTS) | BIT(DBD_OP_AUDIT));
    assert_int_equal(c->max_message, 64 * 1024);
    assert_int_equal(c->max_rows, 5000);
    assert_int_equal(c->max_in_flight, 8);
    assert_int_equal(c->rate, 100);
    assert_int_equal(c->burst, 250);

    c = &cfg->rules[1];
    assert_ptr_equal(dbd_config_find_client(cfg, "ops.team-1"), c);
    assert_int_equal(c->line, 26);
    assert_int_equal(c->nendpoints, 0);
    assert_null(c->endpoints);
    for (int k = 0; k < DBD_GRANT_CLASSES; k++)
        assert_int_equal(c->ngrants[k], 0);
    assert_int_equal(c->admin, BIT(DBD_OP_DATASOURCES) | BIT(DBD_OP_STATS) |
                                   BIT(DBD_OP_HOSTS) | BIT(DBD_OP_AUDIT) |
                                   BIT(DBD_OP_SWAP) | BIT(DBD_OP_RELOAD));
    assert_int_equal(c->admin, dbd_admin_ops_all());
    assert_int_equal(c->rate, 7);
    assert_int_equal(c->burst, 7); /* burst defaults to rate */

    c = &cfg->rules[2];
    assert_string_equal(c->name, "bare");
    assert_int_equal(c->line, 29);
    assert_int_equal(c->admin, 0);
    assert_int_equal(c->max_message, 0);
    assert_int_equal(c->max_rows, 0);
    assert_int_equal(c->max_in_flight, 0);
    assert_int_equal(c->rate, 0);
    assert_int_equal(c->burst, 0);

    assert_null(dbd_config_find_client(cfg, "nobody"));
    dbd_config_destroy(&cfg);
}

static void test_admin_each(void **state)
{
    static const struct {
        const char *word;
        dbd_op_kind kind;
    } ops[] = {
        {"datasources", DBD_OP_DATASOURCES}, {"stats", DBD_OP_STATS},
        {"hosts", DBD_OP_HOSTS},             {"audit", DBD_OP_AUDIT},
        {"swap", DBD_OP_SWAP},               {"reload", DBD_OP_RELOAD},
    };
    char text[256];
    (void)state;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        dbd_config *cfg;
        snprintf(text, sizeof text, "[client c]\nadmin = %s\n", ops[i].word);
        cfg = parse_ok(text);
        assert_int_equal(cfg->rules[0].admin, BIT(ops[i].kind));
        dbd_config_destroy(&cfg);
    }
}

static void test_no_client_section(void **state)
{
    dbd_config *cfg = parse_ok("[dbd]\n" DATASOURCES);
    (void)state;
    assert_int_equal(cfg->nrules, 0);
    assert_null(cfg->rules);
    dbd_config_destroy(&cfg);
}

static void test_errors(void **state)
{
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        /* one key's value: the key's line */
        {"[client c]\nfoo = 1\n",
         "t.conf:2: unknown key \"foo\" in [client c]"},
        {"[client c]\nread =\n",
         "t.conf:2: read is empty (leave the key out to allow nothing)"},
        {"[client c]\nwrite = \t \n",
         "t.conf:2: write is empty (leave the key out to allow nothing)"},
        {"[client c]\nraw =\n",
         "t.conf:2: raw is empty (leave the key out to allow nothing)"},
        {"[client c]\nadmin =\n",
         "t.conf:2: admin is empty (leave the key out to allow nothing)"},
        {"[datasource main]\nurl = x://y\n[client c]\nread = foo\n",
         "t.conf:4: read: \"foo\" is not DATASOURCE.TABLE (or DATASOURCE.*, "
         "*.TABLE, *)"},
        {"[datasource main]\nurl = x://y\n[client c]\n"
         "write = main.t main.t-1\n",
         "t.conf:4: write: \"t-1\" is not a table name"},
        {"[client c]\nread = a/b.t\n",
         "t.conf:2: read: \"a/b\" is not a datasource name"},
        {"[datasource main]\nurl = x://y\n[client c]\nread = main.\n",
         "t.conf:4: read: \"\" is not a table name"},
        {"[datasource main]\nurl = x://y\n[client c]\nread = .t\n",
         "t.conf:4: read: \"\" is not a datasource name"},
        {"[client c]\nmax_message = 63\n",
         "t.conf:2: max_message: 63 is out of range (64..1073741824)"},
        {"[client c d]\n",
         "t.conf:1: bad client name \"c d\" (use 1 to 64 of A-Z a-z 0-9 _ . "
         "-)"},
        {"[client c]\nadmin = stats query\n",
         "t.conf:2: admin: \"query\" is not an admin operation (datasources, "
         "stats, hosts, audit, swap, reload, or * for all)"},
        /* migrate is not an operation a client can be given */
        {"[client c]\nadmin = migrate\n",
         "t.conf:2: admin: \"migrate\" is not an admin operation "
         "(datasources, stats, hosts, audit, swap, reload, or * for all)"},
        {"[client c]\nadmin = ping\n",
         "t.conf:2: admin: \"ping\" is not an admin operation (datasources, "
         "stats, hosts, audit, swap, reload, or * for all)"},
        {"[dbd]\nendpoint = tcp://127.0.0.1:5555\n[client c]\n"
         "endpoint = tcp://127.0.0.1:5555\n",
         "t.conf:4: endpoint: \"tcp://127.0.0.1:5555\" is not ipc:// (a "
         "client on tcp:// is known by its CURVE key's name)"},
        {"[client c]\nmax_rows = 1\nmax_rows = 2\n",
         "t.conf:3: duplicate key \"max_rows\" (first set on line 2)"},
        {"[client c]\nrate = 1\n\nrate = 2\n",
         "t.conf:4: duplicate key \"rate\" (first set on line 2)"},
        /* section headers: the header's line */
        {"[client]\n",
         "t.conf:1: client section without a name (write [client NAME], "
         "NAME as in the allow-list of keys)"},
        {"[client x]\n[client y]\n\n[client x]\n",
         "t.conf:4: duplicate client \"x\" (first defined on line 1)"},
        /* checks of the whole file: the section header's line */
        {"[datasource main]\nurl = x://y\n\n[client c]\nread = main.t\n"
         "read = nope.t\n",
         "t.conf:4: client \"c\": read names datasource \"nope\", which is "
         "not configured"},
        {"[datasource main]\nurl = x://y\n[client c]\nwrite = main.*\n"
         "write = prod.kam.*\n",
         "t.conf:3: client \"c\": write names datasource \"prod.kam\", which "
         "is not configured"},
        {"[datasource main]\nurl = x://y\n[client c]\nraw = main gone\n",
         "t.conf:3: client \"c\": raw names datasource \"gone\", which is "
         "not configured"},
        {"[dbd]\nendpoint = ipc:///tmp/a.sock\n[client c]\n"
         "endpoint = ipc:///tmp/b.sock\n",
         "t.conf:3: client \"c\": endpoint \"ipc:///tmp/b.sock\" is not one "
         "of [dbd] endpoint"},
        {"[dbd]\nendpoint = ipc:///tmp/a.sock ipc:///tmp/b.sock\n"
         "[client A]\nendpoint = ipc:///tmp/a.sock\n"
         "[client B]\nendpoint = ipc:///tmp/b.sock ipc:///tmp/a.sock\n",
         "t.conf:5: client \"B\": endpoint \"ipc:///tmp/a.sock\" already "
         "belongs to client \"A\""},
        {"[dbd]\nmax_message = 1M\n[client c]\nmax_message = 2M\n",
         "t.conf:3: client \"c\": max_message (2097152) is larger than [dbd] "
         "max_message (1048576)"},
        {"[client ok]\n[client c]\nburst = 5\n",
         "t.conf:2: client \"c\": burst without rate"},
        {"[client c]\nrate = 0\nburst = 5\n",
         "t.conf:1: client \"c\": burst without rate"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_error(cases[i].text, cases[i].want);
}

static void test_limits_edges(void **state)
{
    dbd_config *cfg;
    (void)state;
    /* [dbd] max_message itself is allowed, as is 0 for every count */
    cfg = parse_ok("[dbd]\nmax_message = 2M\n[client c]\nmax_message = 2M\n"
                   "max_rows = 0\nmax_in_flight = 0\nrate = 0\n");
    assert_int_equal(cfg->rules[0].max_message, 2 * 1024 * 1024);
    assert_int_equal(cfg->rules[0].rate, 0);
    assert_int_equal(cfg->rules[0].burst, 0);
    dbd_config_destroy(&cfg);
    /* "*.*" is "*"; an explicit burst of 0 is the default */
    cfg = parse_ok("[client c]\nread = *.*\nrate = 10\nburst = 0\n");
    assert_int_equal(cfg->rules[0].ngrants[DBD_GRANT_READ], 1);
    assert_grant(&cfg->rules[0].grants[DBD_GRANT_READ][0], NULL, NULL);
    assert_int_equal(cfg->rules[0].burst, 10);
    dbd_config_destroy(&cfg);
    cfg = parse_ok("[client c]\nmax_message = 64\nrate = 10\nburst = 1\n");
    assert_int_equal(cfg->rules[0].max_message, 64);
    assert_int_equal(cfg->rules[0].burst, 1); /* an explicit burst stays */
    dbd_config_destroy(&cfg);
}

/* --- copy and clear ------------------------------------------------------- */

static void test_copy_clear(void **state)
{
    dbd_config *cfg = parse_ok("[dbd]\nendpoint = ipc:///tmp/a.sock "
                               "ipc:///tmp/b.sock\n" DATASOURCES
                               "[client app]\n"
                               "endpoint = ipc:///tmp/a.sock ipc:///tmp/b.sock\n"
                               "read = main.users *.loc\nwrite = prod.kam.*\n"
                               "raw = *\nadmin = stats\nmax_message = 4K\n"
                               "max_rows = 9\nmax_in_flight = 3\nrate = 5\n"
                               "burst = 6\n");
    const dbd_client_rules *src = &cfg->rules[0];
    dbd_client_rules dst;
    (void)state;

    memset(&dst, 0xA5, sizeof dst); /* copy must not read what was there */
    assert_int_equal(dbd_client_rules_copy(&dst, src), 0);
    assert_ptr_not_equal(dst.name, src->name);
    assert_string_equal(dst.name, "app");
    assert_int_equal(dst.nendpoints, 2);
    assert_ptr_not_equal(dst.endpoints, src->endpoints);
    for (size_t i = 0; i < 2; i++) {
        assert_ptr_not_equal(dst.endpoints[i], src->endpoints[i]);
        assert_string_equal(dst.endpoints[i], src->endpoints[i]);
    }
    for (int k = 0; k < DBD_GRANT_CLASSES; k++) {
        assert_int_equal(dst.ngrants[k], src->ngrants[k]);
        assert_ptr_not_equal(dst.grants[k], src->grants[k]);
        for (size_t i = 0; i < src->ngrants[k]; i++) {
            const dbd_grant *a = &src->grants[k][i], *b = &dst.grants[k][i];
            assert_grant(b, a->ds, a->table);
            if (a->ds != NULL)
                assert_ptr_not_equal(b->ds, a->ds);
            if (a->table != NULL)
                assert_ptr_not_equal(b->table, a->table);
        }
    }
    assert_grant(&dst.grants[DBD_GRANT_READ][0], "main", "users");
    assert_grant(&dst.grants[DBD_GRANT_READ][1], NULL, "loc");
    assert_grant(&dst.grants[DBD_GRANT_WRITE][0], "prod.kam", NULL);
    assert_grant(&dst.grants[DBD_GRANT_RAW][0], NULL, NULL);
    assert_int_equal(dst.admin, BIT(DBD_OP_STATS));
    assert_int_equal(dst.max_message, 4096);
    assert_int_equal(dst.max_rows, 9);
    assert_int_equal(dst.max_in_flight, 3);
    assert_int_equal(dst.rate, 5);
    assert_int_equal(dst.burst, 6);
    assert_int_equal(dst.line, src->line);

    /* the copy outlives its source */
    dbd_config_destroy(&cfg);
    assert_string_equal(dst.grants[DBD_GRANT_WRITE][0].ds, "prod.kam");
    dbd_client_rules_clear(&dst);
    assert_null(dst.name);
    assert_null(dst.endpoints);
    assert_int_equal(dst.nendpoints, 0);
    for (int k = 0; k < DBD_GRANT_CLASSES; k++) {
        assert_null(dst.grants[k]);
        assert_int_equal(dst.ngrants[k], 0);
    }
    assert_int_equal(dst.rate, 0);
    dbd_client_rules_clear(&dst); /* twice is harmless */
}

static void test_copy_empty(void **state)
{
    dbd_config *cfg = parse_ok("[client bare]\n");
    dbd_client_rules dst;
    (void)state;
    assert_int_equal(dbd_client_rules_copy(&dst, &cfg->rules[0]), 0);
    assert_string_equal(dst.name, "bare");
    assert_null(dst.endpoints);
    for (int k = 0; k < DBD_GRANT_CLASSES; k++)
        assert_null(dst.grants[k]);
    dbd_client_rules_clear(&dst);
    dbd_config_destroy(&cfg);
}

/* --- dbd_rules_check ------------------------------------------------------ */

/* One client's rules, parsed from a [client c] body, and the config that
 * owns them. */
typedef struct fixture {
    dbd_config *cfg;
    const dbd_client_rules *c;
} fixture;

static fixture rules_of(const char *body)
{
    char text[2048];
    fixture f;
    snprintf(text, sizeof text, DATASOURCES "[client c]\n%s", body);
    f.cfg = parse_ok(text);
    f.c = &f.cfg->rules[0];
    return f;
}

static void fixture_done(fixture *f)
{
    dbd_config_destroy(&f->cfg);
}

static dbd_request *req_new(dbd_op_kind kind, const char *ds,
                            const char *table)
{
    dbd_request *req = dbd_request_new(kind, ds, table);
    assert_non_null(req);
    return req;
}

static dbd_request *raw_new(const char *ds)
{
    dbd_request *req = req_new(DBD_OP_RAW, ds, NULL);
    assert_int_equal(dbd_op_set_raw(req, &req->op, "SELECT 1", 8), 0);
    return req;
}

/* Checks req against c and destroys req: want OK (want_msg NULL), or DENY
 * with exactly want_msg. */
static void expect(const dbd_client_rules *c, dbd_request *req,
                   const char *want_msg)
{
    char msg[512] = "untouched";
    dbd_status st = dbd_rules_check(c, req, msg, sizeof msg);
    dbd_request_destroy(&req);
    if (want_msg == NULL) {
        if (st != DBD_OK)
            fail_msg("got %s \"%s\", want OK", dbd_status_name(st), msg);
        return;
    }
    if (st != DBD_DENY)
        fail_msg("got %s, want DENY \"%s\"", dbd_status_name(st), want_msg);
    if (strcmp(msg, want_msg) != 0)
        fail_msg("got \"%s\", want \"%s\"", msg, want_msg);
}

static const dbd_op_kind write_ops[] = {DBD_OP_INSERT, DBD_OP_UPDATE,
                                        DBD_OP_DELETE, DBD_OP_REPLACE};
#define NWRITE (sizeof write_ops / sizeof write_ops[0])

static void test_read_table(void **state)
{
    fixture f = rules_of("read = main.users prod.kam.subscriber\n");
    (void)state;
    expect(f.c, req_new(DBD_OP_QUERY, "main", "users"), NULL);
    expect(f.c, req_new(DBD_OP_QUERY, "prod.kam", "subscriber"), NULL);
    expect(f.c, req_new(DBD_OP_QUERY, "main", "acc"),
           "client \"c\" may not read table \"acc\" of datasource \"main\"");
    expect(f.c, req_new(DBD_OP_QUERY, "other", "users"),
           "client \"c\" may not read table \"users\" of datasource "
           "\"other\"");
    /* names match whole, not by prefix */
    expect(f.c, req_new(DBD_OP_QUERY, "mainx", "users"),
           "client \"c\" may not read table \"users\" of datasource "
           "\"mainx\"");
    expect(f.c, req_new(DBD_OP_QUERY, "main", "users2"),
           "client \"c\" may not read table \"users2\" of datasource "
           "\"main\"");
    expect(f.c, req_new(DBD_OP_QUERY, "main", "user"),
           "client \"c\" may not read table \"user\" of datasource "
           "\"main\"");
    /* the grant names prod.kam, not prod */
    expect(f.c, req_new(DBD_OP_QUERY, "prod", "kam"),
           "client \"c\" may not read table \"kam\" of datasource \"prod\"");
    expect(f.c, req_new(DBD_OP_QUERY, "prod.kam", "users"),
           "client \"c\" may not read table \"users\" of datasource "
           "\"prod.kam\"");
    /* a read grant allows no write */
    for (size_t i = 0; i < NWRITE; i++)
        expect(f.c, req_new(write_ops[i], "main", "users"),
               "client \"c\" may not write table \"users\" of datasource "
               "\"main\"");
    expect(f.c, raw_new("main"),
           "client \"c\" may not send raw statements to datasource \"main\"");
    fixture_done(&f);
}

static void test_read_wildcards(void **state)
{
    fixture f;
    (void)state;

    f = rules_of("read = main.*\n");
    expect(f.c, req_new(DBD_OP_QUERY, "main", "users"), NULL);
    expect(f.c, req_new(DBD_OP_QUERY, "main", "anything"), NULL);
    expect(f.c, req_new(DBD_OP_QUERY, "other", "users"),
           "client \"c\" may not read table \"users\" of datasource "
           "\"other\"");
    fixture_done(&f);

    f = rules_of("read = *.location\n");
    expect(f.c, req_new(DBD_OP_QUERY, "main", "location"), NULL);
    expect(f.c, req_new(DBD_OP_QUERY, "prod.kam", "location"), NULL);
    expect(f.c, req_new(DBD_OP_QUERY, "main", "users"),
           "client \"c\" may not read table \"users\" of datasource "
           "\"main\"");
    fixture_done(&f);

    f = rules_of("read = *\n");
    expect(f.c, req_new(DBD_OP_QUERY, "main", "users"), NULL);
    expect(f.c, req_new(DBD_OP_QUERY, "other", "t"), NULL);
    expect(f.c, req_new(DBD_OP_INSERT, "main", "users"),
           "client \"c\" may not write table \"users\" of datasource "
           "\"main\"");
    expect(f.c, raw_new("other"),
           "client \"c\" may not send raw statements to datasource "
           "\"other\"");
    fixture_done(&f);
}

static void test_write(void **state)
{
    fixture f;
    (void)state;

    f = rules_of("write = main.acc prod.kam.*\n");
    for (size_t i = 0; i < NWRITE; i++) {
        expect(f.c, req_new(write_ops[i], "main", "acc"), NULL);
        expect(f.c, req_new(write_ops[i], "prod.kam", "anything"), NULL);
        expect(f.c, req_new(write_ops[i], "prod", "anything"),
               "client \"c\" may not write table \"anything\" of "
               "datasource \"prod\"");
        expect(f.c, req_new(write_ops[i], "main", "users"),
               "client \"c\" may not write table \"users\" of datasource "
               "\"main\"");
        expect(f.c, req_new(write_ops[i], "other", "acc"),
               "client \"c\" may not write table \"acc\" of datasource "
               "\"other\"");
    }
    /* a write grant allows no read */
    expect(f.c, req_new(DBD_OP_QUERY, "main", "acc"),
           "client \"c\" may not read table \"acc\" of datasource \"main\"");
    expect(f.c, req_new(DBD_OP_QUERY, "prod.kam", "x"),
           "client \"c\" may not read table \"x\" of datasource "
           "\"prod.kam\"");
    /* nor raw, even on DS.* */
    expect(f.c, raw_new("prod.kam"),
           "client \"c\" may not send raw statements to datasource "
           "\"prod.kam\"");
    fixture_done(&f);

    f = rules_of("write = *.acc\n");
    expect(f.c, req_new(DBD_OP_UPDATE, "other", "acc"), NULL);
    expect(f.c, req_new(DBD_OP_DELETE, "other", "users"),
           "client \"c\" may not write table \"users\" of datasource "
           "\"other\"");
    fixture_done(&f);

    f = rules_of("write = *\n");
    expect(f.c, req_new(DBD_OP_REPLACE, "other", "t"), NULL);
    expect(f.c, req_new(DBD_OP_QUERY, "other", "t"),
           "client \"c\" may not read table \"t\" of datasource \"other\"");
    expect(f.c, raw_new("other"),
           "client \"c\" may not send raw statements to datasource "
           "\"other\"");
    fixture_done(&f);
}

static void test_raw(void **state)
{
    fixture f;
    (void)state;

    f = rules_of("raw = prod.kam\n");
    expect(f.c, raw_new("prod.kam"), NULL);
    expect(f.c, raw_new("prod"),
           "client \"c\" may not send raw statements to datasource \"prod\"");
    expect(f.c, raw_new("main"),
           "client \"c\" may not send raw statements to datasource \"main\"");
    /* a raw grant is no read or write grant */
    expect(f.c, req_new(DBD_OP_QUERY, "prod.kam", "t"),
           "client \"c\" may not read table \"t\" of datasource "
           "\"prod.kam\"");
    expect(f.c, req_new(DBD_OP_INSERT, "prod.kam", "t"),
           "client \"c\" may not write table \"t\" of datasource "
           "\"prod.kam\"");
    fixture_done(&f);

    f = rules_of("raw = *\n");
    expect(f.c, raw_new("main"), NULL);
    expect(f.c, raw_new("other"), NULL);
    fixture_done(&f);
}

static void test_batch(void **state)
{
    fixture f = rules_of("read = main.users\nwrite = main.acc\n");
    dbd_request *req;
    (void)state;

    req = req_new(DBD_OP_BATCH, "main", NULL);
    assert_non_null(dbd_request_add_op(req, DBD_OP_INSERT, "acc"));
    assert_non_null(dbd_request_add_op(req, DBD_OP_UPDATE, "acc"));
    assert_non_null(dbd_request_add_op(req, DBD_OP_DELETE, "acc"));
    assert_non_null(dbd_request_add_op(req, DBD_OP_REPLACE, "acc"));
    expect(f.c, req, NULL);

    /* the first denied sub-op names itself, counted from 0 */
    req = req_new(DBD_OP_BATCH, "main", NULL);
    assert_non_null(dbd_request_add_op(req, DBD_OP_INSERT, "acc"));
    assert_non_null(dbd_request_add_op(req, DBD_OP_INSERT, "users"));
    assert_non_null(dbd_request_add_op(req, DBD_OP_DELETE, "other"));
    expect(f.c, req, "ops[1]: client \"c\" may not write table \"users\" of "
                     "datasource \"main\"");

    req = req_new(DBD_OP_BATCH, "main", NULL);
    assert_non_null(dbd_request_add_op(req, DBD_OP_UPDATE, "acc"));
    assert_non_null(dbd_request_add_op(req, DBD_OP_UPDATE, "acc"));
    assert_non_null(dbd_request_add_op(req, DBD_OP_REPLACE, "zzz"));
    expect(f.c, req, "ops[2]: client \"c\" may not write table \"zzz\" of "
                     "datasource \"main\"");

    /* the batch's datasource is the one checked */
    req = req_new(DBD_OP_BATCH, "other", NULL);
    assert_non_null(dbd_request_add_op(req, DBD_OP_INSERT, "acc"));
    expect(f.c, req, "ops[0]: client \"c\" may not write table \"acc\" of "
                     "datasource \"other\"");
    fixture_done(&f);
}

static void test_ping(void **state)
{
    fixture f;
    (void)state;

    /* no grants at all: ping without a datasource only */
    f = rules_of("");
    for (int k = 0; k < DBD_GRANT_CLASSES; k++)
        assert_int_equal(f.c->ngrants[k], 0);
    assert_int_equal(f.c->admin, 0);
    expect(f.c, req_new(DBD_OP_PING, NULL, NULL), NULL);
    expect(f.c, req_new(DBD_OP_PING, "main", NULL),
           "client \"c\" has no rule for datasource \"main\"");
    expect(f.c, req_new(DBD_OP_QUERY, "main", "t"),
           "client \"c\" may not read table \"t\" of datasource \"main\"");
    fixture_done(&f);

    /* any grant of any class that names the datasource */
    f = rules_of("read = main.users\n");
    expect(f.c, req_new(DBD_OP_PING, "main", NULL), NULL);
    expect(f.c, req_new(DBD_OP_PING, "other", NULL),
           "client \"c\" has no rule for datasource \"other\"");
    fixture_done(&f);
    f = rules_of("write = prod.kam.*\n");
    expect(f.c, req_new(DBD_OP_PING, "prod.kam", NULL), NULL);
    expect(f.c, req_new(DBD_OP_PING, "prod", NULL),
           "client \"c\" has no rule for datasource \"prod\"");
    expect(f.c, req_new(DBD_OP_PING, "prod.kam2", NULL),
           "client \"c\" has no rule for datasource \"prod.kam2\"");
    expect(f.c, req_new(DBD_OP_PING, "main", NULL),
           "client \"c\" has no rule for datasource \"main\"");
    fixture_done(&f);
    f = rules_of("raw = other\n");
    expect(f.c, req_new(DBD_OP_PING, "other", NULL), NULL);
    expect(f.c, req_new(DBD_OP_PING, "prod.kam", NULL),
           "client \"c\" has no rule for datasource \"prod.kam\"");
    fixture_done(&f);
    f = rules_of("read = *\n");
    expect(f.c, req_new(DBD_OP_PING, "main", NULL), NULL);
    expect(f.c, req_new(DBD_OP_PING, "anything", NULL), NULL);
    fixture_done(&f);
    f = rules_of("raw = *\n");
    expect(f.c, req_new(DBD_OP_PING, "other", NULL), NULL);
    fixture_done(&f);
    /* admin bits are no rule for a datasource */
    f = rules_of("admin = *\n");
    expect(f.c, req_new(DBD_OP_PING, NULL, NULL), NULL);
    expect(f.c, req_new(DBD_OP_PING, "main", NULL),
           "client \"c\" has no rule for datasource \"main\"");
    fixture_done(&f);
}

static void test_admin(void **state)
{
    static const struct {
        const char *word;
        dbd_op_kind kind;
    } ops[] = {
        {"datasources", DBD_OP_DATASOURCES}, {"stats", DBD_OP_STATS},
        {"hosts", DBD_OP_HOSTS},             {"audit", DBD_OP_AUDIT},
        {"swap", DBD_OP_SWAP},               {"reload", DBD_OP_RELOAD},
    };
    const size_t n = sizeof ops / sizeof ops[0];
    char body[64], want[128];
    fixture f;
    (void)state;

    /* each bit allows its operation and no other */
    for (size_t i = 0; i < n; i++) {
        snprintf(body, sizeof body, "admin = %s\nread = *\n", ops[i].word);
        f = rules_of(body);
        for (size_t j = 0; j < n; j++) {
            const char *ds = ops[j].kind == DBD_OP_SWAP ? "main" : NULL;
            snprintf(want, sizeof want, "client \"c\" may not use the admin "
                     "operation \"%s\"", ops[j].word);
            expect(f.c, req_new(ops[j].kind, ds, NULL),
                   i == j ? NULL : want);
        }
        fixture_done(&f);
    }

    /* no admin key: none of them */
    f = rules_of("read = *\nwrite = *\nraw = *\n");
    for (size_t j = 0; j < n; j++) {
        snprintf(want, sizeof want, "client \"c\" may not use the admin "
                 "operation \"%s\"", ops[j].word);
        expect(f.c, req_new(ops[j].kind, NULL, NULL), want);
    }
    fixture_done(&f);

    /* "*": all of them, but never migrate */
    f = rules_of("admin = *\n");
    for (size_t j = 0; j < n; j++)
        expect(f.c, req_new(ops[j].kind, NULL, NULL), NULL);
    expect(f.c, req_new(DBD_OP_MIGRATE, NULL, NULL),
           "client \"c\" may not use the admin operation \"migrate\"");
    expect(f.c, req_new(DBD_OP_MIGRATE, "main", NULL),
           "client \"c\" may not use the admin operation \"migrate\"");
    fixture_done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_section),
        cmocka_unit_test(test_admin_each),
        cmocka_unit_test(test_no_client_section),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_limits_edges),
        cmocka_unit_test(test_copy_clear),
        cmocka_unit_test(test_copy_empty),
        cmocka_unit_test(test_read_table),
        cmocka_unit_test(test_read_wildcards),
        cmocka_unit_test(test_write),
        cmocka_unit_test(test_raw),
        cmocka_unit_test(test_batch),
        cmocka_unit_test(test_ping),
        cmocka_unit_test(test_admin),
    };
    return cmocka_run_group_tests_name("client_rules", tests, NULL, NULL);
}
