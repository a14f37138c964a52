/* test_url.c - backend URL parsing and password redaction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "url.h"

typedef struct url_case {
    const char *in;
    const char *scheme, *user, *password, *host;
    int port;
    const char *path, *target;
    size_t nparams;
    const char *params[3][2];
} url_case;

static const url_case ok_cases[] = {
    {"mysql://user:secret@db.example.com:3306/kamailio?charset=utf8&timeout=5",
     "mysql", "user", "secret", "db.example.com", 3306, "kamailio",
     "user:secret@db.example.com:3306/kamailio", 2,
     {{"charset", "utf8"}, {"timeout", "5"}}},
    {"sqlite:///abs/path.db", "sqlite", NULL, NULL, NULL, 0, "abs/path.db",
     "/abs/path.db", 0, {{0}}},
    {"sqlite://rel/x.db", "sqlite", NULL, NULL, "rel", 0, "x.db", "rel/x.db",
     0, {{0}}},
    {"text:///srv/dbtext", "text", NULL, NULL, NULL, 0, "srv/dbtext",
     "/srv/dbtext", 0, {{0}}},
    {"sqlite:///tmp/x.db?mode=ro", "sqlite", NULL, NULL, NULL, 0, "tmp/x.db",
     "/tmp/x.db", 1, {{"mode", "ro"}}},
    {"sqlite:///my%20dir/x.db", "sqlite", NULL, NULL, NULL, 0, "my dir/x.db",
     "/my dir/x.db", 0, {{0}}},
    {"sqlite:///data/user@host.db", "sqlite", NULL, NULL, NULL, 0,
     "data/user@host.db", "/data/user@host.db", 0, {{0}}},
    {"PgSQL://[::1]:5432/db", "pgsql", NULL, NULL, "::1", 5432, "db",
     "[::1]:5432/db", 0, {{0}}},
    {"pgsql://u@[2001:db8::1]/db", "pgsql", "u", NULL, "2001:db8::1", 0, "db",
     "u@[2001:db8::1]/db", 0, {{0}}},
    {"mysql://u:p%40ss%3Aw%2Fd@h/d%20b", "mysql", "u", "p@ss:w/d", "h", 0,
     "d b", "u:p@ss:w/d@h/d b", 0, {{0}}},
    {"mysql://u:p@ss@host/db", "mysql", "u", "p@ss", "host", 0, "db",
     "u:p@ss@host/db", 0, {{0}}},
    {"mysql://user@host", "mysql", "user", NULL, "host", 0, NULL, "user@host",
     0, {{0}}},
    {"mysql://:pw@h:1", "mysql", "", "pw", "h", 1, NULL, ":pw@h:1", 0, {{0}}},
    {"mysql://host/", "mysql", NULL, NULL, "host", 0, "", "host/", 0, {{0}}},
    {"mysql://h:65535", "mysql", NULL, NULL, "h", 65535, NULL, "h:65535", 0,
     {{0}}},
    {"ldap://h/?a=1&&b=&c", "ldap", NULL, NULL, "h", 0, "", "h/", 3,
     {{"a", "1"}, {"b", ""}, {"c", ""}}},
    {"ldap://h?k%3D=v%26w=x", "ldap", NULL, NULL, "h", 0, NULL, "h", 1,
     {{"k=", "v&w=x"}}},
    {"odbc+unix.x-y://dsn", "odbc+unix.x-y", NULL, NULL, "dsn", 0, NULL, "dsn",
     0, {{0}}},
    {"x://", "x", NULL, NULL, NULL, 0, NULL, "", 0, {{0}}},
};

static void check_str(size_t i, const char *field, const char *got,
                      const char *want)
{
    if (want == NULL && got == NULL)
        return;
    if (want == NULL || got == NULL || strcmp(got, want) != 0)
        fail_msg("case %zu %s: got %s%s%s, want %s%s%s", i, field,
                 got ? "\"" : "", got ? got : "NULL", got ? "\"" : "",
                 want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
}

static void test_parse_ok(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
        const url_case *c = &ok_cases[i];
        char err[256] = "";
        dbd_url *u = dbd_url_parse(c->in, err, sizeof(err));
        if (u == NULL)
            fail_msg("case %zu \"%s\": %s", i, c->in, err);
        check_str(i, "scheme", u->scheme, c->scheme);
        check_str(i, "user", u->user, c->user);
        check_str(i, "password", u->password, c->password);
        check_str(i, "host", u->host, c->host);
        check_str(i, "path", u->path, c->path);
        check_str(i, "target", u->target, c->target);
        if (u->port != c->port)
            fail_msg("case %zu port: got %d, want %d", i, u->port, c->port);
        if (u->nparams != c->nparams)
            fail_msg("case %zu nparams: got %zu, want %zu", i, u->nparams,
                     c->nparams);
        for (size_t p = 0; p < c->nparams; p++) {
            check_str(i, "param key", u->params[p].key, c->params[p][0]);
            check_str(i, "param value", u->params[p].value, c->params[p][1]);
        }
        dbd_url_destroy(&u);
        assert_null(u);
    }
    dbd_url_destroy(NULL);
}

typedef struct bad_case {
    const char *in;
    const char *msg;
} bad_case;

static const bad_case bad_cases[] = {
    {"", "missing scheme (expected scheme://...)"},
    {"localhost:3306/db", "missing scheme (expected scheme://...)"},
    {"/abs/path.db", "missing scheme (expected scheme://...)"},
    {"mysql:/h/db", "missing scheme (expected scheme://...)"},
    {"://host", "scheme: invalid scheme \"\" (a letter, then letters, digits, "
                "+ . or -)"},
    {"1sql://h", "scheme: invalid scheme \"1sql\" (a letter, then letters, "
                 "digits, + . or -)"},
    {"my sql://h", "scheme: invalid scheme \"my sql\" (a letter, then "
                   "letters, digits, + . or -)"},
    {"my_sql://h", "scheme: invalid scheme \"my_sql\" (a letter, then "
                   "letters, digits, + . or -)"},
    {"mysql://h:0/db", "port: invalid port \"0\" (1 to 65535)"},
    {"mysql://h:65536", "port: invalid port \"65536\" (1 to 65535)"},
    {"mysql://h:99999999999", "port: invalid port \"99999999999\" (1 to 65535)"},
    {"mysql://h:abc/db", "port: invalid port \"abc\" (1 to 65535)"},
    {"mysql://h:", "port: invalid port \"\" (1 to 65535)"},
    {"mysql://h:-1", "port: invalid port \"-1\" (1 to 65535)"},
    {"mysql://h:1:2", "port: invalid port \"1:2\" (1 to 65535)"},
    {"mysql://u:p@h:x", "port: invalid port \"x\" (1 to 65535)"},
    {"mysql://::1/db", "port: invalid port \":1\" (1 to 65535)"},
    {"mysql://[::1/db", "host: missing ']' after IPv6 address"},
    {"mysql://[::1]x/db", "host: unexpected text after ']'"},
    {"mysql://[::1]:/db", "port: invalid port \"\" (1 to 65535)"},
    {"mysql://[]/db", "host: empty IPv6 address"},
    {"mysql://[zz::1]/db", "host: invalid IPv6 address"},
    {"mysql://h/db%zz", "target: invalid percent-escape"},
    {"mysql://h/db%4", "target: invalid percent-escape"},
    {"mysql://h/db%", "target: invalid percent-escape"},
    {"mysql://h/db%00x", "target: invalid percent-escape"},
    {"mysql://u:secret%zz@h", "target: invalid percent-escape"},
    {"mysql://h/db?%=1", "parameter name: invalid percent-escape"},
    {"mysql://h/db?a=%g0", "parameter value: invalid percent-escape"},
    {"mysql://h/db?a=%00", "parameter value: invalid percent-escape"},
    {"mysql://h/db?=1", "parameter 1: empty name"},
    {"mysql://h/db?a=1&=2", "parameter 2: empty name"},
    {"mysql://h/db\n", "control character at offset 12"},
    {"mysql://h/\x7f", "control character at offset 10"},
    {"sqlite:///a\tb", "control character at offset 11"},
};

static void test_parse_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        char err[256];
        memset(err, 'x', sizeof(err));
        dbd_url *u = dbd_url_parse(bad_cases[i].in, err, sizeof(err));
        if (u != NULL) {
            dbd_url_destroy(&u);
            fail_msg("case %zu \"%s\": accepted", i, bad_cases[i].in);
        }
        if (strcmp(err, bad_cases[i].msg) != 0)
            fail_msg("case %zu \"%s\":\n  got  \"%s\"\n  want \"%s\"", i,
                     bad_cases[i].in, err, bad_cases[i].msg);
        /* Never leak what may be a password into a log message. */
        assert_null(strstr(err, "secret"));
    }
    char err[64];
    assert_null(dbd_url_parse(NULL, err, sizeof(err)));
    assert_string_equal(err, "no URL");
    assert_null(dbd_url_parse("nope", NULL, 0));
    assert_null(dbd_url_parse("nope", err, 5));
    assert_string_equal(err, "miss");
}

