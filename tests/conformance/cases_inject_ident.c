/*
 * cases_inject_ident.c - the injection corpus as identifiers: every
 * table or column name below, wherever a name goes (table, columns, where,
 * in, null, order, values, set, keys, inside a batch), is answered BAD by
 * dbd, whose checks run before any connector sees a name, and the backend
 * is unchanged (inject_common.c's fingerprint).
 *
 * The requests go out on a socket of the case's own, encoded by the codec
 * and then patched, since the request builder takes C strings and a NUL
 * inside a name could not be sent otherwise.
 */
#include "conf.h"
#include "codec.h"

#include <string.h>
#include <zmq.h>

typedef conf_bytes bytes;
#define B CONF_BYTES

/* Names that are not identifiers.  NUL-led tails hide behind a valid
 * prefix from anything that reads them as C strings. */
#define X8 "xxxxxxxx"
static const bytes idents[] = {
    B("conf\0"), B("conf\0; DROP TABLE conf"), B("k\0"), B("grp\0x"),
    B("\0"), B(""), B("conf;"), B("conf; DELETE FROM conf; --"),
    B("conf--"), B("conf/*x*/"), B("conf#"), B("conf'"), B("conf\""),
    B("conf`"), B("[conf]"), B("conf)"), B("conf("), B("conf*"), B("*"),
    B("conf\\"), B("conf\\2a"), B("cn=x,dc=y"), B("=,+<>#;"),
    B("conf\xc0\xaf"), B("\xe0\x80\xaf"), B("conf\xed\xa0\x80"), B("\x80"),
    B("conf\xff"), B("conf "), B(" conf"), B("conf.k"), B("main.conf"),
    B("1conf"), B("conf\n"), B("c\xc3\xb6nf"),
    B("k" X8 X8 X8 X8 X8 X8 X8 X8), /* 65 characters */
};
#define NIDENTS (sizeof idents / sizeof idents[0])

/* Stands for the identifier under test in a request, until patched. */
#define PLACEHOLDER "zInjIdentz"

/* --- identifiers: sent on a socket of their own ------------------------ */

typedef struct inj_wire {
    void *zctx;
    void *sock;
    uint64_t next_id;
} inj_wire;

