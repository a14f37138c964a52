/*
 * codec_request_decode.c - requests from MessagePack (PROTOCOL.md,
 * "Requests").  Every field's type is checked and named in the messages,
 * and a decoded request ends with dbd_request_validate().
 */
#include "codec.h"
#include "codec_request_keys.h"
#include "codec_value.h"
#include "ident.h"

#include <inttypes.h>
#include <string.h>

/* Keys every top-level request may carry. */
#define KEYS_COMMON (KB(K_V) | KB(K_ID) | KB(K_OP) | KB(K_CLIENT) | \
                     KB(K_DEADLINE) | KB(K_TIMEOUT))

/* Keys a sub-operation of a batch may not carry (they belong to the batch). */
#define KEYS_TOP_ONLY (KB(K_V) | KB(K_ID) | KB(K_CLIENT) | KB(K_DS) | \
                       KB(K_DEADLINE) | KB(K_TIMEOUT) | KB(K_ATOMIC) | \
                       KB(K_OPS))

static bool op_reserved(dbd_op_kind k)
{
    return k == DBD_OP_MIGRATE;
}

/* Ops a batch may contain. */
static bool op_in_batch(dbd_op_kind k)
{
    return k == DBD_OP_QUERY || k == DBD_OP_INSERT || k == DBD_OP_UPDATE ||
           k == DBD_OP_DELETE || k == DBD_OP_REPLACE || k == DBD_OP_RAW;
}

typedef struct dec {
    dbd_request *req;
    char *err;
    size_t errlen;
    dbd_status st; /* BAD for bad input, INTERNAL when memory ran out */
} dec;

/*
 * Where a field sits in the request, as a chain of segments on the stack:
 * a key (".where", or "where" first) or an index ("[2]").  It is written
 * out only when an error is reported, so that a good request costs no
 * formatting; the empty chain is the request itself.
 */
typedef struct path {
    const struct path *up; /* the enclosing field; NULL at the top */
    const char *key;       /* NULL: an index segment */
    uint32_t index;
} path;

#define PATH_KEY(up_, key_) ((path){.up = (up_), .key = (key_)})
#define PATH_INDEX(up_, i_) ((path){.up = (up_), .index = (i_)})

static void path_append(const path *p, char *out, size_t outlen)
{
    size_t n;

    if (p == NULL)
        return;
    path_append(p->up, out, outlen);
    n = strlen(out);
    if (p->key != NULL)
        dbd_errf(out + n, outlen - n, "%s%s", n > 0 ? "." : "", p->key);
    else
        dbd_errf(out + n, outlen - n, "[%" PRIu32 "]", p->index);
}

/* "ops[2].where[0]"; "request" for the request itself. */
static void path_format(const path *p, char *out, size_t outlen)
{
    out[0] = '\0';
    path_append(p, out, outlen);
    if (out[0] == '\0')
        dbd_errf(out, outlen, "request");
}

/* Records "path: message"; returns -1 for the caller to pass up. */
__attribute__((format(printf, 3, 4)))
static int fail(dec *d, const path *at, const char *fmt, ...)
{
    char where[192], msg[256];
    va_list ap;

    va_start(ap, fmt);
    dbd_verrf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    path_format(at, where, sizeof where);
    dbd_errf(d->err, d->errlen, "%s: %s", where, msg);
    d->st = DBD_BAD;
    return -1;
}

static int oom(dec *d)
{
    dbd_errf(d->err, d->errlen, "out of memory");
    d->st = DBD_INTERNAL;
    return -1;
}

static int want_type(dec *d, const path *at, const msgpack_object *o,
                     msgpack_object_type type, const char *what)
{
    if (o->type == type)
        return 0;
    return fail(d, at, "expected %s, got %s", what, dbd_mp_type_name(o));
}

static int want_count(dec *d, const path *at, uint32_t n)
{
    if (n <= DBD_CODEC_MAX_ITEMS)
        return 0;
    return fail(d, at, "%" PRIu32 " elements (at most %d)", n,
                DBD_CODEC_MAX_ITEMS);
}

/* Zeroed arena array; *out stays NULL for n == 0. */
static int alloc_array(dec *d, size_t n, size_t size, void *out)
{
    void *p = NULL;
    if (n > 0 && (p = dbd_arena_calloc(d->req->arena, n, size)) == NULL)
        return oom(d);
    memcpy(out, &p, sizeof p);
    return 0;
}

