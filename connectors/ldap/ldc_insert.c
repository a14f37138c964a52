/*
 * ldc_insert.c - insert: one LDAP add.  The row is completed as an SQL
 * INSERT completes it (defaults from the mapping, NOT NULL checked, an id
 * from the counter for the auto-increment column), named by its RDN
 * columns, and added with every object class of the table.  A second
 * entry with the same RDN is refused by the server (entryAlreadyExists),
 * which is the unique-key violation CONSTRAINT.
 */
#include "ldc_int.h"

#include <stdlib.h>

#include "buf.h"
#include "ldc_entry.h"
#include "ldc_value.h"

/* The row of an insert: given values, then defaults; NOT NULL checked
 * for every column but the auto-increment one. */
static dbd_status complete_row(const ldc_table *t, const dbd_assign *values,
                               size_t n, dbd_value *row, char *msg,
                               size_t msglen)
{
    bool *given = calloc(t->ncols + 1, sizeof *given);
    dbd_status st = DBD_OK;

    if (given == NULL)
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    for (size_t i = 0; i < t->ncols; i++)
        row[i] = dbd_null();
    for (size_t i = 0; i < n && st == DBD_OK; i++) {
        long col = ldc_table_column(t, values[i].column);
        if (col < 0)
            st = ldc_no_column(t, values[i].column, msg, msglen);
        else
            st = ldc_value_coerce(&t->cols[col], &values[i].value, &row[col],
                                  msg, msglen);
        if (st == DBD_OK)
            given[col] = true;
    }
    for (size_t i = 0; i < t->ncols && st == DBD_OK; i++) {
        const ldc_column *col = &t->cols[i];
        if (!given[i] && col->has_default)
            row[i] = col->def;
        if (row[i].type == DBD_TYPE_NULL && col->notnull &&
            (long)i != t->autoinc)
            st = dbd_failf(DBD_CONSTRAINT, msg, msglen,
                           "table '%s': column '%s' cannot be NULL%s",
                           t->name, col->name,
                           given[i] ? "" : " and has no default");
    }
    free(given);
    return st;
}

/* The id column: a new id from the counter, or the counter moved past
 * an id given explicitly. */
static dbd_status take_id(ldc_conn *c, const ldc_table *t, dbd_value *row,
                          char *msg, size_t msglen)
{
    if (t->autoinc < 0)
        return DBD_OK;
    dbd_value *id = &row[t->autoinc];
    if (id->type != DBD_TYPE_NULL)
        return ldc_autoinc_seen(c, t, id->u.i, msg, msglen);
    int64_t n;
    dbd_status st = ldc_autoinc_next(c, t, &n, msg, msglen);
    if (st == DBD_OK)
        *id = dbd_int(n);
    return st;
}

static dbd_status add_entry(ldc_conn *c, const ldc_table *t,
                            const dbd_value *row, const char *dn,
                            bool *exists, char *msg, size_t msglen)
{
    ldc_mods *m = ldc_mods_new(t->ncols + 2);
    char diag[256];
    int msgid;
    dbd_buf key;
    dbd_status st = DBD_OK;

    dbd_buf_init(&key);
    if (m == NULL || !ldc_mods_strings(m, LDAP_MOD_ADD, "objectClass",
                                       t->classes)) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        goto out;
    }
    if (t->rdnattr != NULL) { /* the naming value must be in the entry */
        st = ldc_entry_key(t, row, &key, msg, msglen);
        if (st != DBD_OK)
            goto out;
        dbd_value kv = dbd_string(key.data, key.len);
        if (!ldc_mods_value(m, LDAP_MOD_ADD, t->rdnattr, &kv)) {
            st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
            goto out;
        }
    }
    for (size_t i = 0; i < t->ncols; i++)
        if (row[i].type != DBD_TYPE_NULL &&
            !ldc_mods_value(m, LDAP_MOD_ADD, t->cols[i].attr, &row[i])) {
            st = dbd_failf(DBD_BAD, msg, msglen,
                           "column '%s': the value has no LDAP form",
                           t->cols[i].name);
            goto out;
        }
    int rc = ldap_add_ext(c->ld, dn, ldc_mods_list(m), NULL, NULL, &msgid);
    if (rc == LDAP_SUCCESS)
        rc = ldc_result(c, msgid, diag, sizeof diag);
    else
        diag[0] = '\0';
    if (rc == LDAP_ALREADY_EXISTS) {
        if (exists != NULL)
            *exists = true;
        st = dbd_failf(DBD_CONSTRAINT, msg, msglen,
                       "table '%s': duplicate key, the entry %s exists",
                       t->name, dn);
    } else if (rc == LDAP_NO_SUCH_OBJECT) {
        st = dbd_failf(DBD_NOTFOUND, msg, msglen,
                       "table '%s': its base entry %s does not exist",
                       t->name, t->base);
    } else if (rc != LDAP_SUCCESS) {
        st = ldc_fail(rc, "add", diag, msg, msglen);
    }
out:
    ldc_mods_destroy(&m);
    dbd_buf_free(&key);
    return st;
}

dbd_status ldc_insert(ldc_conn *c, const ldc_table *t,
                      const dbd_assign *values, size_t n, bool *exists,
                      dbd_exec_info *info)
{
    dbd_value *row = calloc(t->ncols + 1, sizeof *row);
    char *msg = info->msg;
    size_t msglen = sizeof info->msg;
    dbd_buf dn;
    dbd_status st;

    dbd_buf_init(&dn);
    if (exists != NULL)
        *exists = false;
    if (row == NULL) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        goto out;
    }
    st = complete_row(t, values, n, row, msg, msglen);
    if (st != DBD_OK)
        goto out;
    /* Checks that need no id come first, so a refused row burns none. */
    if (t->autoinc < 0 || !t->cols[t->autoinc].rdn) {
        st = ldc_entry_dn(t, row, &dn, msg, msglen);
        if (st != DBD_OK)
            goto out;
        dbd_buf_reset(&dn);
    }
    /* An id the counter hands out is unique: its keys need no search. */
    bool explicit_id = t->autoinc >= 0 &&
                       row[t->autoinc].type != DBD_TYPE_NULL;
    st = ldc_unique_check(c, t, row, NULL, explicit_id ? -1 : t->autoinc,
                          NULL, msg, msglen);
    if (st == DBD_OK)
        st = take_id(c, t, row, msg, msglen);
    if (st == DBD_OK)
        st = ldc_entry_dn(t, row, &dn, msg, msglen);
    if (st == DBD_OK)
        st = add_entry(c, t, row, dbd_buf_text(&dn), exists, msg, msglen);
    if (st == DBD_OK) {
        info->affected = 1;
        info->last_id = t->autoinc >= 0 ? row[t->autoinc].u.i : 0;
    }
out:
    dbd_buf_free(&dn);
    free(row);
    return st;
}
