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
    const char *prefix; /* "" or "ops[N]: " */
} vctx;

__attribute__((format(printf, 2, 3)))
static dbd_status fail(const vctx *v, const char *fmt, ...)
{
    if (v->err == NULL || v->errlen == 0)
        return DBD_BAD;
    int n = snprintf(v->err, v->errlen, "%s", v->prefix);
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

static dbd_status check_ident(const vctx *v, const char *field,
                              const char *name)
{
    char q[QUOTED_SIZE];
    if (name == NULL)
        return fail(v, "%s: missing", field);
    if (!dbd_ident_valid(name, strlen(name)))
        return fail(v, "%s: invalid identifier %s " IDENT_RULE, field,
                    quote(q, name));
    return DBD_OK;
}

static dbd_status check_value(const vctx *v, const char *field,
                              const dbd_value *val)
{
    if ((unsigned)val->type >= DBD_TYPE_COUNT)
        return fail(v, "%s: invalid value type %d", field, (int)val->type);
    if ((val->type == DBD_TYPE_STRING || val->type == DBD_TYPE_BLOB) &&
        val->u.s.ptr == NULL && val->u.s.len > 0)
        return fail(v, "%s: %s value without data", field,
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
        if (op_is_data(req->op.kind))
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
    char field[48];
    dbd_status st;
    if (op->nwhere > 0 && op->where == NULL)
        return fail(v, "where: missing conditions");
    for (size_t i = 0; i < op->nwhere; i++) {
        const dbd_cond *c = &op->where[i];
        snprintf(field, sizeof(field), "where[%zu]", i);
        if ((st = check_ident(v, field, c->column)) != DBD_OK)
            return st;
        if ((unsigned)c->cmp >= DBD_CMP_COUNT)
            return fail(v, "%s: unknown operator %d", field, (int)c->cmp);
        const char *name = dbd_cmp_name(c->cmp);
        if (c->cmp == DBD_CMP_IN) {
            if (c->nlist == 0 || c->list == NULL)
                return fail(v, "%s: in needs a non-empty list", field);
            for (size_t j = 0; j < c->nlist; j++) {
                char item[96];
                snprintf(item, sizeof(item), "%s[%zu]", field, j);
                if ((st = check_value(v, item, &c->list[j])) != DBD_OK)
                    return st;
            }
            continue;
        }
        if (c->nlist > 0)
            return fail(v, "%s: only in takes a list, not %s", field, name);
        if (c->cmp == DBD_CMP_ISNULL || c->cmp == DBD_CMP_NOTNULL) {
            if (c->value.type != DBD_TYPE_NULL)
                return fail(v, "%s: %s takes no value", field, name);
            continue;
        }
        if ((st = check_value(v, field, &c->value)) != DBD_OK)
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
    char field[48];
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
        snprintf(field, sizeof(field), "%s[%zu]", vname, i);
        if ((st = check_ident(v, vname, a->column)) != DBD_OK)
            return st;
        if ((st = check_value(v, field, &a->value)) != DBD_OK)
            return st;
    }
    for (size_t i = 0; i < op->nkeys; i++) {
        snprintf(field, sizeof(field), "keys[%zu]", i);
        if ((st = check_ident(v, field, op->keys[i])) != DBD_OK)
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
    char prefix[48];
    dbd_status st;
    if (op->nops == 0 || op->ops == NULL)
        return fail(v, "ops: at least one operation required");
    for (size_t i = 0; i < op->nops; i++) {
        const dbd_op *sub = &op->ops[i];
        snprintf(prefix, sizeof(prefix), "ops[%zu]: ", i);
        vctx sv = {v->err, v->errlen, prefix};
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
    char field[48];
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
        (st = check_ident(v, "table", op->table)) != DBD_OK)
        return st;

    if (op->ncolumns > 0 && op->columns == NULL)
        return fail(v, "columns: missing");
    for (size_t i = 0; i < op->ncolumns; i++) {
        snprintf(field, sizeof(field), "columns[%zu]", i);
        if ((st = check_ident(v, field, op->columns[i])) != DBD_OK)
            return st;
    }
    if ((st = check_conds(v, op)) != DBD_OK)
        return st;
    if (op->norder > 0 && op->order == NULL)
        return fail(v, "order: missing");
    for (size_t i = 0; i < op->norder; i++) {
        snprintf(field, sizeof(field), "order[%zu]", i);
        if ((st = check_ident(v, field, op->order[i].column)) != DBD_OK)
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
        snprintf(field, sizeof(field), "params[%zu]", i);
        if ((st = check_value(v, field, &op->params[i])) != DBD_OK)
            return st;
    }
    if (op->kind == DBD_OP_BATCH)
        return check_batch(v, op);
    return DBD_OK;
}

dbd_status dbd_request_validate(const dbd_request *req, char *err,
                                size_t errlen)
{
    vctx v = {err, errlen, ""};
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
    if ((st = check_datasource(&v, req)) != DBD_OK)
        return st;
    return check_op(&v, &req->op);
}
