/*
 * test_config.c - dbd.conf loading: defaults, every key, and every error
 * with the line it is reported on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "config_expect.h"

static void test_defaults(void **state)
{
    dbd_config *cfg = parse_ok("[dbd]\n[datasource main]\nurl = sqlite:///x.db\n");
    const dbd_ds_config *ds;
    (void)state;
    assert_int_equal(cfg->nendpoints, 1);
    assert_string_equal(cfg->endpoints[0], "ipc:///run/dbd/dbd.sock");
    assert_string_equal(cfg->connector_dir, CONNECTOR_DIR);
    assert_int_equal(cfg->max_message, 1048576);
    assert_int_equal(cfg->chunk_bytes, 65536);
    assert_int_equal(cfg->max_rows, 0);
    assert_int_equal(cfg->log_dest, DBD_LOG_TO_STDERR);
    assert_int_equal(cfg->log_level, LOG_INFO);
    assert_int_equal(cfg->drain_timeout_ms, 5000);
    assert_int_equal(cfg->io_threads, 1);
    assert_int_equal(cfg->nds, 1);
    ds = &cfg->ds[0];
    assert_string_equal(ds->name, "main");
    assert_string_equal(ds->url, "sqlite:///x.db");
    assert_int_equal(ds->pool, 2);
    assert_int_equal(ds->queue, 1024);
    assert_int_equal(ds->timeout_ms, 5000);
    assert_false(ds->allow_raw);
    assert_int_equal(ds->reconnect_min_ms, 100);
    assert_int_equal(ds->reconnect_max_ms, 10000);
    assert_int_equal(ds->noptions, 0);
    assert_int_equal(ds->line, 2);
    assert_ptr_equal(dbd_config_find_ds(cfg, "main"), ds);
    assert_null(dbd_config_find_ds(cfg, "other"));
    dbd_config_destroy(&cfg);
    assert_null(cfg);
    dbd_config_destroy(&cfg); /* NULL is fine */
}

static void test_empty(void **state)
{
    dbd_config *cfg = parse_ok("");
    (void)state;
    assert_int_equal(cfg->nds, 0);
    assert_int_equal(cfg->nendpoints, 1);
    dbd_config_destroy(&cfg);
    cfg = parse_ok("; only a comment\n# another\n\n");
    assert_int_equal(cfg->nds, 0);
    dbd_config_destroy(&cfg);
}

static void test_every_key(void **state)
{
    dbd_config *cfg = parse_ok(
        "[dbd]\n"
        "endpoint = ipc:///run/a.sock, tcp://127.0.0.1:5555\ttcp://[::1]:5556\n"
        "connector_dir = /opt/dbd/connectors\n"
        "max_message = 2M\n"
        "chunk_bytes = 4k\n"
        "max_rows = 100000\n"
        "log = syslog\n"
        "log_level = debug\n"
        "drain_timeout = 0\n"
        "io_threads = 4\n"
        "\n"
        "[datasource sq.main-1]\n"
        "url = sqlite:///var/lib/dbd/x.db?busy_timeout=100\n"
        "pool = 8\n"
        "queue = 1\n"
        "timeout = 250\n"
        "allow_raw = yes\n"
        "reconnect_min = 50\n"
        "reconnect_max = 50\n"
        "option.journal_mode = WAL\n"
        "option.busy_timeout = 2000\n"
        "[datasource two]\n"
        "url = text:///srv/text\n"
        "allow_raw = off\n");
    const dbd_ds_config *ds;
    (void)state;
    assert_int_equal(cfg->nendpoints, 3);
    assert_string_equal(cfg->endpoints[0], "ipc:///run/a.sock");
    assert_string_equal(cfg->endpoints[1], "tcp://127.0.0.1:5555");
    assert_string_equal(cfg->endpoints[2], "tcp://[::1]:5556");
    assert_string_equal(cfg->connector_dir, "/opt/dbd/connectors");
    assert_int_equal(cfg->max_message, 2 * 1024 * 1024);
    assert_int_equal(cfg->chunk_bytes, 4096);
    assert_int_equal(cfg->max_rows, 100000);
    assert_int_equal(cfg->log_dest, DBD_LOG_TO_SYSLOG);
    assert_int_equal(cfg->log_level, LOG_DEBUG);
    assert_int_equal(cfg->drain_timeout_ms, 0);
    assert_int_equal(cfg->io_threads, 4);
    assert_int_equal(cfg->nds, 2);
    ds = &cfg->ds[0];
    assert_string_equal(ds->name, "sq.main-1");
    assert_string_equal(ds->url, "sqlite:///var/lib/dbd/x.db?busy_timeout=100");
    assert_int_equal(ds->pool, 8);
    assert_int_equal(ds->queue, 1);
    assert_int_equal(ds->timeout_ms, 250);
    assert_true(ds->allow_raw);
    assert_int_equal(ds->reconnect_min_ms, 50);
    assert_int_equal(ds->reconnect_max_ms, 50);
    assert_int_equal(ds->noptions, 2);
    assert_string_equal(ds->options[0].key, "journal_mode");
    assert_string_equal(ds->options[0].value, "WAL");
    assert_string_equal(ds->options[1].key, "busy_timeout");
    assert_string_equal(ds->options[1].value, "2000");
    assert_int_equal(ds->line, 12);
    ds = &cfg->ds[1];
    assert_string_equal(ds->name, "two");
    assert_false(ds->allow_raw);
    assert_int_equal(ds->line, 22);
    dbd_config_destroy(&cfg);
}

