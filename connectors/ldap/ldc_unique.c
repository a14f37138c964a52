/*
 * ldc_unique.c - unique keys other than the RDN.  The directory itself
 * refuses a second entry with the same DN, so the RDN key is enforced
 * race-free; further keys named by "unique =" in the mapping are checked
 * with a search before the write.  Two writers racing with the same new
 * value can both pass that check: use the RDN for keys that must hold
 * under concurrent writers (the shipped mapping does).
 */
#include "ldc_int.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ldc_filter.h"

typedef struct probe {
    ldc_conn *c;
    const ldc_filter *f;
    const char *self_dn;
    bool found;
} probe;

static dbd_status on_entry(void *ctx, LDAPMessage *entry,
                           const dbd_value *row, bool *stop)
{
    probe *p = ctx;
    if (!ldc_filter_match(p->f, row))
        return DBD_OK;
    if (p->self_dn != NULL) {
        char *dn = ldap_get_dn(p->c->ld, entry);
        bool self = dn != NULL && strcmp(dn, p->self_dn) == 0;
        ldap_memfree(dn);
        if (self)
            return DBD_OK;
    }
    p->found = true;
    *stop = true;
    return DBD_OK;
}

/* Does another entry hold row's values for key k? */
static dbd_status check_key(ldc_conn *c, const ldc_table *t, const ldc_key *k,
                            const dbd_value *row, const char *self_dn,
                            char *msg, size_t msglen)
{
    dbd_cond *conds = calloc(k->n, sizeof *conds);
    bool *want = calloc(t->ncols, sizeof *want);
    ldc_filter *f = NULL;
    dbd_buf text;
    dbd_status st;

    dbd_buf_init(&text);
    if (conds == NULL || want == NULL) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < k->n; i++)
        conds[i] = (dbd_cond){.column = t->cols[k->cols[i]].name,
                              .cmp = DBD_CMP_EQ,
                              .value = row[k->cols[i]]};
    st = ldc_filter_new(t, conds, k->n, &f, msg, msglen);
    if (st != DBD_OK)
        goto out;
    ldc_filter_columns(f, want);
    if (ldc_filter_text(f, &text) != 0) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        goto out;
    }
    probe p = {c, f, self_dn, false};
    st = ldc_search(c, t, dbd_buf_text(&text), want, 0, on_entry, &p, msg,
                    msglen);
    if (st == DBD_OK && p.found) {
        dbd_buf_reset(&text);
        for (size_t i = 0; i < k->n; i++) {
            dbd_buf_append_str(&text, i > 0 ? ", " : "");
            dbd_buf_append_str(&text, t->cols[k->cols[i]].name);
        }
        st = dbd_failf(DBD_CONSTRAINT, msg, msglen,
                       "table '%s': duplicate value for the unique key (%s)",
                       t->name, dbd_buf_text(&text));
    }
out:
    ldc_filter_destroy(&f);
    dbd_buf_free(&text);
    free(conds);
    free(want);
    return st;
}

dbd_status ldc_unique_check(ldc_conn *c, const ldc_table *t,
                            const dbd_value *row, const bool *changed,
                            long skip_col, const char *self_dn, char *msg,
                            size_t msglen)
{
    for (size_t u = 0; u < t->nuniques; u++) {
        const ldc_key *k = &t->uniques[u];
        bool touched = changed == NULL, skip = false, has_null = false;
        for (size_t i = 0; i < k->n; i++) {
            size_t col = k->cols[i];
            touched = touched || changed[col];
            skip = skip || (long)col == skip_col;
            has_null = has_null || row[col].type == DBD_TYPE_NULL;
        }
        /* NULLs never collide, as in SQL */
        if (!touched || skip || has_null)
            continue;
        dbd_status st = check_key(c, t, k, row, self_dn, msg, msglen);
        if (st != DBD_OK)
            return st;
    }
    return DBD_OK;
}
