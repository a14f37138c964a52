/*
 * codec_request_encode.c - requests to MessagePack (PROTOCOL.md,
 * "Requests").  The keys are written in one fixed order (codec_request_keys.h)
 * so that the bytes are reproducible.
 */
#include "codec.h"
#include "codec_request_keys.h"
#include "codec_value.h"

/* Whether key k is written for op (req is NULL for a batch's sub-op). */
static bool key_present(const dbd_request *req, const dbd_op *op, req_key k)
{
    const bool top = req != NULL;

    if (k == K_OP)
        return true;
    if (k == K_V || k == K_ID)
        return top;
    if (k == K_DEADLINE)
        return top && req->deadline_usec != 0;
    if (k == K_TIMEOUT)
        return top && req->timeout_msec != 0;
    if (k == K_CLIENT)
        return top && req->client != NULL;
    if ((unsigned)op->kind >= DBD_OP_COUNT || !(op_keys[op->kind] & KB(k)))
        return false;
    switch (k) {
    case K_DS: return top && req->datasource != NULL;
    case K_TABLE: return op->table != NULL;
    case K_COLUMNS: return op->ncolumns > 0;
    case K_WHERE: return op->nwhere > 0;
    case K_ORDER: return op->norder > 0;
    case K_LIMIT: return op->limit >= 0;
    case K_OFFSET: return op->offset > 0;
    case K_VALUES: case K_SET: return op->nvalues > 0;
    case K_KEYS: return op->nkeys > 0;
    case K_SQL: return op->sql != NULL;
    case K_PARAMS: return op->nparams > 0;
    case K_ATOMIC: return !op->atomic; /* true is the default */
    case K_OPS: return op->nops > 0;
    case K_URL: return op->url != NULL;
    case K_MODE: return op->mode != NULL;
    default: return false;
    }
}

static int pack_names(msgpack_packer *pk, const char *const *names, size_t n)
{
    if (msgpack_pack_array(pk, n) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (dbd_pack_cstr(pk, names[i]) != 0)
            return -1;
    return 0;
}

static int pack_values(msgpack_packer *pk, const dbd_value *v, size_t n)
{
    if (msgpack_pack_array(pk, n) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (dbd_pack_value(pk, &v[i]) != 0)
            return -1;
    return 0;
}

static int pack_cond(msgpack_packer *pk, const dbd_cond *c)
{
    const char *name = dbd_cmp_name(c->cmp);
    const bool novalue = c->cmp == DBD_CMP_ISNULL || c->cmp == DBD_CMP_NOTNULL;

    if (name == NULL || c->column == NULL)
        return -1;
    if (msgpack_pack_array(pk, novalue ? 2 : 3) != 0 ||
        dbd_pack_cstr(pk, c->column) != 0 || dbd_pack_cstr(pk, name) != 0)
        return -1;
    if (novalue)
        return 0;
    if (c->cmp == DBD_CMP_IN)
        return pack_values(pk, c->list, c->nlist);
    return dbd_pack_value(pk, &c->value);
}

static int pack_op(msgpack_packer *pk, const dbd_request *req,
                   const dbd_op *op);

static int pack_key(msgpack_packer *pk, const dbd_request *req,
                    const dbd_op *op, req_key k)
{
    if (dbd_pack_cstr(pk, key_names[k]) != 0)
        return -1;
    switch (k) {
    case K_V:
        return msgpack_pack_uint32(pk, req->version ? req->version
                                                    : DBD_PROTOCOL_VERSION);
    case K_ID:
        return msgpack_pack_uint64(pk, req->id);
    case K_OP: {
        const char *name = dbd_op_name(op->kind);
        return name ? dbd_pack_cstr(pk, name) : -1;
    }
    case K_CLIENT:
        return dbd_pack_cstr(pk, req->client);
    case K_DS:
        return dbd_pack_cstr(pk, req->datasource);
    case K_TABLE:
        return dbd_pack_cstr(pk, op->table);
    case K_DEADLINE:
        return msgpack_pack_int64(pk, req->deadline_usec);
    case K_TIMEOUT:
        return msgpack_pack_int64(pk, req->timeout_msec);
    case K_COLUMNS:
        return pack_names(pk, op->columns, op->ncolumns);
    case K_WHERE:
        if (msgpack_pack_array(pk, op->nwhere) != 0)
            return -1;
        for (size_t i = 0; i < op->nwhere; i++)
            if (pack_cond(pk, &op->where[i]) != 0)
                return -1;
        return 0;
    case K_ORDER:
        if (msgpack_pack_array(pk, op->norder) != 0)
            return -1;
        for (size_t i = 0; i < op->norder; i++)
            if (msgpack_pack_array(pk, 2) != 0 ||
                dbd_pack_cstr(pk, op->order[i].column) != 0 ||
                dbd_pack_cstr(pk, op->order[i].desc ? "desc" : "asc") != 0)
                return -1;
        return 0;
    case K_LIMIT:
        return msgpack_pack_int64(pk, op->limit);
    case K_OFFSET:
        return msgpack_pack_int64(pk, op->offset);
    case K_VALUES:
    case K_SET:
        if (msgpack_pack_map(pk, op->nvalues) != 0)
            return -1;
        for (size_t i = 0; i < op->nvalues; i++)
            if (dbd_pack_cstr(pk, op->values[i].column) != 0 ||
                dbd_pack_value(pk, &op->values[i].value) != 0)
                return -1;
        return 0;
    case K_KEYS:
        return pack_names(pk, op->keys, op->nkeys);
    case K_SQL:
        return dbd_pack_str(pk, op->sql, op->sql_len);
    case K_PARAMS:
        return pack_values(pk, op->params, op->nparams);
    case K_ATOMIC:
        return op->atomic ? msgpack_pack_true(pk) : msgpack_pack_false(pk);
    case K_URL:
        return dbd_pack_cstr(pk, op->url);
    case K_MODE:
        return dbd_pack_cstr(pk, op->mode);
    case K_OPS:
        if (msgpack_pack_array(pk, op->nops) != 0)
            return -1;
        for (size_t i = 0; i < op->nops; i++)
            if (pack_op(pk, NULL, &op->ops[i]) != 0)
                return -1;
        return 0;
    case K_COUNT:
        break;
    }
    return -1;
}

/* One request map (req != NULL) or one sub-operation map (req == NULL). */
static int pack_op(msgpack_packer *pk, const dbd_request *req,
                   const dbd_op *op)
{
    size_t n = 0;

    for (int k = 0; k < K_COUNT; k++)
        n += key_present(req, op, (req_key)k);
    if (msgpack_pack_map(pk, n) != 0)
        return -1;
    for (int k = 0; k < K_COUNT; k++)
        if (key_present(req, op, (req_key)k) &&
            pack_key(pk, req, op, (req_key)k) != 0)
            return -1;
    return 0;
}

int dbd_request_encode(const dbd_request *req, dbd_buf *out)
{
    msgpack_packer pk;
    const size_t start = out->len;

    dbd_packer_init(&pk, out);
    if (pack_op(&pk, req, &req->op) != 0) {
        dbd_buf_truncate(out, start);
        return -1;
    }
    return 0;
}