static void test_syntax_variants(void **state)
{
    /* CRLF, inline comments, indentation, blanks around '=' and names. */
    dbd_config *cfg = parse_ok("\xEF\xBB\xBF[dbd]\r\n"
                               "  log = syslog ; to the journal\r\n"
                               "log_level=warning\r\n"
                               "[ datasource   a ]\r\n"
                               "\turl = sqlite:///a.db\r\n");
    (void)state;
    assert_int_equal(cfg->log_dest, DBD_LOG_TO_SYSLOG);
    assert_int_equal(cfg->log_level, LOG_WARNING);
    assert_int_equal(cfg->nds, 1);
    assert_string_equal(cfg->ds[0].name, "a");
    dbd_config_destroy(&cfg);
}

static void test_bool_and_size_forms(void **state)
{
    static const char *const yes[] = {"yes", "true", "on", "1", "YES"};
    static const char *const no[] = {"no", "false", "off", "0", "No"};
    char text[256];
    dbd_config *cfg;
    (void)state;
    for (size_t i = 0; i < 5; i++) {
        snprintf(text, sizeof text, "[datasource a]\nurl = x://y\n"
                 "allow_raw = %s\n", yes[i]);
        cfg = parse_ok(text);
        assert_true(cfg->ds[0].allow_raw);
        dbd_config_destroy(&cfg);
        snprintf(text, sizeof text, "[datasource a]\nurl = x://y\n"
                 "allow_raw = %s\n", no[i]);
        cfg = parse_ok(text);
        assert_false(cfg->ds[0].allow_raw);
        dbd_config_destroy(&cfg);
    }
    cfg = parse_ok("[dbd]\nmax_message = 1G\nchunk_bytes = 1024\n");
    assert_int_equal(cfg->max_message, 1024u * 1024 * 1024);
    assert_int_equal(cfg->chunk_bytes, 1024);
    dbd_config_destroy(&cfg);
}

static void test_names(void **state)
{
    char text[256];
    char name[80];
    dbd_config *cfg;
    (void)state;
    memset(name, 'n', 64);
    name[64] = '\0';
    snprintf(text, sizeof text, "[datasource %s]\nurl = x://y\n", name);
    cfg = parse_ok(text);
    assert_string_equal(cfg->ds[0].name, name);
    dbd_config_destroy(&cfg);
    name[64] = 'n';
    name[65] = '\0';
    snprintf(text, sizeof text, "[datasource %s]\nurl = x://y\n", name);
    {
        char want[256];
        snprintf(want, sizeof want, "t.conf:1: bad datasource name \"%s\" "
                 "(use 1 to 64 of A-Z a-z 0-9 _ . -)", name);
        check_error(text, want);
    }
    assert_true(dbd_ds_name_valid("A-z_0.9"));
    assert_false(dbd_ds_name_valid(""));
    assert_false(dbd_ds_name_valid("a b"));
    assert_false(dbd_ds_name_valid("a\"b"));
}

