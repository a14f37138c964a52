/*
 * ldc_error.c - LDAP result codes (RFC 4511 and libldap's client-side
 * codes) mapped onto the status table, in one place.
 */
#include "ldc_int.h"

#include <stdio.h>

dbd_status ldc_status_of(int rc)
{
    switch (rc) {
    case LDAP_SUCCESS:
        return DBD_OK;
    /* the connection is gone or unusable: the daemon reconnects */
    case LDAP_SERVER_DOWN:
    case LDAP_CONNECT_ERROR:
    case LDAP_TIMEOUT:
    case LDAP_LOCAL_ERROR:
    case LDAP_DECODING_ERROR:
    case LDAP_UNAVAILABLE:
        return DBD_UNAVAILABLE;
    case LDAP_BUSY:
        return DBD_BUSY;
    case LDAP_TIMELIMIT_EXCEEDED:
        return DBD_TIMEOUT;
    /* a missing table base; the write paths treat a vanished entry
     * themselves */
    case LDAP_NO_SUCH_OBJECT:
    /* an attribute the server's schema does not know: a missing column */
    case LDAP_UNDEFINED_TYPE:
    case LDAP_NO_SUCH_ATTRIBUTE:
        return DBD_NOTFOUND;
    case LDAP_ALREADY_EXISTS:
    case LDAP_CONSTRAINT_VIOLATION:
    case LDAP_OBJECT_CLASS_VIOLATION:
    case LDAP_TYPE_OR_VALUE_EXISTS:
    case LDAP_NOT_ALLOWED_ON_NONLEAF:
    case LDAP_NOT_ALLOWED_ON_RDN:
        return DBD_CONSTRAINT;
    case LDAP_INSUFFICIENT_ACCESS:
    case LDAP_INVALID_CREDENTIALS:
    case LDAP_INAPPROPRIATE_AUTH:
    case LDAP_STRONG_AUTH_REQUIRED:
    case LDAP_CONFIDENTIALITY_REQUIRED:
    case LDAP_UNWILLING_TO_PERFORM:
        return DBD_DENY;
    case LDAP_INVALID_SYNTAX:
    case LDAP_INVALID_DN_SYNTAX:
    case LDAP_NAMING_VIOLATION:
    case LDAP_INAPPROPRIATE_MATCHING:
    case LDAP_FILTER_ERROR:
    case LDAP_PROTOCOL_ERROR:
    case LDAP_PARAM_ERROR:
        return DBD_BAD;
    /* the server cut a result short: its limits need raising for the
     * bind DN, a datasource set-up matter */
    case LDAP_SIZELIMIT_EXCEEDED:
    case LDAP_ADMINLIMIT_EXCEEDED:
        return DBD_CONFIG;
    case LDAP_UNAVAILABLE_CRITICAL_EXTENSION:
    case LDAP_NOT_SUPPORTED:
        return DBD_UNSUPPORTED;
    default:
        return DBD_INTERNAL;
    }
}

dbd_status ldc_fail(int rc, const char *what, const char *diag, char *msg,
                    size_t msglen)
{
    const char *hint = "";
    if (rc == LDAP_SIZELIMIT_EXCEEDED || rc == LDAP_ADMINLIMIT_EXCEEDED)
        hint = "; raise the server's limits for the bind DN";
    if (diag != NULL && diag[0] != '\0')
        dbd_errf(msg, msglen, "%s: %s (%s)%s", what, ldap_err2string(rc),
                 diag, hint);
    else
        dbd_errf(msg, msglen, "%s: %s%s", what, ldap_err2string(rc), hint);
    return ldc_status_of(rc);
}

int ldc_last_error(LDAP *ld)
{
    int rc = LDAP_OTHER;
    if (ld == NULL ||
        ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &rc) != LDAP_OPT_SUCCESS)
        return LDAP_OTHER;
    return rc;
}