/* An array within the item limit, and a zeroed arena array of as many
 * elements of size bytes for what it decodes to (see alloc_array()). */
static int get_array(dec *d, const path *at, const msgpack_object *o,
                     size_t size, void *out)
{
    if (want_type(d, at, o, MSGPACK_OBJECT_ARRAY, "an array") != 0 ||
        want_count(d, at, o->via.array.size) != 0)
        return -1;
    return alloc_array(d, o->via.array.size, size, out);
}

/* A non-negative integer up to INT64_MAX. */
static int get_count(dec *d, const path *at, const msgpack_object *o,
                     int64_t *out)
{
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        return fail(d, at, "must not be negative");
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return fail(d, at, "expected an unsigned integer, got %s",
                    dbd_mp_type_name(o));
    if (o->via.u64 > (uint64_t)INT64_MAX)
        return fail(d, at, "%" PRIu64 " out of range", o->via.u64);
    *out = (int64_t)o->via.u64;
    return 0;
}

static int get_string(dec *d, const path *at, const msgpack_object *o,
                      const char **out, size_t *len)
{
    if (want_type(d, at, o, MSGPACK_OBJECT_STR, "a string") != 0)
        return -1;
    *out = dbd_arena_strndup(d->req->arena,
                             o->via.str.size ? o->via.str.ptr : "",
                             o->via.str.size);
    if (*out == NULL)
        return oom(d);
    if (len != NULL)
        *len = o->via.str.size;
    return 0;
}

/*
 * A datasource name: any string without NUL bytes here; its character rule
 * is dbd_request_validate()'s.
 */
static int get_ds(dec *d, const path *at, const msgpack_object *o,
                  const char **out)
{
    if (want_type(d, at, o, MSGPACK_OBJECT_STR, "a string") != 0)
        return -1;
    if (o->via.str.size > 0 && memchr(o->via.str.ptr, '\0', o->via.str.size)) {
        char q[160];
        dbd_quote(o->via.str.ptr, o->via.str.size, q, sizeof q);
        return fail(d, at, "invalid datasource name %s", q);
    }
    return get_string(d, at, o, out, NULL);
}

/* The client's name: checked here on the bytes, since a NUL inside would
 * hide the rest from dbd_request_validate(). */
static int get_client(dec *d, const path *at, const msgpack_object *o,
                      const char **out)
{
    if (want_type(d, at, o, MSGPACK_OBJECT_STR, "a string") != 0)
        return -1;
    if (!dbd_request_client_valid(o->via.str.ptr, o->via.str.size))
        return fail(d, at, DBD_REQUEST_CLIENT_RULE);
    return get_string(d, at, o, out, NULL);
}

/* A table or column name: a string passing dbd_ident_valid(). */
static int get_ident(dec *d, const path *at, const msgpack_object *o,
                     const char **out)
{
    if (want_type(d, at, o, MSGPACK_OBJECT_STR, "a string") != 0)
        return -1;
    if (!dbd_ident_valid(o->via.str.ptr, o->via.str.size)) {
        char q[160];
        dbd_quote(o->via.str.ptr, o->via.str.size, q, sizeof q);
        return fail(d, at, "bad identifier %s", q);
    }
    return get_string(d, at, o, out, NULL);
}

static int get_value(dec *d, const path *at, const msgpack_object *o,
                     dbd_value *v)
{
    char why[160];

    if (dbd_unpack_value(o, d->req->arena, v, why, sizeof why) == 0)
        return 0;
    if (strcmp(why, "out of memory") == 0)
        return oom(d);
    return fail(d, at, "%s", why);
}

static int get_values(dec *d, const path *at, const msgpack_object *o,
                      dbd_value **out, size_t *n)
{
    if (get_array(d, at, o, sizeof **out, out) != 0)
        return -1;
    for (uint32_t i = 0; i < o->via.array.size; i++) {
        const path sub = PATH_INDEX(at, i);
        if (get_value(d, &sub, &o->via.array.ptr[i], &(*out)[i]) != 0)
            return -1;
    }
    *n = o->via.array.size;
    return 0;
}

