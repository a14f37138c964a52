/*
 * fuzz_sip.c - libFuzzer harness for sipproxy's message path, as far as it
 * runs without a network: the bytes are one datagram.
 *
 * A SIP message goes the way the worker takes it: libosip2's parser (the
 * salvage parser when that refuses it), the request checks, Via fix-up and
 * a response built and serialised; then the digest credentials of every
 * Authorization and Proxy-Authorization header are parsed and verified;
 * a REGISTER goes through the registrar's plan and any other request
 * through the location lookup and prefix routing.  The dbd calls those
 * steps make are answered from fixed results built here, and every dbd
 * request they produce must pass dbd_request_validate(), as the daemon
 * would refuse it otherwise.
 *
 * Input that starts like a MessagePack map is taken as a dbd reply instead
 * and fed to the registrar's and router's result readers, which trust
 * nothing the daemon sends.  The contact reader below mirrors the static
 * one in flow_register.c, which cannot be called from outside.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osipparser2/osip_port.h>

#include "auth.h"
#include "codec.h"
#include "contacts.h"
#include "registrar.h"
#include "route.h"
#include "salvage.h"
#include "sipmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define DS "sip"
#define NOW_S INT64_C(1700000000)
#define NOW_US (NOW_S * 1000000)
#define REALM "example.com"

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_sip: %s%s%s\n", what, detail[0] ? ": " : "",
            detail);
    abort();
}

/* Every request the proxy sends must be one the daemon accepts. */
static void check_request(const char *what, dbd_request *req)
{
    char err[256];
    if (req != NULL && dbd_request_validate(req, err, sizeof err) != DBD_OK)
        fail(what, err);
}

/* ---- fixture results: what the daemon would answer ---- */

static dbd_value str(const char *s)
{
    return s != NULL ? dbd_string(s, strlen(s)) : dbd_null();
}

/* One location row: the value of column name. */
static dbd_value binding_cell(const char *name, int row)
{
    static const struct {
        const char *name;
        const char *s[2];
    } text[] = {
        {"ruid", {"uloc-1", "uloc-2"}},
        {"contact", {"sip:alice@192.0.2.1:5060", "sip:alice@192.0.2.2"}},
        {"callid", {"call-1@192.0.2.1", "call-2"}},
        {"user_agent", {"fuzz", ""}},
        {"received", {NULL, "sip:198.51.100.1:5060"}},
        {"path", {NULL, "<sip:p.example.com;lr>"}},
        {"socket", {"udp:192.0.2.99:5060", NULL}},
        {"instance", {NULL, "<urn:uuid:00000000-0000-0000-0000-000000000001>"}},
    };
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        if (strcmp(name, text[i].name) == 0)
            return str(text[i].s[row]);
    if (strcmp(name, "expires") == 0)
        /* one binding live, one expired */
        return dbd_datetime(row == 0 ? NOW_US + 600000000 : NOW_US - 1);
    if (strcmp(name, "last_modified") == 0)
        return dbd_datetime(NOW_US - 1000000);
    if (strcmp(name, "q") == 0)
        return dbd_double(row == 0 ? 0.5 : 1.0);
    if (strcmp(name, "cseq") == 0)
        return dbd_int(row == 0 ? 7 : 1);
    if (strcmp(name, "reg_id") == 0)
        return dbd_int(row);
    return dbd_null();
}

/* The rows of the query q asks for, with exactly its columns. */
static dbd_result *bindings_result(const dbd_request *q)
{
    dbd_result *r = dbd_result_new();
    dbd_type types[64];
    dbd_value row[64];
    size_t n = q->op.ncolumns;

    if (r == NULL || n > 64)
        goto fail;
    for (size_t i = 0; i < n; i++)
        types[i] = binding_cell(q->op.columns[i], 0).type;
    if (dbd_result_set_columns(r, n, q->op.columns, types) != 0)
        goto fail;
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < n; i++)
            row[i] = binding_cell(q->op.columns[i], k);
        if (dbd_result_add_row(r, row) != 0)
            goto fail;
    }
    return r;
