/*
 * test_dbtext.c - the text (db_text) connector through its ABI: parsing
 * Kamailio-written tables, escaping, every operator, ordering, writes,
 * external edits, atomic replacement, transactions and error reporting.
 * Each test works in its own temporary directory and removes it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* last: it defines C and N, names library headers use for parameters */
#include "connector_collect.h"

/* ---- fixture ------------------------------------------------------------ */

static dbd_status conn_open(const char *dir, const dbd_option *opts,
                            size_t nopts, void **conn, char *err,
                            size_t errlen)
{
    return open_dir(&host_all_logs, "text", dir, opts, nopts, conn, err,
                    errlen);
}

static int setup(void **state)
{
    char err[512] = "";
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(make_temp_dir(f->dir, sizeof f->dir, "dbtext-test"), 0);
    assert_int_equal(conn_open(f->dir, NULL, 0, &f->conn, err, sizeof err),
                     DBD_OK);
    *state = f;
    return 0;
}

static void path_of(const fx *f, const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", f->dir, name);
}

static void write_bytes(const fx *f, const char *name, const char *data,
                        size_t len)
{
    char p[PATH_MAX + 100];
    path_of(f, name, p, sizeof p);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static void write_file(const fx *f, const char *name, const char *data)
{
    write_bytes(f, name, data, strlen(data));
}

/* The file's bytes, NUL-terminated; *len gets the size. Caller frees. */
static char *read_bytes(const fx *f, const char *name, size_t *len)
{
    char p[PATH_MAX + 100];
    path_of(f, name, p, sizeof p);
    FILE *fp = fopen(p, "rb");
    assert_non_null(fp);
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap * 2 + 8192;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        size_t got = fread(buf + n, 1, 4096, fp);
        n += got;
        if (got == 0)
            break;
    }
    fclose(fp);
    buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

static void assert_file(const fx *f, const char *name, const char *want)
{
    char *got = read_bytes(f, name, NULL);
    assert_string_equal(got, want);
    free(got);
}

/* Sets a file's mtime, so an in-place edit is seen even within one tick. */
static void set_mtime(const fx *f, const char *name, time_t sec)
{
    char p[PATH_MAX + 100];
    path_of(f, name, p, sizeof p);
    struct timespec ts[2] = {{sec, 0}, {sec, 0}};
    assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
}

/* ---- operation helpers -------------------------------------------------- */

/* One condition; in lists use where_in. */
static void expect_where(void *conn, const char *table, const char *col,
                         dbd_cmp cmp, dbd_value v, const int64_t *want,
                         size_t nwant)
{
    dbd_cond cond = {.column = col, .cmp = cmp, .value = v};
    expect_where_ids(conn, table, cond, want, nwant);
}

/* ---- Kamailio-written samples ------------------------------------------- */

static void test_parse_subscriber(void **state)
{
    fx *f = *state;
    /* As kamctl creates it (note the trailing space), with rows added by
     * Kamailio: empty text fields in columns without "null". */
    write_file(f, "subscriber",
               "id(int,auto) username(string) domain(string) "
               "password(string) ha1(string) ha1b(string) \n"
               "1:alice:example.com:secret:"
               "4a8cbb4a0d10d7a3a2c8b1d0c5d2a1f0:"
               "9b1a1e7fd7ab4e1e9e8b8c2a6f3d2e11\n"
               "2:bob:example.com::84e1c5f6f6f1a1a1a1a1a1a1a1a1a1a1:\n");
    collected c = {0};
    dbd_exec_info info;
    dbd_op op = query_op("subscriber");
    assert_int_equal(run(f->conn, &op, &c, &info), DBD_OK);
    assert_int_equal(c.columns_calls, 1);
    assert_int_equal(c.ncols, 6);
    const char *names[] = {"id", "username", "domain", "password", "ha1",
                           "ha1b"};
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(c.names[i], names[i]);
        assert_int_equal(c.types[i], i == 0 ? DBD_TYPE_INT : DBD_TYPE_STRING);
    }
    assert_int_equal(c.nrows, 2);
    assert_int(cell(&c, 0, 0), 1);
    assert_str(cell(&c, 0, 1), "alice");
    assert_str(cell(&c, 0, 3), "secret");
    assert_str(cell(&c, 0, 5), "9b1a1e7fd7ab4e1e9e8b8c2a6f3d2e11");
    assert_int(cell(&c, 1, 0), 2);
    assert_str(cell(&c, 1, 3), ""); /* not null: empty string */
    assert_str(cell(&c, 1, 5), "");
    assert_int_equal(info.affected, -1);
    collected_clear(&c);

    /* The lookup auth_db does. */
    const char *cols[] = {"ha1", "password"};
    dbd_cond where[] = {
        {.column = "username", .cmp = DBD_CMP_EQ,
         .value = dbd_string("bob", 3)},
        {.column = "domain", .cmp = DBD_CMP_EQ,
         .value = dbd_string("example.com", 11)},
    };
    op.columns = cols;
    op.ncolumns = 2;
    op.where = where;
    op.nwhere = 2;
    assert_int_equal(run(f->conn, &op, &c, &info), DBD_OK);
    assert_int_equal(c.nrows, 1);
    assert_str(cell(&c, 0, 0), "84e1c5f6f6f1a1a1a1a1a1a1a1a1a1a1");
    assert_str(cell(&c, 0, 1), "");
    collected_clear(&c);

    /* A write keeps the header line byte for byte (trailing space too). */
    dbd_assign v[] = {{"username", dbd_string("carol", 5)},
                      {"domain", dbd_string("example.com", 11)}};
    assert_int_equal(write_op(f->conn, DBD_OP_INSERT, "subscriber", v, 2,
                              NULL, 0, &info), DBD_OK);
    assert_int_equal(info.last_id, 3);
    char *file = read_bytes(f, "subscriber", NULL);
    static const char head[] =
        "id(int,auto) username(string) domain(string) password(string) "
        "ha1(string) ha1b(string) \n1:alice:";
    assert_memory_equal(file, head, sizeof head - 1);
    assert_non_null(strstr(file, "\n3:carol:example.com:::\n"));
    free(file);
}

static const char location_header[] =
    "id(int,auto) ruid(string) username(string) domain(string,null) "
    "contact(string) received(string,null) path(string,null) expires(int) "
    "q(double) callid(string) cseq(int) last_modified(int) flags(int) "
    "cflags(int) user_agent(string) socket(string,null) methods(int,null) "
    "instance(string) \n";