static int get_names(dec *d, const path *at, const msgpack_object *o,
                     const char ***out, size_t *n)
{
    if (get_array(d, at, o, sizeof **out, out) != 0)
        return -1;
    for (uint32_t i = 0; i < o->via.array.size; i++) {
        const path sub = PATH_INDEX(at, i);
        if (get_ident(d, &sub, &o->via.array.ptr[i], &(*out)[i]) != 0)
            return -1;
    }
    *n = o->via.array.size;
    return 0;
}

static int get_cond(dec *d, const path *at, const msgpack_object *o,
                    dbd_cond *c)
{
    if (want_type(d, at, o, MSGPACK_OBJECT_ARRAY,
                  "an array [column, operator, value]") != 0)
        return -1;
    const msgpack_object *e = o->via.array.ptr;
    const uint32_t n = o->via.array.size;
    if (n < 2 || n > 3)
        return fail(d, at, "%" PRIu32 " elements (want [column, operator]"
                    " or [column, operator, value])", n);
    if (get_ident(d, at, &e[0], &c->column) != 0)
        return -1;
    if (e[1].type != MSGPACK_OBJECT_STR)
        return fail(d, at, "operator: expected a string, got %s",
                    dbd_mp_type_name(&e[1]));
    if (!dbd_cmp_from_name(e[1].via.str.ptr, e[1].via.str.size, &c->cmp)) {
        char q[160];
        dbd_quote(e[1].via.str.ptr, e[1].via.str.size, q, sizeof q);
        return fail(d, at, "operator %s unknown", q);
    }
    const char *opname = dbd_cmp_name(c->cmp);
    if (c->cmp == DBD_CMP_ISNULL || c->cmp == DBD_CMP_NOTNULL) {
        if (n != 2)
            return fail(d, at, "\"%s\" takes no value", opname);
        c->value = dbd_null();
        return 0;
    }
    if (n != 3)
        return fail(d, at, "\"%s\" needs a value", opname);
    if (c->cmp == DBD_CMP_IN) {
        if (e[2].type != MSGPACK_OBJECT_ARRAY || e[2].via.array.size == 0)
            return fail(d, at, "\"in\" needs a non-empty array, got %s",
                        e[2].type == MSGPACK_OBJECT_ARRAY
                            ? "an empty one" : dbd_mp_type_name(&e[2]));
        dbd_value *list = NULL;
        if (get_values(d, at, &e[2], &list, &c->nlist) != 0)
            return -1;
        c->list = list;
        c->value = dbd_null();
        return 0;
    }
    if (get_value(d, at, &e[2], &c->value) != 0)
        return -1;
    if (c->cmp == DBD_CMP_BITAND && c->value.type != DBD_TYPE_INT)
        return fail(d, at, "\"&\" needs an int value, got %s",
                    dbd_type_name(c->value.type));
    return 0;
}

static int get_where(dec *d, const path *at, const msgpack_object *o,
                     dbd_op *op)
{
    if (get_array(d, at, o, sizeof *op->where, &op->where) != 0)
        return -1;
    for (uint32_t i = 0; i < o->via.array.size; i++) {
        const path sub = PATH_INDEX(at, i);
        if (get_cond(d, &sub, &o->via.array.ptr[i], &op->where[i]) != 0)
            return -1;
    }
    op->nwhere = o->via.array.size;
    return 0;
}

static int get_order(dec *d, const path *at, const msgpack_object *o,
                     dbd_op *op)
{
    if (get_array(d, at, o, sizeof *op->order, &op->order) != 0)
        return -1;
    for (uint32_t i = 0; i < o->via.array.size; i++) {
        const msgpack_object *e = &o->via.array.ptr[i];
        const path sub = PATH_INDEX(at, i);
        if (want_type(d, &sub, e, MSGPACK_OBJECT_ARRAY,
                      "an array [column, \"asc\"|\"desc\"]") != 0)
            return -1;
        if (e->via.array.size != 2)
            return fail(d, &sub, "%" PRIu32 " elements (want [column, "
                        "\"asc\"|\"desc\"])", e->via.array.size);
        if (get_ident(d, &sub, &e->via.array.ptr[0], &op->order[i].column) != 0)
            return -1;
        const msgpack_object *dir = &e->via.array.ptr[1];
        if (dbd_mp_str_eq(dir, "asc") || dbd_mp_str_eq(dir, "desc")) {
            op->order[i].desc = dbd_mp_str_eq(dir, "desc");
        } else if (dir->type == MSGPACK_OBJECT_STR) {
            char q[160];
            dbd_quote(dir->via.str.ptr, dir->via.str.size, q, sizeof q);
            return fail(d, &sub, "direction %s unknown (want \"asc\" or "
                        "\"desc\")", q);
        } else {
            return fail(d, &sub, "direction: expected a string, got %s",
                        dbd_mp_type_name(dir));
        }
    }
    op->norder = o->via.array.size;
    return 0;
}

