/*
 * ldc_autoinc.c - auto-increment columns, emulated with a counter: the
 * attribute dbdNextId of the table's base entry holds the next id.  An id
 * is taken by one modify that deletes the value read and adds the next
 * one; LDAP applies a modify atomically, so when another writer took the
 * value first the delete fails with noSuchAttribute and the connector
 * reads the counter again and retries.  Each connection remembers the
 * value it last saw, so a lone writer needs a single modify per insert.
 * Ids are never handed out twice; ids of failed inserts are skipped, as
 * SQL sequences skip them.
 */
#include "ldc_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ldc_entry.h"
#include "ldc_value.h"

#define MAX_TRIES 100

static dbd_status no_counter(const ldc_table *t, const char *why, char *msg,
                             size_t msglen)
{
    return dbd_failf(DBD_CONFIG, msg, msglen,
                     "table '%s': the base entry %s %s (it needs objectClass "
                     "dbdTable and " LDC_ATTR_NEXT_ID ": 1)", t->name,
                     t->base, why);
}

/* Reads the counter from the server into *next. */
static dbd_status read_counter(ldc_conn *c, const ldc_table *t,
                               int64_t *next, char *msg, size_t msglen)
{
    char attr[] = LDC_ATTR_NEXT_ID;
    char *attrs[] = {attr, NULL};
    LDAPMessage *res = NULL;
    struct berval **vals = NULL;
    struct timeval tv;
    char *diag = NULL;
    int msgid, err = LDAP_OTHER;
    int64_t value = 0;
    dbd_status st;

    int rc = ldap_search_ext(c->ld, t->base, LDAP_SCOPE_BASE,
                             "(objectClass=*)", attrs, 0, NULL, NULL, NULL,
                             0, &msgid);
    if (rc != LDAP_SUCCESS)
        return ldc_fail(rc, "reading the id counter", NULL, msg, msglen);
    int type = ldap_result(c->ld, msgid, LDAP_MSG_ALL, ldc_timeout(c, &tv),
                           &res);
    if (type == 0) {
        ldap_abandon_ext(c->ld, msgid, NULL, NULL);
        return dbd_failf(DBD_UNAVAILABLE, msg, msglen,
                         "reading the id counter: no answer within %d ms",
                         c->timeout_ms);
    }
    if (type < 0)
        return ldc_fail(ldc_last_error(c->ld), "reading the id counter",
                        NULL, msg, msglen);
    rc = ldap_parse_result(c->ld, res, &err, NULL, &diag, NULL, NULL, 0);
    if (rc != LDAP_SUCCESS)
        err = rc;
    LDAPMessage *e = ldap_first_entry(c->ld, res);
    if (err == LDAP_NO_SUCH_OBJECT) {
        st = no_counter(t, "does not exist", msg, msglen);
    } else if (err != LDAP_SUCCESS) {
        st = ldc_fail(err, "reading the id counter", diag, msg, msglen);
    } else if (e == NULL ||
               (vals = ldap_get_values_len(c->ld, e, attr)) == NULL ||
               vals[0] == NULL) {
        st = no_counter(t, "has no " LDC_ATTR_NEXT_ID, msg, msglen);
    } else if (!ldc_parse_int(vals[0]->bv_val, vals[0]->bv_len, &value) ||
               value < 1) {
        st = no_counter(t, "holds a " LDC_ATTR_NEXT_ID " that is not a "
                        "positive integer", msg, msglen);
    } else {
        *next = value;
        st = DBD_OK;
    }
    ldap_value_free_len(vals);
    ldap_memfree(diag);
    ldap_msgfree(res);
    return st;
}

/* Moves the counter from one value to another if it still holds from. */
static int swap_counter(ldc_conn *c, const ldc_table *t, int64_t from,
                        int64_t to, char *diag, size_t diaglen)
{
    ldc_mods *m = ldc_mods_new(2);
    dbd_value old = dbd_int(from), next = dbd_int(to);
    int msgid, rc = LDAP_NO_MEMORY;

    if (m == NULL ||
        !ldc_mods_value(m, LDAP_MOD_DELETE, LDC_ATTR_NEXT_ID, &old) ||
        !ldc_mods_value(m, LDAP_MOD_ADD, LDC_ATTR_NEXT_ID, &next))
        goto out;
    rc = ldap_modify_ext(c->ld, t->base, ldc_mods_list(m), NULL, NULL,
                         &msgid);
    if (rc == LDAP_SUCCESS)
        rc = ldc_result(c, msgid, diag, diaglen);
out:
    ldc_mods_destroy(&m);
    return rc;
}

dbd_status ldc_autoinc_next(ldc_conn *c, const ldc_table *t, int64_t *id,
                            char *msg, size_t msglen)
{
    int64_t *seen = &c->next_id[t->index];
    char diag[256];

    for (int tries = 0; tries < MAX_TRIES; tries++) {
        if (*seen == 0) {
            dbd_status st = read_counter(c, t, seen, msg, msglen);
            if (st != DBD_OK)
                return st;
        }
        if (*seen == INT64_MAX)
            return dbd_failf(DBD_CONSTRAINT, msg, msglen,
                             "table '%s': the id counter is exhausted",
                             t->name);
        int64_t n = *seen;
        int rc = swap_counter(c, t, n, n + 1, diag, sizeof diag);
        if (rc == LDAP_SUCCESS) {
            *id = n;
            *seen = n + 1;
            return DBD_OK;
        }
        *seen = 0;
        if (rc != LDAP_NO_SUCH_ATTRIBUTE) /* not a lost race */
            return ldc_fail(rc, "taking an id from the counter", diag, msg,
                            msglen);
    }
    return dbd_failf(DBD_BUSY, msg, msglen,
                     "table '%s': the id counter changed under %d tries",
                     t->name, MAX_TRIES);
}

dbd_status ldc_autoinc_seen(ldc_conn *c, const ldc_table *t, int64_t id,
                            char *msg, size_t msglen)
{
    int64_t *seen = &c->next_id[t->index];
    char diag[256];

    if (id == INT64_MAX)
        return DBD_OK; /* nothing lies beyond it */
    for (int tries = 0; tries < MAX_TRIES; tries++) {
        dbd_status st = read_counter(c, t, seen, msg, msglen);
        if (st != DBD_OK)
            return st;
        if (*seen > id)
            return DBD_OK;
        int rc = swap_counter(c, t, *seen, id + 1, diag, sizeof diag);
        if (rc == LDAP_SUCCESS) {
            *seen = id + 1;
            return DBD_OK;
        }
        *seen = 0;
        if (rc != LDAP_NO_SUCH_ATTRIBUTE)
            return ldc_fail(rc, "moving the id counter", diag, msg, msglen);
    }
    return dbd_failf(DBD_BUSY, msg, msglen,
                     "table '%s': the id counter changed under %d tries",
                     t->name, MAX_TRIES);
}
