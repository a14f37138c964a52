/*
 * test_proxy_conf.c - sipproxy.conf loading: defaults, every key, listen
 * specs (IPv4, IPv6, several), table mapping, and errors with their line.
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

#include "conf.h"

static sp_conf *parse_ok(const char *text)
{
    char err[1024] = "";
    sp_conf *cfg = sp_conf_parse_string(text, "t.conf", err, sizeof err);
    if (cfg == NULL)
        fail_msg("config rejected: got \"%s\", want success", err);
    return cfg;
}

static void check_error(const char *text, const char *want)
{
    char err[1024] = "";
    sp_conf *cfg = sp_conf_parse_string(text, "t.conf", err, sizeof err);
    if (cfg != NULL) {
        sp_conf_destroy(&cfg);
        fail_msg("config accepted, want error \"%s\"", want);
    }
    if (strcmp(err, want) != 0)
        fail_msg("got \"%s\", want \"%s\"", err, want);
}

static void test_defaults(void **state)
{
    sp_conf *cfg = parse_ok("[sip]\ndomain = Example.COM\n");
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    (void)state;
    assert_int_equal(cfg->nlisten, 1);
    assert_string_equal(cfg->listen[0].text, "udp:127.0.0.1:5060");
    assert_string_equal(cfg->listen[0].host, "127.0.0.1");
    assert_int_equal(cfg->listen[0].port, 5060);
    assert_null(cfg->advertise);
    assert_int_equal(cfg->workers, cpus > 0 ? (unsigned)cpus : 1);
    assert_string_equal(cfg->dbd_endpoint, "ipc:///run/dbd/dbd.sock");
    assert_int_equal(cfg->dbd_timeout_ms, 1000);
    assert_int_equal(cfg->cleanup_interval_s, 60);
    assert_int_equal(cfg->log_dest, DBD_LOG_TO_STDERR);
    assert_int_equal(cfg->log_level, LOG_INFO);
    assert_null(cfg->pid_file);
    assert_int_equal(cfg->ndomains, 1);
    assert_string_equal(cfg->domains[0], "example.com");
    assert_null(cfg->realm);
    assert_int_equal(cfg->nalgs, 1);
    assert_int_equal(cfg->algs[0], SIP_DIGEST_MD5);
    assert_false(cfg->calculate_ha1);
    assert_null(cfg->nonce_secret);
    assert_int_equal(cfg->nonce_lifetime_s, 300);
    assert_int_equal(cfg->min_expires_s, 60);
    assert_int_equal(cfg->max_expires_s, 3600);
    assert_int_equal(cfg->default_expires_s, 3600);
    assert_false(cfg->auth_requests);
    assert_false(cfg->record_route);
    assert_false(cfg->resolve_names);
    assert_int_equal(cfg->max_pending, 10000);
    assert_int_equal(cfg->no_route_code, 404);
    assert_null(cfg->route_group);
    assert_int_equal(cfg->retry_after_s, 5);
    assert_string_equal(cfg->server_header, "sipproxy");
    assert_string_equal(cfg->subscriber.ds, "main");
    assert_string_equal(cfg->subscriber.table, "subscriber");
    assert_string_equal(cfg->location.table, "location");
    assert_string_equal(cfg->dr_rules.table, "dr_rules");
    assert_string_equal(cfg->dr_gateways.table, "dr_gateways");
    assert_true(sp_conf_is_local_domain(cfg, "EXAMPLE.com"));
    assert_false(sp_conf_is_local_domain(cfg, "example.org"));
    sp_conf_destroy(&cfg);
}

static void test_every_key(void **state)
{
    sp_conf *cfg = parse_ok(
        "[sipproxy]\n"
        "listen = udp:127.0.0.1:5070, udp:[::1]:5071\n"
        "listen = udp:0.0.0.0:5072\n"
        "advertise = sip.example.com\n"
        "workers = 3\n"
        "dbd_endpoint = tcp://127.0.0.1:7000\n"
        "dbd_timeout_ms = 250\n"
        "cleanup_interval = 0\n"
        "max_pending = 77\n"
        "log = syslog\n"
        "log_level = debug\n"
        "pid_file = /x/sipproxy.pid\n"
        "[sip]\n"
        "domain = a.example b.example\n"
        "domain = 192.0.2.1\n"
        "realm = My Realm\n"
        "algorithms = SHA-256, md5\n"
        "calculate_ha1 = yes\n"
        "nonce_secret = s3cret\n"
        "nonce_lifetime = 30\n"
        "min_expires = 10\n"
        "max_expires = 600\n"
        "default_expires = 120\n"
        "auth_requests = yes\n"
        "record_route = on\n"
        "resolve_names = yes\n"
        "no_route_code = 503\n"
        "route_group = 2\n"
        "retry_after = 0\n"
        "server_header =\n"
        "[tables]\n"
        "subscriber = auth\n"
        "location = loc/location_v9\n"
        "dr_rules = routes/rules\n"
        "dr_gateways = routes\n");
    (void)state;
    assert_int_equal(cfg->nlisten, 3);
    assert_string_equal(cfg->listen[0].text, "udp:127.0.0.1:5070");
    assert_string_equal(cfg->listen[1].text, "udp:[::1]:5071");
    assert_string_equal(cfg->listen[1].host, "::1");
    assert_int_equal(cfg->listen[1].port, 5071);
    assert_false(cfg->listen[1].wildcard);
    assert_true(cfg->listen[2].wildcard);
    assert_string_equal(cfg->advertise, "sip.example.com");
    assert_int_equal(cfg->workers, 3);
    assert_string_equal(cfg->dbd_endpoint, "tcp://127.0.0.1:7000");
    assert_int_equal(cfg->dbd_timeout_ms, 250);
    assert_int_equal(cfg->cleanup_interval_s, 0);
    assert_int_equal(cfg->max_pending, 77);
    assert_true(cfg->resolve_names);
    assert_int_equal(cfg->log_dest, DBD_LOG_TO_SYSLOG);
    assert_int_equal(cfg->log_level, LOG_DEBUG);
    assert_string_equal(cfg->pid_file, "/x/sipproxy.pid");
    assert_int_equal(cfg->ndomains, 3);
    assert_string_equal(cfg->domains[0], "a.example");
    assert_string_equal(cfg->domains[1], "b.example");
    assert_string_equal(cfg->domains[2], "192.0.2.1");
    assert_string_equal(cfg->realm, "My Realm");
    assert_int_equal(cfg->nalgs, 2);
    assert_int_equal(cfg->algs[0], SIP_DIGEST_SHA256);
    assert_int_equal(cfg->algs[1], SIP_DIGEST_MD5);
    assert_true(cfg->calculate_ha1);
    assert_string_equal(cfg->nonce_secret, "s3cret");
    assert_int_equal(cfg->nonce_lifetime_s, 30);
    assert_int_equal(cfg->min_expires_s, 10);
    assert_int_equal(cfg->max_expires_s, 600);
    assert_int_equal(cfg->default_expires_s, 120);
    assert_true(cfg->auth_requests);
    assert_true(cfg->record_route);
    assert_int_equal(cfg->no_route_code, 503);
    assert_string_equal(cfg->route_group, "2");
    assert_int_equal(cfg->retry_after_s, 0);
    assert_null(cfg->server_header);
    assert_string_equal(cfg->subscriber.ds, "auth");
    assert_string_equal(cfg->subscriber.table, "subscriber");
    assert_string_equal(cfg->location.ds, "loc");
    assert_string_equal(cfg->location.table, "location_v9");
    assert_string_equal(cfg->dr_rules.ds, "routes");
    assert_string_equal(cfg->dr_rules.table, "rules");
    assert_string_equal(cfg->dr_gateways.ds, "routes");
    assert_string_equal(cfg->dr_gateways.table, "dr_gateways");
    assert_string_equal(sp_conf_find_domain(cfg, "B.EXAMPLE"), "b.example");
    assert_true(sp_conf_is_local_domain(cfg, "[192.0.2.1]"));
    assert_true(sp_conf_is_local_domain(cfg, "192.0.2.1"));
    sp_conf_destroy(&cfg);
}

static void test_listen_parse(void **state)
{
    sp_listen_conf l;
    char err[256];
    (void)state;
    assert_true(sp_listen_parse("udp:[::]:5060", &l, err, sizeof err));
    assert_true(l.wildcard);
    assert_int_equal(l.addr.ss_family, AF_INET6);
    assert_true(sp_listen_parse("udp:10.1.2.3:1", &l, err, sizeof err));
    assert_int_equal(l.addr.ss_family, AF_INET);
    assert_int_equal(l.port, 1);
    assert_false(sp_listen_parse("tcp:10.1.2.3:5060", &l, err, sizeof err));
    assert_string_equal(err, "\"tcp:10.1.2.3:5060\" does not start with udp: "
                        "(only UDP is supported)");
    assert_false(sp_listen_parse("udp:10.1.2.3", &l, err, sizeof err));
    assert_string_equal(err, "\"udp:10.1.2.3\" has no port (udp:ADDR:PORT)");
    assert_false(sp_listen_parse("udp:::1:5060", &l, err, sizeof err));
    assert_string_equal(err, "\"udp:::1:5060\": write IPv6 as "
                        "udp:[ADDR]:PORT");
    assert_false(sp_listen_parse("udp:host.example:5060", &l, err, sizeof err));
    assert_string_equal(err, "\"udp:host.example:5060\": \"host.example\" is "
                        "not a numeric IPv4 address");
    assert_false(sp_listen_parse("udp:1.2.3.4:70000", &l, err, sizeof err));
    assert_false(sp_listen_parse("udp:[::1]5060", &l, err, sizeof err));
}

static void test_errors(void **state)
{
    (void)state;
    check_error("[sip]\n", "t.conf:1: no local domain: [sip] needs "
                "\"domain = NAME\"");
    check_error("", "t.conf: no local domain: [sip] needs \"domain = NAME\"");
    check_error("[sip]\ndomain = a\nbogus = 1\n",
                "t.conf:3: unknown key \"bogus\" in [sip]");
    check_error("[sipproxy]\nworkers = 0\n[sip]\ndomain = a\n",
                "t.conf:2: workers: 0 is out of range (1..256)");
    check_error("[sipproxy]\nworkers = 2\nworkers = 3\n",
                "t.conf:3: duplicate key \"workers\" (first set on line 2)");
    check_error("[proxy]\n", "t.conf:1: unknown section [proxy] (expected "
                "[sipproxy], [sip] or [tables])");
    check_error("[sip]\ndomain = a\n[sip]\n",
                "t.conf:3: duplicate section [sip] (first on line 1)");
    check_error("workers = 2\n", "t.conf:1: key \"workers\" outside any "
                "section");
    check_error("[sipproxy]\nlisten = udp:1.2.3.4:5060 udp:1.2.3.4:5060\n",
                "t.conf:2: listen: udp:1.2.3.4:5060 given twice");
    check_error("[sipproxy]\nlisten = udp:0.0.0.0:5060\n[sip]\ndomain = a\n",
                "t.conf:1: listen udp:0.0.0.0:5060 is a wildcard address: "
                "set advertise to the address clients reach");
    check_error("[sipproxy]\ndbd_endpoint = /run/dbd.sock\n",
                "t.conf:2: dbd_endpoint: \"/run/dbd.sock\" is neither "
                "ipc://PATH nor tcp://HOST:PORT");
    check_error("[sip]\nalgorithms = MD5, SHA-512\n",
                "t.conf:2: algorithms: \"SHA-512\" is neither MD5 nor "
                "SHA-256");
    check_error("[sip]\nalgorithms = MD5 md5\n",
                "t.conf:2: algorithms: md5 given twice");
    check_error("[sip]\nalgorithms =\n", "t.conf:2: algorithms is empty");
    check_error("[sip]\ndomain = a b a\n", "t.conf:2: domain: \"a\" given "
                "twice");
    check_error("[sip]\ndomain = a;b\n", "t.conf:2: domain: \"a;b\" is not a "
                "domain name or address");
    check_error("[sip]\ndomain = a\nmin_expires = 100\nmax_expires = 50\n",
                "t.conf:1: min_expires (100) is greater than max_expires "
                "(50)");
    check_error("[sip]\ndomain = a\ndefault_expires = 30\n",
                "t.conf:1: default_expires (30) is outside "
                "min_expires..max_expires");
    check_error("[sip]\nno_route_code = 200\n",
                "t.conf:2: no_route_code: 200 is out of range (400..699)");
    check_error("[sipproxy]\nmax_pending = 0\n",
                "t.conf:2: max_pending: 0 is out of range (1..10000000)");
    check_error("[sip]\nresolve_names = maybe\n",
                "t.conf:2: resolve_names: \"maybe\" is not yes or no");
    check_error("[sip]\nauth_requests = maybe\n",
                "t.conf:2: auth_requests: \"maybe\" is not yes or no");
    check_error("[tables]\nlocation = main/bad-name\n",
                "t.conf:2: location: \"bad-name\" is not a table name (a "
                "letter or _, then up to 63 letters, digits or _)");
    check_error("[tables]\nlocation = bad name/location\n",
                "t.conf:2: location: \"bad name\" is not a datasource name "
                "(1 to 64 of A-Z a-z 0-9 _ . -)");
    check_error("[tables]\nusers = main\n",
                "t.conf:2: unknown key \"users\" in [tables]");
    check_error("[sipproxy]\nlog = file\n",
                "t.conf:2: log: \"file\" is neither stderr nor syslog");
}

static void test_sample(void **state)
{
    char err[1024] = "";
    sp_conf *cfg = sp_conf_load(TOP_SRCDIR "/proxy/sipproxy.conf", err,
                                sizeof err);
    (void)state;
    if (cfg == NULL)
        fail_msg("sample rejected: %s", err);
    assert_int_equal(cfg->nlisten, 1);
    assert_string_equal(cfg->listen[0].text, "udp:127.0.0.1:5060");
    assert_string_equal(cfg->domains[0], "example.com");
    assert_int_equal(cfg->dbd_timeout_ms, 1000);
    assert_string_equal(cfg->location.ds, "main");
    sp_conf_destroy(&cfg);
}

static void test_missing_file(void **state)
{
    char err[1024] = "";
    (void)state;
    assert_null(sp_conf_load("/nonexistent/sipproxy.conf", err, sizeof err));
    assert_string_equal(err, "/nonexistent/sipproxy.conf: cannot open: No "
                        "such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_listen_parse),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_sample),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests_name("proxy_conf", tests, NULL, NULL);
}
