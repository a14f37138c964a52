/*
 * test_ldap.c - the ldap connector.  Offline: the mapping file, the
 * GeneralizedTime and number forms, filter and DN escaping.  Against a
 * real slapd: every operation and operator on the conformance table conf,
 * value round trips, NULL rules, ORDER BY/LIMIT done by the connector,
 * RDN renames, unique keys, the id counter under two writers, error
 * mapping, streaming with early stop, a dropped connection and a server
 * that stops answering.
 *
 * The server comes from the environment (DBD_TEST_LDAP_URL, _BINDDN,
 * _PASSWORD, _MAPPING, optionally DBD_TEST_LDAPI_URI and DBD_TEST_LDAP_PID,
 * as tests/lib/ldap.sh exports them); when DBD_TEST_LDAP_URL is unset the
 * test starts its own slapd with that script and stops it at the end.
 * Without slapd only the offline tests run.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "ldap/ldc_entry.h"
#include "ldap/ldc_filter.h"
#include "ldap/ldc_int.h"
#include "ldap/ldc_map.h"
#include "ldap/ldc_value.h"
#include "url.h"
/* last: it defines C and N, names library headers use for parameters */
#include "connector_fixture.h"

/* The server all server tests share (read-only after main() set it). */
typedef struct server {
    char url[512];
    char binddn[256];
    char password[128];
    char mapping[1024];
    char ldapi[1024];
    long pid;          /* slapd's, when known: for the stopped-server test */
    char own_dir[512]; /* set when this program started slapd itself */
} server;

static server srv;

static dbd_status open_with(const char *url, const char *mapping,
                            const dbd_option *extra, size_t nextra,
                            void **conn, char *err, size_t errlen)
{
    char emsg[512];
    dbd_url *u = dbd_url_parse(url, emsg, sizeof emsg);
    assert_non_null(u);
    dbd_option all[12];
    size_t n = 0;
    all[n++] = (dbd_option){"binddn", srv.binddn};
    all[n++] = (dbd_option){"password", srv.password};
    if (mapping != NULL)
        all[n++] = (dbd_option){"mapping", mapping};
    for (size_t i = 0; i < nextra && n < N(all); i++)
        all[n++] = extra[i];
    *conn = NULL;
    dbd_status st = C->open(NULL, u, all, n, conn, err, errlen);
    dbd_url_destroy(&u);
    return st;
}

static int64_t insert_kgi(fx *f, const char *k, dbd_value grp, dbd_value i)
{
    int64_t id = insert_kgi_into(f, "conf", k, grp, i);
    assert_true(id > 0);
    return id;
}

/* k of the rows satisfying one condition, ordered by k. */
static const char *keys_where(fx *f, const char *col, dbd_cmp cmp,
                              dbd_value v, char *buf, size_t len)
{
    return keys_matching(f, "conf", "k", col, cmp, &v, 1, buf, len);
}

/* ---- fixtures ---- */

static int setup_offline(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    if (make_temp_dir(f->dir, sizeof f->dir, "dbd-ldap") != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int setup(void **state)
{
    char err[512];
    if (setup_offline(state) != 0)
        return -1;
    fx *f = *state;
    if (open_with(srv.url, srv.mapping, NULL, 0, &f->conn, err,
                  sizeof err) != DBD_OK) {
        print_error("open: %s\n", err);
        return -1;
    }
    dbd_request *r = req(DBD_OP_DELETE, "conf");
    dbd_status st = run_req(f, &r);
    if (st != DBD_OK) {
        print_error("clearing conf: %s\n", f->info.msg);
        return -1;
    }
    return 0;
}

/* ======================= offline tests ======================= */

static void test_descriptor(void **state)
{
    (void)state;
    assert_int_equal(C->abi, DBD_CONNECTOR_ABI);
    assert_int_equal(C->size, sizeof(struct dbd_connector));
    assert_string_equal(C->scheme, "ldap");
    assert_int_equal(C->caps & DBD_CAP_TRANSACTION, 0);
    assert_int_equal(C->caps & DBD_CAP_RAW, 0);
    uint64_t want = DBD_CAP_QUERY | DBD_CAP_INSERT | DBD_CAP_UPDATE |
                    DBD_CAP_DELETE | DBD_CAP_REPLACE | DBD_CAP_ORDER |
                    DBD_CAP_LIMIT | DBD_CAP_BITAND | DBD_CAP_LAST_ID |
                    DBD_CAP_UNIQUE;
    assert_int_equal(C->caps, want);
    assert_null(C->begin);
    assert_null(C->raw);
}

static void test_map_shipped(void **state)
{
    (void)state;
    char err[512] = "", path[1024];
    snprintf(path, sizeof path, "%s/tools/schema/ldap/mapping.ini",
             TOP_SRCDIR);
    ldc_map *m = ldc_map_load(path, "dc=x", err, sizeof err);
    if (m == NULL)
        fail_msg("%s", err);
    static const char *const tables[] = {"version", "subscriber", "location",
                                         "dr_gateways", "dr_rules", "conf"};
    assert_int_equal(ldc_map_ntables(m), N(tables));
    for (size_t i = 0; i < N(tables); i++)
        assert_non_null(ldc_map_table(m, tables[i]));
    const ldc_table *t = ldc_map_table(m, "conf");
    assert_string_equal(t->base, "ou=conf,dc=x");
    assert_string_equal(t->class_filter,
                        "(objectClass=dbdConf)(objectClass=dbdRow)");
    assert_string_equal(t->rdnattr, "dbdKey");
    assert_int_equal(t->ncols, 8);
    assert_int_equal(t->nrdn, 1);
    assert_string_equal(t->cols[t->rdn[0]].name, "k");
    assert_string_equal(t->cols[t->autoinc].name, "id");
    assert_int_equal(t->nuniques, 1);
    assert_int_equal(ldc_table_column(t, "dt"), 7);
    assert_int_equal(t->cols[7].type, DBD_TYPE_DATETIME);
    assert_int_equal(ldc_table_attr(t, "DBDCONFS;binary", 15), 5);
    t = ldc_map_table(m, "location");
    long q = ldc_table_column(t, "q");
    assert_true(q >= 0 && t->cols[q].has_default && t->cols[q].notnull);
    assert_true(t->cols[q].def.type == DBD_TYPE_DOUBLE &&
                t->cols[q].def.u.d == 1.0);
    long e = ldc_table_column(t, "expires");
    assert_int_equal(t->cols[e].def.u.usec, 1906234335000000LL);
    t = ldc_map_table(m, "subscriber");
    assert_int_equal(t->nrdn, 2);
    long pw = ldc_table_column(t, "password");
    assert_true(t->cols[pw].has_default && t->cols[pw].def.u.s.len == 0);
    ldc_map_destroy(&m);
    ldc_map_destroy(&m);
}

static void test_map_errors(void **state)
{
    fx *f = *state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"[t]\nbase = ou=t\nobjectclass = x\nrdn = a\ncolumn.a = aa int\n"
         "colour = blue\n", "unknown key 'colour'"},
        {"[t]\nbase = ou=t\nobjectclass = x\nrdn = b\ncolumn.a = aa int\n",
         "rdn names unknown column 'b'"},
        {"[t]\nbase = ou=t\nobjectclass = x\nrdn = a\ncolumn.a = aa number\n",
         "unknown type 'number'"},
        {"[t]\nobjectclass = x\nrdn = a\ncolumn.a = aa int\n", "needs base"},
        {"[t]\nbase = ou=t\nrdn = a\ncolumn.a = aa int\n", "needs objectclass"},
        {"[t]\nbase = ou=t\nobjectclass = x\ncolumn.a = aa int\n", "needs rdn"},
        {"[t]\nbase = ou=t\nobjectclass = x\nrdn = a\ncolumn.a = aa int\n"
         "column.b = AA string\n", "mapped to two columns"},
        {"[t]\nbase = ou=t\nobjectclass = x\nrdn = a\ncolumn.a = a(a int\n",
         "expected 'ATTRIBUTE TYPE"},
        {"[t]\nbase = ou=t\nobjectclass = x\nrdn = a\ncolumn.a = aa int\n"
         "autoincrement = a b\n", "autoincrement must name one column"},
        {"[t]\nbase = ou=t\nobjectclass = x\nrdn = a\ncolumn.a = aa string\n"
         "autoincrement = a\n", "is not int"},
        {"[t]\nbase = ou=t\nobjectclass = x\nrdn = a\ncolumn.a = aa int\n"
         "default.a = many\n", "default of column 'a' is not a int"},
        {"[t-1]\nbase = ou=t\n", "not a valid table name"},
        {"[t]\nbase = ou=t\nobjectclass = x\nrdn = a\ncolumn.a = aa int "
         "sometimes\n", "unknown flag 'sometimes'"},
        {"; nothing\n", "maps no table"},
        {"[t]\nbase = ou=t\nobjectclass = x\nrdn = a\ncolumn.a = aa int\n"
         "rdnattr = AA\n", "rdnattr AA is also a column's attribute"},
        {"[t]\nbase = ou=t\nobjectclass = x\nrdn = a\ncolumn.a = aa int\n"
         "rdnattr = a b\n", "rdnattr 'a b' is not an attribute name"},
    };
    char path[1100], err[512];
    snprintf(path, sizeof path, "%s/map.ini", f->dir);
    for (size_t i = 0; i < N(cases); i++) {
        write_text(path, cases[i].text);
        err[0] = '\0';
        ldc_map *m = ldc_map_load(path, "", err, sizeof err);
        if (m != NULL || strstr(err, cases[i].want) == NULL)
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, err,
                     cases[i].want);
    }
    snprintf(path, sizeof path, "%s/none.ini", f->dir);
    assert_null(ldc_map_load(path, "", err, sizeof err));
    assert_non_null(strstr(err, "cannot read it"));
    /* an empty base puts the table at the URL's base DN */
    snprintf(path, sizeof path, "%s/map.ini", f->dir);
    write_text(path, "[t]\nbase =\nobjectclass = a b\nrdn = x\n"
                     "column.x = xx int\n");
    ldc_map *m = ldc_map_load(path, "dc=y", err, sizeof err);
    assert_non_null(m);
    assert_string_equal(ldc_map_table(m, "t")->base, "dc=y");
    assert_string_equal(ldc_map_table(m, "t")->class_filter,
                        "(objectClass=a)(objectClass=b)");
    ldc_map_destroy(&m);
}