static void test_parse_location(void **state)
{
    fx *f = *state;
    char file[4096];
    snprintf(file, sizeof file, "%s%s\n%s\n", location_header,
             "1:uloc-5f1a-1:alice::sip\\:alice@192.0.2.10\\:5060;transport=udp"
             ":::1893456000:1.00:a84b4c76e66710@pc33:101:1700000000:0:0:"
             "Linphone/5.0 (Linux)\\: test:::",
             "2:uloc-5f1a-2:bob:example.com:sip\\:bob@198.51.100.7:"
             "sip\\:198.51.100.7\\:5062:<sip\\:edge.example.com;lr>:"
             "1893456100:0.50:call\\tid\\\\2:7:1700000100:64:0:"
             "UA\\nline2\\r:udp\\:192.0.2.1\\:5060:8191:"
             "<urn\\:uuid\\:00000000-0000-1000-8000-000A95A0E128>");
    write_file(f, "location", file);

    collected c = {0};
    dbd_exec_info info;
    dbd_op op = query_op("location");
    dbd_order order = {"q", true};
    op.order = &order;
    op.norder = 1;
    assert_int_equal(run(f->conn, &op, &c, &info), DBD_OK);
    assert_int_equal(c.ncols, 18);
    assert_int_equal(c.types[8], DBD_TYPE_DOUBLE);
    assert_int_equal(c.nrows, 2);
    /* q desc: alice (1.00) first */
    assert_int(cell(&c, 0, 0), 1);
    assert_str(cell(&c, 0, 1), "uloc-5f1a-1");
    assert_nullv(cell(&c, 0, 3));
    assert_str(cell(&c, 0, 4), "sip:alice@192.0.2.10:5060;transport=udp");
    assert_nullv(cell(&c, 0, 5));
    assert_nullv(cell(&c, 0, 6));
    assert_int(cell(&c, 0, 7), 1893456000);
    assert_int_equal(cell(&c, 0, 8)->type, DBD_TYPE_DOUBLE);
    assert_true(cell(&c, 0, 8)->u.d == 1.0);
    assert_str(cell(&c, 0, 14), "Linphone/5.0 (Linux): test");
    assert_nullv(cell(&c, 0, 15));
    assert_nullv(cell(&c, 0, 16));
    assert_str(cell(&c, 0, 17), "");

    assert_int(cell(&c, 1, 0), 2);
    assert_str(cell(&c, 1, 3), "example.com");
    assert_str(cell(&c, 1, 5), "sip:198.51.100.7:5062");
    assert_str(cell(&c, 1, 6), "<sip:edge.example.com;lr>");
    assert_true(cell(&c, 1, 8)->u.d == 0.5);
    assert_str(cell(&c, 1, 9), "call\tid\\2");
    assert_int(cell(&c, 1, 10), 7);
    assert_str(cell(&c, 1, 14), "UA\nline2\r");
    assert_str(cell(&c, 1, 15), "udp:192.0.2.1:5060");
    assert_int(cell(&c, 1, 16), 8191);
    assert_str(cell(&c, 1, 17),
               "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>");
    collected_clear(&c);

    /* An untouched table is not rewritten: bytes stay as Kamailio wrote. */
    assert_file(f, "location", file);
}

/* Blank lines, an empty auto field, no final newline: as Kamailio reads. */
static void test_parse_lenient_layout(void **state)
{
    fx *f = *state;
    write_file(f, "lay", "id(int,auto) v(str,null)\n\n1:a\n\n:b\n3:c");
    dbd_order order = {"id", false};
    dbd_op op = query_op("lay");
    op.order = &order;
    op.norder = 1;
    expect_ids(f->conn, &op, IDS(1, 3, 4)); /* the empty id became max+1 */
}

/* ---- escaping ----------------------------------------------------------- */

static void test_escape_roundtrip(void **state)
{
    fx *f = *state;
    static const char every[] = "a:b\\c\nd\re\tf\0g::";
    static const char sql[] = "x'; DROP TABLE subscriber; -- \"q\"";
    write_file(f, "esc", "id(int,auto) v(str,null) b(blob,null)\n");
    dbd_assign vals[] = {
        {"v", dbd_string(every, sizeof every - 1)},
        {"b", dbd_blob(sql, sizeof sql - 1)},
    };
    dbd_exec_info info;
    assert_int_equal(write_op(f->conn, DBD_OP_INSERT, "esc", vals, 2, NULL,
                              0, &info), DBD_OK);
    assert_int_equal(info.affected, 1);
    assert_int_equal(info.last_id, 1);
    assert_file(f, "esc",
                "id(int,auto) v(str,null) b(blob,null)\n"
                "1:a\\:b\\\\c\\nd\\re\\tf\\0g\\:\\::"
                "x'; DROP TABLE subscriber; -- \"q\"\n");

    /* Read back through this connection and through a fresh one (which
     * parses the file). */
    for (int pass = 0; pass < 2; pass++) {
        void *conn = f->conn;
        char err[512];
        if (pass == 1)
            assert_int_equal(conn_open(f->dir, NULL, 0, &conn, err,
                                       sizeof err), DBD_OK);
        collected c = {0};
        dbd_op op = query_op("esc");
        assert_int_equal(run(conn, &op, &c, &info), DBD_OK);
        assert_int_equal(c.nrows, 1);
        assert_bytes(cell(&c, 0, 1), DBD_TYPE_STRING, every, sizeof every - 1);
        assert_bytes(cell(&c, 0, 2), DBD_TYPE_BLOB, sql, sizeof sql - 1);
        collected_clear(&c);
        /* SQL text is only data: it matches itself and nothing else. */
        expect_where(conn, "esc", "b", DBD_CMP_EQ,
                     dbd_string(sql, sizeof sql - 1), IDS(1));
        if (pass == 1)
            dbd_connector.close(conn);
    }
}

/* ---- operators ---------------------------------------------------------- */

static const char types_file[] =
    "id(int,auto) k(str) i(int,null) d(double,null) s(str,null) "
    "b(blob,null) dt(time,null)\n"
    "1:a:10:1.50:apple:AB:1700000000\n"
    "2:b:20:2.50:banana::1700000100\n"
    "3:c::3.50:cherry:\\0\\:z:\n"
    "4:d:42:-1.00::XY:1600000000\n"
    "5:e:7::7:Z:1700000000\n";

