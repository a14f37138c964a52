/*
 * sqlbuild.c - turns a data operation into statement text, bind list and
 * shape key (see sqlbuild.h for the forms).
 *
 * The shape key is written next to the text, section by section:
 *   kind|table|columns|where|order|limits      (query)
 *   insert|table|columns        replace|table|columns|keys
 *   update|table|columns|where  delete|table|where
 * with list items joined by ',' and a condition written "col op" ("col in3"
 * for an IN list of three).  Identifiers contain none of " ,|", so the key
 * can be read back unambiguously: equal keys mean equal text.
 */
#include "sqlstmt.h"

#include <string.h>

#include "../../proto/ident.h"

/* Text between column and placeholder, for the plain comparisons. */
static const char *const cmp_text[DBD_CMP_COUNT] = {
    [DBD_CMP_EQ] = " = ", [DBD_CMP_NE] = " <> ", [DBD_CMP_LT] = " < ",
    [DBD_CMP_GT] = " > ", [DBD_CMP_LE] = " <= ", [DBD_CMP_GE] = " >= ",
};

/* Operator names in the shape key (the wire names). */
static const char *const cmp_shape[DBD_CMP_COUNT] = {
    [DBD_CMP_EQ] = "=",  [DBD_CMP_NE] = "<>", [DBD_CMP_LT] = "<",
    [DBD_CMP_GT] = ">",  [DBD_CMP_LE] = "<=", [DBD_CMP_GE] = ">=",
    [DBD_CMP_BITAND] = "&", [DBD_CMP_IN] = "in", [DBD_CMP_ISNULL] = "null",
    [DBD_CMP_NOTNULL] = "notnull",
};

static dbd_status check_ident(const char *name, const char *what, char *err,
                              size_t errlen)
{
    if (name == NULL)
        return dbd_failf(DBD_BAD, err, errlen, "missing %s name", what);
    if (!dbd_ident_valid(name, strlen(name)))
        return dbd_failf(DBD_BAD, err, errlen, "invalid %s name \"%.64s\"",
                         what, name);
    return DBD_OK;
}

/*
 * "a", "b" in the text and a,b in the shape.  The names are n pointers
 * stride bytes apart, so both a plain name array and the column field of
 * an assignment array can be walked.
 */
static dbd_status add_column_list(dbd_sql_stmt *s, const char *const *names,
                                  size_t n, size_t stride, char *err,
                                  size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        const char *name = *(const char *const *)(const void *)
                               ((const char *)names + i * stride);
        dbd_status st = check_ident(name, "column", err, errlen);
        if (st != DBD_OK)
            return st;
        if (i > 0) {
            sqlstmt_sql(s, ", ");
            sqlstmt_shape(s, ",");
        }
        sqlstmt_ident(s, name);
        sqlstmt_shape(s, name);
    }
    return DBD_OK;
}

static dbd_status add_table(dbd_sql_stmt *s, const char *kind,
                            const dbd_op *op, char *err, size_t errlen)
{
    dbd_status st = check_ident(op->table, "table", err, errlen);
    if (st != DBD_OK)
        return st;
    sqlstmt_shape(s, kind);
    sqlstmt_shape(s, "|");
    sqlstmt_shape(s, op->table);
    return DBD_OK;
}

static dbd_status add_cond(dbd_sql_stmt *s, const dbd_cond *c, char *err,
                           size_t errlen)
{
    dbd_status st = check_ident(c->column, "column", err, errlen);
    if (st != DBD_OK)
        return st;
    if ((unsigned)c->cmp >= DBD_CMP_COUNT)
        return dbd_failf(DBD_BAD, err, errlen,
                         "unknown operator %d on column %s", (int)c->cmp,
                         c->column);
    sqlstmt_shape(s, c->column);
    sqlstmt_shape(s, " ");
    sqlstmt_shape(s, cmp_shape[c->cmp]);
    switch (c->cmp) {
    case DBD_CMP_BITAND:
        sqlstmt_sql(s, "(");
        sqlstmt_ident(s, c->column);
        sqlstmt_sql(s, " & ");
        sqlstmt_param(s, &c->value);
        sqlstmt_sql(s, ") <> 0");
        break;
    case DBD_CMP_IN:
        if (c->nlist == 0 || c->list == NULL)
            return dbd_failf(DBD_BAD, err, errlen,
                             "empty \"in\" list on column %s", c->column);
        sqlstmt_shape_count(s, c->nlist);
        sqlstmt_ident(s, c->column);
        sqlstmt_sql(s, " IN (");
        for (size_t j = 0; j < c->nlist; j++) {
            if (j > 0)
                sqlstmt_sql(s, ", ");
            sqlstmt_param(s, &c->list[j]);
        }
        sqlstmt_sql(s, ")");
        break;
    case DBD_CMP_ISNULL:
        sqlstmt_ident(s, c->column);
        sqlstmt_sql(s, " IS NULL");
        break;
    case DBD_CMP_NOTNULL:
        sqlstmt_ident(s, c->column);
        sqlstmt_sql(s, " IS NOT NULL");
        break;
    default: /* the plain comparisons */
        sqlstmt_ident(s, c->column);
        sqlstmt_sql(s, cmp_text[c->cmp]);
        sqlstmt_param(s, &c->value);
        break;
    }
    return DBD_OK;
}