/* "values" and "set": a map of column name to value. */
static int get_assigns(dec *d, const path *at, const msgpack_object *o,
                       dbd_op *op)
{
    if (want_type(d, at, o, MSGPACK_OBJECT_MAP, "a map") != 0 ||
        want_count(d, at, o->via.map.size) != 0 ||
        alloc_array(d, o->via.map.size, sizeof *op->values, &op->values) != 0)
        return -1;
    for (uint32_t i = 0; i < o->via.map.size; i++) {
        const msgpack_object_kv *kv = &o->via.map.ptr[i];
        if (get_ident(d, at, &kv->key, &op->values[i].column) != 0)
            return -1;
        const path sub = PATH_KEY(at, op->values[i].column);
        if (get_value(d, &sub, &kv->val, &op->values[i].value) != 0)
            return -1;
    }
    op->nvalues = o->via.map.size;
    return 0;
}

static int decode_op(dec *d, const msgpack_object *m, const path *at,
                     dbd_op *op, bool top);

static int get_ops(dec *d, const path *at, const msgpack_object *o,
                   dbd_op *op)
{
    if (get_array(d, at, o, sizeof *op->ops, &op->ops) != 0)
        return -1;
    for (uint32_t i = 0; i < o->via.array.size; i++) {
        const path sub = PATH_INDEX(at, i);
        if (decode_op(d, &o->via.array.ptr[i], &sub, &op->ops[i], false) != 0)
            return -1;
    }
    op->nops = o->via.array.size;
    return 0;
}

static int get_op_kind(dec *d, const path *at, const msgpack_object *o,
                       dbd_op_kind *kind)
{
    if (want_type(d, at, o, MSGPACK_OBJECT_STR, "a string") != 0)
        return -1;
    if (!dbd_op_from_name(o->via.str.ptr, o->via.str.size, kind)) {
        char q[160];
        dbd_quote(o->via.str.ptr, o->via.str.size, q, sizeof q);
        return fail(d, at, "%s unknown", q);
    }
    return 0;
}

static int lookup_key(const msgpack_object *key, req_key *k)
{
    /* The first byte rules out most names before a full comparison. */
    if (key->type != MSGPACK_OBJECT_STR || key->via.str.size == 0)
        return -1;
    for (int i = 0; i < K_COUNT; i++) {
        if (key_names[i][0] == key->via.str.ptr[0] &&
            dbd_mp_str_eq(key, key_names[i])) {
            *k = (req_key)i;
            return 0;
        }
    }
    return -1;
}

/* One field of an op whose kind is known; v, id and op are done already. */
static int decode_field(dec *d, const path *at, req_key k,
                        const msgpack_object *o, dbd_op *op)
{
    dbd_request *req = d->req;

    switch (k) {
    case K_CLIENT:
        return get_client(d, at, o, &req->client);
    case K_DS:
        return get_ds(d, at, o, &req->datasource);
    case K_TABLE:
        return get_ident(d, at, o, &op->table);
    case K_DEADLINE:
        return get_count(d, at, o, &req->deadline_usec);
    case K_TIMEOUT:
        return get_count(d, at, o, &req->timeout_msec);
    case K_COLUMNS:
        return get_names(d, at, o, &op->columns, &op->ncolumns);
    case K_WHERE:
        return get_where(d, at, o, op);
    case K_ORDER:
        return get_order(d, at, o, op);
    case K_LIMIT:
        return get_count(d, at, o, &op->limit);
    case K_OFFSET:
        return get_count(d, at, o, &op->offset);
    case K_VALUES:
    case K_SET:
        return get_assigns(d, at, o, op);
    case K_KEYS:
        return get_names(d, at, o, &op->keys, &op->nkeys);
    case K_SQL:
        return get_string(d, at, o, &op->sql, &op->sql_len);
    case K_PARAMS:
        return get_values(d, at, o, &op->params, &op->nparams);
    case K_ATOMIC:
        if (want_type(d, at, o, MSGPACK_OBJECT_BOOLEAN, "a bool") != 0)
            return -1;
        op->atomic = o->via.boolean;
        return 0;
    case K_OPS:
        return get_ops(d, at, o, op);
    case K_URL:
        return get_string(d, at, o, &op->url, NULL);
    case K_MODE:
        return get_string(d, at, o, &op->mode, NULL);
    default:
        return 0;
    }
}

