/*
 * request_validate.c - the semantic validation every decoded request
 * passes: what the wire format cannot check (see dbd_request_validate() in
 * request.h).  Each problem is BAD with a message naming the field.
 */
#include "request.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"

#define IDENT_RULE "(letters, digits and _ only, first not a digit, at most 64)"
#define DS_NAME_MAX 64
#define QUOTE_MAX 80 /* input bytes shown in a message before cutting */

/* Ops that operate on a datasource's data and so must name one. */
static bool op_is_data(dbd_op_kind k)
{
    return (k >= DBD_OP_QUERY && k <= DBD_OP_RAW);
}

typedef struct vctx {
    char *err;
    size_t errlen;
    bool in_batch;   /* messages start "ops[op_index]: " */
    size_t op_index;
} vctx;

/*
 * A field a message names, e.g. "where[2][0]": a name and up to two
 * indexes.  Written out only when a message is, so that a valid request
 * costs no formatting.
 */
typedef struct field {
    const char *name;
    int nindex; /* 0, 1 or 2 */
    size_t index[2];
} field;

#define FIELD(n) ((field){.name = (n)})
#define FIELD1(n, i) ((field){.name = (n), .nindex = 1, .index = {(i), 0}})
#define FIELD2(n, i, j) ((field){.name = (n), .nindex = 2, .index = {(i), (j)}})

#define FIELD_TEXT_SIZE 64
static const char *field_text(const field *f, char out[FIELD_TEXT_SIZE])
{
    if (f->nindex == 0)
        snprintf(out, FIELD_TEXT_SIZE, "%s", f->name);
    else if (f->nindex == 1)
        snprintf(out, FIELD_TEXT_SIZE, "%s[%zu]", f->name, f->index[0]);
    else
        snprintf(out, FIELD_TEXT_SIZE, "%s[%zu][%zu]", f->name, f->index[0],
                 f->index[1]);
    return out;
}

