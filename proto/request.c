/*
 * request.c - operation and operator names and the request builders (see
 * request.h; the validation is in request_validate.c).
 *
 * Builders keep arrays in the request's arena and grow them by doubling
 * (old copies stay in the arena until the request dies); the allocated
 * lengths live in dbd_op.cap.
 */
#include "request.h"

#include <string.h>

#include "arena.h"

static const char *const op_names[DBD_OP_COUNT] = {
    [DBD_OP_PING] = "ping",       [DBD_OP_QUERY] = "query",
    [DBD_OP_INSERT] = "insert",   [DBD_OP_UPDATE] = "update",
    [DBD_OP_DELETE] = "delete",   [DBD_OP_REPLACE] = "replace",
    [DBD_OP_BATCH] = "batch",     [DBD_OP_RAW] = "raw",
    [DBD_OP_DATASOURCES] = "datasources", [DBD_OP_STATS] = "stats",
    [DBD_OP_SWAP] = "swap",       [DBD_OP_RELOAD] = "reload",
    [DBD_OP_MIGRATE] = "migrate", [DBD_OP_AUDIT] = "audit",
    [DBD_OP_HOSTS] = "hosts",
};

static const char *const cmp_names[DBD_CMP_COUNT] = {
    [DBD_CMP_EQ] = "=",       [DBD_CMP_NE] = "<>",
    [DBD_CMP_LT] = "<",       [DBD_CMP_GT] = ">",
    [DBD_CMP_LE] = "<=",      [DBD_CMP_GE] = ">=",
    [DBD_CMP_BITAND] = "&",   [DBD_CMP_IN] = "in",
    [DBD_CMP_ISNULL] = "null", [DBD_CMP_NOTNULL] = "notnull",
};

static bool name_is(const char *name, size_t len, const char *want)
{
    return strlen(want) == len && memcmp(name, want, len) == 0;
}

const char *dbd_op_name(dbd_op_kind k)
{
    return (unsigned)k < DBD_OP_COUNT ? op_names[k] : NULL;
}

bool dbd_op_from_name(const char *name, size_t len, dbd_op_kind *out)
{
    if (name == NULL)
        return false;
    for (int i = 0; i < DBD_OP_COUNT; i++) {
        if (name_is(name, len, op_names[i])) {
            if (out != NULL)
                *out = (dbd_op_kind)i;
            return true;
        }
    }
    return false;
}

bool dbd_op_writes(dbd_op_kind k)
{
    switch (k) {
    case DBD_OP_INSERT:
    case DBD_OP_UPDATE:
    case DBD_OP_DELETE:
    case DBD_OP_REPLACE:
    case DBD_OP_BATCH:
    case DBD_OP_RAW:
        return true;
    default:
        return false;
    }
}

bool dbd_op_is_admin(dbd_op_kind k)
{
    return k == DBD_OP_PING || k == DBD_OP_DATASOURCES || k == DBD_OP_STATS ||
           k == DBD_OP_RELOAD || k == DBD_OP_HOSTS || k == DBD_OP_AUDIT;
}

const char *dbd_cmp_name(dbd_cmp c)
{
    return (unsigned)c < DBD_CMP_COUNT ? cmp_names[c] : NULL;
}

bool dbd_cmp_from_name(const char *name, size_t len, dbd_cmp *out)
{
    if (name == NULL)
        return false;
    for (int i = 0; i < DBD_CMP_COUNT; i++) {
        if (name_is(name, len, cmp_names[i])) {
            if (out != NULL)
                *out = (dbd_cmp)i;
            return true;
        }
    }
    return false;
}

bool dbd_request_client_valid(const char *name, size_t len)
{
    if (name == NULL || len == 0 || len > DBD_REQUEST_CLIENT_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)name[i] < 0x20 || (unsigned char)name[i] > 0x7e)
            return false;
    return true;
}

/* --- builders --- */

int dbd_request_set_client(dbd_request *req, const char *name)
{
    char *copy = NULL;

    if (req == NULL)
        return -1;
    if (name != NULL) {
        /* strnlen: a long name is rejected without reading all of it */
        const size_t len = strnlen(name, DBD_REQUEST_CLIENT_MAX + 1);
        if (!dbd_request_client_valid(name, len))
            return -1;
        copy = dbd_arena_strndup(req->arena, name, len);
        if (copy == NULL)
            return -1;
    }
    req->client = copy;
    return 0;
}

