/*
 * pgsql_serial.c - which column of a table the server numbers itself
 * (SERIAL, BIGSERIAL or an identity column), so that an insert can return
 * it as last_id with INSERT ... RETURNING.
 *
 * The catalog is asked once per table and connection; the answer, a
 * column or none, is kept until the connection closes.  A table that does
 * not exist is not remembered, so that creating it later is noticed.
 */
#include "pgsql_int.h"

#include "../../proto/ident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tables remembered per connection before the list starts over. */
#define SERIALS_MAX 1024

/* The first integer column that owns a sequence (pg_get_serial_sequence
 * also answers for identity columns).  $1 is the quoted table name, so
 * the name is looked up as the statements spell it, on the search path. */
static const char lookup_sql[] =
    "SELECT c.oid IS NOT NULL, "
    "(SELECT a.attname FROM pg_catalog.pg_attribute a "
    "WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
    "AND a.atttypid IN (20, 21, 23) "
    "AND pg_catalog.pg_get_serial_sequence("
    "c.oid::pg_catalog.regclass::pg_catalog.text, a.attname) IS NOT NULL "
    "ORDER BY a.attnum LIMIT 1) "
    "FROM (SELECT pg_catalog.to_regclass($1) AS oid) c";

typedef struct serial_entry {
    char *table;
    char *column; /* NULL: the table has none */
} serial_entry;

struct pgc_serials {
    serial_entry *entries;
    size_t count, cap;
};

pgc_serials *pgc_serials_new(void)
{
    return calloc(1, sizeof(pgc_serials));
}

static void clear(pgc_serials *s)
{
    for (size_t i = 0; i < s->count; i++) {
        free(s->entries[i].table);
        free(s->entries[i].column);
    }
    s->count = 0;
}

void pgc_serials_destroy(pgc_serials **ps)
{
    if (ps == NULL || *ps == NULL)
        return;
    clear(*ps);
    free((*ps)->entries);
    free(*ps);
    *ps = NULL;
}

static serial_entry *find(pgc_serials *s, const char *table)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->entries[i].table, table) == 0)
            return &s->entries[i];
    return NULL;
}

/* Remembers table's answer; NULL when memory ran out. */
static serial_entry *add(pgc_serials *s, const char *table,
                         const char *column)
{
    if (s->count == SERIALS_MAX)
        clear(s);
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        serial_entry *p = realloc(s->entries, cap * sizeof *p);
        if (p == NULL)
            return NULL;
        s->entries = p;
        s->cap = cap;
    }
    serial_entry e = {.table = strdup(table),
                      .column = column != NULL ? strdup(column) : NULL};
    if (e.table == NULL || (column != NULL && e.column == NULL)) {
        free(e.table);
        free(e.column);
        return NULL;
    }
    s->entries[s->count] = e;
    return &s->entries[s->count++];
}

dbd_status pgc_serial_column(pgc_conn *c, const char *table,
                             const char **column, dbd_exec_info *info)
{
    serial_entry *e = find(c->serials, table);
    char quoted[2 * DBD_IDENT_MAX + 3];
    const char *params[1] = {quoted};
    dbd_status status = DBD_OK;
    PGresult *res = NULL;

    *column = NULL;
    if (e != NULL) {
        *column = e->column;
        return DBD_OK;
    }
    status = pgc_check_conn(c, info);
    if (status != DBD_OK)
        return status;
    /* identifiers hold no quote (ident.h), so quoting needs no escaping */
    snprintf(quoted, sizeof quoted, "\"%s\"", table);
    res = PQexecParams(c->pg, lookup_sql, 1, NULL, params, NULL, NULL,
                       PGC_FORMAT_TEXT);
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 ||
        PQnfields(res) != 2) {
        status = pgc_error(c, res, "cannot look up the serial column",
                           info->msg, sizeof info->msg);
        goto out;
    }
    if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
        goto out; /* no such table: the statement itself will say so */
    const char *col = PQgetisnull(res, 0, 1) ? NULL : PQgetvalue(res, 0, 1);
    /* it goes into statement text: only a name the identifier rule allows */
    if (col != NULL && !dbd_ident_valid(col, strlen(col)))
        col = NULL;
    e = add(c->serials, table, col);
    if (e == NULL) {
        status = dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                           "out of memory");
        goto out;
    }
    *column = e->column;
out:
    PQclear(res);
    return status;
}