static void test_gentime(void **state)
{
    (void)state;
    static const struct {
        int64_t usec;
        const char *text;
    } cases[] = {
        {0, "19700101000000Z"},
        {1, "19700101000000.000001Z"},
        {-1, "19691231235959.999999Z"},
        {-2177452800000000LL, "19010101000000Z"},           /* 1901 */
        {-2177452799500000LL, "19010101000000.5Z"},
        {7289654399999999LL, "22001231235959.999999Z"},     /* 2200 */
        {2147483648000000LL, "20380119031408Z"},            /* past 2038 */
        {-62167219200000000LL, "00000101000000Z"},          /* year 0 */
        {253402300799999999LL, "99991231235959.999999Z"},   /* year 9999 */
        {951782400123000LL, "20000229000000.123Z"},         /* leap day */
    };
    char text[LDC_TEXT_MAX];
    for (size_t i = 0; i < N(cases); i++) {
        int64_t back = 0;
        assert_true(ldc_gentime_format(cases[i].usec, text));
        assert_string_equal(text, cases[i].text);
        assert_true(ldc_gentime_parse(text, strlen(text), &back));
        assert_int_equal(back, cases[i].usec);
    }
    assert_false(ldc_gentime_format(-62167219200000001LL, text));
    assert_false(ldc_gentime_format(253402300800000000LL, text));
    assert_false(ldc_gentime_format(INT64_MIN, text));
    assert_false(ldc_gentime_format(INT64_MAX, text));

    static const struct {
        const char *text;
        int64_t usec;
    } other[] = {
        {"19700101020000+0200", 0},
        {"19700101000000-01", 3600000000LL},
        {"1970010100Z", 0},
        {"197001010001Z", 60000000LL},
        {"1970010100.5Z", 1800000000LL},     /* half an hour */
        {"197001010000,25Z", 15000000LL},    /* a quarter minute */
        {"19700101000000.1234567Z", 123456}, /* below 1 usec: cut */
    };
    for (size_t i = 0; i < N(other); i++) {
        int64_t got = -1;
        if (!ldc_gentime_parse(other[i].text, strlen(other[i].text), &got) ||
            got != other[i].usec)
            fail_msg("%s: got %lld", other[i].text, (long long)got);
    }
    static const char *const bad[] = {
        "", "1970", "19700101000000", "19701301000000Z", "19700230000000Z",
        "19700101240000Z", "19700101006000Z", "19700101000000.Z",
        "19700101000000Zx", "19700101000000+2400", "19700101000000 Z",
        "2000x101000000Z",
    };
    for (size_t i = 0; i < N(bad); i++) {
        int64_t got;
        if (ldc_gentime_parse(bad[i], strlen(bad[i]), &got))
            fail_msg("'%s' parsed", bad[i]);
    }
}