static void test_operators_int(void **state)
{
    fx *f = *state;
    void *c = f->conn;
    write_file(f, "t", types_file);
    expect_where(c, "t", "i", DBD_CMP_EQ, dbd_int(20), IDS(2));
    expect_where(c, "t", "i", DBD_CMP_EQ, dbd_string("42", 2), IDS(4));
    expect_where(c, "t", "i", DBD_CMP_NE, dbd_int(20), IDS(1, 4, 5));
    expect_where(c, "t", "i", DBD_CMP_LT, dbd_int(20), IDS(1, 5));
    expect_where(c, "t", "i", DBD_CMP_GT, dbd_int(10), IDS(2, 4));
    expect_where(c, "t", "i", DBD_CMP_LE, dbd_int(10), IDS(1, 5));
    expect_where(c, "t", "i", DBD_CMP_GE, dbd_int(42), IDS(4));
    expect_where(c, "t", "i", DBD_CMP_BITAND, dbd_int(2), IDS(1, 4, 5));
    expect_where(c, "t", "i", DBD_CMP_LT, dbd_double(10.5), IDS(1, 5));
    expect_where(c, "t", "i", DBD_CMP_NE, dbd_bool(false), IDS(1, 2, 4, 5));
    expect_where(c, "t", "i", DBD_CMP_ISNULL, dbd_null(), IDS(3));
    expect_where(c, "t", "i", DBD_CMP_NOTNULL, dbd_null(), IDS(1, 2, 4, 5));
    /* SQL NULL: comparing with NULL matches nothing, even "<>". */
    expect_where(c, "t", "i", DBD_CMP_EQ, dbd_null(), NO_IDS);
    expect_where(c, "t", "i", DBD_CMP_NE, dbd_null(), NO_IDS);

    dbd_value list[] = {dbd_int(7), dbd_null(), dbd_string("20", 2)};
    const char *cols[] = {"id"};
    dbd_cond in = {.column = "i", .cmp = DBD_CMP_IN, .list = list,
                   .nlist = 3};
    dbd_op op = query_op("t");
    op.columns = cols;
    op.ncolumns = 1;
    op.where = &in;
    op.nwhere = 1;
    expect_ids(c, &op, IDS(2, 5));
}

static void test_operators_other_types(void **state)
{
    fx *f = *state;
    void *c = f->conn;
    write_file(f, "t", types_file);
    expect_where(c, "t", "d", DBD_CMP_GE, dbd_double(2.5), IDS(2, 3));
    expect_where(c, "t", "d", DBD_CMP_LT, dbd_int(0), IDS(4));
    expect_where(c, "t", "d", DBD_CMP_EQ, dbd_string("2.5", 3), IDS(2));
    expect_where(c, "t", "d", DBD_CMP_EQ, dbd_int(3), NO_IDS);
    expect_where(c, "t", "s", DBD_CMP_EQ, dbd_string("banana", 6), IDS(2));
    expect_where(c, "t", "s", DBD_CMP_GT, dbd_string("b", 1), IDS(2, 3));
    /* An int compares with a str column as its decimal text. */
    expect_where(c, "t", "s", DBD_CMP_EQ, dbd_int(7), IDS(5));
    expect_where(c, "t", "b", DBD_CMP_EQ, dbd_blob("\0:z", 3), IDS(3));
    expect_where(c, "t", "b", DBD_CMP_ISNULL, dbd_null(), IDS(2));
    /* time: datetime, int seconds, datetime text */
    expect_where(c, "t", "dt", DBD_CMP_EQ,
                 dbd_datetime(INT64_C(1700000000) * 1000000), IDS(1, 5));
    expect_where(c, "t", "dt", DBD_CMP_GT,
                 dbd_datetime(INT64_C(1650000000) * 1000000), IDS(1, 2, 5));
    expect_where(c, "t", "dt", DBD_CMP_EQ, dbd_int(1700000100), IDS(2));
    expect_where(c, "t", "dt", DBD_CMP_EQ,
                 dbd_string("2023-11-14 22:13:20", 19), IDS(1, 5));
    expect_where(c, "t", "dt", DBD_CMP_EQ,
                 dbd_datetime(INT64_C(1700000000500000)), NO_IDS);
    expect_where(c, "t", "dt", DBD_CMP_LT,
                 dbd_datetime(INT64_C(1700000000500000)), IDS(1, 4, 5));

    /* Result types. */
    collected res = {0};
    dbd_exec_info info;
    dbd_op op = query_op("t");
    assert_int_equal(run(c, &op, &res, &info), DBD_OK);
    const dbd_type want[] = {DBD_TYPE_INT, DBD_TYPE_STRING, DBD_TYPE_INT,
                             DBD_TYPE_DOUBLE, DBD_TYPE_STRING, DBD_TYPE_BLOB,
                             DBD_TYPE_DATETIME};
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(res.types[i], want[i]);
    assert_int_equal(cell(&res, 0, 6)->type, DBD_TYPE_DATETIME);
    assert_int_equal(cell(&res, 0, 6)->u.usec, INT64_C(1700000000000000));
    assert_bytes(cell(&res, 2, 5), DBD_TYPE_BLOB, "\0:z", 3);
    collected_clear(&res);
}

static void test_bad_values(void **state)
{
    fx *f = *state;
    write_file(f, "t", types_file);
    collected res = {0};
    dbd_exec_info info;
    dbd_cond cond = {.column = "i", .cmp = DBD_CMP_EQ,
                     .value = dbd_string("abc", 3)};
    dbd_op op = query_op("t");
    op.where = &cond;
    op.nwhere = 1;
    expect_status(run(f->conn, &op, &res, &info), DBD_BAD, &info);
    expect_msg(info.msg, "column 'i'");
    expect_msg(info.msg, "'abc'");

    cond = (dbd_cond){.column = "s", .cmp = DBD_CMP_BITAND,
                      .value = dbd_int(1)};
    expect_status(run(f->conn, &op, &res, &info), DBD_BAD, &info);
    expect_msg(info.msg, "column 's'");

    cond = (dbd_cond){.column = "dt", .cmp = DBD_CMP_EQ,
                      .value = dbd_double(1.5)};
    expect_status(run(f->conn, &op, &res, &info), DBD_BAD, &info);
    expect_msg(info.msg, "column 'dt'");

    cond = (dbd_cond){.column = "nope", .cmp = DBD_CMP_EQ,
                      .value = dbd_int(1)};
    expect_status(run(f->conn, &op, &res, &info), DBD_NOTFOUND, &info);
    expect_msg(info.msg, "nope");

    const char *cols[] = {"id", "missing"};
    op = query_op("t");
    op.columns = cols;
    op.ncolumns = 2;
    expect_status(run(f->conn, &op, &res, &info), DBD_NOTFOUND, &info);
    expect_msg(info.msg, "missing");

    dbd_order order = {"zz", false};
    op = query_op("t");
    op.order = &order;
    op.norder = 1;
    expect_status(run(f->conn, &op, &res, &info), DBD_NOTFOUND, &info);
    expect_msg(info.msg, "zz");

    dbd_assign v[] = {{"i", dbd_double(2.5)}, {"k", dbd_string("x", 1)}};
    expect_status(write_op(f->conn, DBD_OP_INSERT, "t", v, 2, NULL, 0,
                           &info), DBD_BAD, &info);
    expect_msg(info.msg, "column 'i'");
    v[0] = (dbd_assign){"d", dbd_double(1.0 / 0.0)};
    expect_status(write_op(f->conn, DBD_OP_INSERT, "t", v, 2, NULL, 0,
                           &info), DBD_BAD, &info);
    expect_msg(info.msg, "column 'd'");
    collected_clear(&res);
    assert_file(f, "t", types_file);
}