static dbd_status add_where(dbd_sql_stmt *s, const dbd_op *op, char *err,
                            size_t errlen)
{
    sqlstmt_shape(s, "|");
    if (op->nwhere > 0 && op->where == NULL)
        return dbd_failf(DBD_BAD, err, errlen, "missing conditions");
    for (size_t i = 0; i < op->nwhere; i++) {
        sqlstmt_sql(s, i == 0 ? " WHERE " : " AND ");
        if (i > 0)
            sqlstmt_shape(s, ",");
        dbd_status st = add_cond(s, &op->where[i], err, errlen);
        if (st != DBD_OK)
            return st;
    }
    return DBD_OK;
}

static dbd_status add_order(dbd_sql_stmt *s, const dbd_op *op, char *err,
                            size_t errlen)
{
    sqlstmt_shape(s, "|");
    if (op->norder > 0 && op->order == NULL)
        return dbd_failf(DBD_BAD, err, errlen, "missing order list");
    for (size_t i = 0; i < op->norder; i++) {
        const dbd_order *o = &op->order[i];
        dbd_status st = check_ident(o->column, "order column", err, errlen);
        if (st != DBD_OK)
            return st;
        sqlstmt_sql(s, i == 0 ? " ORDER BY " : ", ");
        sqlstmt_ident(s, o->column);
        sqlstmt_sql(s, o->desc ? " DESC" : " ASC");
        if (sqlstmt_dialect(s)->nulls == DBD_SQL_NULLS_HIGH)
            sqlstmt_sql(s, o->desc ? " NULLS LAST" : " NULLS FIRST");
        if (i > 0)
            sqlstmt_shape(s, ",");
        sqlstmt_shape(s, o->column);
        sqlstmt_shape(s, o->desc ? " desc" : " asc");
    }
    return DBD_OK;
}

static dbd_status add_limit(dbd_sql_stmt *s, const dbd_op *op, char *err,
                            size_t errlen)
{
    const dbd_sql_dialect *d = sqlstmt_dialect(s);
    bool has_limit = op->limit >= 0;
    bool has_offset = op->offset > 0;
    dbd_value limit = dbd_int(op->limit);
    dbd_value offset = dbd_int(op->offset);

    sqlstmt_shape(s, "|");
    if (op->offset < 0)
        return dbd_failf(DBD_BAD, err, errlen, "negative offset %lld",
                         (long long)op->offset);
    if (!has_limit && !has_offset)
        return DBD_OK;
    sqlstmt_shape(s, has_limit ? "L" : "");
    sqlstmt_shape(s, has_offset ? "O" : "");
    switch (d->limit) {
    case DBD_SQL_LIMIT_OFFSET:
        if (has_limit) {
            sqlstmt_sql(s, " LIMIT ");
            sqlstmt_param(s, &limit);
        } else if (d->no_limit != NULL) {
            sqlstmt_sql(s, " LIMIT ");
            sqlstmt_sql(s, d->no_limit);
        }
        if (has_offset) {
            sqlstmt_sql(s, " OFFSET ");
            sqlstmt_param(s, &offset);
        }
        return DBD_OK;
    case DBD_SQL_LIMIT_FETCH:
        if (has_offset) {
            sqlstmt_sql(s, " OFFSET ");
            sqlstmt_param(s, &offset);
            sqlstmt_sql(s, " ROWS");
        }
        if (has_limit) {
            sqlstmt_sql(s, " FETCH FIRST ");
            sqlstmt_param(s, &limit);
            sqlstmt_sql(s, " ROWS ONLY");
        }
        return DBD_OK;
    default:
        return dbd_failf(DBD_UNSUPPORTED, err, errlen,
                         "limit and offset are not supported by %s", d->name);
    }
}

