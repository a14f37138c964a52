/*
 * sqlbuild.h - SQL statement text for the data operations, shared by the
 * SQL connectors.
 *
 * From a validated dbd_op (query, insert, update, delete, replace) the
 * builder writes statement text with placeholders, the values to bind in
 * placeholder order, and a shape key.  Values never enter the text: they
 * are only copied into the bind list (the copies borrow the op's string and
 * blob bytes, so the op must outlive their use).  Identifiers are quoted
 * and, although the request validator already checked them, checked again
 * against the identifier rule so that nothing else can reach the text.
 *
 * The shape key names everything that decides the text (operation, table,
 * column lists, operators, IN-list lengths, order, presence of limit and
 * offset) and nothing else, so two ops with equal keys get equal text under
 * one dialect: a connector caches prepared statements by it.
 *
 * Text forms (SQLite dialect shown):
 *   SELECT "a", "b" FROM "t" WHERE "a" = ? AND ("f" & ?) <> 0
 *       AND "c" IN (?, ?) AND "d" IS NULL ORDER BY "a" ASC, "b" DESC
 *       LIMIT ? OFFSET ?                     (SELECT * when no columns)
 *   INSERT INTO "t" ("a", "b") VALUES (?, ?)
 *   UPDATE "t" SET "a" = ?, "b" = ? WHERE ...
 *   DELETE FROM "t" WHERE ...
 *   INSERT INTO "t" ("k", "a") VALUES (?, ?) ON CONFLICT ("k")
 *       DO UPDATE SET "a" = excluded."a"    (DO NOTHING when all are keys)
 */
#ifndef DBD_SQLBUILD_H
#define DBD_SQLBUILD_H

#include <stddef.h>

#include "../../proto/request.h"
#include "../../proto/status.h"
#include "../../proto/value.h"

typedef enum dbd_sql_placeholder {
    DBD_SQL_PLACEHOLDER_QMARK = 0, /* ?            (SQLite, MySQL, ODBC) */
    DBD_SQL_PLACEHOLDER_DOLLAR,    /* $1, $2, ...  (PostgreSQL) */
} dbd_sql_placeholder;

typedef enum dbd_sql_upsert {
    DBD_SQL_UPSERT_NONE = 0,       /* no native form: replace is UNSUPPORTED */
    DBD_SQL_UPSERT_ON_CONFLICT,    /* ON CONFLICT (k) DO UPDATE SET c = excluded.c */
    DBD_SQL_UPSERT_ON_DUPLICATE,   /* ON DUPLICATE KEY UPDATE c = VALUES(c) */
} dbd_sql_upsert;

typedef enum dbd_sql_limit {
    DBD_SQL_LIMIT_NONE = 0,        /* no form: limit/offset are UNSUPPORTED */
    DBD_SQL_LIMIT_OFFSET,          /* LIMIT ? OFFSET ? */
    DBD_SQL_LIMIT_FETCH,           /* OFFSET ? ROWS FETCH FIRST ? ROWS ONLY */
} dbd_sql_limit;

/* Where the backend puts NULLs in an ordered result.  dbd's rule is that
 * NULL sorts before every value (first ascending, last descending), as in
 * SQLite and MariaDB; a backend that sorts them high gets explicit NULLS
 * FIRST / NULLS LAST so every connector returns the same order. */
typedef enum dbd_sql_nulls {
    DBD_SQL_NULLS_LOW = 0,         /* native order already matches */
    DBD_SQL_NULLS_HIGH,            /* PostgreSQL: write NULLS FIRST/LAST */
} dbd_sql_nulls;

typedef struct dbd_sql_dialect {
    const char *name;        /* for messages, e.g. "sqlite" */
    const char *quote_open;  /* written before an identifier, e.g. "\"" */
    const char *quote_close; /* written after it */
    dbd_sql_placeholder placeholder;
    dbd_sql_upsert upsert;
    dbd_sql_limit limit;
    /* LIMIT_OFFSET with an offset but no limit: the literal that means "no
     * limit" ("-1" for SQLite); NULL writes OFFSET alone. */
    const char *no_limit;
    dbd_sql_nulls nulls;
} dbd_sql_dialect;

/* Ready-made dialects. */
extern const dbd_sql_dialect dbd_sql_dialect_sqlite;
extern const dbd_sql_dialect dbd_sql_dialect_postgresql;
extern const dbd_sql_dialect dbd_sql_dialect_mysql;

/* One built statement.  Reusable: each build replaces the previous
 * contents and keeps the memory, so a connection can keep one. */
typedef struct dbd_sql_stmt dbd_sql_stmt;

/* NULL on allocation failure.  The dialect is borrowed. */
dbd_sql_stmt *dbd_sql_stmt_new(const dbd_sql_dialect *dialect);
void dbd_sql_stmt_destroy(dbd_sql_stmt **ps);

/*
 * Builds op into s.  DBD_OK; DBD_BAD for an op the builder cannot express
 * (wrong kind, missing values, bad identifier, empty IN list);
 * DBD_UNSUPPORTED when the dialect has no form for it (replace without an
 * upsert form, limit without a limit form); DBD_INTERNAL when memory ran
 * out.  err gets a message on failure.  On failure s is empty.
 */
dbd_status dbd_sql_stmt_build(dbd_sql_stmt *s, const dbd_op *op, char *err,
                              size_t errlen);

/*
 * As dbd_sql_stmt_build() (same checks, statuses, shape key and bind list)
 * but without the text, which stays empty: all a connector needs to find a
 * statement it prepared before under the shape key.  Equal keys mean equal
 * text, so the text need only be built when the key is not cached.
 */
dbd_status dbd_sql_stmt_build_shape(dbd_sql_stmt *s, const dbd_op *op,
                                    char *err, size_t errlen);

/* The text, NUL-terminated; len may be NULL. */
const char *dbd_sql_stmt_text(const dbd_sql_stmt *s, size_t *len);
/* The shape key, NUL-terminated; len may be NULL. */
const char *dbd_sql_stmt_shape(const dbd_sql_stmt *s, size_t *len);
/* The values to bind, in placeholder order (1-based position = index + 1). */
size_t dbd_sql_stmt_nbinds(const dbd_sql_stmt *s);
const dbd_value *dbd_sql_stmt_binds(const dbd_sql_stmt *s);

#endif
