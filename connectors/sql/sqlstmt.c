/*
 * sqlstmt.c - the built statement: text, shape key and bind list, reused
 * from build to build (see sqlbuild.h and sqlstmt.h).
 */
#include "sqlstmt.h"

#include <stdint.h>
#include <stdlib.h>

#include "../../proto/buf.h"

struct dbd_sql_stmt {
    const dbd_sql_dialect *dialect;
    dbd_buf text;  /* sticky failure: checked once, by sqlstmt_failed() */
    dbd_buf shape;
    dbd_value *binds;
    size_t nbinds;
    size_t bindcap;
    bool failed; /* the bind list could not grow */
    bool no_text; /* shape and binds only (dbd_sql_stmt_build_shape()) */
};

dbd_sql_stmt *dbd_sql_stmt_new(const dbd_sql_dialect *dialect)
{
    if (dialect == NULL)
        return NULL;
    dbd_sql_stmt *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->dialect = dialect;
    dbd_buf_init(&s->text);
    dbd_buf_init(&s->shape);
    return s;
}

void dbd_sql_stmt_destroy(dbd_sql_stmt **ps)
{
    if (ps == NULL || *ps == NULL)
        return;
    dbd_sql_stmt *s = *ps;
    dbd_buf_free(&s->text);
    dbd_buf_free(&s->shape);
    free(s->binds);
    free(s);
    *ps = NULL;
}

const char *dbd_sql_stmt_text(const dbd_sql_stmt *s, size_t *len)
{
    if (len != NULL)
        *len = s->text.len;
    return dbd_buf_text(&s->text);
}

const char *dbd_sql_stmt_shape(const dbd_sql_stmt *s, size_t *len)
{
    if (len != NULL)
        *len = s->shape.len;
    return dbd_buf_text(&s->shape);
}

size_t dbd_sql_stmt_nbinds(const dbd_sql_stmt *s)
{
    return s->nbinds;
}

const dbd_value *dbd_sql_stmt_binds(const dbd_sql_stmt *s)
{
    return s->binds;
}

const dbd_sql_dialect *sqlstmt_dialect(const dbd_sql_stmt *s)
{
    return s->dialect;
}

void sqlstmt_reset(dbd_sql_stmt *s, bool with_text)
{
    dbd_buf_reset(&s->text);
    dbd_buf_reset(&s->shape);
    s->nbinds = 0;
    s->failed = false;
    s->no_text = !with_text;
}

bool sqlstmt_failed(const dbd_sql_stmt *s)
{
    return s->failed || s->text.failed || s->shape.failed;
}

void sqlstmt_sql(dbd_sql_stmt *s, const char *text)
{
    if (s->no_text)
        return;
    (void)dbd_buf_append_str(&s->text, text);
}

void sqlstmt_ident(dbd_sql_stmt *s, const char *name)
{
    if (s->no_text)
        return;
    (void)dbd_buf_append_str(&s->text, s->dialect->quote_open);
    (void)dbd_buf_append_str(&s->text, name);
    (void)dbd_buf_append_str(&s->text, s->dialect->quote_close);
}

void sqlstmt_param(dbd_sql_stmt *s, const dbd_value *v)
{
    if (s->failed)
        return;
    if (s->nbinds == s->bindcap) {
        size_t cap = s->bindcap ? s->bindcap * 2 : 16;
        if (cap > SIZE_MAX / sizeof *s->binds) {
            s->failed = true;
            return;
        }
        dbd_value *p = realloc(s->binds, cap * sizeof *p);
        if (p == NULL) {
            s->failed = true;
            return;
        }
        s->binds = p;
        s->bindcap = cap;
    }
    s->binds[s->nbinds++] = *v;
    if (s->no_text)
        return;
    if (s->dialect->placeholder == DBD_SQL_PLACEHOLDER_DOLLAR) {
        (void)dbd_buf_append_char(&s->text, '$');
        (void)dbd_buf_append_uint(&s->text, s->nbinds);
    } else {
        (void)dbd_buf_append_char(&s->text, '?');
    }
}

void sqlstmt_shape(dbd_sql_stmt *s, const char *text)
{
    (void)dbd_buf_append_str(&s->shape, text);
}

void sqlstmt_shape_count(dbd_sql_stmt *s, unsigned long long n)
{
    (void)dbd_buf_append_uint(&s->shape, n);
}
