/*
 * ldc_delete.c - delete: the matching entries are found first
 * (ldc_find), then deleted with up to WINDOW requests in flight on the
 * connection, so a large delete is not one round trip per entry.  An
 * entry that vanished meanwhile (noSuchObject) is not counted.  LDAP has
 * no transactions: when one delete fails, those answered before stay
 * done; the ones still in flight are waited for, then the first failure
 * is reported.
 */
#include "ldc_int.h"

#include <stdio.h>
#include <stdlib.h>

#define WINDOW 64

/* One answer to any request in flight: its result code. */
static int next_result(ldc_conn *c, char *diag, size_t diaglen)
{
    struct timeval tv;
    LDAPMessage *res = NULL;
    char *text = NULL;
    int err = LDAP_OTHER;

    diag[0] = '\0';
    int type = ldap_result(c->ld, LDAP_RES_ANY, LDAP_MSG_ONE,
                           ldc_timeout(c, &tv), &res);
    if (type == 0) {
        snprintf(diag, diaglen, "no answer within %d ms", c->timeout_ms);
        return LDAP_TIMEOUT;
    }
    if (type < 0)
        return ldc_last_error(c->ld);
    if (ldap_msgid(res) == 0) { /* the server's notice of disconnection */
        ldap_msgfree(res);
        return LDAP_SERVER_DOWN;
    }
    int rc = ldap_parse_result(c->ld, res, &err, NULL, &text, NULL, NULL, 1);
    if (rc != LDAP_SUCCESS)
        err = rc;
    if (text != NULL) {
        snprintf(diag, diaglen, "%s", text);
        ldap_memfree(text);
    }
    return err;
}

/* A failure that leaves answers unread breaks the connection's state. */
static bool lost(int rc)
{
    return ldc_status_of(rc) == DBD_UNAVAILABLE;
}

dbd_status ldc_delete(ldc_conn *c, const ldc_table *t, const dbd_cond *where,
                      size_t nwhere, int64_t *affected, char *msg,
                      size_t msglen)
{
    bool *want = calloc(t->ncols + 1, sizeof *want);
    ldc_rows *rows = NULL;
    size_t sent = 0, inflight = 0;
    char diag[256];
    dbd_status st;

    *affected = 0;
    if (want == NULL)
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    st = ldc_find(c, t, where, nwhere, want, &rows, msg, msglen);
    size_t total = st == DBD_OK ? ldc_rows_count(rows) : 0;
    while (sent < total || inflight > 0) {
        while (st == DBD_OK && sent < total && inflight < WINDOW) {
            int msgid;
            int rc = ldap_delete_ext(c->ld, ldc_rows_dn(rows, sent), NULL,
                                     NULL, &msgid);
            if (rc != LDAP_SUCCESS) {
                st = ldc_fail(rc, "delete", NULL, msg, msglen);
                break;
            }
            sent++;
            inflight++;
        }
        if (inflight == 0)
            break;
        int rc = next_result(c, diag, sizeof diag);
        if (lost(rc)) { /* the rest will not be answered */
            st = ldc_fail(rc, "delete", diag, msg, msglen);
            break;
        }
        inflight--;
        if (rc == LDAP_SUCCESS)
            (*affected)++;
        else if (rc != LDAP_NO_SUCH_OBJECT && st == DBD_OK)
            st = ldc_fail(rc, "delete", diag, msg, msglen);
        if (st != DBD_OK)
            sent = total; /* send no more; wait for those in flight */
    }
    ldc_rows_destroy(&rows);
    free(want);
    return st;
}