int dbd_request_set_swap(dbd_request *req, const char *url, const char *mode)
{
    req->op.url = dbd_arena_strdup(req->arena, url);
    req->op.mode = mode != NULL ? dbd_arena_strdup(req->arena, mode) : NULL;
    return req->op.url == NULL || (mode != NULL && req->op.mode == NULL) ? -1
                                                                         : 0;
}

static void op_init(dbd_op *op, dbd_op_kind kind)
{
    memset(op, 0, sizeof(*op));
    op->kind = kind;
    op->limit = -1;
    op->atomic = kind == DBD_OP_BATCH;
}

dbd_request *dbd_request_new(dbd_op_kind kind, const char *datasource,
                             const char *table)
{
    dbd_arena *arena = NULL;
    dbd_request *req = NULL;

    if ((unsigned)kind >= DBD_OP_COUNT)
        goto fail;
    arena = dbd_arena_new();
    if (arena == NULL)
        goto fail;
    req = dbd_arena_alloc(arena, sizeof(*req));
    if (req == NULL)
        goto fail;
    req->arena = arena;
    req->version = DBD_PROTOCOL_VERSION;
    req->client = NULL;
    op_init(&req->op, kind);
    if (datasource != NULL &&
        (req->datasource = dbd_arena_strdup(arena, datasource)) == NULL)
        goto fail;
    if (table != NULL &&
        (req->op.table = dbd_arena_strdup(arena, table)) == NULL)
        goto fail;
    return req;

fail:
    dbd_arena_destroy(&arena);
    return NULL;
}

void dbd_request_destroy(dbd_request **preq)
{
    if (preq == NULL || *preq == NULL)
        return;
    /* The request itself lives in its arena. */
    dbd_arena *arena = (*preq)->arena;
    dbd_arena_destroy(&arena);
    *preq = NULL;
}

/*
 * Returns an array with room for n + 1 elements: arr itself when *cap says
 * there is room, else a doubled copy in the arena.  NULL on failure.
 */
static void *grow(dbd_arena *a, void *arr, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap)
        return arr;
    if (n > SIZE_MAX / 2)
        return NULL;
    size_t ncap = n < 4 ? 4 : n * 2;
    void *p = dbd_arena_calloc(a, ncap, elem);
    if (p == NULL)
        return NULL;
    if (n > 0)
        memcpy(p, arr, n * elem);
    *cap = ncap;
    return p;
}

/* Copies v into dst, duplicating string and blob bytes into the arena. */
static int copy_value(dbd_arena *a, dbd_value *dst, const dbd_value *v)
{
    if ((unsigned)v->type >= DBD_TYPE_COUNT)
        return -1;
    *dst = *v;
    if (v->type == DBD_TYPE_STRING || v->type == DBD_TYPE_BLOB) {
        if (v->u.s.ptr == NULL && v->u.s.len > 0)
            return -1;
        char *p = dbd_arena_strndup(a, v->u.s.ptr, v->u.s.len);
        if (p == NULL)
            return -1;
        dst->u.s.ptr = p;
    }
    return 0;
}

dbd_op *dbd_request_add_op(dbd_request *req, dbd_op_kind kind,
                           const char *table)
{
    if (req == NULL || req->op.kind != DBD_OP_BATCH ||
        (unsigned)kind >= DBD_OP_COUNT)
        return NULL;
    dbd_op *batch = &req->op;
    char *copy = NULL;
    if (table != NULL && (copy = dbd_arena_strdup(req->arena, table)) == NULL)
        return NULL;
    dbd_op *ops = grow(req->arena, batch->ops, batch->nops, &batch->cap.ops,
                       sizeof(*ops));
    if (ops == NULL)
        return NULL;
    batch->ops = ops;
    dbd_op *op = &ops[batch->nops++];
    op_init(op, kind);
    op->table = copy;
    return op;
}

int dbd_op_add_column(dbd_request *req, dbd_op *op, const char *column)
{
    if (req == NULL || op == NULL || column == NULL)
        return -1;
    const char *copy = dbd_arena_strdup(req->arena, column);
    if (copy == NULL)
        return -1;
    const char **cols = grow(req->arena, op->columns, op->ncolumns,
                             &op->cap.columns, sizeof(*cols));
    if (cols == NULL)
        return -1;
    op->columns = cols;
    cols[op->ncolumns++] = copy;
    return 0;
}

/* Appends a condition; the caller fills in value or list. */
static dbd_cond *add_cond(dbd_request *req, dbd_op *op, const char *column,
                          dbd_cmp cmp)
{
    const char *copy = dbd_arena_strdup(req->arena, column);
    if (copy == NULL)
        return NULL;
    dbd_cond *where = grow(req->arena, op->where, op->nwhere, &op->cap.where,
                           sizeof(*where));
    if (where == NULL)
        return NULL;
    op->where = where;
    dbd_cond *c = &where[op->nwhere];
    memset(c, 0, sizeof(*c));
    c->column = copy;
    c->cmp = cmp;
    c->value = dbd_null();
    return c;
}