__attribute__((format(printf, 2, 3)))
static dbd_status fail(const vctx *v, const char *fmt, ...)
{
    if (v->err == NULL || v->errlen == 0)
        return DBD_BAD;
    int n = 0;
    if (v->in_batch)
        n = snprintf(v->err, v->errlen, "ops[%zu]: ", v->op_index);
    else
        v->err[0] = '\0';
    if (n < 0 || (size_t)n >= v->errlen)
        return DBD_BAD;
    va_list ap;
    va_start(ap, fmt);
    dbd_verrf(v->err + n, v->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return DBD_BAD;
}

/*
 * Quotes untrusted text for a message: printable ASCII as is ('"' and '\'
 * escaped), every other byte as \xNN, cut after QUOTE_MAX bytes.
 */
#define QUOTED_SIZE (QUOTE_MAX * 4 + 8)
static const char *quote(char out[QUOTED_SIZE], const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    out[o++] = '"';
    size_t i = 0;
    for (; s[i] != '\0' && i < QUOTE_MAX; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c >= 0x20 && c < 0x7f) {
            out[o++] = (char)c;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o++] = '"';
    if (s[i] != '\0') {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}

static dbd_status check_ident(const vctx *v, const field *f,
                              const char *name)
{
    char q[QUOTED_SIZE], ft[FIELD_TEXT_SIZE];
    if (name == NULL)
        return fail(v, "%s: missing", field_text(f, ft));
    if (!dbd_ident_valid(name, strlen(name)))
        return fail(v, "%s: invalid identifier %s " IDENT_RULE,
                    field_text(f, ft), quote(q, name));
    return DBD_OK;
}

static dbd_status check_value(const vctx *v, const field *f,
                              const dbd_value *val)
{
    char ft[FIELD_TEXT_SIZE];
    if ((unsigned)val->type >= DBD_TYPE_COUNT)
        return fail(v, "%s: invalid value type %d", field_text(f, ft),
                    (int)val->type);
    if ((val->type == DBD_TYPE_STRING || val->type == DBD_TYPE_BLOB) &&
        val->u.s.ptr == NULL && val->u.s.len > 0)
        return fail(v, "%s: %s value without data", field_text(f, ft),
                    dbd_type_name(val->type));
    return DBD_OK;
}

static bool ds_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static dbd_status check_datasource(const vctx *v, const dbd_request *req)
{
    const char *ds = req->datasource;
    char q[QUOTED_SIZE];
    if (ds == NULL) {
        if (op_is_data(req->op.kind) || req->op.kind == DBD_OP_SWAP)
            return fail(v, "ds: missing (required for %s)",
                        dbd_op_name(req->op.kind));
        return DBD_OK;
    }
    size_t len = strlen(ds);
    bool ok = len > 0 && len <= DS_NAME_MAX;
    for (size_t i = 0; ok && i < len; i++)
        ok = ds_char(ds[i]);
    if (!ok)
        return fail(v, "ds: invalid datasource name %s (letters, digits, "
                       "_ . and - only, 1 to 64)", quote(q, ds));
    return DBD_OK;
}

/*
 * A sorted view of column names for duplicate and membership checks in
 * O(n log n): a request may carry many thousands of values.
 */
typedef struct name_set {
    const char **names;
    size_t n;
    const char *small[32];
} name_set;

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int name_set_init(name_set *s, size_t n)
{
    s->n = n;
    s->names = s->small;
    if (n > sizeof(s->small) / sizeof(s->small[0])) {
        s->names = malloc(n * sizeof(*s->names));
        if (s->names == NULL)
            return -1;
    }
    return 0;
}

static void name_set_free(name_set *s)
{
    if (s->names != s->small)
        free(s->names);
    s->names = NULL;
}

/* Sorts and returns a name that occurs twice, or NULL. */
static const char *name_set_sort(name_set *s)
{
    qsort(s->names, s->n, sizeof(*s->names), compare_names);
    for (size_t i = 1; i < s->n; i++)
        if (strcmp(s->names[i - 1], s->names[i]) == 0)
            return s->names[i];
    return NULL;
}

static bool name_set_has(const name_set *s, const char *name)
{
    return bsearch(&name, s->names, s->n, sizeof(*s->names), compare_names) !=
           NULL;
}

static dbd_status check_conds(const vctx *v, const dbd_op *op)
{
    char ft[FIELD_TEXT_SIZE];
    dbd_status st;
    if (op->nwhere > 0 && op->where == NULL)
        return fail(v, "where: missing conditions");
    for (size_t i = 0; i < op->nwhere; i++) {
        const dbd_cond *c = &op->where[i];
        const field f = FIELD1("where", i);
        if ((st = check_ident(v, &f, c->column)) != DBD_OK)
            return st;
        if ((unsigned)c->cmp >= DBD_CMP_COUNT)
            return fail(v, "%s: unknown operator %d", field_text(&f, ft),
                        (int)c->cmp);
        const char *name = dbd_cmp_name(c->cmp);
        if (c->cmp == DBD_CMP_IN) {
            if (c->nlist == 0 || c->list == NULL)
                return fail(v, "%s: in needs a non-empty list",
                            field_text(&f, ft));
            for (size_t j = 0; j < c->nlist; j++) {
                const field item = FIELD2("where", i, j);
                if ((st = check_value(v, &item, &c->list[j])) != DBD_OK)
                    return st;
            }
            continue;
        }
        if (c->nlist > 0)
            return fail(v, "%s: only in takes a list, not %s",
                        field_text(&f, ft), name);
        if (c->cmp == DBD_CMP_ISNULL || c->cmp == DBD_CMP_NOTNULL) {
            if (c->value.type != DBD_TYPE_NULL)
                return fail(v, "%s: %s takes no value", field_text(&f, ft),
                            name);
            continue;
        }
        if ((st = check_value(v, &f, &c->value)) != DBD_OK)
            return st;
    }
    return DBD_OK;
}

/* values (insert/replace) or set (update), and keys (replace). */
static dbd_status check_values(const vctx *v, const dbd_op *op)
{
    const char *vname = op->kind == DBD_OP_UPDATE ? "set" : "values";
    bool needs_values = op->kind == DBD_OP_INSERT ||
                        op->kind == DBD_OP_UPDATE || op->kind == DBD_OP_REPLACE;
    const field whole = FIELD(vname);
    char q[QUOTED_SIZE];
    name_set set = {0};
    dbd_status st = DBD_OK;

    if (needs_values && op->nvalues == 0)
        return fail(v, "%s: at least one column required", vname);
    if (op->nvalues > 0 && op->values == NULL)
        return fail(v, "%s: missing", vname);
    if (op->kind == DBD_OP_REPLACE && op->nkeys == 0)
        return fail(v, "keys: at least one key column required");
    if (op->nkeys > 0 && op->keys == NULL)
        return fail(v, "keys: missing");

    for (size_t i = 0; i < op->nvalues; i++) {
        const dbd_assign *a = &op->values[i];
        const field f = FIELD1(vname, i);
        if ((st = check_ident(v, &whole, a->column)) != DBD_OK)
            return st;
        if ((st = check_value(v, &f, &a->value)) != DBD_OK)
            return st;
    }
    for (size_t i = 0; i < op->nkeys; i++) {
        const field f = FIELD1("keys", i);
        if ((st = check_ident(v, &f, op->keys[i])) != DBD_OK)
            return st;
    }

    if (name_set_init(&set, op->nvalues) < 0)
        goto oom;
    for (size_t i = 0; i < op->nvalues; i++)
        set.names[i] = op->values[i].column;
    const char *dup = name_set_sort(&set);
    if (dup != NULL) {
        st = fail(v, "%s: duplicate column %s", vname, quote(q, dup));
        goto out;
    }
    if (op->kind == DBD_OP_REPLACE) {
        for (size_t i = 0; i < op->nkeys; i++) {
            if (!name_set_has(&set, op->keys[i])) {
                st = fail(v, "keys[%zu]: column %s not in values", i,
                          quote(q, op->keys[i]));
                goto out;
            }
        }
    }
    name_set_free(&set);
    if (name_set_init(&set, op->nkeys) < 0)
        goto oom;
    for (size_t i = 0; i < op->nkeys; i++)
        set.names[i] = op->keys[i];
    dup = name_set_sort(&set);
    if (dup != NULL)
        st = fail(v, "keys: duplicate column %s", quote(q, dup));
    goto out;

oom:
    (void)fail(v, "out of memory while validating");
    st = DBD_INTERNAL;
out:
    name_set_free(&set);
    return st;
}

static dbd_status check_op(const vctx *v, const dbd_op *op);

static dbd_status check_batch(const vctx *v, const dbd_op *op)
{
    dbd_status st;
    if (op->nops == 0 || op->ops == NULL)
        return fail(v, "ops: at least one operation required");
    for (size_t i = 0; i < op->nops; i++) {
        const dbd_op *sub = &op->ops[i];
        const vctx sv = {v->err, v->errlen, true, i};
        if ((unsigned)sub->kind >= DBD_OP_COUNT)
            return fail(&sv, "op: unknown operation %d", (int)sub->kind);
        if (!op_is_data(sub->kind))
            return fail(&sv, "op: %s not allowed in a batch",
                        dbd_op_name(sub->kind));
        if (sub->kind == DBD_OP_BATCH)
            return fail(&sv, "op: nested batch not allowed");
        if ((st = check_op(&sv, sub)) != DBD_OK)
            return st;
    }
    return DBD_OK;
}

static dbd_status check_op(const vctx *v, const dbd_op *op)
{
    const field table = FIELD("table");
    dbd_status st;

    if ((unsigned)op->kind >= DBD_OP_COUNT)
        return fail(v, "op: unknown operation %d", (int)op->kind);
    switch (op->kind) {
    case DBD_OP_QUERY:
    case DBD_OP_INSERT:
    case DBD_OP_UPDATE:
    case DBD_OP_DELETE:
    case DBD_OP_REPLACE:
        if (op->table == NULL)
            return fail(v, "table: missing (required for %s)",
                        dbd_op_name(op->kind));
        break;
    default:
        break;
    }
    if (op->table != NULL &&
        (st = check_ident(v, &table, op->table)) != DBD_OK)
        return st;

    if (op->ncolumns > 0 && op->columns == NULL)
        return fail(v, "columns: missing");
    for (size_t i = 0; i < op->ncolumns; i++) {
        const field f = FIELD1("columns", i);
        if ((st = check_ident(v, &f, op->columns[i])) != DBD_OK)
            return st;
    }
    if ((st = check_conds(v, op)) != DBD_OK)
        return st;
    if (op->norder > 0 && op->order == NULL)
        return fail(v, "order: missing");
    for (size_t i = 0; i < op->norder; i++) {
        const field f = FIELD1("order", i);
        if ((st = check_ident(v, &f, op->order[i].column)) != DBD_OK)
            return st;
    }
    if (op->limit < -1)
        return fail(v, "limit: %lld is negative", (long long)op->limit);
    if (op->offset < 0)
        return fail(v, "offset: %lld is negative", (long long)op->offset);
    if ((st = check_values(v, op)) != DBD_OK)
        return st;

    if (op->kind == DBD_OP_RAW) {
        if (op->sql == NULL)
            return fail(v, "sql: missing (required for raw)");
        if (op->sql_len == 0)
            return fail(v, "sql: empty");
    }
    if (op->nparams > 0 && op->params == NULL)
        return fail(v, "params: missing");
    for (size_t i = 0; i < op->nparams; i++) {
        const field f = FIELD1("params", i);
        if ((st = check_value(v, &f, &op->params[i])) != DBD_OK)
            return st;
    }
    if (op->kind == DBD_OP_BATCH)
        return check_batch(v, op);
    return DBD_OK;
}

dbd_status dbd_request_validate(const dbd_request *req, char *err,
                                size_t errlen)
{
    const vctx v = {err, errlen, false, 0};
    dbd_status st;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (req == NULL)
        return fail(&v, "no request");
    if (req->version < DBD_PROTOCOL_MIN_VERSION ||
        req->version > DBD_PROTOCOL_VERSION)
        return fail(&v, "v: unsupported protocol version %lu "
                    "(supported %d to %d)", (unsigned long)req->version,
                    DBD_PROTOCOL_MIN_VERSION, DBD_PROTOCOL_VERSION);
    if ((unsigned)req->op.kind >= DBD_OP_COUNT)
        return fail(&v, "op: unknown operation %d", (int)req->op.kind);
    if (req->deadline_usec < 0)
        return fail(&v, "deadline: %lld is negative",
                    (long long)req->deadline_usec);
    if (req->timeout_msec < 0)
        return fail(&v, "timeout: %lld is negative",
                    (long long)req->timeout_msec);
    if (req->client != NULL &&
        !dbd_request_client_valid(
            req->client, strnlen(req->client, DBD_REQUEST_CLIENT_MAX + 1)))
        return fail(&v, "client: " DBD_REQUEST_CLIENT_RULE);
    if ((st = check_datasource(&v, req)) != DBD_OK)
        return st;
    if (req->op.kind == DBD_OP_SWAP &&
        (req->op.url == NULL || req->op.url[0] == '\0'))
        return fail(&v, "url: missing (required for swap)");
    return check_op(&v, &req->op);
}
