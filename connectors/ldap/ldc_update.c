/*
 * ldc_update.c - update: a search finds the entries whose rows satisfy
 * the conditions (all of them are found before the first change, so
 * changes cannot disturb the search; ldc_delete.c uses the same search),
 * then each is modified or renamed on its own.  LDAP has no transactions:
 * when one entry fails the ones before it stay changed.  An entry that
 * vanished meanwhile (noSuchObject) is not counted.
 *
 * A change of an RDN column renames the entry (ldap_rename, old RDN
 * values deleted) before the other columns are modified; a taken name is
 * entryAlreadyExists, i.e. CONSTRAINT, and leaves that entry unchanged.
 */
#include "ldc_int.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ldc_entry.h"
#include "ldc_filter.h"
#include "ldc_rows.h"
#include "ldc_value.h"

typedef struct collect {
    ldc_conn *c;
    const ldc_filter *f;
    ldc_rows *rows;
    char *msg;
    size_t msglen;
} collect;

static dbd_status on_entry(void *ctx, LDAPMessage *entry,
                           const dbd_value *row, bool *stop)
{
    collect *k = ctx;
    (void)stop;
    if (!ldc_filter_match(k->f, row))
        return DBD_OK;
    char *dn = ldap_get_dn(k->c->ld, entry);
    if (dn == NULL)
        return ldc_fail(ldc_last_error(k->c->ld), "reading an entry's DN",
                        NULL, k->msg, k->msglen);
    int rc = ldc_rows_add(k->rows, row, dn);
    ldap_memfree(dn);
    if (rc != 0)
        return dbd_failf(DBD_INTERNAL, k->msg, k->msglen, "out of memory");
    return DBD_OK;
}

dbd_status ldc_find(ldc_conn *c, const ldc_table *t, const dbd_cond *where,
                    size_t nwhere, bool *want, ldc_rows **out, char *msg,
                    size_t msglen)
{
    collect k = {c, NULL, NULL, msg, msglen};
    ldc_filter *f = NULL;
    dbd_buf text;
    dbd_status st;

    dbd_buf_init(&text);
    *out = NULL;
    st = ldc_filter_new(t, where, nwhere, &f, msg, msglen);
    if (st != DBD_OK)
        goto out;
    ldc_filter_columns(f, want);
    k.f = f;
    if (ldc_filter_text(f, &text) != 0 ||
        (k.rows = ldc_rows_new(t->ncols)) == NULL) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        goto out;
    }
    st = ldc_search(c, t, dbd_buf_text(&text), want, 0, on_entry, &k, msg,
                    msglen);
    if (st == DBD_OK) {
        *out = k.rows;
        k.rows = NULL;
    }
out:
    ldc_rows_destroy(&k.rows);
    ldc_filter_destroy(&f);
    dbd_buf_free(&text);
    return st;
}

/* The parent of a DN as the server wrote it: after the first unescaped
 * comma. */
static const char *parent_of(const char *dn)
{
    for (const char *p = dn; *p != '\0'; p++) {
        if (*p == '\\' && p[1] != '\0')
            p++;
        else if (*p == ',')
            return p + 1;
    }
    return "";
}

/* Waits for msgid's answer; *gone when the entry no longer exists. */
static dbd_status finish(ldc_conn *c, int rc, int msgid, const char *what,
                         const ldc_table *t, const char *dn, bool *gone,
                         char *msg, size_t msglen)
{
    char diag[256] = "";
    if (rc == LDAP_SUCCESS)
        rc = ldc_result(c, msgid, diag, sizeof diag);
    *gone = rc == LDAP_NO_SUCH_OBJECT;
    if (rc == LDAP_SUCCESS || *gone)
        return DBD_OK;
    if (rc == LDAP_ALREADY_EXISTS)
        return dbd_failf(DBD_CONSTRAINT, msg, msglen,
                         "table '%s': duplicate key, renaming %s would take "
                         "the name of another entry", t->name, dn);
    return ldc_fail(rc, what, diag, msg, msglen);
}

typedef struct change {
    const ldc_table *t;
    const dbd_value *set; /* per column, valid where isset */
    const bool *isset;
    dbd_value *next;      /* scratch: the row after the change */
} change;

/* Applies the change to one found entry; *done is false when it
 * vanished. */