int dbd_op_add_where(dbd_request *req, dbd_op *op, const char *column,
                     dbd_cmp cmp, const dbd_value *value)
{
    if (req == NULL || op == NULL || column == NULL ||
        (unsigned)cmp >= DBD_CMP_COUNT || cmp == DBD_CMP_IN)
        return -1;
    bool null_check = cmp == DBD_CMP_ISNULL || cmp == DBD_CMP_NOTNULL;
    if (value == NULL && !null_check)
        return -1;
    dbd_cond *c = add_cond(req, op, column, cmp);
    if (c == NULL)
        return -1;
    if (!null_check && copy_value(req->arena, &c->value, value) < 0)
        return -1;
    op->nwhere++;
    return 0;
}

int dbd_op_add_where_in(dbd_request *req, dbd_op *op, const char *column,
                        const dbd_value *list, size_t nlist)
{
    if (req == NULL || op == NULL || column == NULL ||
        (list == NULL && nlist > 0))
        return -1;
    dbd_cond *c = add_cond(req, op, column, DBD_CMP_IN);
    if (c == NULL)
        return -1;
    dbd_value *copy = dbd_arena_calloc(req->arena, nlist, sizeof(*copy));
    if (copy == NULL)
        return -1;
    for (size_t i = 0; i < nlist; i++)
        if (copy_value(req->arena, &copy[i], &list[i]) < 0)
            return -1;
    c->list = copy;
    c->nlist = nlist;
    op->nwhere++;
    return 0;
}

int dbd_op_add_order(dbd_request *req, dbd_op *op, const char *column,
                     bool desc)
{
    if (req == NULL || op == NULL || column == NULL)
        return -1;
    const char *copy = dbd_arena_strdup(req->arena, column);
    if (copy == NULL)
        return -1;
    dbd_order *order = grow(req->arena, op->order, op->norder,
                            &op->cap.order, sizeof(*order));
    if (order == NULL)
        return -1;
    op->order = order;
    order[op->norder].column = copy;
    order[op->norder].desc = desc;
    op->norder++;
    return 0;
}

int dbd_op_add_value(dbd_request *req, dbd_op *op, const char *column,
                     const dbd_value *value)
{
    if (req == NULL || op == NULL || column == NULL || value == NULL)
        return -1;
    const char *copy = dbd_arena_strdup(req->arena, column);
    if (copy == NULL)
        return -1;
    dbd_assign *values = grow(req->arena, op->values, op->nvalues,
                              &op->cap.values, sizeof(*values));
    if (values == NULL)
        return -1;
    op->values = values;
    if (copy_value(req->arena, &values[op->nvalues].value, value) < 0)
        return -1;
    values[op->nvalues].column = copy;
    op->nvalues++;
    return 0;
}

int dbd_op_add_key(dbd_request *req, dbd_op *op, const char *column)
{
    if (req == NULL || op == NULL || column == NULL)
        return -1;
    const char *copy = dbd_arena_strdup(req->arena, column);
    if (copy == NULL)
        return -1;
    const char **keys = grow(req->arena, op->keys, op->nkeys, &op->cap.keys,
                             sizeof(*keys));
    if (keys == NULL)
        return -1;
    op->keys = keys;
    keys[op->nkeys++] = copy;
    return 0;
}

int dbd_op_set_raw(dbd_request *req, dbd_op *op, const char *sql, size_t len)
{
    if (req == NULL || op == NULL || sql == NULL)
        return -1;
    const char *copy = dbd_arena_strndup(req->arena, sql, len);
    if (copy == NULL)
        return -1;
    op->sql = copy;
    op->sql_len = len;
    return 0;
}

int dbd_op_add_param(dbd_request *req, dbd_op *op, const dbd_value *value)
{
    if (req == NULL || op == NULL || value == NULL)
        return -1;
    dbd_value *params = grow(req->arena, op->params, op->nparams,
                             &op->cap.params, sizeof(*params));
    if (params == NULL)
        return -1;
    op->params = params;
    if (copy_value(req->arena, &params[op->nparams], value) < 0)
        return -1;
    op->nparams++;
    return 0;
}

void dbd_op_set_limit(dbd_op *op, int64_t limit, int64_t offset)
{
    if (op == NULL)
        return;
    op->limit = limit;
    op->offset = offset;
}