/* ---- ordering, limit, offset -------------------------------------------- */

static void test_order_limit(void **state)
{
    fx *f = *state;
    void *c = f->conn;
    write_file(f, "t", types_file);
    const char *cols[] = {"id"};
    dbd_order order[2];
    dbd_op op = query_op("t");
    op.columns = cols;
    op.ncolumns = 1;
    op.order = order;

    order[0] = (dbd_order){"i", false};
    op.norder = 1;
    expect_ids(c, &op, IDS(3, 5, 1, 2, 4)); /* NULL first ascending */
    order[0].desc = true;
    expect_ids(c, &op, IDS(4, 2, 1, 5, 3)); /* and last descending */

    order[0] = (dbd_order){"dt", true};
    order[1] = (dbd_order){"id", false};
    op.norder = 2;
    expect_ids(c, &op, IDS(2, 1, 5, 4, 3));
    order[0].desc = false;
    order[1] = (dbd_order){"k", true};
    expect_ids(c, &op, IDS(3, 4, 5, 1, 2));
    order[0] = (dbd_order){"s", false};
    op.norder = 1;
    expect_ids(c, &op, IDS(4, 5, 1, 2, 3));

    order[0] = (dbd_order){"id", false};
    op.limit = 2;
    op.offset = 1;
    expect_ids(c, &op, IDS(2, 3));
    op.offset = 4;
    expect_ids(c, &op, IDS(5));
    op.offset = 9;
    expect_ids(c, &op, NO_IDS);
    op.offset = 0;
    op.limit = 0;
    collected res = {0};
    dbd_exec_info info;
    assert_int_equal(run(c, &op, &res, &info), DBD_OK);
    assert_int_equal(res.columns_calls, 1); /* columns even when empty */
    assert_int_equal(res.nrows, 0);
    collected_clear(&res);

    /* A sink that asks to stop ends the query with INTERNAL. */
    op.limit = -1;
    res.stop_at_row = 2;
    assert_int_equal(run(c, &op, &res, &info), DBD_INTERNAL);
    assert_int_equal(res.nrows, 1);
    res.stop_at_row = 0;
    collected_clear(&res);
}

/* ---- writes ------------------------------------------------------------- */

static const char w_header[] = "id(int,auto) name(str) n(int) note(str,null)\n";

static void test_insert(void **state)
{
    fx *f = *state;
    dbd_exec_info info;
    write_file(f, "w", w_header);
    dbd_assign v[3] = {{"name", dbd_string("x", 1)}, {"n", dbd_int(1)}};
    assert_int_equal(write_op(f->conn, DBD_OP_INSERT, "w", v, 2, NULL, 0,
                              &info), DBD_OK);
    assert_int_equal(info.affected, 1);
    assert_int_equal(info.last_id, 1);
    v[2] = (dbd_assign){"id", dbd_int(10)};
    v[0].value = dbd_string("y", 1);
    assert_int_equal(write_op(f->conn, DBD_OP_INSERT, "w", v, 3, NULL, 0,
                              &info), DBD_OK);
    assert_int_equal(info.last_id, 10);
    v[0].value = dbd_string("z", 1);
    v[1].value = dbd_string("5", 1); /* exact string to int */
    v[2] = (dbd_assign){"note", dbd_string("n:1", 3)};
    assert_int_equal(write_op(f->conn, DBD_OP_INSERT, "w", v, 3, NULL, 0,
                              &info), DBD_OK);
    assert_int_equal(info.last_id, 11);
    /* str column without a value: empty string */
    dbd_assign only_n[] = {{"n", dbd_int(3)}};
    assert_int_equal(write_op(f->conn, DBD_OP_INSERT, "w", only_n, 1, NULL,
                              0, &info), DBD_OK);
    assert_int_equal(info.last_id, 12);
    /* int column without null attribute and without a value */
    dbd_assign only_name[] = {{"name", dbd_string("q", 1)}};
    expect_status(write_op(f->conn, DBD_OP_INSERT, "w", only_name, 1, NULL,
                           0, &info), DBD_CONSTRAINT, &info);
    expect_msg(info.msg, "'n'");
    /* explicit NULL into a column without null attribute */
    dbd_assign null_name[] = {{"name", dbd_null()}, {"n", dbd_int(1)}};
    expect_status(write_op(f->conn, DBD_OP_INSERT, "w", null_name, 2, NULL,
                           0, &info), DBD_CONSTRAINT, &info);
    expect_msg(info.msg, "'name'");
    dbd_assign unknown[] = {{"n", dbd_int(1)}, {"bogus", dbd_int(1)}};
    expect_status(write_op(f->conn, DBD_OP_INSERT, "w", unknown, 2, NULL,
                           0, &info), DBD_NOTFOUND, &info);
    expect_msg(info.msg, "bogus");
    assert_file(f, "w",
                "id(int,auto) name(str) n(int) note(str,null)\n"
                "1:x:1:\n10:y:1:\n11:z:5:n\\:1\n12::3:\n");
}

