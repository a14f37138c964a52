/* test_audit_chain.c - the audit trail's hash chain: sealing records (with
 * a known-answer vector) and verifying files of them, finding altered,
 * removed, inserted, truncated and foreign records at the right line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit_chain.h"
#include "audit_json.h"

#define NREC 5

/* A scratch directory with files a and b, and five sealed records. */
typedef struct fixture {
    char dir[512];
    char a[600], b[600];
    const char *paths[2];
    dbd_buf rec[NREC]; /* each one sealed line, newline included */
    char end_hex[DBD_AUDIT_HEX_SIZE + 1];  /* hash of record 5 */
    char rec3_hex[DBD_AUDIT_HEX_SIZE + 1]; /* hash of record 3 */
} fixture;

static int setup(void **state)
{
    const char *tmp = getenv("TMPDIR");
    fixture *f = calloc(1, sizeof *f);
    dbd_audit_chain c;
    char body[64];
    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof f->dir, "%s/test_audit_chain.XXXXXX",
             tmp != NULL && *tmp != '\0' ? tmp : P_tmpdir);
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    snprintf(f->a, sizeof f->a, "%s/a", f->dir);
    snprintf(f->b, sizeof f->b, "%s/b", f->dir);
    f->paths[0] = f->a;
    f->paths[1] = f->b;
    dbd_audit_chain_init(&c);
    for (int i = 0; i < NREC; i++) {
        int n = snprintf(body, sizeof body,
                         "{\"seq\":%d,\"op\":\"query\",\"table\":\"t%d\"", i + 1,
                         i + 1);
        dbd_buf_init(&f->rec[i]);
        if (dbd_audit_seal(&c, body, (size_t)n, &f->rec[i]) != 0)
            return -1;
        if (i == 2)
            dbd_audit_chain_hex(&c, f->rec3_hex);
    }
    dbd_audit_chain_hex(&c, f->end_hex);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < NREC; i++)
        dbd_buf_free(&f->rec[i]);
    unlink(f->a);
    unlink(f->b);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void write_bytes(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    if (len > 0)
        assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* Writes the records named by the 1-based numbers in list (0 ends it). */
static void write_records(const fixture *f, const char *path,
                          const int *list)
{
    dbd_buf all;
    dbd_buf_init(&all);
    for (; *list != 0; list++)
        assert_int_equal(dbd_buf_append(&all, f->rec[*list - 1].data,
                                        f->rec[*list - 1].len), 0);
    write_bytes(path, all.data, all.len);
    dbd_buf_free(&all);
}

/* Verifies a then b and checks the outcome exactly. */
static void expect(const fixture *f, const char *start, int rc,
                   dbd_audit_kind kind, size_t file, uint64_t line)
{
    dbd_audit_problem p;
    int got = dbd_audit_verify_files(f->paths, 2, start, &p);
    if (got != rc || p.kind != kind)
        print_message("# got %d %s: %s\n", got, dbd_audit_kind_name(p.kind),
                      p.message);
    assert_int_equal(got, rc);
    assert_string_equal(dbd_audit_kind_name(p.kind),
                        dbd_audit_kind_name(kind));
    if (rc == 1) {
        assert_int_equal(p.file, file);
        assert_ptr_equal(p.path, f->paths[file]);
        assert_int_equal(p.line, line);
        assert_true(p.message[0] != '\0');
    }
}

static void test_chain_across_two_files_verifies(void **state)
{
    fixture *f = *state;
    dbd_audit_problem p;
    write_records(f, f->a, (const int[]){1, 2, 3, 0});
    write_records(f, f->b, (const int[]){4, 5, 0});
    assert_int_equal(dbd_audit_verify_files(f->paths, 2, NULL, &p), 0);
    assert_int_equal(p.kind, DBD_AUDIT_GOOD);
    assert_int_equal(p.records, 5);
    assert_string_equal(p.last_hex, f->end_hex);
    /* The second file alone continues from record 3's hash. */
    assert_int_equal(dbd_audit_verify_files(&f->paths[1], 1, f->rec3_hex, &p),
                     0);
    assert_int_equal(p.records, 2);
    assert_string_equal(p.last_hex, f->end_hex);
}

static void test_changed_byte_is_altered(void **state)
{
    fixture *f = *state;
    write_records(f, f->b, (const int[]){4, 5, 0});
    dbd_buf all;
    dbd_buf_init(&all);
    for (int i = 0; i < 3; i++)
        assert_int_equal(dbd_buf_append(&all, f->rec[i].data, f->rec[i].len),
                         0);
    /* "t3" -> "t4" inside record 3's body. */
    char *t3 = strstr(all.data, "\"t3\"");
    assert_non_null(t3);
    t3[2] = '4';
    write_bytes(f->a, all.data, all.len);
    expect(f, NULL, 1, DBD_AUDIT_ALTERED, 0, 3);
    /* A changed prev field is the record altered too, not a lost link. */
    size_t off = f->rec[0].len + f->rec[1].len + f->rec[2].len - 140;
    all.data[off] = all.data[off] == '0' ? '1' : '0';
    t3[2] = '3';
    write_bytes(f->a, all.data, all.len);
    expect(f, NULL, 1, DBD_AUDIT_ALTERED, 0, 3);
    dbd_buf_free(&all);
}

static void test_deleted_line_is_broken_link(void **state)
{
    fixture *f = *state;
    write_records(f, f->a, (const int[]){1, 3, 0});
    write_records(f, f->b, (const int[]){4, 5, 0});
    expect(f, NULL, 1, DBD_AUDIT_BROKEN_LINK, 0, 2);
    /* Deleting the last record of file a breaks file b's first. */
    write_records(f, f->a, (const int[]){1, 2, 0});
    expect(f, NULL, 1, DBD_AUDIT_BROKEN_LINK, 1, 1);
}

static void test_inserted_copy_is_broken_link(void **state)
{
    fixture *f = *state;
    write_records(f, f->a, (const int[]){1, 2, 2, 3, 0});
    write_records(f, f->b, (const int[]){4, 5, 0});
    expect(f, NULL, 1, DBD_AUDIT_BROKEN_LINK, 0, 3);
    /* A copy of record 1 put before it. */
    write_records(f, f->a, (const int[]){1, 1, 2, 3, 0});
    expect(f, NULL, 1, DBD_AUDIT_BROKEN_LINK, 0, 2);
    /* A copy of a later record put at the start of file b. */
    write_records(f, f->a, (const int[]){1, 2, 3, 0});
    write_records(f, f->b, (const int[]){4, 5, 4, 0});
    expect(f, NULL, 1, DBD_AUDIT_BROKEN_LINK, 1, 3);
}

static void test_second_file_not_continuing(void **state)
{
    fixture *f = *state;
    dbd_audit_chain c;
    dbd_buf other;
    const char body[] = "{\"seq\":1,\"op\":\"ping\"";
    /* File b starts a chain of its own. */
    dbd_audit_chain_init(&c);
    dbd_buf_init(&other);
    assert_int_equal(dbd_audit_seal(&c, body, sizeof body - 1, &other), 0);
    assert_int_equal(dbd_audit_seal(&c, body, sizeof body - 1, &other), 0);
    write_records(f, f->a, (const int[]){1, 2, 3, 0});
    write_bytes(f->b, other.data, other.len);
    expect(f, NULL, 1, DBD_AUDIT_BROKEN_LINK, 1, 1);
    dbd_buf_free(&other);
}

static void test_truncated_last_line_is_malformed(void **state)
{
    fixture *f = *state;
    dbd_buf all;
    write_records(f, f->a, (const int[]){1, 2, 3, 0});
    dbd_buf_init(&all);
    assert_int_equal(dbd_buf_append(&all, f->rec[3].data, f->rec[3].len), 0);
    assert_int_equal(dbd_buf_append(&all, f->rec[4].data, f->rec[4].len), 0);
    /* Only the newline is missing. */
    write_bytes(f->b, all.data, all.len - 1);
    expect(f, NULL, 1, DBD_AUDIT_MALFORMED, 1, 2);
    /* Cut inside the hash. */
    write_bytes(f->b, all.data, all.len - 20);
    expect(f, NULL, 1, DBD_AUDIT_MALFORMED, 1, 2);
    dbd_buf_free(&all);
}

static void test_empty_files_are_ok(void **state)
{
    fixture *f = *state;
    dbd_audit_problem p;
    char zeros[DBD_AUDIT_HEX_SIZE + 1];
    memset(zeros, '0', DBD_AUDIT_HEX_SIZE);
    zeros[DBD_AUDIT_HEX_SIZE] = '\0';
    write_bytes(f->a, "", 0);
    assert_int_equal(dbd_audit_verify_files(f->paths, 1, NULL, &p), 0);
    assert_int_equal(p.records, 0);
    assert_string_equal(p.last_hex, zeros);
    /* An empty file between two parts of a chain is no break. */
    const char *three[3] = {f->b, f->a, f->b};
    write_records(f, f->b, (const int[]){1, 2, 3, 4, 5, 0});
    assert_int_equal(dbd_audit_verify_files(&three[1], 2, NULL, &p), 0);
    assert_int_equal(p.records, 5);
    assert_string_equal(p.last_hex, f->end_hex);
    assert_int_equal(dbd_audit_verify_files(three, 0, NULL, &p), 0);
}

static void test_start_hash(void **state)
{
    fixture *f = *state;
    dbd_audit_problem p;
    write_records(f, f->a, (const int[]){1, 2, 3, 0});
    write_records(f, f->b, (const int[]){4, 5, 0});
    expect(f, f->rec3_hex, 1, DBD_AUDIT_BROKEN_LINK, 0, 1);
    /* Not hex, upper case, wrong length: the caller's mistake. */
    const char *bad[] = {
        "xyz",
        "07A397B652DF89C54629C6D163B1FE65E6F0F37410160102E5A440997B9B3AF9",
        "07a397b652df89c54629c6d163b1fe65e6f0f37410160102e5a440997b9b3af90",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(dbd_audit_verify_files(f->paths, 2, bad[i], &p), -1);
        assert_int_equal(p.kind, DBD_AUDIT_IO_ERROR);
        assert_string_equal(p.message,
                            "start hash is not 64 lowercase hex digits");
    }
}

/*
 * Known answer, computed apart from this code with coreutils:
 *   { head -c 32 /dev/zero; printf '%s' '{"seq":1,"op":"ping","prev":"';
 *     printf '0%.0s' $(seq 64); printf '"'; } | sha256sum
 * i.e. 32 zero bytes (no previous record), the body, ,"prev":", 64 '0'
 * digits and the closing quote: 126 bytes.  The second record of the same
 * body hashes the first one's 32 raw bytes, not its hex:
 *   P=<kat>; { printf '%s' $P | xxd -r -p;
 *     printf '%s' "{\"seq\":1,\"op\":\"ping\",\"prev\":\"$P\""; } | sha256sum
 */
static void test_known_answer(void **state)
{
    static const char kat[] =
        "07a397b652df89c54629c6d163b1fe65e6f0f37410160102e5a440997b9b3af9";
    static const char kat2[] =
        "4e04c8dcbbc082d4b894daa83341ebe0b3f7c1395caad406df84e4cb741556c6";
    static const char zeros[] =
        "0000000000000000000000000000000000000000000000000000000000000000";
    const char body[] = "{\"seq\":1,\"op\":\"ping\"";
    dbd_audit_chain c;
    dbd_buf out;
    char want[400], hex[DBD_AUDIT_HEX_SIZE + 1];
    (void)state;
    dbd_audit_chain_init(&c);
    dbd_audit_chain_hex(&c, hex);
    assert_string_equal(hex, zeros);
    dbd_buf_init(&out);
    assert_int_equal(dbd_buf_append_str(&out, "x"), 0); /* seal appends */
    assert_int_equal(dbd_audit_seal(&c, body, sizeof body - 1, &out), 0);
    snprintf(want, sizeof want, "x%s,\"prev\":\"%s\",\"hash\":\"%s\"}\n",
             body, zeros, kat);
    assert_string_equal(dbd_buf_text(&out), want);
    assert_int_equal(c.records, 1);
    dbd_audit_chain_hex(&c, hex);
    assert_string_equal(hex, kat);
    /* Continuing from the hex gives the same next record. */
    dbd_audit_chain d;
    dbd_buf o1, o2;
    dbd_buf_init(&o1);
    dbd_buf_init(&o2);
    assert_int_equal(dbd_audit_chain_init_hex(&d, kat), 0);
    assert_int_equal(d.records, 0);
    assert_int_equal(dbd_audit_seal(&c, body, sizeof body - 1, &o1), 0);
    assert_int_equal(dbd_audit_seal(&d, body, sizeof body - 1, &o2), 0);
    assert_string_equal(dbd_buf_text(&o1), dbd_buf_text(&o2));
    assert_non_null(strstr(o1.data, kat)); /* as its prev */
    dbd_audit_chain_hex(&c, hex);
    assert_string_equal(hex, kat2);
    assert_int_equal(c.records, 2);
    dbd_buf_free(&o1);
    dbd_buf_free(&o2);
    dbd_buf_free(&out);
}

static void test_seal_rejects_bad_body(void **state)
{
    dbd_audit_chain c;
    dbd_buf out;
    (void)state;
    dbd_audit_chain_init(&c);
    dbd_buf_init(&out);
    assert_int_equal(dbd_buf_append_str(&out, "keep"), 0);
    assert_int_equal(dbd_audit_seal(&c, "", 0, &out), -1);
    assert_int_equal(dbd_audit_seal(&c, "\"a\":1", 5, &out), -1);
    assert_int_equal(dbd_audit_seal(&c, "{\"a\":\n1", 7, &out), -1);
    assert_string_equal(dbd_buf_text(&out), "keep");
    assert_false(out.failed);
    assert_int_equal(c.records, 0);
    assert_int_equal(dbd_audit_chain_init_hex(&c, "00"), -1);
    assert_int_equal(dbd_audit_chain_init_hex(&c, NULL), -1);
    dbd_buf_free(&out);
}

static void test_bad_lines_are_malformed(void **state)
{
    fixture *f = *state;
    dbd_buf all;
    write_records(f, f->b, (const int[]){4, 5, 0});
    /* A line of garbage, then a blank line. */
    write_bytes(f->a, "{\"seq\":1}\n", 10);
    expect(f, NULL, 1, DBD_AUDIT_MALFORMED, 0, 1);
    dbd_buf_init(&all);
    assert_int_equal(dbd_buf_append(&all, f->rec[0].data, f->rec[0].len), 0);
    assert_int_equal(dbd_buf_append_str(&all, "\n"), 0);
    write_bytes(f->a, all.data, all.len);
    expect(f, NULL, 1, DBD_AUDIT_MALFORMED, 0, 2);
    /* Upper case hex in the hash of record 1. */
    dbd_buf_reset(&all);
    assert_int_equal(dbd_buf_append(&all, f->rec[0].data, f->rec[0].len), 0);
    char *h = all.data + all.len - 4;
    while (!(*h >= 'a' && *h <= 'f'))
        h--;
    *h = (char)(*h - 'a' + 'A');
    write_bytes(f->a, all.data, all.len);
    expect(f, NULL, 1, DBD_AUDIT_MALFORMED, 0, 1);
    /* A line of exactly the limit passes the reader (and then fails as a
     * record); one byte more is too long. */
    dbd_buf_reset(&all);
    assert_int_equal(dbd_buf_append(&all, f->rec[0].data, f->rec[0].len), 0);
    assert_int_equal(dbd_buf_reserve(&all, DBD_AUDIT_MAX_LINE + 1), 0);
    memset(all.data + all.len, 'x', DBD_AUDIT_MAX_LINE - 1);
    all.data[all.len + DBD_AUDIT_MAX_LINE - 1] = '\n';
    write_bytes(f->a, all.data, all.len + DBD_AUDIT_MAX_LINE);
    dbd_audit_problem p;
    assert_int_equal(dbd_audit_verify_files(f->paths, 2, NULL, &p), 1);
    assert_int_equal(p.kind, DBD_AUDIT_MALFORMED);
    assert_int_equal(p.line, 2);
    assert_null(strstr(p.message, "longer"));
    all.data[all.len + DBD_AUDIT_MAX_LINE - 1] = 'x';
    all.data[all.len + DBD_AUDIT_MAX_LINE] = '\n';
    write_bytes(f->a, all.data, all.len + DBD_AUDIT_MAX_LINE + 1);
    assert_int_equal(dbd_audit_verify_files(f->paths, 2, NULL, &p), 1);
    assert_int_equal(p.kind, DBD_AUDIT_MALFORMED);
    assert_int_equal(p.line, 2);
    assert_string_equal(p.message, "line longer than 1048576 bytes");
    assert_int_equal(p.records, 1);
    dbd_buf_free(&all);
}

/* The two pieces together: records from audit_json.h sealed into a file
 * verify, and a secret column never reaches the line in clear. */
static void test_json_records_seal_and_verify(void **state)
{
    fixture *f = *state;
    static const char *const cols[] = {"username", "ha1"};
    const dbd_audit_pair values[] = {
        {.name = "username", .value = dbd_string("alice", 5)},
        {.name = "ha1", .value = dbd_string("0123456789abcdef", 16)},
    };
    dbd_audit_record r = {
        .ts_us = 1795715520123456, .client = "ipc:proxy-1", .ds = "sq",
        .host = 0, .op = "query", .table = "subscriber", .cols = cols,
        .ncols = 2, .values = values, .nvalues = 2, .status = DBD_OK,
        .rows = 1, .latency_us = 250, .id = 42};
    dbd_audit_chain c;
    dbd_audit_problem p;
    dbd_buf body, lines;
    const char *paths[1] = {f->a};

    dbd_audit_chain_init(&c);
    dbd_buf_init(&lines);
    for (uint64_t i = 1; i <= 3; i++) {
        dbd_buf_init(&body);
        r.seq = i;
        assert_int_equal(dbd_audit_json_body(&r, DBD_AUDIT_VALUES_FULL, NULL,
                                             0, &body), 0);
        assert_int_equal(dbd_audit_seal(&c, body.data, body.len, &lines), 0);
        dbd_buf_free(&body);
    }
    assert_int_equal(dbd_buf_append(&lines, "", 1), 0); /* for strstr */
    assert_non_null(strstr(lines.data, "[\"username\",\"=\",\"alice\"]"));
    assert_null(strstr(lines.data, "0123456789abcdef"));
    write_bytes(f->a, lines.data, lines.len - 1);
    assert_int_equal(dbd_audit_verify_files(paths, 1, NULL, &p), 0);
    assert_int_equal(p.records, 3);
    dbd_buf_free(&lines);
}

static void test_missing_file_is_io_error(void **state)
{
    fixture *f = *state;
    dbd_audit_problem p;
    write_records(f, f->a, (const int[]){1, 2, 3, 0});
    unlink(f->b);
    assert_int_equal(dbd_audit_verify_files(f->paths, 2, NULL, &p), -1);
    assert_int_equal(p.kind, DBD_AUDIT_IO_ERROR);
    assert_int_equal(p.file, 1);
    assert_int_equal(p.records, 3);
    assert_string_equal(p.last_hex, f->rec3_hex);
    assert_non_null(strstr(p.message, "cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_chain_across_two_files_verifies,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_byte_is_altered, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_deleted_line_is_broken_link,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_inserted_copy_is_broken_link,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_file_not_continuing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_last_line_is_malformed,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_files_are_ok, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_start_hash, setup, teardown),
        cmocka_unit_test(test_known_answer),
        cmocka_unit_test(test_seal_rejects_bad_body),
        cmocka_unit_test_setup_teardown(test_bad_lines_are_malformed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_json_records_seal_and_verify,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file_is_io_error, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