/* Every error, with the line it must be reported on. */
static void test_errors(void **state)
{
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"[dbd]\nfoo = 1\n", "t.conf:2: unknown key \"foo\" in [dbd]"},
        {"[datasource a]\nurl = x://y\nuser = bob\n",
         "t.conf:3: unknown key \"user\" in [datasource a]"},
        {"\n[other]\n", "t.conf:2: unknown section [other] (expected [dbd], "
                        "[audit], [datasource NAME] or [client NAME])"},
        {"[datasources a]\n", "t.conf:1: unknown section [datasources a] "
                              "(expected [dbd], [audit], [datasource NAME] "
                              "or [client NAME])"},
        {"[clients a]\n", "t.conf:1: unknown section [clients a] "
                          "(expected [dbd], [audit], [datasource NAME] "
                          "or [client NAME])"},
        {"[audit]\nfile = /x\nloss = keep\n",
         "t.conf:3: loss: \"keep\" is not drop or block"},
        {"[audit]\nfile = /x\nsync = always\n",
         "t.conf:3: sync: \"always\" is not interval, every or none"},
        {"[audit]\nfile = /x\nsync = every\n",
         "t.conf:1: [audit] sync = every needs loss = block (a reply waits "
         "for its record, which therefore may not be dropped)"},
        {"[audit]\npublish = ipc:///p\nloss = block\nsync = every\n",
         "t.conf:1: [audit] sync = every needs a file"},
        {"\n[audit]\nmax_size = 1M\n",
         "t.conf:2: [audit] has neither file nor publish: set one, or remove "
         "the section"},
        {"[audit]\npublish = http://x\n",
         "t.conf:2: publish: \"http://x\" is not one ipc:// or tcp:// "
         "endpoint"},
        {"[audit]\npublish = tcp://a:1 tcp://a:2\n",
         "t.conf:2: publish: \"tcp://a:1 tcp://a:2\" is not one ipc:// or "
         "tcp:// endpoint"},
        {"[audit]\nfile = /x\nqueue = 0\n",
         "t.conf:3: queue: 0 is out of range (1..10000000)"},
        {"[audit]\nfile = /x\nrotate = 1\n",
         "t.conf:3: unknown key \"rotate\" in [audit]"},
        {"[audit]\nfile = /x\n[audit]\n",
         "t.conf:3: duplicate section [audit] (first on line 1)"},
        {"[dbd]\nipc_mode = 0800\n",
         "t.conf:2: ipc_mode: \"0800\" is not an octal mode from 0 to 0777 "
         "(e.g. 0660)"},
        {"[dbd]\nipc_mode = 01000\n",
         "t.conf:2: ipc_mode: \"01000\" is not an octal mode from 0 to 0777 "
         "(e.g. 0660)"},
        {"[dbd]\nuser =\n", "t.conf:2: user is empty"},
        {"[datasource a]\nurl = x://y\naudit_values = some\n",
         "t.conf:3: audit_values: \"some\" is not none, masked or full"},
        {"[datasource a]\nurl = x://y\naudit_secret = ha1 pass-word\n",
         "t.conf:3: audit_secret: \"pass-word\" is not a column name"},
        {"pool = 1\n", "t.conf:1: key \"pool\" outside any section"},
        {"[dbd]\nmax_rows = abc\n", "t.conf:2: max_rows: \"abc\" is not a "
                                    "number"},
        {"[dbd]\nmax_rows = 12abc\n", "t.conf:2: max_rows: \"12abc\" is not "
                                      "a number"},
        {"[dbd]\nmax_rows = 99999999999999999999999\n",
         "t.conf:2: max_rows: \"99999999999999999999999\" is too large"},
        {"[dbd]\nmax_rows = 1000000000001\n",
         "t.conf:2: max_rows: 1000000000001 is out of range "
         "(0..1000000000000)"},
        {"[dbd]\nio_threads = 0\n",
         "t.conf:2: io_threads: 0 is out of range (1..64)"},
        {"[dbd]\ndrain_timeout = -1\n",
         "t.conf:2: drain_timeout: \"-1\" is not a number"},
        {"[dbd]\nmax_message = 1X\n", "t.conf:2: max_message: \"1X\" is not "
                                      "a size (bytes, or a number with K, M "
                                      "or G)"},
        {"[dbd]\nmax_message = 1KB\n", "t.conf:2: max_message: \"1KB\" is "
                                       "not a size (bytes, or a number with "
                                       "K, M or G)"},
        {"[dbd]\nmax_message = 100\n",
         "t.conf:2: max_message: 100 is out of range (1024..1073741824)"},
        {"[dbd]\nchunk_bytes = 65M\n",
         "t.conf:2: chunk_bytes: 65M is out of range (1024..67108864)"},
        {"[dbd]\nlog = file\n",
         "t.conf:2: log: \"file\" is neither stderr nor syslog"},
        {"[dbd]\nlog_level = verbose\n",
         "t.conf:2: log_level: \"verbose\" is not one of error, warning, "
         "notice, info, debug"},
        {"[dbd]\nconnector_dir =\n", "t.conf:2: connector_dir is empty"},
        {"[dbd]\nendpoint = http://x\n", "t.conf:2: endpoint: \"http://x\" "
                                         "is not ipc://PATH or "
                                         "tcp://HOST:PORT"},
        {"[dbd]\nendpoint = ipc://\n", "t.conf:2: endpoint: \"ipc://\" is "
                                       "not ipc://PATH or tcp://HOST:PORT"},
        {"[dbd]\nendpoint = tcp://a:1, tcp://a:1\n",
         "t.conf:2: endpoint: \"tcp://a:1\" is listed twice"},
        {"[dbd]\nendpoint = ,\n", "t.conf:2: endpoint: no endpoint given"},
        {"[dbd]\nlog = stderr\n\nlog = syslog\n",
         "t.conf:4: duplicate key \"log\" (first set on line 2)"},
        {"[dbd]\n[dbd]\n", "t.conf:2: duplicate section [dbd] (first on "
                           "line 1)"},
        {"[datasource a]\nurl = x://y\n[datasource b]\nurl = x://y\n"
         "[datasource a]\nurl = x://z\n",
         "t.conf:5: duplicate datasource \"a\" (first defined on line 1)"},
        {"[datasource a/b]\nurl = x://y\n", "t.conf:1: bad datasource name "
                                           "\"a/b\" (use 1 to 64 of A-Z a-z "
                                           "0-9 _ . -)"},
        {"[datasource a\"b]\n", "t.conf:1: bad datasource name \"a\"b\" (use "
                                "1 to 64 of A-Z a-z 0-9 _ . -)"},
        {"[datasource]\n", "t.conf:1: datasource section without a name "
                           "(write [datasource NAME])"},
        {"[dbd]\n\n[datasource a]\npool = 1\n",
         "t.conf:3: datasource \"a\" has no url"},
        {"[datasource a]\n", "t.conf:1: datasource \"a\" has no url"},
        {"[datasource a]\nurl =\n", "t.conf:2: url is empty"},
        {"[datasource a]\nurl = x://y\npool = 0\n",
         "t.conf:3: pool: 0 is out of range (1..1024)"},
        {"[datasource a]\nurl = x://y\npool = 1025\n",
         "t.conf:3: pool: 1025 is out of range (1..1024)"},
        {"[datasource a]\nurl = x://y\nqueue = 0\n",
         "t.conf:3: queue: 0 is out of range (1..1000000)"},
        {"[datasource a]\nurl = x://y\ntimeout = 0\n",
         "t.conf:3: timeout: 0 is out of range (1..86400000)"},
        {"[datasource a]\nurl = x://y\nreconnect_min = x\n",
         "t.conf:3: reconnect_min: \"x\" is not a number"},
        {"[datasource a]\nurl = x://y\nreconnect_max = 3600001\n",
         "t.conf:3: reconnect_max: 3600001 is out of range (1..3600000)"},
        {"[datasource a]\nurl = x://y\nreconnect_min = 500\n"
         "reconnect_max = 400\n",
         "t.conf:1: datasource \"a\": reconnect_min (500) is greater than "
         "reconnect_max (400)"},
        {"[datasource a]\nurl = x://y\nallow_raw = maybe\n",
         "t.conf:3: allow_raw: \"maybe\" is not yes or no"},
        {"[datasource a]\nurl = x://y\noption. = 1\n",
         "t.conf:3: bad option name \"\" (use 1 to 64 of A-Z a-z 0-9 _ . -)"},
        {"[datasource a]\nurl = x://y\noption.a b = 1\n",
         "t.conf:3: bad option name \"a b\" (use 1 to 64 of A-Z a-z 0-9 _ . "
         "-)"},
        {"[datasource a]\nurl = x://y\noption.a = 1\noption.a = 2\n",
         "t.conf:4: duplicate key \"option.a\" (first set on line 3)"},
        {"[dbd]\njunk line\n", "t.conf:2: syntax error (expected [section] "
                               "or key = value)"},
        {"[dbd]\nlog = stderr\n   syslog\n",
         "t.conf:3: syntax error (expected [section] or key = value)"},
        {"[dbd\n", "t.conf:1: section header without ']'"},
        {"[dbd] x\n", "t.conf:1: unexpected text after section header: "
                      "\"x\""},
        /* The first error is the one reported. */
        {"[dbd]\nfoo = 1\nbar = 2\n", "t.conf:2: unknown key \"foo\" in "
                                      "[dbd]"},
        {"[dbd]\njunk\nfoo = 1\n", "t.conf:2: syntax error (expected "
                                   "[section] or key = value)"},
        /* Keys of a rejected section are not reported again. */
        {"[nope]\nfoo = 1\n", "t.conf:1: unknown section [nope] (expected "
                              "[dbd], [audit], [datasource NAME] or [client "
                              "NAME])"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_error(cases[i].text, cases[i].want);
}