static void wire_open(conf_t *T, inj_wire *w)
{
    int zero = 0;

    w->next_id = 0;
    w->zctx = zmq_ctx_new();
    w->sock = w->zctx != NULL ? zmq_socket(w->zctx, ZMQ_DEALER) : NULL;
    if (w->sock == NULL ||
        zmq_setsockopt(w->sock, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        zmq_connect(w->sock, T->endpoint) != 0)
        conf_die("cannot open a socket to dbd");
}

static void wire_close(inj_wire *w)
{
    if (w->sock != NULL)
        zmq_close(w->sock);
    if (w->zctx != NULL)
        zmq_ctx_term(w->zctx);
    w->sock = w->zctx = NULL;
}

/* The MessagePack str form of s (header and bytes). */
static void pack_str(dbd_buf *b, const char *s, size_t len)
{
    unsigned char h[3];
    size_t nh;

    if (len < 32) {
        h[0] = (unsigned char)(0xa0 | len);
        nh = 1;
    } else if (len < 256) {
        h[0] = 0xd9;
        h[1] = (unsigned char)len;
        nh = 2;
    } else {
        h[0] = 0xda;
        h[1] = (unsigned char)(len >> 8);
        h[2] = (unsigned char)len;
        nh = 3;
    }
    if (dbd_buf_append(b, h, nh) != 0 || dbd_buf_append(b, s, len) != 0)
        conf_die("out of memory");
}

/* Encodes *pq (destroyed) with every PLACEHOLDER string replaced by id,
 * sends it and waits for its reply; never NULL. */
static dbd_result *wire_call(inj_wire *w, dbd_request **pq, const bytes *id)
{
    dbd_buf enc, pat, out;
    dbd_result *r = dbd_result_new();
    uint64_t want = ++w->next_id;
    int64_t deadline = dbd_now_usec() + (int64_t)CONF_TIMEOUT_MS * 1000;
    bool more = true;

    dbd_buf_init(&enc);
    dbd_buf_init(&pat);
    dbd_buf_init(&out);
    if (r == NULL)
        conf_die("out of memory");
    (*pq)->version = DBD_PROTOCOL_VERSION;
    (*pq)->id = want;
    if (dbd_request_encode(*pq, &enc) != 0)
        conf_die("out of memory");
    dbd_request_destroy(pq);
    pack_str(&pat, PLACEHOLDER, strlen(PLACEHOLDER));
    for (size_t i = 0; i < enc.len;) {
        if (enc.len - i >= pat.len &&
            memcmp(enc.data + i, pat.data, pat.len) == 0) {
            pack_str(&out, id->p, id->len);
            i += pat.len;
        } else {
            if (dbd_buf_append(&out, enc.data + i, 1) != 0)
                conf_die("out of memory");
            i++;
        }
    }
    if (zmq_send(w->sock, out.data, out.len, 0) < 0)
        conf_die("zmq_send failed");
    while (more) {
        zmq_pollitem_t item = {.socket = w->sock, .events = ZMQ_POLLIN};
        int64_t left = (deadline - dbd_now_usec()) / 1000;
        zmq_msg_t msg;
        uint64_t got = 0;
        char err[256];

        if (left <= 0 || zmq_poll(&item, 1, (long)left) <= 0) {
            if (dbd_result_set_status(r, DBD_TIMEOUT, "no reply from dbd"))
                conf_die("out of memory");
            break;
        }
        if (zmq_msg_init(&msg) != 0 || zmq_msg_recv(&msg, w->sock, 0) < 0)
            conf_die("zmq_msg_recv failed");
        if (!dbd_reply_peek_id(zmq_msg_data(&msg), zmq_msg_size(&msg),
                               &got) ||
            got != want) {
            zmq_msg_close(&msg); /* a late reply to an earlier request */
            continue;
        }
        if (dbd_reply_decode(zmq_msg_data(&msg), zmq_msg_size(&msg), r, &got,
                             &more, err, sizeof err) != DBD_OK) {
            more = false;
            if (dbd_result_set_status(r, DBD_INTERNAL, err) != 0)
                conf_die("out of memory");
        }
        zmq_msg_close(&msg);
    }
    dbd_buf_free(&enc);
    dbd_buf_free(&pat);
    dbd_buf_free(&out);
    return r;
}

/* The requests an identifier goes into, each with PLACEHOLDER for it. */
enum {
    ID_QUERY_TABLE, ID_INSERT_TABLE, ID_UPDATE_TABLE, ID_DELETE_TABLE,
    ID_DELETE_ALL_TABLE, ID_REPLACE_TABLE, ID_BATCH_TABLE,
    ID_COLUMNS, ID_WHERE, ID_WHERE_IN, ID_WHERE_NULL, ID_ORDER,
    ID_INSERT_COLUMN, ID_SET_COLUMN, ID_UPDATE_WHERE, ID_DELETE_WHERE,
    ID_REPLACE_KEY, ID_BATCH_COLUMN, ID_COUNT
};

static const char *const id_uses[ID_COUNT] = {
    "query table", "insert table", "update table", "delete table",
    "delete every row of table", "replace table", "batch table",
    "query columns", "where =", "where in", "where null", "order by",
    "insert column", "update set column", "update where",
    "delete where", "replace keys", "batch column",
};

static dbd_request *id_request(conf_t *T, int use)
{
    static const char P[] = PLACEHOLDER;
    dbd_value a = conf_s("a"), one = dbd_int(1);
    dbd_request *q = NULL;
    dbd_op *op;

    switch (use) {
    case ID_QUERY_TABLE:
        q = conf_req_on(T, DBD_OP_QUERY, P);
        break;
    case ID_INSERT_TABLE:
        q = conf_req_on(T, DBD_OP_INSERT, P);
        conf_value(q, &q->op, "k", conf_s("ident"));
        break;
    case ID_UPDATE_TABLE:
        q = conf_req_on(T, DBD_OP_UPDATE, P);
        conf_value(q, &q->op, "i", one);
        conf_where(q, &q->op, "k", DBD_CMP_EQ, a);
        break;
    case ID_DELETE_TABLE:
        q = conf_req_on(T, DBD_OP_DELETE, P);
        conf_where(q, &q->op, "k", DBD_CMP_EQ, a);
        break;
    case ID_DELETE_ALL_TABLE:
        q = conf_req_on(T, DBD_OP_DELETE, P);
        break;
    case ID_REPLACE_TABLE:
        q = conf_req_on(T, DBD_OP_REPLACE, P);
        conf_value(q, &q->op, "k", a);
        conf_key(q, &q->op, "k");
        break;
    case ID_BATCH_TABLE:
        q = conf_req(T, DBD_OP_BATCH);
        q->op.atomic = false;
        op = conf_add_op(q, DBD_OP_DELETE, P);
        break;
    case ID_COLUMNS:
        q = conf_req(T, DBD_OP_QUERY);
        conf_column(q, &q->op, P);
        break;
    case ID_WHERE:
        q = conf_req(T, DBD_OP_QUERY);
        conf_where(q, &q->op, P, DBD_CMP_EQ, a);
        break;
    case ID_WHERE_IN:
        q = conf_req(T, DBD_OP_QUERY);
        conf_where_in(q, &q->op, P, &a, 1);
        break;
    case ID_WHERE_NULL:
        q = conf_req(T, DBD_OP_QUERY);
        conf_where_null(q, &q->op, P, false);
        break;
    case ID_ORDER:
        q = conf_req(T, DBD_OP_QUERY);
        conf_order(q, &q->op, P, false);
        break;
    case ID_INSERT_COLUMN:
        q = conf_req(T, DBD_OP_INSERT);
        conf_value(q, &q->op, "k", conf_s("ident"));
        conf_value(q, &q->op, P, one);
        break;
    case ID_SET_COLUMN:
        q = conf_req(T, DBD_OP_UPDATE);
        conf_value(q, &q->op, P, one);
        conf_where(q, &q->op, "k", DBD_CMP_EQ, a);
        break;
    case ID_UPDATE_WHERE:
        q = conf_req(T, DBD_OP_UPDATE);
        conf_value(q, &q->op, "i", one);
        conf_where(q, &q->op, P, DBD_CMP_EQ, a);
        break;
    case ID_DELETE_WHERE:
        q = conf_req(T, DBD_OP_DELETE);
        conf_where(q, &q->op, P, DBD_CMP_EQ, a);
        break;
    case ID_REPLACE_KEY:
        q = conf_req(T, DBD_OP_REPLACE);
        conf_value(q, &q->op, "k", a);
        conf_value(q, &q->op, P, one);
        conf_key(q, &q->op, P);
        break;
    case ID_BATCH_COLUMN:
        q = conf_req(T, DBD_OP_BATCH);
        q->op.atomic = false;
        op = conf_add_op(q, DBD_OP_UPDATE, CONF_TABLE);
        conf_value(q, op, P, one);
        break;
    default:
        conf_die("unknown identifier use");
    }
    return q;
}

void case_inject_idents(conf_t *T)
{
    conf_print before[CONF_NPRINT], after[CONF_NPRINT];
    inj_wire w = {0};

    if (!conf_put_sentinels(T))
        return;
    conf_print_take(T, before);
    wire_open(T, &w);
    for (size_t i = 0; i < NIDENTS; i++) {
        char shown[CONF_DESCRIBE_MAX];
        dbd_value v = dbd_string(idents[i].p, idents[i].len);
        int bad = 0;

        conf_describe(&v, shown);
        for (int use = 0; use < ID_COUNT; use++) {
            dbd_request *q = id_request(T, use);
            dbd_result *r = wire_call(&w, &q, &idents[i]);

            if (dbd_result_status(r) != DBD_BAD) {
                bad++;
                ck_status(T, r, DBD_BAD, "identifier #%zu %s as %s", i,
                          shown, id_uses[use]);
            }
            dbd_result_destroy(&r);
        }
        /* One line per identifier when all is well. */
        if (bad == 0)
            conf_ok(T, true, "identifier #%zu %s: BAD in all %d uses", i,
                    shown, ID_COUNT);
    }
    wire_close(&w);
    conf_print_take(T, after);
    conf_print_compare(T, before, after);
}
