/*
 * pgsql_error.c - SQLSTATEs onto the dbd status table, in one table.
 *
 * A full five-character code is looked up first, then its two-character
 * class; a class not listed is INTERNAL.  Whatever the code, a connection
 * libpq reports broken (CONNECTION_BAD) is UNAVAILABLE, so that the daemon
 * reopens it: a lost connection often carries no SQLSTATE at all.
 */
#include "pgsql_int.h"

#include <string.h>

typedef struct state_status {
    const char *code; /* five characters, or a two-character class */
    dbd_status st;
} state_status;

static const state_status states[] = {
    /* exact codes, refining their class */
    {"42P01", DBD_NOTFOUND},    /* undefined_table */
    {"42703", DBD_NOTFOUND},    /* undefined_column */
    {"3F000", DBD_NOTFOUND},    /* invalid_schema_name */
    {"42501", DBD_DENY},        /* insufficient_privilege */
    {"40001", DBD_BUSY},        /* serialization_failure */
    {"40P01", DBD_BUSY},        /* deadlock_detected */
    {"40002", DBD_CONSTRAINT},  /* transaction integrity constraint */
    {"55P03", DBD_BUSY},        /* lock_not_available (lock_timeout, NOWAIT) */
    {"55006", DBD_BUSY},        /* object_in_use */
    {"57014", DBD_TIMEOUT},     /* query_canceled (statement_timeout) */
    {"53300", DBD_BUSY},        /* too_many_connections */
    {"3D000", DBD_CONFIG},      /* invalid_catalog_name: no such database */
    /* protocol_violation from a server that keeps the session: the request
     * did not fit the statement (e.g. the number of raw parameters) */
    {"08P01", DBD_BAD},
    /* classes */
    {"08", DBD_UNAVAILABLE},    /* connection exception */
    {"57", DBD_UNAVAILABLE},    /* operator intervention: shutdown, crash */
    {"28", DBD_DENY},           /* invalid authorization specification */
    {"23", DBD_CONSTRAINT},     /* integrity constraint violation */
    {"44", DBD_CONSTRAINT},     /* WITH CHECK OPTION violation */
    {"22", DBD_BAD},            /* data exception */
    {"42", DBD_BAD},            /* syntax error or access rule violation */
    {"21", DBD_BAD},            /* cardinality violation */
    {"25", DBD_BAD},            /* invalid transaction state */
    {"26", DBD_INTERNAL},       /* invalid SQL statement name */
    {"2B", DBD_CONSTRAINT},     /* dependent privilege descriptors exist */
    {"0A", DBD_UNSUPPORTED},    /* feature not supported */
    {"40", DBD_BUSY},           /* transaction rollback: retry */
    {"53", DBD_INTERNAL},       /* insufficient resources */
    {"54", DBD_BAD},            /* program limit exceeded */
    {"55", DBD_BAD},            /* object not in prerequisite state */
    {"58", DBD_INTERNAL},       /* system error (I/O) */
    {"XX", DBD_INTERNAL},       /* internal error */
};

dbd_status pgc_status_of(const char *sqlstate)
{
    if (sqlstate == NULL || strlen(sqlstate) != 5)
        return DBD_INTERNAL;
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        size_t n = strlen(states[i].code);
        if (strncmp(states[i].code, sqlstate, n) == 0)
            return states[i].st;
    }
    return DBD_INTERNAL;
}

dbd_status pgc_check_conn(const pgc_conn *c, dbd_exec_info *info)
{
    if (PQstatus(c->pg) != CONNECTION_BAD)
        return DBD_OK;
    return pgc_error(c, NULL, "connection lost", info->msg, sizeof info->msg);
}

void pgc_one_line(char *s)
{
    size_t n = strlen(s), out = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i];
        if (ch == ' ' && (out == 0 || s[out - 1] == ' '))
            continue; /* no runs of blanks */
        s[out++] = ch;
    }
    while (out > 0 && s[out - 1] == ' ')
        out--;
    s[out] = '\0';
}

dbd_status pgc_error(const pgc_conn *c, const PGresult *res, const char *what,
                     char *msg, size_t msglen)
{
    const char *state = NULL, *text = NULL, *detail = NULL;
    dbd_status st;

    if (res != NULL) {
        state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        text = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
        if (text == NULL)
            text = PQresultErrorMessage(res);
    }
    if (text == NULL || text[0] == '\0')
        text = c->pg != NULL ? PQerrorMessage(c->pg) : "";
    if (text == NULL || text[0] == '\0')
        text = "unknown error";
    st = state != NULL ? pgc_status_of(state) : DBD_INTERNAL;
    if (c->pg == NULL || PQstatus(c->pg) == CONNECTION_BAD)
        st = DBD_UNAVAILABLE;
    if (st == DBD_OK)
        st = DBD_INTERNAL;
    if (state != NULL && detail != NULL)
        dbd_errf(msg, msglen, "%s: %s (SQLSTATE %s): %s", what, text, state,
                 detail);
    else if (state != NULL)
        dbd_errf(msg, msglen, "%s: %s (SQLSTATE %s)", what, text, state);
    else
        dbd_errf(msg, msglen, "%s: %s", what, text);
    if (msg != NULL && msglen > 0)
        pgc_one_line(msg);
    return st;
}