static void test_bad_url(void **state)
{
    (void)state;
    check_error_prefix("[datasource a]\nurl = nonsense\n", "t.conf:2: url: ");
}

/* Several URLs, the mode, the tables a swap checks, pings. */
static void test_hosts(void **state)
{
    (void)state;
    dbd_config *cfg = parse_ok(
        "[datasource a]\nurl = pgsql://p/db  pgsql://r1/db\tpgsql://r2/db\n"
        "mode = primary-replica\ntables = subscriber location\n"
        "ping_interval = 0\n"
        "[datasource b]\nurl = sqlite:///dir with blanks/x.db\n");
    const dbd_ds_config *a = dbd_config_find_ds(cfg, "a");
    const dbd_ds_config *b = dbd_config_find_ds(cfg, "b");
    char **urls;
    size_t n;
    char err[256];

    assert_non_null(a);
    assert_int_equal(a->mode, DBD_MODE_PRIMARY_REPLICA);
    assert_string_equal(dbd_ds_mode_name(a->mode), "primary-replica");
    assert_int_equal(a->ntables, 2);
    assert_string_equal(a->tables[1], "location");
    assert_int_equal(a->ping_interval_ms, 0);
    assert_int_equal(dbd_url_list_split(a->url, &urls, &n, err, sizeof err),
                     0);
    assert_int_equal(n, 3);
    assert_string_equal(urls[0], "pgsql://p/db");
    assert_string_equal(urls[2], "pgsql://r2/db");
    dbd_url_list_free(urls, n);
    /* a blank not followed by scheme:// belongs to the path */
    assert_int_equal(dbd_url_list_split(b->url, &urls, &n, err, sizeof err),
                     0);
    assert_int_equal(n, 1);
    assert_string_equal(urls[0], "sqlite:///dir with blanks/x.db");
    dbd_url_list_free(urls, n);
    assert_int_equal(b->mode, DBD_MODE_FAILOVER);
    assert_int_equal(b->ping_interval_ms, 10000);
    /* copies compare equal; a changed URL does not */
    dbd_ds_config *copy = dbd_ds_config_dup(a);
    assert_non_null(copy);
    assert_true(dbd_ds_config_equal(copy, a));
    assert_false(dbd_ds_config_equal(copy, b));
    dbd_ds_config_free(&copy);
    assert_null(copy);
    dbd_config_destroy(&cfg);

    check_error("[datasource a]\nurl = pgsql://p/db mysql://q/db\n",
                "t.conf:2: url: URL 2 uses \"mysql\" but URL 1 \"pgsql\"; "
                "all URLs of a datasource need the same scheme");
    check_error("[datasource a]\nurl = pgsql://p/db\nmode = primary-replica\n",
                "t.conf:1: datasource \"a\": mode primary-replica needs at "
                "least two URLs (the primary first)");
    check_error("[datasource a]\nurl = pgsql://p/db\nmode = random\n",
                "t.conf:3: mode: \"random\" is not one of failover, "
                "round-robin, primary-replica");
    check_error("[datasource a]\nurl = pgsql://p/db\ntables = ok bad-name\n",
                "t.conf:3: tables: \"bad-name\" is not a table name");
}