static dbd_status build_query(dbd_sql_stmt *s, const dbd_op *op, char *err,
                              size_t errlen)
{
    dbd_status st = add_table(s, "query", op, err, errlen);
    if (st != DBD_OK)
        return st;
    sqlstmt_shape(s, "|");
    sqlstmt_sql(s, "SELECT ");
    if (op->ncolumns == 0) {
        sqlstmt_sql(s, "*");
        sqlstmt_shape(s, "*");
    } else {
        if (op->columns == NULL)
            return dbd_failf(DBD_BAD, err, errlen, "missing column list");
        st = add_column_list(s, op->columns, op->ncolumns,
                             sizeof op->columns[0], err, errlen);
        if (st != DBD_OK)
            return st;
    }
    sqlstmt_sql(s, " FROM ");
    sqlstmt_ident(s, op->table);
    st = add_where(s, op, err, errlen);
    if (st == DBD_OK)
        st = add_order(s, op, err, errlen);
    if (st == DBD_OK)
        st = add_limit(s, op, err, errlen);
    return st;
}

static dbd_status need_values(const dbd_op *op, const char *what, char *err,
                              size_t errlen)
{
    if (op->nvalues == 0 || op->values == NULL)
        return dbd_failf(DBD_BAD, err, errlen, "%s needs at least one value",
                         what);
    return DBD_OK;
}

/* INSERT INTO "t" ("a", "b") VALUES (?, ?): shared by insert and replace. */
static dbd_status add_insert(dbd_sql_stmt *s, const dbd_op *op,
                             const char *kind, char *err, size_t errlen)
{
    dbd_status st = need_values(op, kind, err, errlen);
    if (st == DBD_OK)
        st = add_table(s, kind, op, err, errlen);
    if (st != DBD_OK)
        return st;
    sqlstmt_shape(s, "|");
    sqlstmt_sql(s, "INSERT INTO ");
    sqlstmt_ident(s, op->table);
    sqlstmt_sql(s, " (");
    st = add_column_list(s, &op->values[0].column, op->nvalues,
                         sizeof op->values[0], err, errlen);
    if (st != DBD_OK)
        return st;
    sqlstmt_sql(s, ") VALUES (");
    for (size_t i = 0; i < op->nvalues; i++) {
        if (i > 0)
            sqlstmt_sql(s, ", ");
        sqlstmt_param(s, &op->values[i].value);
    }
    sqlstmt_sql(s, ")");
    return DBD_OK;
}

static bool is_key(const dbd_op *op, const char *column)
{
    for (size_t i = 0; i < op->nkeys; i++)
        if (strcmp(op->keys[i], column) == 0)
            return true;
    return false;
}

/* The update part of an upsert: every value column that is not a key. */
static void add_upsert_set(dbd_sql_stmt *s, const dbd_op *op, bool on_dup)
{
    size_t n = 0;
    for (size_t i = 0; i < op->nvalues; i++) {
        const char *c = op->values[i].column;
        if (is_key(op, c))
            continue;
        sqlstmt_sql(s, n++ == 0 ? "" : ", ");
        sqlstmt_ident(s, c);
        sqlstmt_sql(s, on_dup ? " = VALUES(" : " = excluded.");
        sqlstmt_ident(s, c);
        if (on_dup)
            sqlstmt_sql(s, ")");
    }
    if (n == 0 && on_dup) {
        /* MySQL has no DO NOTHING: assigning a key to itself changes nothing. */
        sqlstmt_ident(s, op->keys[0]);
        sqlstmt_sql(s, " = ");
        sqlstmt_ident(s, op->keys[0]);
    }
}