static void test_update_delete(void **state)
{
    fx *f = *state;
    dbd_exec_info info;
    write_file(f, "w", "id(int,auto) name(str) n(int) note(str,null)\n"
                       "1:a:1:\n2:b:2:x\n3:c:3:\n4:d:4:y\n");
    dbd_assign set[] = {{"n", dbd_int(9)}, {"note", dbd_null()}};
    dbd_cond lt3 = {.column = "n", .cmp = DBD_CMP_LT, .value = dbd_int(3)};
    assert_int_equal(write_op(f->conn, DBD_OP_UPDATE, "w", set, 2, &lt3, 1,
                              &info), DBD_OK);
    assert_int_equal(info.affected, 2);
    assert_file(f, "w", "id(int,auto) name(str) n(int) note(str,null)\n"
                        "1:a:9:\n2:b:9:\n3:c:3:\n4:d:4:y\n");
    dbd_assign set_null[] = {{"n", dbd_null()}};
    dbd_cond id1 = {.column = "id", .cmp = DBD_CMP_EQ, .value = dbd_int(1)};
    expect_status(write_op(f->conn, DBD_OP_UPDATE, "w", set_null, 1, &id1,
                           1, &info), DBD_CONSTRAINT, &info);
    expect_msg(info.msg, "'n'");

    dbd_cond none = {.column = "id", .cmp = DBD_CMP_EQ, .value = dbd_int(99)};
    assert_int_equal(write_op(f->conn, DBD_OP_UPDATE, "w", set, 2, &none,
                              1, &info), DBD_OK);
    assert_int_equal(info.affected, 0);
    assert_int_equal(write_op(f->conn, DBD_OP_DELETE, "w", NULL, 0, &none,
                              1, &info), DBD_OK);
    assert_int_equal(info.affected, 0);

    dbd_cond nn = {.column = "note", .cmp = DBD_CMP_NOTNULL};
    assert_int_equal(write_op(f->conn, DBD_OP_DELETE, "w", NULL, 0, &nn, 1,
                              &info), DBD_OK);
    assert_int_equal(info.affected, 1);
    assert_file(f, "w", "id(int,auto) name(str) n(int) note(str,null)\n"
                        "1:a:9:\n2:b:9:\n3:c:3:\n");
    /* Without conditions: every row. */
    assert_int_equal(write_op(f->conn, DBD_OP_DELETE, "w", NULL, 0, NULL,
                              0, &info), DBD_OK);
    assert_int_equal(info.affected, 3);
    assert_file(f, "w", "id(int,auto) name(str) n(int) note(str,null)\n");
}

static void test_replace(void **state)
{
    fx *f = *state;
    dbd_exec_info info;
    write_file(f, "w", "id(int,auto) name(str) n(int) note(str,null)\n"
                       "1:a:1:\n2:b:2:\n3:b:3:\n");
    const char *keys[] = {"name"};
    dbd_assign v[] = {{"name", dbd_string("b", 1)}, {"n", dbd_int(20)}};
    dbd_op op;
    memset(&op, 0, sizeof op);
    op.kind = DBD_OP_REPLACE;
    op.table = "w";
    op.values = v;
    op.nvalues = 2;
    op.keys = keys;
    op.nkeys = 1;
    op.limit = -1;
    assert_int_equal(dbd_connector.exec(f->conn, &op, NULL, &info), DBD_OK);
    assert_int_equal(info.affected, 1);
    assert_int_equal(info.last_id, 0);
    v[0].value = dbd_string("c", 1);
    assert_int_equal(dbd_connector.exec(f->conn, &op, NULL, &info), DBD_OK);
    assert_int_equal(info.affected, 1);
    assert_int_equal(info.last_id, 4);
    assert_file(f, "w", "id(int,auto) name(str) n(int) note(str,null)\n"
                        "1:a:1:\n2:b:20:\n3:b:3:\n4:c:20:\n");
}

static void test_time_and_double_storage(void **state)
{
    fx *f = *state;
    dbd_exec_info info;
    write_file(f, "tm", "id(int) at(time,null) q(double,null)\n");
    struct {
        dbd_value at, q;
    } rows[] = {
        {dbd_datetime(INT64_C(1700000000123456)), dbd_double(1.0)},
        {dbd_datetime(-1), dbd_double(0.1)},
        {dbd_string("2023-11-14 22:13:20", 19), dbd_double(1e-7)},
        {dbd_int(86400), dbd_double(123456789.125)},
        {dbd_null(), dbd_double(0.1 + 0.2)},
    };
    for (size_t i = 0; i < 5; i++) {
        dbd_assign v[] = {{"id", dbd_int((int64_t)i + 1)},
                          {"at", rows[i].at},
                          {"q", rows[i].q}};
        assert_int_equal(write_op(f->conn, DBD_OP_INSERT, "tm", v, 3, NULL,
                                  0, &info), DBD_OK);
        assert_int_equal(info.last_id, 0); /* no auto column */
    }
    assert_file(f, "tm", "id(int) at(time,null) q(double,null)\n"
                         "1:1700000000:1.00\n"
                         "2:-1:0.10\n"
                         "3:1700000000:0.0000001\n"
                         "4:86400:123456789.125\n"
                         "5::0.30000000000000004\n");
    /* Read back by a fresh connection: exact values. */
    void *conn;
    char err[512];
    assert_int_equal(conn_open(f->dir, NULL, 0, &conn, err, sizeof err),
                     DBD_OK);
    collected c = {0};
    dbd_op op = query_op("tm");
    assert_int_equal(run(conn, &op, &c, &info), DBD_OK);
    assert_int_equal(c.nrows, 5);
    assert_int_equal(cell(&c, 0, 1)->type, DBD_TYPE_DATETIME);
    assert_int_equal(cell(&c, 0, 1)->u.usec, INT64_C(1700000000000000));
    assert_int_equal(cell(&c, 1, 1)->u.usec, INT64_C(-1000000));
    assert_nullv(cell(&c, 4, 1));
    for (size_t i = 0; i < 5; i++)
        assert_true(cell(&c, i, 2)->u.d == rows[i].q.u.d);
    collected_clear(&c);
    dbd_connector.close(conn);

    dbd_assign bad[] = {{"id", dbd_int(9)}, {"at", dbd_double(1.5)}};
    expect_status(write_op(f->conn, DBD_OP_INSERT, "tm", bad, 2, NULL, 0,
                           &info), DBD_BAD, &info);
    expect_msg(info.msg, "column 'at'");
}

/* ---- files changing under us -------------------------------------------- */

static void test_external_edit(void **state)
{
    fx *f = *state;
    write_file(f, "ext", "id(int) v(str)\n1:one\n");
    set_mtime(f, "ext", 1000000000);
    dbd_op op = query_op("ext");
    collected c = {0};
    dbd_exec_info info;
    assert_int_equal(run(f->conn, &op, &c, &info), DBD_OK);
    assert_str(cell(&c, 0, 1), "one");

    /* In place, same size: the mtime tells. */
    write_file(f, "ext", "id(int) v(str)\n1:uno\n");
    set_mtime(f, "ext", 1000000001);
    assert_int_equal(run(f->conn, &op, &c, &info), DBD_OK);
    assert_int_equal(c.nrows, 1);
    assert_str(cell(&c, 0, 1), "uno");

    /* Replaced by rename, as editors do. */
    write_file(f, "ext.new", "id(int) v(str)\n1:one\n2:two\n");
    char a[PATH_MAX + 100], b[PATH_MAX + 100];
    path_of(f, "ext.new", a, sizeof a);
    path_of(f, "ext", b, sizeof b);
    assert_int_equal(rename(a, b), 0);
    assert_int_equal(run(f->conn, &op, &c, &info), DBD_OK);
    assert_int_equal(c.nrows, 2);
    assert_str(cell(&c, 1, 1), "two");

    /* Removed: the table is gone. */
    assert_int_equal(unlink(b), 0);
    expect_status(run(f->conn, &op, &c, &info), DBD_NOTFOUND, &info);
    collected_clear(&c);
}