fail:
    dbd_result_destroy(&r);
    return NULL;
}

static dbd_result *rules_result(void)
{
    static const char *const cols[] = {"ruleid", "groupid", "prefix",
                                       "priority", "gwlist"};
    static const dbd_type types[] = {DBD_TYPE_INT, DBD_TYPE_STRING,
                                     DBD_TYPE_STRING, DBD_TYPE_INT,
                                     DBD_TYPE_STRING};
    dbd_result *r = dbd_result_new();
    if (r == NULL || dbd_result_set_columns(r, 5, cols, types) != 0)
        goto fail;
    dbd_value rows[3][5] = {
        {dbd_int(1), str("0"), str("49"), dbd_int(1), str("1,2")},
        {dbd_int(2), str("0"), str(""), dbd_int(0), str("2")},
        {dbd_int(3), str("0"), str("4930"), dbd_int(5), str("3,1")},
    };
    for (size_t i = 0; i < 3; i++)
        if (dbd_result_add_row(r, rows[i]) != 0)
            goto fail;
    return r;
fail:
    dbd_result_destroy(&r);
    return NULL;
}

static dbd_result *gateways_result(void)
{
    static const char *const cols[] = {"gwid", "address", "strip",
                                       "pri_prefix"};
    static const dbd_type types[] = {DBD_TYPE_INT, DBD_TYPE_STRING,
                                     DBD_TYPE_INT, DBD_TYPE_STRING};
    dbd_result *r = dbd_result_new();
    if (r == NULL || dbd_result_set_columns(r, 4, cols, types) != 0)
        goto fail;
    dbd_value rows[2][4] = {
        {dbd_int(1), str("192.0.2.10:5060"), dbd_int(2), str("00")},
        {dbd_int(2), str("gw.example.com"), dbd_int(0), dbd_null()},
    };
    for (size_t i = 0; i < 2; i++)
        if (dbd_result_add_row(r, rows[i]) != 0)
            goto fail;
    return r;
fail:
    dbd_result_destroy(&r);
    return NULL;
}

/* ---- routing: rules, gateways and the rewrite ---- */

static void route(const char *number, const dbd_result *rules,
                  const dbd_result *gws)
{
    route_rule rule = {0};
    route_gateway gw = {0};
    int64_t ids[ROUTE_GWLIST_MAX];
    size_t nids = 0;
    char err[256], out[256];
    dbd_request *q = route_query_rules(DS, "dr_rules", number, "0");

    check_request("rules query", q);
    dbd_request_destroy(&q);
    if (route_pick_rule(rules, number, &rule, err, sizeof err) != 0)
        goto out;
    (void)route_gwlist_parse(rule.gwlist, ids, &nids, err, sizeof err);
    q = route_query_gateways(DS, "dr_gateways", &rule);
    check_request("gateways query", q);
    dbd_request_destroy(&q);
    if (route_pick_gateway(gws, &rule, &gw, err, sizeof err) == 0)
        (void)route_rewrite(number, gw.strip, gw.pri_prefix, out,
                            sizeof out);
out:
    route_rule_free(&rule);
    route_gateway_free(&gw);
}

/* ---- a dbd reply as the daemon's answer ---- */

static void reply(const uint8_t *data, size_t size)
{
    dbd_result *r = dbd_result_new();
    reg_binding *b = NULL;
    size_t n = 0;
    uint64_t id;
    bool more;
    char err[256];

    if (r == NULL ||
        dbd_reply_decode(data, size, r, &id, &more, err, sizeof err) !=
            DBD_OK)
        goto out;
    if (reg_bindings_from_result(r, &b, &n, err, sizeof err) == 0)
        (void)reg_pick_best(b, n, NOW_US);
    route("4930123", r, r);
out:
    reg_bindings_free(b, n);
    dbd_result_destroy(&r);
}