static void test_long_line(void **state)
{
    char text[600];
    char value[400];
    (void)state;
    memset(value, 'a', 250);
    value[250] = '\0';
    snprintf(text, sizeof text, "[dbd]\n\nconnector_dir = /%s\n", value);
    check_error(text, "t.conf:3: line too long (at most 197 characters)");
}

static void test_load_file(void **state)
{
    const char *tmp = getenv("TMPDIR");
    char path[512];
    char err[1024] = "";
    dbd_config *cfg;
    FILE *fp;
    int fd;
    (void)state;
    snprintf(path, sizeof path, "%s/test_config.XXXXXX",
             tmp != NULL && *tmp != '\0' ? tmp : P_tmpdir);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    fp = fdopen(fd, "w");
    assert_non_null(fp);
    /* a NUL byte in the middle of line 2 */
    assert_int_equal(fwrite("[dbd]\nlog\0 = x\n", 1, 15, fp), 15);
    assert_int_equal(fclose(fp), 0);
    cfg = dbd_config_load(path, err, sizeof err);
    assert_null(cfg);
    {
        char want[1100];
        snprintf(want, sizeof want, "%s:2: NUL byte in line", path);
        assert_string_equal(err, want);
    }
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("[datasource f]\nurl = sqlite:///f.db\n", fp);
    assert_int_equal(fclose(fp), 0);
    cfg = dbd_config_load(path, err, sizeof err);
    assert_non_null(cfg);
    assert_string_equal(cfg->ds[0].name, "f");
    dbd_config_destroy(&cfg);
    assert_int_equal(unlink(path), 0);
    cfg = dbd_config_load(path, err, sizeof err);
    assert_null(cfg);
    {
        char want[1100];
        snprintf(want, sizeof want, "%s: cannot open: No such file or "
                 "directory", path);
        assert_string_equal(err, want);
    }
}