/* Only table files and lock files may remain after writes. */
static void test_atomic_write_leaves_no_temp(void **state)
{
    fx *f = *state;
    dbd_exec_info info;
    write_file(f, "w", w_header);
    for (int i = 0; i < 5; i++) {
        dbd_assign v[] = {{"name", dbd_string("r", 1)}, {"n", dbd_int(i)}};
        assert_int_equal(write_op(f->conn, DBD_OP_INSERT, "w", v, 2, NULL,
                                  0, &info), DBD_OK);
    }
    dbd_assign v[] = {{"n", dbd_int(7)}};
    assert_int_equal(write_op(f->conn, DBD_OP_UPDATE, "w", v, 1, NULL, 0,
                              &info), DBD_OK);
    assert_int_equal(info.affected, 5);
    DIR *d = opendir(f->dir);
    assert_non_null(d);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        files++;
        if (strcmp(e->d_name, "w") != 0 && strcmp(e->d_name, ".w.lock") != 0)
            fail_msg("unexpected file %s", e->d_name);
    }
    closedir(d);
    assert_int_equal(files, 2);
    /* The table keeps its permissions across the replacement. */
    char p[PATH_MAX + 100];
    struct stat st;
    path_of(f, "w", p, sizeof p);
    assert_int_equal(chmod(p, 0640), 0);
    assert_int_equal(write_op(f->conn, DBD_OP_DELETE, "w", NULL, 0, NULL,
                              0, &info), DBD_OK);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
}

static void test_two_connections(void **state)
{
    fx *f = *state;
    dbd_exec_info info;
    char err[512];
    void *other;
    write_file(f, "w", w_header);
    assert_int_equal(conn_open(f->dir, NULL, 0, &other, err, sizeof err),
                     DBD_OK);
    dbd_op op = query_op("w");
    collected c = {0};
    assert_int_equal(run(other, &op, &c, &info), DBD_OK); /* cached empty */
    dbd_assign v[] = {{"name", dbd_string("a", 1)}, {"n", dbd_int(1)}};
    assert_int_equal(write_op(f->conn, DBD_OP_INSERT, "w", v, 2, NULL, 0,
                              &info), DBD_OK);
    assert_int_equal(info.last_id, 1);
    /* The other connection re-reads under the lock before writing. */
    assert_int_equal(write_op(other, DBD_OP_INSERT, "w", v, 2, NULL, 0,
                              &info), DBD_OK);
    assert_int_equal(info.last_id, 2);
    assert_int_equal(run(f->conn, &op, &c, &info), DBD_OK);
    assert_int_equal(c.nrows, 2);
    collected_clear(&c);
    dbd_connector.close(other);
}

static void test_lock_busy(void **state)
{
    fx *f = *state;
    dbd_exec_info info;
    char err[512];
    void *conn;
    const dbd_option opt = {"lock_timeout", "50"};
    write_file(f, "w", w_header);
    assert_int_equal(conn_open(f->dir, &opt, 1, &conn, err, sizeof err),
                     DBD_OK);
    char p[PATH_MAX + 100];
    path_of(f, ".w.lock", p, sizeof p);
    int fd = open(p, O_RDWR | O_CREAT, 0600);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    dbd_assign v[] = {{"name", dbd_string("a", 1)}, {"n", dbd_int(1)}};
    expect_status(write_op(conn, DBD_OP_INSERT, "w", v, 2, NULL, 0, &info),
                  DBD_BUSY, &info);
    expect_msg(info.msg, "locked");
    close(fd);
    assert_int_equal(write_op(conn, DBD_OP_INSERT, "w", v, 2, NULL, 0,
                              &info), DBD_OK);
    dbd_connector.close(conn);
}

/* Writers on several connections and threads: every insert lands once. */
#define WRITERS 4
#define INSERTS_EACH 25

typedef struct writer_arg {
    const char *dir;
    int index;
    int failures;
} writer_arg;

static void *writer_main(void *p)
{
    writer_arg *a = p;
    char err[512];
    void *conn = NULL;
    dbd_exec_info info;
    if (conn_open(a->dir, NULL, 0, &conn, err, sizeof err) != DBD_OK) {
        a->failures = INSERTS_EACH;
        return NULL;
    }
    for (int i = 0; i < INSERTS_EACH; i++) {
        dbd_assign v[] = {{"name", dbd_string("w", 1)},
                          {"n", dbd_int(a->index * 1000 + i)}};
        if (write_op(conn, DBD_OP_INSERT, "w", v, 2, NULL, 0, &info) !=
            DBD_OK)
            a->failures++;
    }
    dbd_connector.close(conn);
    return NULL;
}

static void test_concurrent_writers(void **state)
{
    fx *f = *state;
    pthread_t th[WRITERS];
    writer_arg args[WRITERS];
    write_file(f, "w", w_header);
    for (int i = 0; i < WRITERS; i++) {
        args[i] = (writer_arg){f->dir, i, 0};
        assert_int_equal(pthread_create(&th[i], NULL, writer_main, &args[i]),
                         0);
    }
    for (int i = 0; i < WRITERS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(args[i].failures, 0);
    }
    /* ids 1..N, each once, in file order */
    int64_t want[WRITERS * INSERTS_EACH];
    for (int i = 0; i < WRITERS * INSERTS_EACH; i++)
        want[i] = i + 1;
    dbd_op op = query_op("w");
    expect_ids(f->conn, &op, want, WRITERS * INSERTS_EACH);
}

/* ---- transactions ------------------------------------------------------- */

