/*
 * ldc_conn.c - waiting for the server's answer to one request, with the
 * connection's timeout; the request is abandoned when the time runs out
 * so that a late answer cannot be taken for the next request's.
 */
#include "ldc_int.h"

#include <stdio.h>
#include <sys/time.h>

struct timeval *ldc_timeout(const ldc_conn *c, struct timeval *tv)
{
    if (c->timeout_ms <= 0)
        return NULL;
    tv->tv_sec = c->timeout_ms / 1000;
    tv->tv_usec = (c->timeout_ms % 1000) * 1000;
    return tv;
}

int ldc_result(ldc_conn *c, int msgid, char *diag, size_t diaglen)
{
    struct timeval tv;
    LDAPMessage *res = NULL;
    char *text = NULL;
    int err = LDAP_OTHER;

    if (diaglen > 0)
        diag[0] = '\0';
    int type = ldap_result(c->ld, msgid, LDAP_MSG_ALL, ldc_timeout(c, &tv),
                           &res);
    if (type == 0) {
        ldap_abandon_ext(c->ld, msgid, NULL, NULL);
        snprintf(diag, diaglen, "no answer within %d ms", c->timeout_ms);
        return LDAP_TIMEOUT;
    }
    if (type < 0)
        return ldc_last_error(c->ld);
    int rc = ldap_parse_result(c->ld, res, &err, NULL, &text, NULL, NULL, 1);
    if (rc != LDAP_SUCCESS)
        err = rc;
    if (text != NULL) {
        snprintf(diag, diaglen, "%s", text);
        ldap_memfree(text);
    }
    return err;
}