/* The fields an op cannot do without, named as on the wire. */
static int check_required(dec *d, const path *at, const dbd_op *op,
                          bool top)
{
    const unsigned keys = op_keys[op->kind];
    req_key missing = K_COUNT;

    if (op_reserved(op->kind) || op->kind == DBD_OP_PING)
        return 0;
    if (top && (keys & KB(K_DS)) && d->req->datasource == NULL)
        missing = K_DS;
    else if ((keys & KB(K_TABLE)) && op->table == NULL)
        missing = K_TABLE;
    else if ((keys & KB(K_VALUES)) && op->nvalues == 0)
        missing = K_VALUES;
    else if ((keys & KB(K_SET)) && op->nvalues == 0)
        missing = K_SET;
    else if ((keys & KB(K_KEYS)) && op->nkeys == 0)
        missing = K_KEYS;
    else if ((keys & KB(K_SQL)) && op->sql == NULL)
        missing = K_SQL;
    else if ((keys & KB(K_OPS)) && op->nops == 0)
        missing = K_OPS;
    else if ((keys & KB(K_URL)) && (op->url == NULL || op->url[0] == '\0'))
        missing = K_URL;
    if (missing == K_COUNT)
        return 0;
    const path field = PATH_KEY(at, key_names[missing]);
    return fail(d, &field, "missing or empty");
}

/*
 * One request map (top) or one sub-operation map of a batch.  For the top
 * map, v, id and op have been read by the caller and op->kind is set.
 */
static int decode_op(dec *d, const msgpack_object *m, const path *at,
                     dbd_op *op, bool top)
{
    unsigned seen = 0;

    if (!top) {
        if (m->type != MSGPACK_OBJECT_MAP) {
            return fail(d, at, "expected a map, got %s",
                        dbd_mp_type_name(m));
        }
        op->limit = -1;
        const msgpack_object *kind = NULL;
        for (uint32_t i = 0; i < m->via.map.size; i++)
            if (dbd_mp_str_eq(&m->via.map.ptr[i].key, "op"))
                kind = &m->via.map.ptr[i].val;
        const path field = PATH_KEY(at, "op");
        if (kind == NULL)
            return fail(d, &field, "missing");
        if (get_op_kind(d, &field, kind, &op->kind) != 0)
            return -1;
        if (!op_in_batch(op->kind))
            return fail(d, &field, "\"%s\" not allowed in a batch",
                        dbd_op_name(op->kind));
    }
    op->atomic = op->kind == DBD_OP_BATCH; /* the default, as the builder's */
    const unsigned allowed = op_keys[op->kind] |
                             (top ? KEYS_COMMON : KB(K_OP));
    for (uint32_t i = 0; i < m->via.map.size; i++) {
        const msgpack_object_kv *kv = &m->via.map.ptr[i];
        req_key k;
        if (kv->key.type != MSGPACK_OBJECT_STR) {
            return fail(d, at, "map key of type %s (keys are strings)",
                        dbd_mp_type_name(&kv->key));
        }
        if (lookup_key(&kv->key, &k) != 0)
            continue; /* unknown keys are for later versions */
        const path field = PATH_KEY(at, key_names[k]);
        if (seen & KB(k))
            return fail(d, &field, "duplicate key");
        seen |= KB(k);
        if (k == K_OP || (top && (k == K_V || k == K_ID)))
            continue; /* read before */
        if (!top && (KEYS_TOP_ONLY & KB(k)))
            return fail(d, &field, "not allowed in a batch operation");
        /* Shapes of reserved ops are not defined yet; the client name is
         * read anyway, so that the audit trail can say who asked. */
        if (op_reserved(op->kind) && k != K_CLIENT)
            continue;
        if (!(allowed & KB(k)))
            return fail(d, &field, "not used by %s", dbd_op_name(op->kind));
        if (decode_field(d, &field, k, &kv->val, op) != 0)
            return -1;
    }
    return check_required(d, at, op, top);
}