static void test_tx_rollback(void **state)
{
    fx *f = *state;
    dbd_exec_info info;
    static const char before[] =
        "id(int,auto) name(str) n(int) note(str,null)\n1:a:1:\n";
    write_file(f, "w", before);
    assert_int_equal(dbd_connector.begin(f->conn, &info), DBD_OK);
    dbd_assign v[] = {{"name", dbd_string("b", 1)}, {"n", dbd_int(2)}};
    assert_int_equal(write_op(f->conn, DBD_OP_INSERT, "w", v, 2, NULL, 0,
                              &info), DBD_OK);
    assert_int_equal(info.last_id, 2);
    dbd_assign set[] = {{"n", dbd_int(5)}};
    assert_int_equal(write_op(f->conn, DBD_OP_UPDATE, "w", set, 1, NULL, 0,
                              &info), DBD_OK);
    assert_int_equal(info.affected, 2);
    /* The transaction sees its own changes; the file does not. */
    expect_where(f->conn, "w", "n", DBD_CMP_EQ, dbd_int(5), IDS(1, 2));
    assert_file(f, "w", before);
    assert_int_equal(dbd_connector.rollback(f->conn, &info), DBD_OK);
    assert_file(f, "w", before);
    expect_where(f->conn, "w", "n", DBD_CMP_EQ, dbd_int(5), NO_IDS);
    expect_where(f->conn, "w", "n", DBD_CMP_EQ, dbd_int(1), IDS(1));
}

static void test_tx_commit(void **state)
{
    fx *f = *state;
    dbd_exec_info info;
    write_file(f, "w", w_header);
    write_file(f, "t", types_file);
    assert_int_equal(dbd_connector.begin(f->conn, &info), DBD_OK);
    expect_status(dbd_connector.begin(f->conn, &info), DBD_BAD, &info);
    dbd_assign v[] = {{"name", dbd_string("b", 1)}, {"n", dbd_int(2)}};
    assert_int_equal(write_op(f->conn, DBD_OP_INSERT, "w", v, 2, NULL, 0,
                              &info), DBD_OK);
    dbd_cond c3 = {.column = "id", .cmp = DBD_CMP_GE, .value = dbd_int(3)};
    assert_int_equal(write_op(f->conn, DBD_OP_DELETE, "t", NULL, 0, &c3, 1,
                              &info), DBD_OK);
    assert_int_equal(info.affected, 3);
    /* A failing operation inside leaves the staged state as it was. */
    dbd_assign bad[] = {{"n", dbd_string("x", 1)}};
    expect_status(write_op(f->conn, DBD_OP_UPDATE, "w", bad, 1, NULL, 0,
                           &info), DBD_BAD, &info);
    assert_int_equal(dbd_connector.commit(f->conn, &info), DBD_OK);
    assert_file(f, "w", "id(int,auto) name(str) n(int) note(str,null)\n"
                        "1:b:2:\n");
    assert_file(f, "t",
                "id(int,auto) k(str) i(int,null) d(double,null) s(str,null) "
                "b(blob,null) dt(time,null)\n"
                "1:a:10:1.50:apple:AB:1700000000\n"
                "2:b:20:2.50:banana::1700000100\n");
    expect_status(dbd_connector.commit(f->conn, &info), DBD_BAD, &info);
    /* Visible to a fresh connection. */
    void *conn;
    char err[512];
    assert_int_equal(conn_open(f->dir, NULL, 0, &conn, err, sizeof err),
                     DBD_OK);
    dbd_op op = query_op("t");
    expect_ids(conn, &op, IDS(1, 2));
    dbd_connector.close(conn);
}

static void test_tx_busy_on_external_change(void **state)
{
    fx *f = *state;
    dbd_exec_info info;
    write_file(f, "w", w_header);
    write_file(f, "t", types_file);
    assert_int_equal(dbd_connector.begin(f->conn, &info), DBD_OK);
    dbd_assign v[] = {{"name", dbd_string("b", 1)}, {"n", dbd_int(2)}};
    assert_int_equal(write_op(f->conn, DBD_OP_INSERT, "w", v, 2, NULL, 0,
                              &info), DBD_OK);
    assert_int_equal(write_op(f->conn, DBD_OP_DELETE, "t", NULL, 0, NULL,
                              0, &info), DBD_OK);
    /* Another writer changes w before the commit. */
    static const char theirs[] =
        "id(int,auto) name(str) n(int) note(str,null)\n7:theirs:7:\n";
    write_file(f, "w", theirs);
    set_mtime(f, "w", 1200000000);
    expect_status(dbd_connector.commit(f->conn, &info), DBD_BUSY, &info);
    expect_msg(info.msg, "'w'");
    /* Nothing applied, to either table. */
    assert_file(f, "w", theirs);
    assert_file(f, "t", types_file);
    /* The transaction is over; the connection works normally. */
    assert_int_equal(dbd_connector.rollback(f->conn, &info), DBD_OK);
    assert_int_equal(write_op(f->conn, DBD_OP_INSERT, "w", v, 2, NULL, 0,
                              &info), DBD_OK);
    assert_int_equal(info.last_id, 8);
}

static void test_tx_busy_on_other_connection(void **state)
{
    fx *f = *state;
    dbd_exec_info info;
    char err[512];
    void *other;
    write_file(f, "w", w_header);
    assert_int_equal(conn_open(f->dir, NULL, 0, &other, err, sizeof err),
                     DBD_OK);
    assert_int_equal(dbd_connector.begin(f->conn, &info), DBD_OK);
    dbd_assign v[] = {{"name", dbd_string("mine", 4)}, {"n", dbd_int(1)}};
    assert_int_equal(write_op(f->conn, DBD_OP_INSERT, "w", v, 2, NULL, 0,
                              &info), DBD_OK);
    dbd_assign o[] = {{"name", dbd_string("other", 5)}, {"n", dbd_int(2)}};
    assert_int_equal(write_op(other, DBD_OP_INSERT, "w", o, 2, NULL, 0,
                              &info), DBD_OK);
    expect_status(dbd_connector.commit(f->conn, &info), DBD_BUSY, &info);
    assert_file(f, "w", "id(int,auto) name(str) n(int) note(str,null)\n"
                        "1:other:2:\n");
    dbd_connector.close(other);
}

/* ---- errors ------------------------------------------------------------- */

typedef struct bad_file {
    const char *content;
    const char *parts[3];
} bad_file;

static const bad_file bad_files[] = {
    {"id(int) v(foo)\n", {"line 1", "unknown type 'foo'"}},
    {"id(int) v(str)\n1:a\n2\n", {"line 3", "1 field,", "2 columns"}},
    {"id(int) v(str)\n1:a:b\n", {"line 2", "3 fields"}},
    {"id(int) v(str)\n1:a\nx:b\n", {"line 3", "column 'id'", "not an integer"}},
    {"id(int) v(str)\n1:a\\qb\n", {"line 2", "unknown escape"}},
    {"id(int) v(str)\n1:ab\\\n", {"line 2", "backslash at the end"}},
    {"id(int) v(str)\r\n1:a\r\n", {"line 1", "carriage return"}},
    {"", {"empty file"}},
    {"id(int) n(int)\n1:\n", {"line 2", "column 'n'", "no null attribute"}},
    {"id(int) d(double)\n1:1.5x\n", {"line 2", "column 'd'", "'1.5x'"}},
    {"id(int) t(time)\n1:99999999999999\n", {"line 2", "out of range"}},
    {"id(int,auto) v(datetime)\n", {"line 1", "'datetime'"}},
    {"id(int) id(str)\n", {"line 1", "declared twice"}},
    {"id(str,auto)\n", {"line 1", "auto needs type int"}},
    {"id(int)v(str)\n", {"line 1", "expected a space"}},
    {"id(int,nul)\n", {"line 1", "unknown attribute 'nul'"}},
    {"id(int\n", {"line 1", "expected ')'"}},
};