/* ---- SIP ---- */

static void new_ruid(void *ctx, char *buf, size_t len)
{
    unsigned *seq = ctx;
    snprintf(buf, len, "uloc-fuzz-%u", (*seq)++);
}

static void registrar(const osip_message_t *m, const char *user,
                      const char *domain)
{
    static const reg_limits lim = {60, 3600, 1800};
    sp_contacts cs;
    reg_request rq;
    reg_plan plan;
    reg_binding *existing = NULL;
    size_t nexisting = 0;
    dbd_result *rows = NULL;
    char *callid = NULL;
    char err[256];
    unsigned seq = 0;
    bool planned = false;

    memset(&cs, 0, sizeof cs);
    memset(&rq, 0, sizeof rq);
    dbd_request *q = reg_query_bindings(DS, "location", user, domain);
    check_request("bindings query", q);
    if (q == NULL || (rows = bindings_result(q)) == NULL)
        goto out;
    if (reg_bindings_from_result(rows, &existing, &nexisting, err,
                                 sizeof err) != 0)
        fail("the fixture bindings do not read", err);
    if (sp_contacts_read(m, &cs) != NULL)
        goto out;
    sp_contacts_fill_request(m, &cs, &rq);
    if (rq.header_expires_s == -2 ||
        osip_call_id_to_str(m->call_id, &callid) != 0)
        goto out;
    rq.username = user;
    rq.domain = domain;
    rq.callid = callid;
    rq.received = "sip:192.0.2.99:5060";
    rq.socket = "udp:192.0.2.1:5060";
    rq.now_us = NOW_US;
    /* Both ruid makers: the daemon's derived one and a sequence. */
    if (reg_plan_make(&rq, &lim, existing, nexisting, DS, "location",
                      (m->cseq->number[0] & 1) ? new_ruid : NULL, &seq,
                      &plan) != 0)
        goto out;
    planned = true;
    check_request("registrar writes", plan.writes);
    if (plan.code == 200 && plan.writes != NULL) {
        dbd_buf b;
        dbd_buf_init(&b);
        (void)dbd_request_encode(plan.writes, &b);
        dbd_buf_free(&b);
    }
out:
    if (planned)
        reg_plan_free(&plan);
    if (callid != NULL)
        osip_free(callid);
    sp_contacts_free(&cs);
    reg_bindings_free(existing, nexisting);
    dbd_result_destroy(&rows);
    dbd_request_destroy(&q);
}

/* The location lookup of a request to a local user, and its routing. */
static void lookup_and_route(const char *user, const char *domain)
{
    reg_binding *b = NULL;
    size_t n = 0;
    dbd_result *rows = NULL, *rules = NULL, *gws = NULL;
    char err[256];
    dbd_request *q = reg_query_lookup(DS, "location", user, domain, NOW_US);

    check_request("lookup query", q);
    if (q != NULL && (rows = bindings_result(q)) != NULL &&
        reg_bindings_from_result(rows, &b, &n, err, sizeof err) == 0)
        (void)reg_pick_best(b, n, NOW_US);
    if ((rules = rules_result()) != NULL && (gws = gateways_result()) != NULL)
        route(user, rules, gws);
    reg_bindings_free(b, n);
    dbd_result_destroy(&rows);
    dbd_result_destroy(&rules);
    dbd_result_destroy(&gws);
    dbd_request_destroy(&q);
}

