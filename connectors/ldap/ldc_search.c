/*
 * ldc_search.c - runs one search under a table's base and hands each
 * entry over as soon as it arrives (ldap_result with LDAP_MSG_ONE), so a
 * result of any size needs memory for one entry at a time; TCP flow
 * control holds the server back while the caller is busy.
 */
#include "ldc_int.h"

#include <stdlib.h>
#include <string.h>

#include "ldc_value.h"

typedef struct search {
    ldc_conn *c;
    const ldc_table *t;
    const bool *want;
    dbd_value *row;
    char *msg;
    size_t msglen;
} search;

/* Decodes the wanted attributes of entry e into s->row. */
static dbd_status decode_entry(search *s, LDAPMessage *e)
{
    BerElement *ber = NULL;
    struct berval dn, attr, *vals = NULL;
    dbd_status st = DBD_OK;

    for (size_t i = 0; i < s->t->ncols; i++)
        s->row[i] = dbd_null();
    if (ldap_get_dn_ber(s->c->ld, e, &ber, &dn) != LDAP_SUCCESS)
        return ldc_fail(ldc_last_error(s->c->ld), "reading an entry", NULL,
                        s->msg, s->msglen);
    for (;;) {
        int rc = ldap_get_attribute_ber(s->c->ld, e, ber, &attr, &vals);
        if (rc != LDAP_SUCCESS) {
            st = ldc_fail(rc, "reading an entry's attributes", NULL, s->msg,
                          s->msglen);
            break;
        }
        if (attr.bv_val == NULL)
            break;
        long col = ldc_table_attr(s->t, attr.bv_val, attr.bv_len);
        /* The first value only: the shipped schema makes every mapped
         * attribute SINGLE-VALUE. */
        if (col >= 0 && s->want[col] && vals != NULL &&
            vals[0].bv_val != NULL &&
            s->row[col].type == DBD_TYPE_NULL)
            st = ldc_value_decode(&s->t->cols[col], vals[0].bv_val,
                                  vals[0].bv_len, &s->row[col], s->msg,
                                  s->msglen);
        ber_memfree(vals);
        vals = NULL;
        if (st != DBD_OK)
            break;
    }
    /* Values point into the message, which outlives ber. */
    ber_free(ber, 0);
    return st;
}

/* The attributes to ask for: the wanted columns', or "1.1" (none). */
static char **attr_list(const ldc_table *t, const bool *want,
                        char *no_attrs)
{
    char **attrs = calloc(t->ncols + 2, sizeof *attrs);
    size_t n = 0;
    if (attrs == NULL)
        return NULL;
    for (size_t i = 0; i < t->ncols; i++)
        if (want[i])
            attrs[n++] = t->cols[i].attr;
    if (n == 0)
        attrs[n++] = no_attrs;
    attrs[n] = NULL;
    return attrs;
}

static dbd_status final_result(search *s, LDAPMessage *res, int sizelimit)
{
    int err = LDAP_OTHER;
    char *diag = NULL;
    int rc = ldap_parse_result(s->c->ld, res, &err, NULL, &diag, NULL, NULL,
                               0);
    if (rc != LDAP_SUCCESS)
        err = rc;
    if (err == LDAP_SIZELIMIT_EXCEEDED && sizelimit > 0)
        err = LDAP_SUCCESS;
    dbd_status st = DBD_OK;
    if (err == LDAP_NO_SUCH_OBJECT)
        st = dbd_failf(DBD_NOTFOUND, s->msg, s->msglen,
                       "table '%s': its base entry %s does not exist",
                       s->t->name, s->t->base);
    else if (err != LDAP_SUCCESS)
        st = ldc_fail(err, "search", diag, s->msg, s->msglen);
    ldap_memfree(diag);
    return st;
}

dbd_status ldc_search(ldc_conn *c, const ldc_table *t, const char *filter,
                      const bool *want, int sizelimit, ldc_entry_fn fn,
                      void *ctx, char *msg, size_t msglen)
{
    search s = {c, t, want, NULL, msg, msglen};
    char no_attrs[] = LDAP_NO_ATTRS;
    char **attrs = attr_list(t, want, no_attrs);
    struct timeval tv;
    dbd_status st = DBD_INTERNAL;
    int msgid = -1;
    bool done = false;

    s.row = calloc(t->ncols, sizeof *s.row);
    if (attrs == NULL || s.row == NULL) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        goto out;
    }
    int rc = ldap_search_ext(c->ld, t->base, t->scope, filter, attrs, 0,
                             NULL, NULL, NULL, sizelimit, &msgid);
    if (rc != LDAP_SUCCESS) {
        st = ldc_fail(rc, "search", NULL, msg, msglen);
        msgid = -1;
        goto out;
    }
    while (!done) {
        LDAPMessage *res = NULL;
        bool stop = false;
        int type = ldap_result(c->ld, msgid, LDAP_MSG_ONE,
                               ldc_timeout(c, &tv), &res);
        if (type == 0) {
            st = dbd_failf(DBD_UNAVAILABLE, msg, msglen,
                           "search: no answer within %d ms", c->timeout_ms);
            goto out;
        }
        if (type < 0) {
            st = ldc_fail(ldc_last_error(c->ld), "search", NULL, msg, msglen);
            if (st == DBD_OK)
                st = DBD_UNAVAILABLE;
            msgid = -1;
            goto out;
        }
        st = DBD_OK;
        if (type == LDAP_RES_SEARCH_ENTRY) {
            st = decode_entry(&s, res);
            if (st == DBD_OK)
                st = fn(ctx, res, s.row, &stop);
        } else if (type == LDAP_RES_SEARCH_RESULT) {
            st = final_result(&s, res, sizelimit);
            msgid = -1;
            done = true;
        } /* references are not followed */
        ldap_msgfree(res);
        if (st != DBD_OK || stop)
            break;
    }
out:
    if (msgid >= 0) /* ended early: the server may stop sending */
        ldap_abandon_ext(c->ld, msgid, NULL, NULL);
    free(attrs);
    free(s.row);
    return st;
}