/* The sample shipped with dbd loads and says what the docs say. */
/* [audit] and the datasource audit keys: parsed, defaulted, compared. */
static void test_audit(void **state)
{
    char err[1024] = "";
    dbd_config *a = dbd_config_parse_string(
        "[audit]\nfile = /var/log/dbd/audit.log\npublish = tcp://127.0.0.1:7001\n"
        "max_size = 2M\nqueue = 100\nloss = block\nsync = every\n"
        "sync_interval = 50\npublish_hwm = 7\n"
        "[datasource d]\nurl = sqlite:///x\naudit_values = full\n"
        "audit_secret = token ha1\n"
        "[datasource e]\nurl = sqlite:///x\n",
        "t.conf", err, sizeof err);
    dbd_config *b = NULL;
    (void)state;
    if (a == NULL)
        fail_msg("rejected: %s", err);
    assert_string_equal(a->audit.file, "/var/log/dbd/audit.log");
    assert_string_equal(a->audit.publish, "tcp://127.0.0.1:7001");
    assert_int_equal(a->audit.max_size, 2 * 1024 * 1024);
    assert_int_equal(a->audit.queue, 100);
    assert_int_equal(a->audit.loss, DBD_AUDIT_LOSS_BLOCK);
    assert_int_equal(a->audit.sync, DBD_AUDIT_SYNC_EVERY);
    assert_int_equal(a->audit.sync_interval_ms, 50);
    assert_int_equal(a->audit.publish_hwm, 7);
    assert_int_equal(a->ds[0].audit_values, DBD_AUDIT_VALUES_FULL);
    assert_int_equal(a->ds[0].naudit_secret, 2);
    assert_string_equal(a->ds[0].audit_secret[0], "token");
    assert_string_equal(a->ds[0].audit_secret[1], "ha1");
    /* The defaults: no values, the default secrets (NULL list). */
    assert_int_equal(a->ds[1].audit_values, DBD_AUDIT_VALUES_NONE);
    assert_null(a->ds[1].audit_secret);
    /* A copy is equal; a changed policy or secret list is not. */
    {
        dbd_ds_config *copy = dbd_ds_config_dup(&a->ds[0]);
        assert_non_null(copy);
        assert_true(dbd_ds_config_equal(copy, &a->ds[0]));
        copy->audit_values = DBD_AUDIT_VALUES_MASKED;
        assert_false(dbd_ds_config_equal(copy, &a->ds[0]));
        dbd_ds_config_free(&copy);
        assert_false(dbd_ds_config_equal(&a->ds[0], &a->ds[1]));
    }
    /* No [audit]: the trail is off, the defaults are in place. */
    b = dbd_config_parse_string("[dbd]\n", "t.conf", err, sizeof err);
    assert_non_null(b);
    assert_null(b->audit.file);
    assert_null(b->audit.publish);
    assert_int_equal(b->audit.max_size, 100 * 1024 * 1024);
    assert_int_equal(b->audit.queue, 65536);
    assert_int_equal(b->audit.loss, DBD_AUDIT_LOSS_DROP);
    assert_int_equal(b->audit.sync, DBD_AUDIT_SYNC_INTERVAL);
    assert_int_equal(b->audit.sync_interval_ms, 1000);
    assert_false(dbd_audit_config_equal(&a->audit, &b->audit));
    assert_true(dbd_audit_config_equal(&b->audit, &b->audit));
    dbd_config_destroy(&a);
    dbd_config_destroy(&b);
}