static void credentials(const osip_message_t *m, const osip_list_t *list,
                        const sip_nonce_key *key)
{
    static const sip_digest_alg offered[] = {SIP_DIGEST_MD5,
                                             SIP_DIGEST_SHA256};
    char *ruri = NULL;
    int pos = 0;

    if (m->req_uri != NULL)
        (void)osip_uri_to_str(m->req_uri, &ruri);
    while (!osip_list_eol(list, pos)) {
        osip_authorization_t *h = osip_list_get(list, pos++);
        sip_credentials c;
        char err[256], buf[SIP_DIGEST_HEX_MAX], challenge[512];
        if (sip_credentials_parse(h, &c, err, sizeof err) != 0)
            continue;
        (void)sip_auth_alg_offered(c.alg, offered, 2);
        if (ruri != NULL)
            (void)sip_auth_uri_matches(c.uri, ruri);
        for (int src = 0; src < 2; src++) {
            const char *ha1 = sip_auth_pick_ha1(
                src ? SIP_HA1_PASSWORD : SIP_HA1_COLUMN, &c, "secret",
                "0123456789abcdef0123456789abcdef", "", buf);
            if (ha1 != NULL)
                (void)sip_auth_verify(&c, m->sip_method, REALM, ha1, key,
                                      NOW_S, 300, "192.0.2.99");
        }
        (void)sip_auth_challenge(challenge, sizeof challenge, REALM,
                                 c.nonce, c.alg, true);
        sip_credentials_free(&c);
    }
    if (ruri != NULL)
        osip_free(ruri);
}

static void request(osip_message_t *m, const sip_nonce_key *key)
{
    const char *reason = NULL;
    char tag[SIP_TAG_MAX], *text = NULL;
    size_t len;

    /* As dispatch.c: drop (< 0), answer with that code (> 0), or go on. */
    int code = sip_request_check(m, &reason);
    if (code < 0 || sip_via_fix_received(m, "192.0.2.99", 5060) != 0)
        return;
    (void)sip_max_forwards(m);
    (void)sip_from_tag(m);
    (void)sip_to_tag(m);
    (void)sip_top_branch(m);
    sip_local_tag(m, tag);
    osip_message_t *resp =
        sip_response_new(m, code > 0 ? code : 401, reason, "fuzz");
    if (resp != NULL) {
        if (sip_add_header(resp, "WWW-Authenticate", "Digest realm=\"x\"") ==
                0 &&
            sip_serialize(resp, &text, &len) == 0)
            osip_free(text);
        osip_message_free(resp);
    }
    if (code > 0)
        return;
    credentials(m, &m->authorizations, key);
    credentials(m, &m->proxy_authorizations, key);
    if (m->req_uri == NULL || m->req_uri->host == NULL)
        return;
    if (MSG_IS_REGISTER(m)) {
        if (m->to != NULL && m->to->url != NULL &&
            m->to->url->username != NULL && m->to->url->host != NULL)
            registrar(m, m->to->url->username, m->to->url->host);
    } else if (m->req_uri->username != NULL) {
        lookup_and_route(m->req_uri->username, m->req_uri->host);
    }
}

static void sip(const uint8_t *data, size_t size, const sip_nonce_key *key)
{
    /* The worker parses a NUL-terminated receive buffer. */
    char *buf = malloc(size + 1);
    osip_message_t *m = NULL;

    if (buf == NULL)
        return;
    memcpy(buf, data, size);
    buf[size] = '\0';
    if (osip_message_init(&m) != 0)
        goto out;
    if (osip_message_parse(m, buf, size) != 0) {
        osip_message_free(m);
        m = sip_salvage_request(buf, size);
        if (m != NULL) {
            const char *reason;
            if (sip_request_check(m, &reason) >= 0)
                (void)sip_via_fix_received(m, "192.0.2.99", 5060);
        }
        goto out;
    }
    if (MSG_IS_RESPONSE(m))
        (void)sip_response_check(m);
    else
        request(m, key);
out:
    if (m != NULL)
        osip_message_free(m);
    free(buf);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (parser_init() != 0)
        fail("libosip2 parser_init failed", "");
    sip_traces_off();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sip_nonce_key key;

    if (sip_nonce_key_init(&key, "fuzz secret") != 0)
        fail("sip_nonce_key_init failed", "");
    if (size > 0 && ((data[0] & 0xf0) == 0x80 || data[0] == 0xde ||
                     data[0] == 0xdf))
        reply(data, size);
    else
        sip(data, size, &key);
    return 0;
}
