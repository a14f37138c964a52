/*
 * test_registry.c - connector loading: the descriptor checks (ABI first,
 * then size, scheme and entry points) and the refusal of module files and
 * directories that others could write.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "registry.h"

static dbd_status fake_open(const dbd_host *host, const dbd_url *url,
                            const dbd_option *opts, size_t nopts, void **conn,
                            char *err, size_t errlen)
{
    (void)host, (void)url, (void)opts, (void)nopts, (void)err, (void)errlen;
    *conn = NULL;
    return DBD_UNAVAILABLE;
}

static void fake_close(void *conn)
{
    (void)conn;
}

static dbd_status fake_exec(void *conn, const dbd_op *op, const dbd_sink *sink,
                            dbd_exec_info *info)
{
    (void)conn, (void)op, (void)sink, (void)info;
    return DBD_OK;
}

static struct dbd_connector good(void)
{
    struct dbd_connector c = {
        .abi = DBD_CONNECTOR_ABI,
        .size = sizeof(struct dbd_connector),
        .scheme = "fake",
        .caps = DBD_CAP_QUERY,
        .open = fake_open,
        .close = fake_close,
        .exec = fake_exec,
    };
    return c;
}

static void check_refused(const struct dbd_connector *c, const char *want)
{
    char err[512] = "";
    assert_int_equal(dbd_connector_check(c, "/x/fake.so", "fake", err,
                                         sizeof err), -1);
    if (strcmp(err, want) != 0)
        fail_msg("got \"%s\", want \"%s\"", err, want);
}

static void test_descriptor_checks(void **state)
{
    struct dbd_connector c = good();
    char err[512] = "";
    char want[256];
    (void)state;

    assert_int_equal(dbd_connector_check(&c, "/x/fake.so", "fake", err,
                                         sizeof err), 0);

    c.abi = 0x64626402u;
    /* The ABI is reported even when everything else is wrong too. */
    c.size = 4;
    c.scheme = NULL;
    snprintf(want, sizeof want, "/x/fake.so: connector ABI 0x64626402, this "
             "dbd expects 0x%08x", (unsigned)DBD_CONNECTOR_ABI);
    check_refused(&c, want);

    c = good();
    c.size = (uint32_t)offsetof(struct dbd_connector, raw);
    snprintf(want, sizeof want, "/x/fake.so: connector descriptor of %u "
             "bytes, this dbd needs at least %zu", (unsigned)c.size,
             sizeof(struct dbd_connector));
    check_refused(&c, want);

    c = good();
    c.scheme = "other";
    check_refused(&c, "/x/fake.so: connector serves scheme \"other\", "
                      "expected \"fake\"");

    c = good();
    c.exec = NULL;
    check_refused(&c, "/x/fake.so: connector lacks open, close or exec");

    c = good();
    c.caps |= DBD_CAP_TRANSACTION;
    check_refused(&c, "/x/fake.so: connector claims transactions but lacks "
                      "begin, commit or rollback");

    c = good();
    c.caps |= DBD_CAP_RAW;
    check_refused(&c, "/x/fake.so: connector claims raw but lacks raw()");

    /* A larger descriptor (a newer connector) is fine. */
    c = good();
    c.size = sizeof(struct dbd_connector) + 16;
    assert_int_equal(dbd_connector_check(&c, "/x/fake.so", "fake", err,
                                         sizeof err), 0);
}

typedef struct dirs {
    char dir[512];
    char file[600];
} dirs;

static int setup_dir(void **state)
{
    dirs *d = calloc(1, sizeof *d);
    const char *tmp = getenv("TMPDIR");
    FILE *fp;
    if (d == NULL)
        return -1;
    snprintf(d->dir, sizeof d->dir, "%s/test_registry.XXXXXX",
             tmp != NULL && *tmp != '\0' ? tmp : P_tmpdir);
    if (mkdtemp(d->dir) == NULL || chmod(d->dir, 0755) != 0)
        return -1;
    snprintf(d->file, sizeof d->file, "%s/junk.so", d->dir);
    fp = fopen(d->file, "w");
    if (fp == NULL)
        return -1;
    fputs("not an ELF file\n", fp);
    fclose(fp);
    if (chmod(d->file, 0644) != 0)
        return -1;
    *state = d;
    return 0;
}

static int teardown_dir(void **state)
{
    dirs *d = *state;
    unlink(d->file);
    rmdir(d->dir);
    free(d);
    return 0;
}

static void expect_get_error(const char *dir, const char *scheme,
                             const char *want_start, const char *want_part)
{
    char err[1024] = "";
    dbd_log *log = dbd_log_new(DBD_LOG_TO_STDERR, 0, "test");
    dbd_registry *reg = dbd_registry_new(dir, log);
    assert_non_null(reg);
    assert_null(dbd_registry_get(reg, scheme, err, sizeof err));
    if (strncmp(err, want_start, strlen(want_start)) != 0 ||
        strstr(err, want_part) == NULL)
        fail_msg("got \"%s\", want \"%s...%s...\"", err, want_start,
                 want_part);
    /* The failure is remembered and reported the same way again. */
    {
        char again[1024] = "";
        assert_null(dbd_registry_get(reg, scheme, again, sizeof again));
        assert_string_equal(again, err);
    }
    dbd_registry_destroy(&reg);
    assert_null(reg);
    dbd_log_destroy(&log);
}

static void test_files(void **state)
{
    dirs *d = *state;
    char want[1024];

    snprintf(want, sizeof want, "%s/missing.so: ", d->dir);
    expect_get_error(d->dir, "missing", want, "No such file or directory");

    snprintf(want, sizeof want, "%s/junk.so: cannot load: ", d->dir);
    expect_get_error(d->dir, "junk", want, "junk.so");

    expect_get_error(d->dir, "../etc/x", "bad connector scheme \"../etc/x\"",
                     "");

    assert_int_equal(chmod(d->file, 0664), 0);
    snprintf(want, sizeof want, "%s: refusing: writable by group or others "
             "(mode 0664)", d->file);
    expect_get_error(d->dir, "junk", want, "");
    assert_int_equal(chmod(d->file, 0644), 0);

    assert_int_equal(chmod(d->dir, 0777), 0);
    snprintf(want, sizeof want, "%s: refusing: writable by group or others "
             "(mode 0777)", d->dir);
    expect_get_error(d->dir, "junk", want, "");
    assert_int_equal(chmod(d->dir, 0755), 0);

    expect_get_error("/nonexistent-dbd-dir", "x",
                     "/nonexistent-dbd-dir: No such file or directory", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor_checks),
        cmocka_unit_test_setup_teardown(test_files, setup_dir, teardown_dir),
    };
    return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