static dbd_status build_replace(dbd_sql_stmt *s, const dbd_op *op,
                                char *err, size_t errlen)
{
    const dbd_sql_dialect *d = sqlstmt_dialect(s);
    if (d->upsert == DBD_SQL_UPSERT_NONE)
        return dbd_failf(DBD_UNSUPPORTED, err, errlen,
                         "replace is not supported by %s", d->name);
    if (op->nkeys == 0 || op->keys == NULL)
        return dbd_failf(DBD_BAD, err, errlen,
                         "replace needs at least one key");
    dbd_status st = add_insert(s, op, "replace", err, errlen);
    if (st != DBD_OK)
        return st;
    sqlstmt_shape(s, "|");
    for (size_t i = 0; i < op->nkeys; i++) {
        st = check_ident(op->keys[i], "key", err, errlen);
        if (st != DBD_OK)
            return st;
        bool found = false;
        for (size_t j = 0; j < op->nvalues && !found; j++)
            found = strcmp(op->keys[i], op->values[j].column) == 0;
        if (!found)
            return dbd_failf(DBD_BAD, err, errlen,
                             "replace key %s is not among the values",
                             op->keys[i]);
        sqlstmt_shape(s, i == 0 ? "" : ",");
        sqlstmt_shape(s, op->keys[i]);
    }
    bool all_keys = true;
    for (size_t i = 0; i < op->nvalues; i++)
        all_keys = all_keys && is_key(op, op->values[i].column);
    if (d->upsert == DBD_SQL_UPSERT_ON_DUPLICATE) {
        sqlstmt_sql(s, " ON DUPLICATE KEY UPDATE ");
        add_upsert_set(s, op, true);
        return DBD_OK;
    }
    sqlstmt_sql(s, " ON CONFLICT (");
    for (size_t i = 0; i < op->nkeys; i++) {
        sqlstmt_sql(s, i == 0 ? "" : ", ");
        sqlstmt_ident(s, op->keys[i]);
    }
    sqlstmt_sql(s, all_keys ? ") DO NOTHING" : ") DO UPDATE SET ");
    if (!all_keys)
        add_upsert_set(s, op, false);
    return DBD_OK;
}

static dbd_status build_update(dbd_sql_stmt *s, const dbd_op *op, char *err,
                               size_t errlen)
{
    dbd_status st = need_values(op, "update", err, errlen);
    if (st == DBD_OK)
        st = add_table(s, "update", op, err, errlen);
    if (st != DBD_OK)
        return st;
    sqlstmt_shape(s, "|");
    sqlstmt_sql(s, "UPDATE ");
    sqlstmt_ident(s, op->table);
    sqlstmt_sql(s, " SET ");
    for (size_t i = 0; i < op->nvalues; i++) {
        const dbd_assign *a = &op->values[i];
        st = check_ident(a->column, "column", err, errlen);
        if (st != DBD_OK)
            return st;
        if (i > 0) {
            sqlstmt_sql(s, ", ");
            sqlstmt_shape(s, ",");
        }
        sqlstmt_ident(s, a->column);
        sqlstmt_sql(s, " = ");
        sqlstmt_param(s, &a->value);
        sqlstmt_shape(s, a->column);
    }
    return add_where(s, op, err, errlen);
}

static dbd_status build_delete(dbd_sql_stmt *s, const dbd_op *op, char *err,
                               size_t errlen)
{
    dbd_status st = add_table(s, "delete", op, err, errlen);
    if (st != DBD_OK)
        return st;
    sqlstmt_sql(s, "DELETE FROM ");
    sqlstmt_ident(s, op->table);
    return add_where(s, op, err, errlen);
}

static dbd_status build(dbd_sql_stmt *s, const dbd_op *op, bool with_text,
                        char *err, size_t errlen)
{
    dbd_status st;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    sqlstmt_reset(s, with_text);
    if (op == NULL)
        return dbd_failf(DBD_BAD, err, errlen, "missing operation");
    switch (op->kind) {
    case DBD_OP_QUERY:
        st = build_query(s, op, err, errlen);
        break;
    case DBD_OP_INSERT:
        st = add_insert(s, op, "insert", err, errlen);
        break;
    case DBD_OP_UPDATE:
        st = build_update(s, op, err, errlen);
        break;
    case DBD_OP_DELETE:
        st = build_delete(s, op, err, errlen);
        break;
    case DBD_OP_REPLACE:
        st = build_replace(s, op, err, errlen);
        break;
    default:
        st = dbd_failf(DBD_BAD, err, errlen,
                       "operation %d is not a data operation", (int)op->kind);
        break;
    }
    if (st == DBD_OK && sqlstmt_failed(s))
        st = dbd_failf(DBD_INTERNAL, err, errlen,
                       "out of memory building a statement");
    if (st != DBD_OK)
        sqlstmt_reset(s, true);
    return st;
}

dbd_status dbd_sql_stmt_build(dbd_sql_stmt *s, const dbd_op *op, char *err,
                              size_t errlen)
{
    return build(s, op, true, err, errlen);
}

dbd_status dbd_sql_stmt_build_shape(dbd_sql_stmt *s, const dbd_op *op,
                                    char *err, size_t errlen)
{
    return build(s, op, false, err, errlen);
}