static void test_values(void **state)
{
    (void)state;
    char text[LDC_TEXT_MAX];
    const char *p;
    size_t len;
    static const struct {
        double d;
        const char *text;
    } doubles[] = {
        {0.0, "0"},      {-0.0, "-0"},    {1e308, "1e+308"},
        {5e-324, "4.94065645841247e-324"}, {0.1, "0.1"}, {1.5, "1.5"},
        {-2.5e-10, "-2.5e-10"}, {1.0 / 3, "0.3333333333333333"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
    };
    for (size_t i = 0; i < N(doubles); i++) {
        dbd_value v = dbd_double(doubles[i].d), back;
        assert_true(ldc_value_encode(&v, text, &p, &len));
        assert_string_equal(p, doubles[i].text);
        ldc_column col = {.name = "d", .attr = "dd", .type = DBD_TYPE_DOUBLE};
        char msg[128];
        assert_int_equal(ldc_value_decode(&col, p, len, &back, msg,
                                          sizeof msg), DBD_OK);
        assert_memory_equal(&back.u.d, &doubles[i].d, sizeof(double));
    }
    dbd_value inf = dbd_double(INFINITY);
    assert_false(ldc_value_encode(&inf, text, &p, &len));

    ldc_column ic = {.name = "i", .attr = "ii", .type = DBD_TYPE_INT};
    ldc_column bc = {.name = "b", .attr = "bb", .type = DBD_TYPE_BOOL};
    char msg[256];
    dbd_value v;
    dbd_value imin = dbd_int(INT64_MIN), t = dbd_bool(true);
    assert_true(ldc_value_encode(&imin, text, &p, &len));
    assert_string_equal(p, "-9223372036854775808");
    assert_int_equal(ldc_value_decode(&ic, p, len, &v, msg, sizeof msg),
                     DBD_OK);
    assert_true(v.u.i == INT64_MIN);
    assert_int_equal(ldc_value_decode(&ic, "9223372036854775808", 19, &v, msg,
                                      sizeof msg), DBD_BAD);
    assert_non_null(strstr(msg, "attribute ii"));
    assert_int_equal(ldc_value_decode(&ic, "+1", 2, &v, msg, sizeof msg),
                     DBD_BAD);
    assert_true(ldc_value_encode(&t, text, &p, &len));
    assert_string_equal(p, "TRUE");
    assert_int_equal(ldc_value_decode(&bc, "FALSE", 5, &v, msg, sizeof msg),
                     DBD_OK);
    assert_true(v.type == DBD_TYPE_BOOL && !v.u.b);
    assert_int_equal(ldc_value_decode(&bc, "yes", 3, &v, msg, sizeof msg),
                     DBD_BAD);

    /* coercion for storing */
    dbd_value in = dbd_double(42.0), out;
    assert_int_equal(ldc_value_coerce(&ic, &in, &out, msg, sizeof msg),
                     DBD_OK);
    assert_true(out.type == DBD_TYPE_INT && out.u.i == 42);
    in = dbd_double(4.5);
    assert_int_equal(ldc_value_coerce(&ic, &in, &out, msg, sizeof msg),
                     DBD_BAD);
    in = STRV("x");
    assert_int_equal(ldc_value_coerce(&ic, &in, &out, msg, sizeof msg),
                     DBD_BAD);
    assert_non_null(strstr(msg, "column 'i'"));
    in = dbd_int(1);
    assert_int_equal(ldc_value_coerce(&bc, &in, &out, msg, sizeof msg),
                     DBD_OK);
    assert_true(out.type == DBD_TYPE_BOOL && out.u.b);
    ldc_column dc = {.name = "dt", .attr = "x", .type = DBD_TYPE_DATETIME};
    in = STRV("2001-02-03 04:05:06.5");
    assert_int_equal(ldc_value_coerce(&dc, &in, &out, msg, sizeof msg),
                     DBD_OK);
    assert_true(out.type == DBD_TYPE_DATETIME &&
                out.u.usec == 981173106500000LL);
    in = dbd_datetime(INT64_MAX);
    assert_int_equal(ldc_value_coerce(&dc, &in, &out, msg, sizeof msg),
                     DBD_BAD);
}

/* A table like conf for filter and DN tests, without a server. */
static ldc_map *conf_map(fx *f)
{
    char path[1100], err[512];
    snprintf(path, sizeof path, "%s/conf.ini", f->dir);
    write_text(path,
               "[conf]\nbase = ou=conf\nobjectclass = dbdConf\nrdn = k\n"
               "column.id = cId int notnull\ncolumn.k = cK string notnull\n"
               "column.grp = cGrp int\ncolumn.d = cD double\n"
               "column.s = cS string inexact\ncolumn.b = cB blob\n"
               "column.dt = cDt datetime\ncolumn.f = cF bool\n"
               "[pair]\nbase = ou=pair\nobjectclass = p\nrdn = a b\n"
               "column.a = pA string\ncolumn.b = pB int\n"
               "[keyed]\nbase = ou=keyed\nobjectclass = p\nrdn = a b\n"
               "rdnattr = kKey\ncolumn.a = kA string\ncolumn.b = kB blob\n");
    ldc_map *m = ldc_map_load(path, "dc=t", err, sizeof err);
    if (m == NULL)
        fail_msg("%s", err);
    return m;
}

static const char *filter_of(const ldc_table *t, const dbd_request *r,
                             dbd_buf *b)
{
    ldc_filter *flt = NULL;
    char msg[256];
    dbd_buf_reset(b);
    if (ldc_filter_new(t, r->op.where, r->op.nwhere, &flt, msg, sizeof msg) !=
        DBD_OK)
        fail_msg("%s", msg);
    assert_int_equal(ldc_filter_text(flt, b), 0);
    ldc_filter_destroy(&flt);
    return dbd_buf_text(b);
}

static void test_filter_text(void **state)
{
    fx *f = *state;
    ldc_map *m = conf_map(f);
    const ldc_table *t = ldc_map_table(m, "conf");
    dbd_buf b;
    dbd_buf_init(&b);
    static const struct {
        const char *col;
        dbd_cmp cmp;
        int kind; /* 0 int 42, 1 nasty string, 2 double, 3 NULL, 4 time */
        const char *want;
    } cases[] = {
        {"grp", DBD_CMP_EQ, 0, "(cGrp=42)"},
        {"grp", DBD_CMP_NE, 0, "(&(cGrp=*)(!(cGrp=42)))"},
        {"grp", DBD_CMP_LT, 0, "(cGrp=*)"},
        {"grp", DBD_CMP_BITAND, 0, "(cGrp=*)"},
        {"grp", DBD_CMP_ISNULL, 0, "(!(cGrp=*))"},
        {"grp", DBD_CMP_NOTNULL, 0, "(cGrp=*)"},
        {"k", DBD_CMP_EQ, 1,
         "(cK=a\\2a\\28b\\29\\5c\\00\\27\\22\\25\\20\\f0\\9f\\98\\80)"},
        {"k", DBD_CMP_GE, 1, "(cK=*)"},
        {"s", DBD_CMP_EQ, 1,
         "(cS=a\\2a\\28b\\29\\5c\\00\\27\\22\\25\\20\\f0\\9f\\98\\80)"},
        {"s", DBD_CMP_NE, 1, "(cS=*)"}, /* inexact: only presence */
        {"d", DBD_CMP_EQ, 2, "(cD=*)"},
        {"grp", DBD_CMP_EQ, 3, "(cGrp=*)"},
        {"dt", DBD_CMP_EQ, 4, "(cDt=19010101000000.5Z)"},
        {"dt", DBD_CMP_NE, 4, "(cDt=*)"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        dbd_request *r = req(DBD_OP_QUERY, "conf");
        static const char nasty[] = "a*(b)\\\0'\"% \xf0\x9f\x98\x80";
        dbd_value v = cases[i].kind == 0   ? dbd_int(42)
                      : cases[i].kind == 1 ? dbd_string(nasty, sizeof nasty - 1)
                      : cases[i].kind == 2 ? dbd_double(1.5)
                      : cases[i].kind == 3 ? dbd_null()
                                           : dbd_datetime(-2177452799500000LL);
        bool novalue = cases[i].cmp == DBD_CMP_ISNULL ||
                       cases[i].cmp == DBD_CMP_NOTNULL;
        assert_int_equal(dbd_op_add_where(r, &r->op, cases[i].col,
                                          cases[i].cmp, novalue ? NULL : &v),
                         0);
        char want[256];
        snprintf(want, sizeof want, "(&(objectClass=dbdConf)%s)",
                 cases[i].want);
        const char *got = filter_of(t, r, &b);
        if (strcmp(got, want) != 0)
            fail_msg("case %zu: got %s, want %s", i, got, want);
        dbd_request_destroy(&r);
    }
    /* IN: NULL members dropped; an all-NULL list is a presence test */
    dbd_request *r = req(DBD_OP_QUERY, "conf");
    dbd_value list[] = {dbd_int(1), dbd_null(), dbd_int(3)};
    assert_int_equal(dbd_op_add_where_in(r, &r->op, "grp", list, 3), 0);
    assert_int_equal(dbd_op_add_where_in(r, &r->op, "id", list + 1, 1), 0);
    add_where(r, "f", DBD_CMP_EQ, dbd_bool(true));
    assert_string_equal(filter_of(t, r, &b),
                        "(&(objectClass=dbdConf)(|(cGrp=1)(cGrp=3))(cId=*)"
                        "(cF=TRUE))");
    dbd_request_destroy(&r);
    /* errors: unknown column, & on a string, uncomparable values */
    static const struct {
        const char *col;
        dbd_cmp cmp;
        dbd_value v;
        dbd_status st;
    } bad[] = {
        {"nope", DBD_CMP_EQ, {.type = DBD_TYPE_INT}, DBD_NOTFOUND},
        {"k", DBD_CMP_BITAND, {.type = DBD_TYPE_INT}, DBD_BAD},
        {"grp", DBD_CMP_BITAND, {.type = DBD_TYPE_DOUBLE}, DBD_BAD},
        {"grp", DBD_CMP_EQ, {.type = DBD_TYPE_BLOB}, DBD_BAD},
        {"k", DBD_CMP_EQ, {.type = DBD_TYPE_INT}, DBD_BAD},
        {"dt", DBD_CMP_EQ, {.type = DBD_TYPE_INT}, DBD_BAD},
    };
    for (size_t i = 0; i < N(bad); i++) {
        ldc_filter *flt = NULL;
        char msg[256];
        dbd_cond c = {.column = bad[i].col, .cmp = bad[i].cmp,
                      .value = bad[i].v};
        assert_int_equal(ldc_filter_new(t, &c, 1, &flt, msg, sizeof msg),
                         bad[i].st);
        assert_null(flt);
    }
    dbd_buf_free(&b);
    ldc_map_destroy(&m);
}

static void test_dn(void **state)
{
    fx *f = *state;
    ldc_map *m = conf_map(f);
    const ldc_table *t = ldc_map_table(m, "conf");
    dbd_value row[8];
    char msg[256];
    dbd_buf b;
    dbd_buf_init(&b);
    for (size_t i = 0; i < N(row); i++)
        row[i] = dbd_null();
    static const char nasty[] = " #a,b+c\"d\\e<f>g;h=i\0j \xc3\xa9 ";
    row[1] = dbd_string(nasty, sizeof nasty - 1);
    assert_int_equal(ldc_entry_dn(t, row, &b, msg, sizeof msg), DBD_OK);
    assert_string_equal(dbd_buf_text(&b),
                        "cK=\\20\\23a\\2Cb\\2Bc\\22d\\5Ce\\3Cf\\3Eg\\3Bh\\3Di"
                        "\\00j\\20\xc3\xa9\\20,ou=conf,dc=t");
    row[1] = STRV("");
    assert_int_equal(ldc_entry_dn(t, row, &b, msg, sizeof msg), DBD_BAD);
    assert_non_null(strstr(msg, "empty value"));
    row[1] = STRV("\xff\xfe");
    assert_int_equal(ldc_entry_dn(t, row, &b, msg, sizeof msg), DBD_BAD);
    assert_non_null(strstr(msg, "not UTF-8"));
    row[1] = STRV("\xed\xa0\x80"); /* a surrogate */
    assert_int_equal(ldc_entry_dn(t, row, &b, msg, sizeof msg), DBD_BAD);
    row[1] = dbd_null();
    assert_int_equal(ldc_entry_dn(t, row, &b, msg, sizeof msg),
                     DBD_CONSTRAINT);
    /* a two-column RDN */
    const ldc_table *p = ldc_map_table(m, "pair");
    dbd_value two[2] = {STRV("x y"), dbd_int(-7)};
    dbd_buf_reset(&b);
    assert_int_equal(ldc_entry_rdn(p, two, &b, msg, sizeof msg), DBD_OK);
    assert_string_equal(dbd_buf_text(&b), "pA=x\\20y+pB=-7");
    /* named by key text: any value, distinct keys distinct texts */
    const ldc_table *k = ldc_map_table(m, "keyed");
    static const struct {
        dbd_value a, b;
        const char *key, *rdn;
    } keys[] = {
        {{.type = DBD_TYPE_STRING, .u.s = {"", 0}},
         {.type = DBD_TYPE_BLOB, .u.s = {"x", 1}}, "#+x", "kKey=\\23\\2Bx"},
        {{.type = DBD_TYPE_STRING, .u.s = {"a+b", 3}},
         {.type = DBD_TYPE_BLOB, .u.s = {"\xff\0", 2}}, "#612b62+#ff00",
         "kKey=\\23612b62\\2B\\23ff00"},
        {{.type = DBD_TYPE_STRING, .u.s = {"#x", 2}},
         {.type = DBD_TYPE_BLOB, .u.s = {"caf\xc3\xa9", 5}},
         "#2378+caf\xc3\xa9",
         "kKey=\\232378\\2Bcaf\xc3\xa9"},
        {{.type = DBD_TYPE_STRING, .u.s = {"x", 1}},
         {.type = DBD_TYPE_BLOB, .u.s = {"", 0}}, "x+#", "kKey=x\\2B\\23"},
    };
    for (size_t i = 0; i < N(keys); i++) {
        dbd_value r2[2] = {keys[i].a, keys[i].b};
        dbd_buf_reset(&b);
        assert_int_equal(ldc_entry_key(k, r2, &b, msg, sizeof msg), DBD_OK);
        assert_string_equal(dbd_buf_text(&b), keys[i].key);
        dbd_buf_reset(&b);
        assert_int_equal(ldc_entry_rdn(k, r2, &b, msg, sizeof msg), DBD_OK);
        assert_string_equal(dbd_buf_text(&b), keys[i].rdn);
    }
    dbd_value nul[2] = {dbd_null(), STRV("x")};
    assert_int_equal(ldc_entry_key(k, nul, &b, msg, sizeof msg),
                     DBD_CONSTRAINT);
    dbd_buf_free(&b);
    ldc_map_destroy(&m);
}

/* ======================= server tests ======================= */

static void test_open_errors(void **state)
{
    fx *f = *state;
    char err[512] = "", url[600];
    void *conn = (void *)1;

    /* no mapping option, a missing file, an unknown option */
    EXPECT_ST(f, open_with(srv.url, NULL, NULL, 0, &conn, err, sizeof err),
              DBD_CONFIG);
    assert_null(conn);
    assert_non_null(strstr(err, "option mapping"));
    EXPECT_ST(f, open_with(srv.url, "/nonexistent/map.ini", NULL, 0, &conn,
                           err, sizeof err), DBD_CONFIG);
    assert_non_null(strstr(err, "cannot read it"));
    dbd_option colour[] = {{"option.colour", "blue"}};
    EXPECT_ST(f, open_with(srv.url, srv.mapping, colour, 1, &conn, err,
                           sizeof err), DBD_CONFIG);
    assert_non_null(strstr(err, "'colour'"));
    dbd_option slow[] = {{"timeout", "soon"}};
    EXPECT_ST(f, open_with(srv.url, srv.mapping, slow, 1, &conn, err,
                           sizeof err), DBD_CONFIG);
    /* wrong password: DENY */
    dbd_option pw[] = {{"bind_password", "wrong"}};
    EXPECT_ST(f, open_with(srv.url, srv.mapping, pw, 1, &conn, err,
                           sizeof err), DBD_DENY);
    assert_null(conn);
    assert_non_null(strstr(err, "Invalid credentials"));
    /* nobody listening: UNAVAILABLE, quickly */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t salen = sizeof sa;
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &salen), 0);
    close(s); /* the port is now very likely free */
    snprintf(url, sizeof url, "ldap://127.0.0.1:%d/dc=dbd,dc=test",
             ntohs(sa.sin_port));
    dbd_option quick[] = {{"timeout", "2000"}};
    EXPECT_ST(f, open_with(url, srv.mapping, quick, 1, &conn, err,
                           sizeof err), DBD_UNAVAILABLE);
    assert_null(conn);
    C->close(NULL);
}