static dbd_status change_entry(ldc_conn *c, const change *ch,
                               const dbd_value *old, const char *dn,
                               bool *done, char *msg, size_t msglen)
{
    const ldc_table *t = ch->t;
    ldc_mods *m = ldc_mods_new(t->ncols);
    bool renamed = false, gone = false;
    dbd_buf rdn, newdn;
    int msgid = -1, rc;
    dbd_status st = DBD_OK;

    dbd_buf_init(&rdn);
    dbd_buf_init(&newdn);
    *done = false;
    if (m == NULL) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < t->ncols; i++) {
        ch->next[i] = ch->isset[i] ? ch->set[i] : old[i];
        if (ch->isset[i] && t->cols[i].rdn)
            renamed = renamed || !dbd_value_equal(&old[i], &ch->set[i]);
    }
    st = ldc_unique_check(c, t, ch->next, ch->isset, -1, dn, msg, msglen);
    if (st != DBD_OK)
        goto out;
    const char *target = dn;
    if (renamed) {
        st = ldc_entry_rdn(t, ch->next, &rdn, msg, msglen);
        if (st != DBD_OK)
            goto out;
        rc = ldap_rename(c->ld, dn, dbd_buf_text(&rdn), NULL, 1, NULL, NULL,
                         &msgid);
        st = finish(c, rc, msgid, "rename", t, dn, &gone, msg, msglen);
        if (st != DBD_OK || gone)
            goto out;
        const char *parent = parent_of(dn);
        dbd_buf_append_str(&newdn, dbd_buf_text(&rdn));
        if (parent[0] != '\0') {
            dbd_buf_append_char(&newdn, ',');
            dbd_buf_append_str(&newdn, parent);
        }
        if (newdn.failed) {
            st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
            goto out;
        }
        target = dbd_buf_text(&newdn);
    }
    /* the RDN's own attributes were set by the rename; with an rdnattr
     * the columns are ordinary attributes */
    for (size_t i = 0; i < t->ncols; i++)
        if (ch->isset[i] && (t->rdnattr != NULL || !t->cols[i].rdn) &&
            !ldc_mods_value(m, LDAP_MOD_REPLACE, t->cols[i].attr,
                            &ch->set[i])) {
            st = dbd_failf(DBD_BAD, msg, msglen,
                           "column '%s': the value has no LDAP form",
                           t->cols[i].name);
            goto out;
        }
    if (ldc_mods_count(m) > 0) {
        rc = ldap_modify_ext(c->ld, target, ldc_mods_list(m), NULL, NULL,
                             &msgid);
        st = finish(c, rc, msgid, "modify", t, target, &gone, msg, msglen);
        if (st != DBD_OK || gone)
            goto out;
    }
    *done = true;
out:
    ldc_mods_destroy(&m);
    dbd_buf_free(&rdn);
    dbd_buf_free(&newdn);
    return st;
}

/* The SET list as cells; NOT NULL checked. */
static dbd_status prepare_set(const ldc_table *t, const dbd_assign *set,
                              size_t nset, dbd_value *cells, bool *isset,
                              char *msg, size_t msglen)
{
    for (size_t i = 0; i < nset; i++) {
        long col = ldc_table_column(t, set[i].column);
        if (col < 0)
            return ldc_no_column(t, set[i].column, msg, msglen);
        const ldc_column *column = &t->cols[col];
        dbd_status st = ldc_value_coerce(column, &set[i].value, &cells[col],
                                         msg, msglen);
        if (st != DBD_OK)
            return st;
        if (cells[col].type == DBD_TYPE_NULL && column->notnull)
            return dbd_failf(DBD_CONSTRAINT, msg, msglen,
                             "table '%s': column '%s' cannot be NULL",
                             t->name, column->name);
        isset[col] = true;
    }
    return DBD_OK;
}

dbd_status ldc_update(ldc_conn *c, const ldc_table *t, const dbd_cond *where,
                      size_t nwhere, const dbd_assign *set, size_t nset,
                      int64_t *affected, char *msg, size_t msglen)
{
    size_t n = t->ncols + 1;
    dbd_value *cells = calloc(n, sizeof *cells);
    dbd_value *next = calloc(n, sizeof *next);
    bool *isset = calloc(n, sizeof *isset);
    bool *want = calloc(n, sizeof *want);
    ldc_rows *rows = NULL;
    dbd_status st;

    *affected = 0;
    if (cells == NULL || next == NULL || isset == NULL || want == NULL) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        goto out;
    }
    st = prepare_set(t, set, nset, cells, isset, msg, msglen);
    if (st != DBD_OK)
        goto out;
    /* Old values needed: the RDN (a rename keeps the unchanged parts)
     * and the unique keys the change touches. */
    for (size_t i = 0; i < t->nrdn; i++)
        want[t->rdn[i]] = true;
    for (size_t u = 0; u < t->nuniques; u++)
        for (size_t i = 0; i < t->uniques[u].n; i++)
            want[t->uniques[u].cols[i]] = true;
    st = ldc_find(c, t, where, nwhere, want, &rows, msg, msglen);
    if (st != DBD_OK)
        goto out;
    change ch = {t, cells, isset, next};
    for (size_t r = 0; r < ldc_rows_count(rows) && st == DBD_OK; r++) {
        bool done = false;
        st = nset == 0 ? DBD_OK
                       : change_entry(c, &ch, ldc_rows_cells(rows, r),
                                      ldc_rows_dn(rows, r), &done, msg,
                                      msglen);
        if (st == DBD_OK && (done || nset == 0))
            (*affected)++;
    }
out:
    ldc_rows_destroy(&rows);
    free(cells);
    free(next);
    free(isset);
    free(want);
    return st;
}