/* The security keys of [dbd]. */
static void test_security_keys(void **state)
{
    char err[1024] = "";
    dbd_config *c = dbd_config_parse_string(
        "[dbd]\nuser = dbd\ngroup = dbdgrp\nipc_owner = o\nipc_group = g\n"
        "ipc_mode = 0660\ncurve_key = /etc/dbd/dbd.key\n"
        "clients = /etc/dbd/clients\n",
        "t.conf", err, sizeof err);
    dbd_config *d = NULL;
    (void)state;
    if (c == NULL)
        fail_msg("rejected: %s", err);
    assert_string_equal(c->user, "dbd");
    assert_string_equal(c->group, "dbdgrp");
    assert_string_equal(c->ipc_owner, "o");
    assert_string_equal(c->ipc_group, "g");
    assert_int_equal(c->ipc_mode, 0660);
    assert_string_equal(c->curve_key, "/etc/dbd/dbd.key");
    assert_string_equal(c->clients, "/etc/dbd/clients");
    d = dbd_config_parse_string("[dbd]\n", "t.conf", err, sizeof err);
    assert_non_null(d);
    assert_null(d->user);
    assert_null(d->curve_key);
    assert_int_equal(d->ipc_mode, 0600);
    dbd_config_destroy(&c);
    dbd_config_destroy(&d);
}

static void test_sample(void **state)
{
    char err[1024] = "";
    dbd_config *cfg = dbd_config_load(TOP_SRCDIR "/dbd/dbd.conf", err,
                                      sizeof err);
    (void)state;
    if (cfg == NULL)
        fail_msg("sample rejected: %s", err);
    assert_int_equal(cfg->nendpoints, 1);
    assert_string_equal(cfg->endpoints[0], "ipc:///run/dbd/dbd.sock");
    assert_int_equal(cfg->nds, 1);
    assert_string_equal(cfg->ds[0].name, "main");
    assert_string_equal(cfg->ds[0].url, "sqlite:///var/lib/dbd/dbd.sqlite");
    assert_int_equal(cfg->ds[0].pool, 2);
    assert_false(cfg->ds[0].allow_raw);
    assert_int_equal(cfg->max_message, 1048576);
    dbd_config_destroy(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_syntax_variants),
        cmocka_unit_test(test_bool_and_size_forms),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_bad_url),
        cmocka_unit_test(test_hosts),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_audit),
        cmocka_unit_test(test_security_keys),
        cmocka_unit_test(test_sample),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