static void test_ping_and_ldapi(void **state)
{
    fx *f = *state;
    char err[512];
    void *conn = NULL;
    EXPECT_ST(f, C->ping(f->conn, &f->info), DBD_OK);
    if (srv.ldapi[0] == '\0')
        return;
    /* the uri option replaces the URL's server; the base DN stays */
    dbd_option uri[] = {{"uri", srv.ldapi}};
    EXPECT_ST(f, open_with("ldap://unused.invalid/dc=dbd,dc=test",
                           srv.mapping, uri, 1, &conn, err, sizeof err),
              DBD_OK);
    dbd_request *r = req(DBD_OP_QUERY, "version");
    EXPECT_ST(f, run_req_on(f, conn, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 5);
    C->close(conn);
}

static void test_types_round_trip(void **state)
{
    fx *f = *state;
    size_t slen = 128 * 1024 + 3, blen = 64 * 1024 + 5;
    char *s = malloc(slen);
    unsigned char *b = malloc(blen);
    assert_non_null(s);
    assert_non_null(b);
    for (size_t i = 0; i < slen; i++)
        s[i] = (char)('a' + i % 26);
    memcpy(s + 100, "\xf0\x9f\x98\x80", 4); /* a 4-byte character */
    for (size_t i = 0; i < blen; i++)
        b[i] = (unsigned char)(i * 7);
    b[0] = 0;
    b[blen - 1] = 0;

    static const struct {
        int64_t i;
        double d;
        int64_t dt;
    } rows[] = {
        {INT64_MIN, -0.0, -2177452800000000LL},     /* 1901 */
        {INT64_MAX, 1e308, 7289654399999999LL},     /* 2200, last usec */
        {0, 5e-324, 2147483648000001LL},            /* past 2038 */
        {-1, -1.7976931348623157e308, -1},
    };
    int64_t ids[N(rows)];
    for (size_t n = 0; n < N(rows); n++) {
        char k[16];
        snprintf(k, sizeof k, "rt%zu", n);
        dbd_request *r = req(DBD_OP_INSERT, "conf");
        add_value(r, "k", dbd_string(k, strlen(k)));
        add_value(r, "i", dbd_int(rows[n].i));
        add_value(r, "d", dbd_double(rows[n].d));
        add_value(r, "s", n == 0 ? dbd_string(s, slen) : STRV(""));
        add_value(r, "b", n == 0 ? dbd_blob(b, blen) : dbd_blob("\0", 1));
        add_value(r, "dt", dbd_datetime(rows[n].dt));
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
        ids[n] = f->info.last_id;
        if (n > 0)
            assert_int_equal(ids[n], ids[n - 1] + 1);
    }
    dbd_request *r = req(DBD_OP_QUERY, "conf");
    assert_int_equal(dbd_op_add_order(r, &r->op, "id", false), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), N(rows));
    assert_int_equal(dbd_result_ncols(f->res), 8);
    static const char *const names[] = {"id", "k", "grp", "i", "d", "s", "b",
                                        "dt"};
    static const dbd_type types[] = {DBD_TYPE_INT, DBD_TYPE_STRING,
                                     DBD_TYPE_INT, DBD_TYPE_INT,
                                     DBD_TYPE_DOUBLE, DBD_TYPE_STRING,
                                     DBD_TYPE_BLOB, DBD_TYPE_DATETIME};
    for (size_t c = 0; c < N(names); c++) {
        assert_string_equal(dbd_result_col_name(f->res, c), names[c]);
        assert_int_equal(dbd_result_col_type(f->res, c), types[c]);
    }
    for (size_t n = 0; n < N(rows); n++) {
        dbd_value want_id = dbd_int(ids[n]), want_i = dbd_int(rows[n].i);
        dbd_value want_dt = dbd_datetime(rows[n].dt);
        expect_cell(dbd_result_value(f->res, n, 0), &want_id);
        assert_true(dbd_result_is_null(f->res, n, 2));
        expect_cell(dbd_result_value(f->res, n, 3), &want_i);
        const dbd_value *d = dbd_result_value(f->res, n, 4);
        assert_int_equal(d->type, DBD_TYPE_DOUBLE);
        assert_memory_equal(&d->u.d, &rows[n].d, sizeof(double));
        expect_cell(dbd_result_value(f->res, n, 7), &want_dt);
    }
    dbd_value want_s = dbd_string(s, slen), want_b = dbd_blob(b, blen);
    dbd_value empty = STRV(""), nul = dbd_blob("\0", 1);
    expect_cell(dbd_result_value(f->res, 0, 5), &want_s);
    expect_cell(dbd_result_value(f->res, 0, 6), &want_b);
    expect_cell(dbd_result_value(f->res, 1, 5), &empty);
    expect_cell(dbd_result_value(f->res, 1, 6), &nul);

    /* matched literally by =, the long and empty values included */
    char buf[256];
    assert_string_equal(keys_where(f, "s", DBD_CMP_EQ, dbd_string(s, slen),
                                   buf, sizeof buf), "rt0");
    assert_string_equal(keys_where(f, "s", DBD_CMP_EQ, STRV(""), buf,
                                   sizeof buf), "rt1,rt2,rt3");
    assert_string_equal(keys_where(f, "b", DBD_CMP_EQ, dbd_blob("\0", 1), buf,
                                   sizeof buf), "rt1,rt2,rt3");
    assert_string_equal(keys_where(f, "d", DBD_CMP_EQ, dbd_double(0.0), buf,
                                   sizeof buf), "rt0"); /* -0.0 == 0.0 */
    /* doubles and datetimes are compared by the connector alone */
    assert_string_equal(keys_where(f, "d", DBD_CMP_NE, dbd_double(0.0), buf,
                                   sizeof buf), "rt1,rt2,rt3");
    assert_string_equal(keys_where(f, "d", DBD_CMP_GT, dbd_int(0), buf,
                                   sizeof buf), "rt1,rt2");
    assert_string_equal(keys_where(f, "dt", DBD_CMP_NE, dbd_datetime(-1),
                                   buf, sizeof buf), "rt0,rt1,rt2");
    assert_string_equal(keys_where(f, "i", DBD_CMP_EQ, dbd_int(INT64_MIN),
                                   buf, sizeof buf), "rt0");
    assert_string_equal(keys_where(f, "dt", DBD_CMP_EQ,
                                   dbd_datetime(7289654399999999LL), buf,
                                   sizeof buf), "rt1");
    assert_string_equal(keys_where(f, "dt", DBD_CMP_LT, dbd_datetime(0), buf,
                                   sizeof buf), "rt0,rt3");
    free(s);
    free(b);
}