static void test_param(void **state)
{
    (void)state;
    dbd_url *u = dbd_url_parse("mysql://h/db?a=1&b=2&a=3", NULL, 0);
    assert_non_null(u);
    assert_string_equal(dbd_url_param(u, "a"), "1");
    assert_string_equal(dbd_url_param(u, "b"), "2");
    assert_null(dbd_url_param(u, "c"));
    assert_null(dbd_url_param(u, "A"));
    assert_null(dbd_url_param(u, NULL));
    assert_null(dbd_url_param(NULL, "a"));
    dbd_url_destroy(&u);
}

static void test_redact(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"mysql://user:secret@h:3306/db", "mysql://user:***@h:3306/db"},
        {"mysql://u:p@ss@h/db", "mysql://u:***@h/db"},
        {"mysql://u:@h", "mysql://u:***@h"},
        {"mysql://user@h/db", "mysql://user@h/db"},
        {"mysql://h/db", "mysql://h/db"},
        {"sqlite:///data/a:b@c.db", "sqlite:///data/a:b@c.db"},
        {"mysql://u:secret@h?password=p&user=y&PWD=z&passwd=&x=password",
         "mysql://u:***@h?password=***&user=y&PWD=***&passwd=***&x=password"},
        {"mysql://h/db?password", "mysql://h/db?password"},
        {"mysql://u:s@[::1]:5432/db?a=1", "mysql://u:***@[::1]:5432/db?a=1"},
        {"not a url", "not a url"},
        {"", ""},
        {"x://", "x://"},
        {"x://?&&password=1&", "x://?&&password=***&"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = dbd_url_redact(cases[i][0]);
        assert_non_null(got);
        if (strcmp(got, cases[i][1]) != 0) {
            char copy[256];
            strncpy(copy, got, sizeof(copy) - 1);
            copy[sizeof(copy) - 1] = '\0';
            free(got);
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, copy,
                     cases[i][1]);
        }
        free(got);
    }
    assert_null(dbd_url_redact(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ok),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_param),
        cmocka_unit_test(test_redact),
    };
    return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