/* Reads "id" first so that even a bad request gets a reply carrying it. */
static int decode_head(dec *d, const msgpack_object *m, uint64_t *id,
                       uint32_t *version, dbd_op_kind *kind)
{
    const msgpack_object *o_id = NULL, *o_v = NULL, *o_op = NULL;
    const path id_path = PATH_KEY(NULL, "id"), v_path = PATH_KEY(NULL, "v"),
               op_path = PATH_KEY(NULL, "op");

    for (uint32_t i = 0; i < m->via.map.size; i++) {
        const msgpack_object_kv *kv = &m->via.map.ptr[i];
        if (o_id == NULL && dbd_mp_str_eq(&kv->key, "id"))
            o_id = &kv->val;
        else if (o_v == NULL && dbd_mp_str_eq(&kv->key, "v"))
            o_v = &kv->val;
        else if (o_op == NULL && dbd_mp_str_eq(&kv->key, "op"))
            o_op = &kv->val;
    }
    if (o_id == NULL)
        return fail(d, &id_path, "missing");
    if (o_id->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return fail(d, &id_path, "expected an unsigned integer, got %s",
                    dbd_mp_type_name(o_id));
    *id = o_id->via.u64;
    if (o_v == NULL)
        return fail(d, &v_path, "missing");
    if (o_v->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return fail(d, &v_path, "expected an unsigned integer, got %s",
                    dbd_mp_type_name(o_v));
    if (o_v->via.u64 < DBD_PROTOCOL_MIN_VERSION ||
        o_v->via.u64 > DBD_PROTOCOL_VERSION) {
        dbd_errf(d->err, d->errlen, "unsupported protocol version %" PRIu64
                 " (server speaks %d..%d)", o_v->via.u64,
                 DBD_PROTOCOL_MIN_VERSION, DBD_PROTOCOL_VERSION);
        d->st = DBD_BAD;
        return -1;
    }
    *version = (uint32_t)o_v->via.u64;
    if (o_op == NULL)
        return fail(d, &op_path, "missing");
    return get_op_kind(d, &op_path, o_op, kind);
}

dbd_status dbd_request_decode(const void *data, size_t len,
                              dbd_request **out, uint64_t *id, char *err,
                              size_t errlen)
{
    msgpack_unpacked u;
    dec d = {.err = err, .errlen = errlen, .st = DBD_BAD};
    uint64_t req_id = 0;
    uint32_t version = 0;
    dbd_op_kind kind = DBD_OP_PING;
    dbd_status st;

    *out = NULL;
    *id = 0;
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    st = dbd_mp_unpack_map(data, len, &u, err, errlen);
    if (st != DBD_OK)
        goto out;
    st = DBD_BAD;
    if (decode_head(&d, &u.data, &req_id, &version, &kind) != 0) {
        *id = req_id;
        st = d.st;
        goto out;
    }
    *id = req_id;
    d.req = dbd_request_new(kind, NULL, NULL);
    if (d.req == NULL) {
        dbd_errf(err, errlen, "out of memory");
        st = DBD_INTERNAL;
        goto out;
    }
    d.req->version = version;
    d.req->id = req_id;
    d.req->datasource = NULL;
    d.req->deadline_usec = 0;
    d.req->timeout_msec = 0;
    d.req->op.limit = -1;
    d.req->op.offset = 0;
    if (decode_op(&d, &u.data, NULL, &d.req->op, true) != 0) {
        st = d.st;
        goto out;
    }
    st = dbd_request_validate(d.req, err, errlen);
    if (st != DBD_OK)
        goto out;
    *out = d.req;
    d.req = NULL;
out:
    dbd_request_destroy(&d.req);
    msgpack_unpacked_destroy(&u);
    return st;
}