static void test_injection_literal(void **state)
{
    fx *f = *state;
    static const char *const nasty[] = {
        "*", "a*", "(", ")", "\\", "\\2a", "x)(k=*", "*)(|(k=*",
        "'", "\"", ";", "%", "a=b,c=d", "+", "#lead", " spaced ", "é ü",
    };
    for (size_t i = 0; i < N(nasty); i++) {
        dbd_request *r = req(DBD_OP_INSERT, "conf");
        add_value(r, "k", dbd_string(nasty[i], strlen(nasty[i])));
        add_value(r, "s", dbd_string(nasty[i], strlen(nasty[i])));
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
    }
    char buf[256];
    for (size_t i = 0; i < N(nasty); i++) {
        dbd_value v = dbd_string(nasty[i], strlen(nasty[i]));
        assert_string_equal(keys_where(f, "k", DBD_CMP_EQ, v, buf, sizeof buf),
                            nasty[i]);
        assert_string_equal(keys_where(f, "s", DBD_CMP_EQ, v, buf, sizeof buf),
                            nasty[i]);
    }
    /* update and delete by such keys touch exactly one entry */
    dbd_request *r = req(DBD_OP_UPDATE, "conf");
    add_value(r, "i", dbd_int(5));
    add_where(r, "k", DBD_CMP_EQ, STRV("*"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    r = req(DBD_OP_DELETE, "conf");
    add_where(r, "k", DBD_CMP_EQ, STRV("x)(k=*"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    r = req(DBD_OP_QUERY, "conf");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), N(nasty) - 1);
}

static void test_operators(void **state)
{
    fx *f = *state;
    insert_kgi(f, "a", dbd_int(1), dbd_int(-5));
    insert_kgi(f, "b", dbd_int(1), dbd_int(0));
    insert_kgi(f, "c", dbd_int(2), dbd_int(6));
    insert_kgi(f, "d", dbd_null(), dbd_int(1000));
    insert_kgi(f, "e", dbd_int(3), dbd_null());
    char buf[256];
#define KW(col, cmp, v, want)                                               \
    assert_string_equal(keys_where(f, col, cmp, v, buf, sizeof buf), want)
    KW("i", DBD_CMP_EQ, dbd_int(0), "b");
    KW("i", DBD_CMP_NE, dbd_int(0), "a,c,d");      /* NULL e excluded */
    KW("i", DBD_CMP_LT, dbd_int(6), "a,b");
    KW("i", DBD_CMP_LE, dbd_int(6), "a,b,c");
    KW("i", DBD_CMP_GT, dbd_int(-5), "b,c,d");
    KW("i", DBD_CMP_GE, dbd_int(-5), "a,b,c,d");
    KW("i", DBD_CMP_GT, dbd_double(5.5), "c,d");   /* numeric, not text */
    KW("i", DBD_CMP_LT, dbd_int(100), "a,b,c");    /* 1000 > 100 */
    KW("i", DBD_CMP_BITAND, dbd_int(2), "a,c");    /* -5, 6 */
    KW("i", DBD_CMP_BITAND, dbd_int(1), "a");      /* -5 */
    KW("i", DBD_CMP_ISNULL, dbd_null(), "e");
    KW("grp", DBD_CMP_NOTNULL, dbd_null(), "a,b,c,e");
    KW("i", DBD_CMP_EQ, dbd_null(), "");           /* = NULL: nothing */
    KW("i", DBD_CMP_NE, dbd_null(), "");
    KW("k", DBD_CMP_GT, STRV("b"), "c,d,e");       /* bytewise */
    KW("k", DBD_CMP_LT, STRV("B"), "");
    KW("k", DBD_CMP_NE, STRV("a"), "b,c,d,e");
    dbd_value in[] = {dbd_int(6), dbd_null(), dbd_int(-5), dbd_int(7)};
    dbd_request *r = req(DBD_OP_QUERY, "conf");
    add_column(r, "k");
    assert_int_equal(dbd_op_add_where_in(r, &r->op, "i", in, N(in)), 0);
    add_where(r, "grp", DBD_CMP_GE, dbd_int(1));
    assert_int_equal(dbd_op_add_order(r, &r->op, "k", true), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_string_equal(column_list(f, 0, buf, sizeof buf), "c,a");
    /* unknown column, wrong type */
    r = req(DBD_OP_QUERY, "conf");
    add_where(r, "nope", DBD_CMP_EQ, dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
    r = req(DBD_OP_QUERY, "conf");
    add_where(r, "i", DBD_CMP_EQ, STRV("many"));
    EXPECT_ST(f, run_req(f, &r), DBD_BAD);
    r = req(DBD_OP_QUERY, "nosuch");
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
    r = req(DBD_OP_QUERY, "conf");
    add_column(r, "nope");
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
#undef KW
}

static void test_order_limit(void **state)
{
    fx *f = *state;
    /* grp asc (NULL first), then i desc */
    insert_kgi(f, "r1", dbd_int(2), dbd_int(1));
    insert_kgi(f, "r2", dbd_int(1), dbd_int(1));
    insert_kgi(f, "r3", dbd_int(2), dbd_int(3));
    insert_kgi(f, "r4", dbd_null(), dbd_int(0));
    insert_kgi(f, "r5", dbd_int(1), dbd_int(9));
    insert_kgi(f, "r6", dbd_int(10), dbd_null());
    char buf[256];
    static const struct {
        int64_t limit, offset;
        const char *want;
    } pages[] = {
        {-1, 0, "r4,r5,r2,r3,r1,r6"},
        {2, 0, "r4,r5"},
        {2, 2, "r2,r3"},
        {10, 4, "r1,r6"},
        {-1, 5, "r6"},
        {3, 6, ""},
        {0, 0, ""},
    };
    for (size_t i = 0; i < N(pages); i++) {
        dbd_request *r = req(DBD_OP_QUERY, "conf");
        add_column(r, "k");
        assert_int_equal(dbd_op_add_order(r, &r->op, "grp", false), 0);
        assert_int_equal(dbd_op_add_order(r, &r->op, "i", true), 0);
        dbd_op_set_limit(&r->op, pages[i].limit, pages[i].offset);
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
        assert_string_equal(column_list(f, 0, buf, sizeof buf),
                            pages[i].want);
        assert_int_equal(dbd_result_ncols(f->res), 1);
    }
    /* descending NULLs last; ties keep no particular order, so k breaks */
    dbd_request *r = req(DBD_OP_QUERY, "conf");
    add_column(r, "k");
    assert_int_equal(dbd_op_add_order(r, &r->op, "i", true), 0);
    assert_int_equal(dbd_op_add_order(r, &r->op, "k", false), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_string_equal(column_list(f, 0, buf, sizeof buf),
                        "r5,r3,r1,r2,r4,r6");
    /* LIMIT/OFFSET without ORDER BY: counted while streaming */
    r = req(DBD_OP_QUERY, "conf");
    add_where(r, "grp", DBD_CMP_NOTNULL, dbd_null());
    dbd_op_set_limit(&r->op, 2, 1);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 2);
    r = req(DBD_OP_QUERY, "conf");
    dbd_op_set_limit(&r->op, -1, 4);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 2);
    /* an empty result still names its columns */
    r = req(DBD_OP_QUERY, "conf");
    add_column(r, "dt");
    add_where(r, "k", DBD_CMP_EQ, STRV("none"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 0);
    assert_int_equal(dbd_result_ncols(f->res), 1);
    assert_int_equal(dbd_result_col_type(f->res, 0), DBD_TYPE_DATETIME);
}

static void test_update_delete(void **state)
{
    fx *f = *state;
    int64_t id = insert_kgi(f, "u1", dbd_int(1), dbd_int(10));
    insert_kgi(f, "u2", dbd_int(1), dbd_int(20));
    insert_kgi(f, "u3", dbd_int(2), dbd_int(30));
    char buf[256];

    dbd_request *r = req(DBD_OP_UPDATE, "conf");
    add_value(r, "i", dbd_null());
    add_value(r, "s", STRV("set"));
    add_where(r, "grp", DBD_CMP_EQ, dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 2);
    assert_string_equal(keys_where(f, "i", DBD_CMP_ISNULL, dbd_null(), buf,
                                   sizeof buf), "u1,u2");
    assert_string_equal(keys_where(f, "s", DBD_CMP_EQ, STRV("set"), buf,
                                   sizeof buf), "u1,u2");
    /* no match: zero rows */
    r = req(DBD_OP_UPDATE, "conf");
    add_value(r, "i", dbd_int(1));
    add_where(r, "grp", DBD_CMP_EQ, dbd_int(99));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 0);

    /* renaming: k is the RDN */
    r = req(DBD_OP_UPDATE, "conf");
    add_value(r, "k", STRV("u1-renamed"));
    add_value(r, "grp", dbd_int(7));
    add_where(r, "k", DBD_CMP_EQ, STRV("u1"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    r = req(DBD_OP_QUERY, "conf");
    add_column(r, "id");
    add_column(r, "grp");
    add_column(r, "s");
    add_where(r, "k", DBD_CMP_EQ, STRV("u1-renamed"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    dbd_value want_id = dbd_int(id), want_grp = dbd_int(7),
              want_s = STRV("set");
    expect_cell(dbd_result_value(f->res, 0, 0), &want_id);
    expect_cell(dbd_result_value(f->res, 0, 1), &want_grp);
    expect_cell(dbd_result_value(f->res, 0, 2), &want_s);
    assert_string_equal(keys_where(f, "k", DBD_CMP_EQ, STRV("u1"), buf,
                                   sizeof buf), "");
    /* renaming onto a taken key: CONSTRAINT, nothing changed */
    r = req(DBD_OP_UPDATE, "conf");
    add_value(r, "k", STRV("u2"));
    add_value(r, "i", dbd_int(1));
    add_where(r, "k", DBD_CMP_EQ, STRV("u3"));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    assert_string_equal(keys_where(f, "i", DBD_CMP_EQ, dbd_int(30), buf,
                                   sizeof buf), "u3");
    /* NOT NULL and a duplicate id */
    r = req(DBD_OP_UPDATE, "conf");
    add_value(r, "k", dbd_null());
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    r = req(DBD_OP_UPDATE, "conf");
    add_value(r, "id", dbd_int(id));
    add_where(r, "k", DBD_CMP_EQ, STRV("u3"));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    assert_non_null(strstr(f->info.msg, "unique key (id)"));
    r = req(DBD_OP_UPDATE, "conf");
    add_value(r, "nope", dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
    r = req(DBD_OP_UPDATE, "conf");
    add_value(r, "grp", STRV("many"));
    EXPECT_ST(f, run_req(f, &r), DBD_BAD);

    r = req(DBD_OP_DELETE, "conf");
    add_where(r, "i", DBD_CMP_ISNULL, dbd_null());
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 2);
    r = req(DBD_OP_DELETE, "conf");
    add_where(r, "i", DBD_CMP_ISNULL, dbd_null());
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 0);
    r = req(DBD_OP_DELETE, "conf");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
}

static void test_replace(void **state)
{
    fx *f = *state;
    char buf[256];
    dbd_request *r = req(DBD_OP_REPLACE, "conf");
    add_value(r, "k", STRV("rp"));
    add_value(r, "i", dbd_int(1));
    assert_int_equal(dbd_op_add_key(r, &r->op, "k"), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    int64_t id = f->info.last_id;
    assert_true(id > 0);
    r = req(DBD_OP_REPLACE, "conf");
    add_value(r, "k", STRV("rp"));
    add_value(r, "i", dbd_int(2));
    add_value(r, "s", STRV("two"));
    assert_int_equal(dbd_op_add_key(r, &r->op, "k"), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    r = req(DBD_OP_QUERY, "conf");
    add_column(r, "id");
    add_column(r, "i");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    dbd_value want_id = dbd_int(id), want_i = dbd_int(2);
    expect_cell(dbd_result_value(f->res, 0, 0), &want_id);
    expect_cell(dbd_result_value(f->res, 0, 1), &want_i);
    /* only keys given: the row is kept as it is */
    r = req(DBD_OP_REPLACE, "conf");
    add_value(r, "k", STRV("rp"));
    assert_int_equal(dbd_op_add_key(r, &r->op, "k"), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_string_equal(keys_where(f, "s", DBD_CMP_EQ, STRV("two"), buf,
                                   sizeof buf), "rp");
    /* a key that is not the RDN: replace on id */
    r = req(DBD_OP_REPLACE, "conf");
    add_value(r, "id", dbd_int(id));
    add_value(r, "k", STRV("rp-by-id"));
    assert_int_equal(dbd_op_add_key(r, &r->op, "id"), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_string_equal(keys_where(f, "id", DBD_CMP_EQ, dbd_int(id), buf,
                                   sizeof buf), "rp-by-id");
}

static void test_constraint_and_ids(void **state)
{
    fx *f = *state;
    int64_t id = insert_kgi(f, "dup", dbd_null(), dbd_null());
    dbd_request *r = req(DBD_OP_INSERT, "conf");
    add_value(r, "k", STRV("dup"));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    assert_non_null(strstr(f->info.msg, "duplicate key"));
    /* case matters, as with a binary collation */
    insert_kgi(f, "DUP", dbd_null(), dbd_null());
    /* an explicit id: checked, and the counter moves past it */
    r = req(DBD_OP_INSERT, "conf");
    add_value(r, "k", STRV("same-id"));
    add_value(r, "id", dbd_int(id));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    r = req(DBD_OP_INSERT, "conf");
    add_value(r, "k", STRV("far"));
    add_value(r, "id", dbd_int(id + 1000));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.last_id, id + 1000);
    assert_int_equal(insert_kgi(f, "next", dbd_null(), dbd_null()),
                     id + 1001);
    /* NOT NULL without default; NULL into the id allocates one */
    r = req(DBD_OP_INSERT, "conf");
    add_value(r, "i", dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    r = req(DBD_OP_INSERT, "conf");
    add_value(r, "k", STRV("null-id"));
    add_value(r, "id", dbd_null());
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.last_id, id + 1002);
    /* keys LDAP could not name an entry by directly: named by key text */
    static const char *const odd[] = {"", "#", "+", "#+", "\xff\xfe", "a+b"};
    for (size_t n = 0; n < N(odd); n++) {
        r = req(DBD_OP_INSERT, "conf");
        add_value(r, "k", dbd_string(odd[n], strlen(odd[n])));
        add_value(r, "i", dbd_int((int64_t)n));
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
    }
    r = req(DBD_OP_INSERT, "conf");
    add_value(r, "k", STRV(""));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    for (size_t n = 0; n < N(odd); n++) {
        char buf[64];
        dbd_value want = dbd_string(odd[n], strlen(odd[n]));
        keys_where(f, "i", DBD_CMP_EQ, dbd_int((int64_t)n), buf, sizeof buf);
        assert_int_equal(dbd_result_nrows(f->res), 1);
        expect_cell(dbd_result_value(f->res, 0, 0), &want);
        r = req(DBD_OP_QUERY, "conf");
        add_column(r, "i");
        add_where(r, "k", DBD_CMP_EQ, want);
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
        assert_int_equal(dbd_result_nrows(f->res), 1);
    }
    /* renamed to and from the empty key */
    r = req(DBD_OP_UPDATE, "conf");
    add_value(r, "k", STRV("was-empty"));
    add_where(r, "k", DBD_CMP_EQ, STRV(""));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);
    r = req(DBD_OP_UPDATE, "conf");
    add_value(r, "k", STRV(""));
    add_where(r, "k", DBD_CMP_EQ, STRV("#"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    r = req(DBD_OP_QUERY, "conf");
    add_column(r, "i");
    add_where(r, "k", DBD_CMP_EQ, STRV(""));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    dbd_value one = dbd_int(1);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    expect_cell(dbd_result_value(f->res, 0, 0), &one);
    r = req(DBD_OP_INSERT, "conf");
    add_value(r, "k", STRV("x"));
    add_value(r, "d", dbd_double(NAN));
    EXPECT_ST(f, run_req(f, &r), DBD_BAD);
    r = req(DBD_OP_INSERT, "conf");
    add_value(r, "k", STRV("x"));
    add_value(r, "nope", dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
    r = req(DBD_OP_INSERT, "nosuch");
    add_value(r, "k", STRV("x"));
    EXPECT_ST(f, run_req(f, &r), DBD_NOTFOUND);
}

static void test_two_writers(void **state)
{
    fx *f = *state;
    char err[512];
    void *other = NULL;
    EXPECT_ST(f, open_with(srv.url, srv.mapping, NULL, 0, &other, err,
                           sizeof err), DBD_OK);
    /* each connection caches the counter; interleaved inserts must make
     * them notice each other and never reuse an id */
    int64_t seen[40];
    for (size_t n = 0; n < N(seen); n++) {
        char k[16];
        snprintf(k, sizeof k, "w%02zu", n);
        dbd_request *r = req(DBD_OP_INSERT, "conf");
        add_value(r, "k", dbd_string(k, strlen(k)));
        void *conn = n % 3 == 0 ? other : f->conn;
        EXPECT_ST(f, run_req_on(f, conn, &r), DBD_OK);
        seen[n] = f->info.last_id;
        for (size_t m = 0; m < n; m++)
            if (seen[m] == seen[n])
                fail_msg("id %lld handed out twice", (long long)seen[n]);
    }
    /* the same row replaced from both: one row */
    for (int n = 0; n < 4; n++) {
        dbd_request *r = req(DBD_OP_REPLACE, "conf");
        add_value(r, "k", STRV("shared"));
        add_value(r, "i", dbd_int(n));
        assert_int_equal(dbd_op_add_key(r, &r->op, "k"), 0);
        EXPECT_ST(f, run_req_on(f, n % 2 ? other : f->conn, &r), DBD_OK);
    }
    char buf[64];
    assert_string_equal(keys_where(f, "i", DBD_CMP_EQ, dbd_int(3), buf,
                                   sizeof buf), "shared");
    C->close(other);
}

static void test_kamailio_tables(void **state)
{
    fx *f = *state;
    char buf[256];
    dbd_request *r = req(DBD_OP_QUERY, "version");
    add_column(r, "table_name");
    add_column(r, "table_version");
    assert_int_equal(dbd_op_add_order(r, &r->op, "id", false), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_string_equal(column_list(f, 0, buf, sizeof buf),
                        "version,subscriber,location,dr_gateways,dr_rules");
    assert_string_equal(column_list(f, 1, buf, sizeof buf), "1,7,9,3,3");

    /* defaults fill what SQL's DEFAULT would */
    r = req(DBD_OP_DELETE, "location");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    r = req(DBD_OP_INSERT, "location");
    add_value(r, "ruid", STRV("uloc-1"));
    add_value(r, "username", STRV("alice"));
    add_value(r, "contact", STRV("sip:alice@192.0.2.1:5060"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    r = req(DBD_OP_QUERY, "location");
    add_column(r, "expires");
    add_column(r, "q");
    add_column(r, "callid");
    add_column(r, "domain");
    add_where(r, "username", DBD_CMP_EQ, STRV("alice"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), 1);
    dbd_value exp = dbd_datetime(1906234335000000LL), q = dbd_double(1.0),
              cid = STRV("Default-Call-ID");
    expect_cell(dbd_result_value(f->res, 0, 0), &exp);
    expect_cell(dbd_result_value(f->res, 0, 1), &q);
    expect_cell(dbd_result_value(f->res, 0, 2), &cid);
    assert_true(dbd_result_is_null(f->res, 0, 3));
    r = req(DBD_OP_DELETE, "location");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 1);

    /* subscriber: a two-column RDN */
    r = req(DBD_OP_DELETE, "subscriber");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    static const char *const users[][2] = {{"bob", "a.example"},
                                           {"bob", "b.example"},
                                           {"carol", "a.example"}};
    for (size_t i = 0; i < N(users); i++) {
        r = req(DBD_OP_INSERT, "subscriber");
        add_value(r, "username", dbd_string(users[i][0], strlen(users[i][0])));
        add_value(r, "domain", dbd_string(users[i][1], strlen(users[i][1])));
        add_value(r, "ha1", STRV("0123456789abcdef0123456789abcdef"));
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
    }
    r = req(DBD_OP_INSERT, "subscriber");
    add_value(r, "username", STRV("bob"));
    add_value(r, "domain", STRV("a.example"));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    r = req(DBD_OP_UPDATE, "subscriber");
    add_value(r, "domain", STRV("c.example"));
    add_where(r, "username", DBD_CMP_EQ, STRV("carol"));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    r = req(DBD_OP_QUERY, "subscriber");
    add_column(r, "domain");
    add_column(r, "password");
    assert_int_equal(dbd_op_add_order(r, &r->op, "domain", true), 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_string_equal(column_list(f, 0, buf, sizeof buf),
                        "c.example,b.example,a.example");
    assert_string_equal(column_list(f, 1, buf, sizeof buf), ",,");
    r = req(DBD_OP_DELETE, "subscriber");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 3);

    /* dr_gateways: the auto-increment column is the RDN */
    r = req(DBD_OP_DELETE, "dr_gateways");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    int64_t gw[2];
    for (int i = 0; i < 2; i++) {
        r = req(DBD_OP_INSERT, "dr_gateways");
        add_value(r, "address", i == 0 ? STRV("192.0.2.10:5060")
                                        : STRV("192.0.2.11:5060"));
        add_value(r, "strip", dbd_int(i));
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
        gw[i] = f->info.last_id;
    }
    assert_int_equal(gw[1], gw[0] + 1);
    r = req(DBD_OP_UPDATE, "dr_gateways");
    add_value(r, "gwid", dbd_int(gw[1]));
    add_where(r, "gwid", DBD_CMP_EQ, dbd_int(gw[0]));
    EXPECT_ST(f, run_req(f, &r), DBD_CONSTRAINT);
    r = req(DBD_OP_UPDATE, "dr_gateways");
    add_value(r, "gwid", dbd_int(gw[1] + 100));
    add_where(r, "gwid", DBD_CMP_EQ, dbd_int(gw[0]));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    r = req(DBD_OP_QUERY, "dr_gateways");
    add_column(r, "address");
    add_column(r, "description");
    add_where(r, "gwid", DBD_CMP_GT, dbd_int(gw[1]));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_string_equal(column_list(f, 0, buf, sizeof buf),
                        "192.0.2.10:5060");
    assert_string_equal(column_list(f, 1, buf, sizeof buf), "");
    assert_false(dbd_result_is_null(f->res, 0, 1));
    r = req(DBD_OP_DELETE, "dr_gateways");
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, 2);
}

static void test_missing_base(void **state)
{
    fx *f = *state;
    char path[1100], err[512];
    void *conn = NULL;
    snprintf(path, sizeof path, "%s/missing.ini", f->dir);
    write_text(path, "[gone]\nbase = ou=gone\nobjectclass = dbdConf\n"
                     "rdn = k\nautoincrement = id\n"
                     "column.id = dbdConfId int notnull\n"
                     "column.k = dbdConfK string notnull\n"
                     "[odd]\nbase = ou=conf\nobjectclass = dbdConf\n"
                     "rdn = k\ncolumn.k = dbdConfK string notnull\n"
                     "column.id = dbdConfId int notnull\n"
                     "column.x = dbdNoSuchAttr int\n");
    EXPECT_ST(f, open_with(srv.url, path, NULL, 0, &conn, err, sizeof err),
              DBD_OK);
    dbd_request *r = req(DBD_OP_QUERY, "gone");
    EXPECT_ST(f, run_req_on(f, conn, &r), DBD_NOTFOUND);
    assert_non_null(strstr(f->info.msg, "ou=gone,dc=dbd,dc=test"));
    r = req(DBD_OP_INSERT, "gone");
    add_value(r, "k", STRV("x"));
    EXPECT_ST(f, run_req_on(f, conn, &r), DBD_CONFIG); /* no counter */
    r = req(DBD_OP_INSERT, "gone");
    add_value(r, "k", STRV("x"));
    add_value(r, "id", dbd_int(1));
    EXPECT_ST(f, run_req_on(f, conn, &r), DBD_CONFIG);
    /* an attribute the server does not know: NOTFOUND on write */
    r = req(DBD_OP_INSERT, "odd");
    add_value(r, "k", STRV("y"));
    add_value(r, "id", dbd_int(999999));
    add_value(r, "x", dbd_int(1));
    EXPECT_ST(f, run_req_on(f, conn, &r), DBD_NOTFOUND);
    C->close(conn);
}

static void test_streaming(void **state)
{
    fx *f = *state;
    enum { ROWS = 1500 };
    for (int n = 0; n < ROWS; n++) {
        char k[16];
        snprintf(k, sizeof k, "s%05d", n);
        dbd_request *r = req(DBD_OP_INSERT, "conf");
        add_value(r, "k", dbd_string(k, strlen(k)));
        add_value(r, "grp", dbd_int(n % 10));
        EXPECT_ST(f, run_req(f, &r), DBD_OK);
    }
    dbd_request *r = req(DBD_OP_QUERY, "conf");
    add_where(r, "grp", DBD_CMP_LT, dbd_int(5));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(dbd_result_nrows(f->res), ROWS / 2);
    /* the sink stops early: the search is abandoned, the connection
     * goes on working */
    f->stop_after = 10;
    r = req(DBD_OP_QUERY, "conf");
    dbd_status st = run_req(f, &r);
    assert_int_equal(st, DBD_INTERNAL);
    assert_int_equal(f->rows_seen, 10);
    f->stop_after = 0;
    r = req(DBD_OP_QUERY, "conf");
    add_column(r, "k");
    assert_int_equal(dbd_op_add_order(r, &r->op, "k", true), 0);
    dbd_op_set_limit(&r->op, 1, 0);
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    char buf[64];
    assert_string_equal(column_list(f, 0, buf, sizeof buf), "s01499");
    r = req(DBD_OP_DELETE, "conf");
    add_where(r, "grp", DBD_CMP_BITAND, dbd_int(1));
    EXPECT_ST(f, run_req(f, &r), DBD_OK);
    assert_int_equal(f->info.affected, ROWS / 2);
}

static void test_dropped_connection(void **state)
{
    fx *f = *state;
    ldc_conn *c = f->conn;
    int fd = -1;
    assert_int_equal(ldap_get_option(c->ld, LDAP_OPT_DESC, &fd),
                     LDAP_OPT_SUCCESS);
    assert_true(fd >= 0);
    /* the peer is gone as far as this connection can tell */
    assert_int_equal(shutdown(fd, SHUT_RDWR), 0);
    dbd_request *r = req(DBD_OP_QUERY, "conf");
    EXPECT_ST(f, run_req(f, &r), DBD_UNAVAILABLE);
    EXPECT_ST(f, C->ping(f->conn, &f->info), DBD_UNAVAILABLE);
    /* what the daemon does next: close and open again */
    C->close(f->conn);
    f->conn = NULL;
    char err[512];
    EXPECT_ST(f, open_with(srv.url, srv.mapping, NULL, 0, &f->conn, err,
                           sizeof err), DBD_OK);
    insert_kgi(f, "after", dbd_null(), dbd_null());
}

/* Waits until every thread of pid is stopped (state T in /proc), since
 * SIGSTOP takes effect asynchronously. */
static void wait_stopped(long pid)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    for (int i = 0; i < 200; i++) {
        FILE *fp = fopen(path, "r");
        if (fp == NULL)
            return;
        char *p = fgets(line, sizeof line, fp);
        fclose(fp);
        p = p != NULL ? strrchr(line, ')') : NULL;
        if (p != NULL && (p[2] == 'T' || p[2] == 't'))
            return;
        usleep(5000);
    }
}

static void test_server_stopped(void **state)
{
    fx *f = *state;
    if (srv.pid <= 0)
        skip();
    char err[512];
    void *conn = NULL;
    dbd_option quick[] = {{"timeout", "300"}};
    EXPECT_ST(f, open_with(srv.url, srv.mapping, quick, 1, &conn, err,
                           sizeof err), DBD_OK);
    assert_int_equal(kill((pid_t)srv.pid, SIGSTOP), 0);
    wait_stopped(srv.pid);
    dbd_request *r = req(DBD_OP_QUERY, "conf");
    dbd_status st = run_req_on(f, conn, &r);
    dbd_status pst = C->ping(conn, &f->info);
    assert_int_equal(kill((pid_t)srv.pid, SIGCONT), 0);
    assert_int_equal(st, DBD_UNAVAILABLE);
    assert_int_equal(pst, DBD_UNAVAILABLE);
    assert_non_null(strstr(f->info.msg, "300 ms"));
    C->close(conn);
}

/* ======================= the server ======================= */

/* Copies NAME's value into out; false when unset or empty. */
static bool env_copy(const char *name, char *out, size_t len)
{
    const char *v = getenv(name);
    if (v == NULL || v[0] == '\0')
        return false;
    snprintf(out, len, "%s", v);
    return true;
}

static bool server_from_env(void)
{
    char pid[32] = "";
    if (!env_copy("DBD_TEST_LDAP_URL", srv.url, sizeof srv.url))
        return false;
    if (!env_copy("DBD_TEST_LDAP_BINDDN", srv.binddn, sizeof srv.binddn))
        snprintf(srv.binddn, sizeof srv.binddn, "cn=admin,dc=dbd,dc=test");
    if (!env_copy("DBD_TEST_LDAP_PASSWORD", srv.password,
                  sizeof srv.password))
        snprintf(srv.password, sizeof srv.password, "dbdpass");
    if (!env_copy("DBD_TEST_LDAP_MAPPING", srv.mapping, sizeof srv.mapping))
        snprintf(srv.mapping, sizeof srv.mapping,
                 "%s/tools/schema/ldap/mapping.ini", TOP_SRCDIR);
    env_copy("DBD_TEST_LDAPI_URI", srv.ldapi, sizeof srv.ldapi);
    if (env_copy("DBD_TEST_LDAP_PID", pid, sizeof pid))
        srv.pid = strtol(pid, NULL, 10);
    return true;
}

/* Starts slapd with tests/lib/ldap.sh and reads what it exported. */
static bool server_start_own(void)
{
    char cmd[4096], line[1200], path[600];
    const char *tmp = getenv("TMPDIR");
    if (access("/usr/sbin/slapd", X_OK) != 0)
        return false;
    snprintf(srv.own_dir, sizeof srv.own_dir, "%s/dbd-slapd-XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : P_tmpdir);
    if (mkdtemp(srv.own_dir) == NULL)
        return false;
    snprintf(cmd, sizeof cmd,
             "bash -c '. \"%s/tests/lib/servers.sh\" && "
             ". \"%s/tests/lib/ldap.sh\" && "
             "ldap_fixture \"%s\" > /dev/null && "
             "env | grep \"^DBD_TEST_LDAP\" > \"%s/env\"'",
             TOP_SRCDIR, TOP_SRCDIR, srv.own_dir, srv.own_dir);
    if (system(cmd) != 0)
        return false;
    snprintf(path, sizeof path, "%s/env", srv.own_dir);
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return false;
    while (fgets(line, sizeof line, fp) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *eq = strchr(line, '=');
        if (eq != NULL) {
            *eq = '\0';
            setenv(line, eq + 1, 1);
        }
    }
    fclose(fp);
    return server_from_env();
}

static void server_stop_own(void)
{
    if (srv.own_dir[0] == '\0')
        return;
    if (srv.pid > 0) {
        kill((pid_t)srv.pid, SIGTERM);
        for (int i = 0; i < 100 && kill((pid_t)srv.pid, 0) == 0; i++)
            usleep(50000);
        kill((pid_t)srv.pid, SIGKILL);
    }
    remove_tree(srv.own_dir);
}

#define FX(t) cmocka_unit_test_setup_teardown(t, setup, fx_teardown)
#define OFF(t) cmocka_unit_test_setup_teardown(t, setup_offline, fx_teardown)

int main(void)
{
    const struct CMUnitTest offline[] = {
        cmocka_unit_test(test_descriptor),
        OFF(test_map_shipped),
        OFF(test_map_errors),
        cmocka_unit_test(test_gentime),
        cmocka_unit_test(test_values),
        OFF(test_filter_text),
        OFF(test_dn),
    };
    const struct CMUnitTest online[] = {
        FX(test_open_errors),
        FX(test_ping_and_ldapi),
        FX(test_types_round_trip),
        FX(test_injection_literal),
        FX(test_operators),
        FX(test_order_limit),
        FX(test_update_delete),
        FX(test_replace),
        FX(test_constraint_and_ids),
        FX(test_two_writers),
        FX(test_kamailio_tables),
        FX(test_missing_base),
        FX(test_streaming),
        FX(test_dropped_connection),
        FX(test_server_stopped),
    };
    struct CMUnitTest tests[N(offline) + N(online)];
    size_t n = 0;

    /* a write to a connection the server closed must not kill us */
    signal(SIGPIPE, SIG_IGN);
    bool have = server_from_env() || server_start_own();
    if (!have)
        fprintf(stderr, "# no slapd: only the offline tests run\n");
    for (size_t i = 0; i < N(offline); i++)
        tests[n++] = offline[i];
    for (size_t i = 0; have && i < N(online); i++)
        tests[n++] = online[i];
    int rc = _cmocka_run_group_tests("ldap", tests, n, NULL, NULL);
    server_stop_own();
    return rc;
}