static void test_malformed_files(void **state)
{
    fx *f = *state;
    for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
        char name[32], path[PATH_MAX + 100];
        snprintf(name, sizeof name, "bad%zu", i);
        path_of(f, name, path, sizeof path);
        write_file(f, name, bad_files[i].content);
        collected c = {0};
        dbd_exec_info info;
        dbd_op op = query_op(name);
        dbd_status st = run(f->conn, &op, &c, &info);
        if (st != DBD_INTERNAL)
            fail_msg("case %zu: got %s, want INTERNAL", i,
                     dbd_status_name(st));
        expect_msg(info.msg, path);
        for (size_t p = 0; p < 3 && bad_files[i].parts[p] != NULL; p++)
            expect_msg(info.msg, bad_files[i].parts[p]);
        /* A write to a malformed table fails the same way and leaves it. */
        dbd_assign v[] = {{"id", dbd_int(1)}};
        expect_status(write_op(f->conn, DBD_OP_INSERT, name, v, 1, NULL, 0,
                               &info), DBD_INTERNAL, &info);
        assert_file(f, name, bad_files[i].content);
        collected_clear(&c);
    }
    /* Once repaired, the table answers again. */
    write_file(f, "bad0", "id(int) v(str)\n1:fixed\n");
    set_mtime(f, "bad0", 1300000000);
    dbd_op op = query_op("bad0");
    expect_ids(f->conn, &op, IDS(1));
}

static void test_missing_table(void **state)
{
    fx *f = *state;
    collected c = {0};
    dbd_exec_info info;
    dbd_op op = query_op("nosuch");
    expect_status(run(f->conn, &op, &c, &info), DBD_NOTFOUND, &info);
    expect_msg(info.msg, "no such table");
    dbd_assign v[] = {{"id", dbd_int(1)}};
    expect_status(write_op(f->conn, DBD_OP_INSERT, "nosuch", v, 1, NULL, 0,
                           &info), DBD_NOTFOUND, &info);
    /* No lock file is created for a table that does not exist. */
    char p[PATH_MAX + 100];
    path_of(f, ".nosuch.lock", p, sizeof p);
    assert_int_equal(access(p, F_OK), -1);
}

static void test_open_errors(void **state)
{
    fx *f = *state;
    char err[512] = "", dir[PATH_MAX + 100];
    void *conn = NULL;
    snprintf(dir, sizeof dir, "%s/no-such-dir", f->dir);
    assert_int_equal(conn_open(dir, NULL, 0, &conn, err, sizeof err),
                     DBD_UNAVAILABLE);
    assert_null(conn);
    expect_msg(err, "no-such-dir");

    write_file(f, "plain", "x(int)\n");
    snprintf(dir, sizeof dir, "%s/plain", f->dir);
    assert_int_equal(conn_open(dir, NULL, 0, &conn, err, sizeof err),
                     DBD_UNAVAILABLE);
    expect_msg(err, "not a directory");

    const dbd_option unknown = {"colour", "blue"};
    assert_int_equal(conn_open(f->dir, &unknown, 1, &conn, err, sizeof err),
                     DBD_CONFIG);
    expect_msg(err, "colour");
    const dbd_option bad_timeout = {"lock_timeout", "soon"};
    assert_int_equal(conn_open(f->dir, &bad_timeout, 1, &conn, err,
                               sizeof err), DBD_CONFIG);
    expect_msg(err, "lock_timeout");
    assert_null(conn);
}

static void test_ping_and_vanished_dir(void **state)
{
    fx *f = *state;
    dbd_exec_info info;
    assert_int_equal(dbd_connector.ping(f->conn, &info), DBD_OK);
    assert_int_equal(rmdir(f->dir), 0);
    expect_status(dbd_connector.ping(f->conn, &info), DBD_UNAVAILABLE, &info);
    collected c = {0};
    dbd_op op = query_op("w");
    expect_status(run(f->conn, &op, &c, &info), DBD_UNAVAILABLE, &info);
    assert_int_equal(mkdir(f->dir, 0700), 0);
    assert_int_equal(dbd_connector.ping(f->conn, &info), DBD_OK);
}

static void test_descriptor(void **state)
{
    (void)state;
    assert_int_equal(dbd_connector.abi, DBD_CONNECTOR_ABI);
    assert_int_equal(dbd_connector.size, sizeof(struct dbd_connector));
    assert_string_equal(dbd_connector.scheme, "text");
    assert_null(dbd_connector.raw);
    assert_int_equal(dbd_connector.caps & DBD_CAP_RAW, 0);
    uint64_t want = DBD_CAP_QUERY | DBD_CAP_INSERT | DBD_CAP_UPDATE |
                    DBD_CAP_DELETE | DBD_CAP_REPLACE | DBD_CAP_TRANSACTION |
                    DBD_CAP_ORDER | DBD_CAP_LIMIT | DBD_CAP_BITAND |
                    DBD_CAP_LAST_ID;
    assert_int_equal(dbd_connector.caps, want);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_parse_subscriber),
        T(test_parse_location),
        T(test_parse_lenient_layout),
        T(test_escape_roundtrip),
        T(test_operators_int),
        T(test_operators_other_types),
        T(test_bad_values),
        T(test_order_limit),
        T(test_insert),
        T(test_update_delete),
        T(test_replace),
        T(test_time_and_double_storage),
        T(test_external_edit),
        T(test_atomic_write_leaves_no_temp),
        T(test_two_connections),
        T(test_lock_busy),
        T(test_concurrent_writers),
        T(test_tx_rollback),
        T(test_tx_commit),
        T(test_tx_busy_on_external_change),
        T(test_tx_busy_on_other_connection),
        T(test_malformed_files),
        T(test_missing_table),
        T(test_open_errors),
        T(test_ping_and_vanished_dir),
        T(test_descriptor),
    };
    return cmocka_run_group_tests_name("dbtext", tests, NULL, NULL);
}
