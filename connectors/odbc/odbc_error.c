/*
 * odbc_error.c - ODBC diagnostics onto the dbd status table.
 *
 * SQLSTATE classes decide first where a driver sets them well (psqlODBC
 * passes PostgreSQL's own codes through; MariaDB's driver the standard
 * ones).  Some drivers answer most errors with the catch-all HY000 and put
 * the meaning in the native code: SQLite's driver its result code, MySQL
 * and MariaDB their error numbers.  Those are looked at for HY000 (and,
 * for MySQL, before the state, since 40001/HY000 hide lock waits).
 */
#include "odbc_int.h"

#include <stdio.h>
#include <string.h>

typedef struct state_map {
    const char *prefix; /* SQLSTATE or its first characters */
    dbd_status status;
} state_map;

/* Most specific first: the first matching prefix wins. */
static const state_map states[] = {
    {"HYT00", DBD_TIMEOUT},      /* statement timeout */
    {"HYT01", DBD_UNAVAILABLE},  /* connection timeout */
    {"HY008", DBD_TIMEOUT},      /* cancelled */
    {"HY001", DBD_INTERNAL},     /* memory */
    {"57014", DBD_TIMEOUT},      /* PostgreSQL: statement_timeout, cancel */
    {"57P0", DBD_UNAVAILABLE},   /* PostgreSQL: shutdown, terminated */
    {"53300", DBD_UNAVAILABLE},  /* PostgreSQL: too many connections */
    {"55P03", DBD_BUSY},         /* PostgreSQL: lock not available */
    {"40002", DBD_CONSTRAINT},   /* constraint violated at commit */
    {"42S02", DBD_NOTFOUND},     /* table */
    {"42S22", DBD_NOTFOUND},     /* column */
    {"42S12", DBD_NOTFOUND},     /* index */
    {"42P01", DBD_NOTFOUND},     /* PostgreSQL: undefined table */
    {"42703", DBD_NOTFOUND},     /* PostgreSQL: undefined column */
    {"3F000", DBD_NOTFOUND},     /* schema */
    {"42501", DBD_DENY},         /* insufficient privilege */
    {"08", DBD_UNAVAILABLE},     /* connection exception */
    {"23", DBD_CONSTRAINT},      /* integrity constraint violation */
    {"40", DBD_BUSY},            /* rollback: serialization, deadlock */
    {"28", DBD_DENY},            /* invalid authorization */
    {"42", DBD_BAD},             /* syntax or access rule */
    {"22", DBD_BAD},             /* data exception */
    {"21", DBD_BAD},             /* cardinality */
    {"07", DBD_BAD},             /* dynamic SQL: parameters */
    {"25", DBD_BAD},             /* invalid transaction state */
    {"54", DBD_BAD},             /* program limit exceeded */
    {"0A", DBD_UNSUPPORTED},     /* feature not supported */
    {"53", DBD_BUSY},            /* insufficient resources */
    {"58", DBD_UNAVAILABLE},     /* system error (I/O) */
    {"IM", DBD_CONFIG},          /* driver manager: DSN, driver */
    {"HY", DBD_INTERNAL},
    {"XX", DBD_INTERNAL},
};

static bool by_state(const char *state, dbd_status *out)
{
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        size_t n = strlen(states[i].prefix);
        if (strncmp(state, states[i].prefix, n) == 0) {
            *out = states[i].status;
            return true;
        }
    }
    return false;
}

/* SQLite's result codes, as its ODBC driver reports them. */
static bool sqlite_native(long native, const char *text, dbd_status *out)
{
    switch (native & 0xff) {
    case 19: /* SQLITE_CONSTRAINT */
        *out = DBD_CONSTRAINT;
        return true;
    case 5: /* SQLITE_BUSY */
    case 6: /* SQLITE_LOCKED */
        *out = DBD_BUSY;
        return true;
    case 1: /* SQLITE_ERROR: SQL error or missing table/column */
        *out = text != NULL && (strstr(text, "no such table") != NULL ||
                                strstr(text, "no such column") != NULL ||
                                strstr(text, "has no column named") != NULL)
                   ? DBD_NOTFOUND
                   : DBD_BAD;
        return true;
    case 3:  /* SQLITE_PERM */
    case 8:  /* SQLITE_READONLY */
    case 23: /* SQLITE_AUTH */
        *out = DBD_DENY;
        return true;
    case 9: /* SQLITE_INTERRUPT */
        *out = DBD_TIMEOUT;
        return true;
    case 10: /* SQLITE_IOERR */
    case 11: /* SQLITE_CORRUPT */
    case 14: /* SQLITE_CANTOPEN */
    case 26: /* SQLITE_NOTADB */
        *out = DBD_UNAVAILABLE;
        return true;
    case 18: /* SQLITE_TOOBIG */
    case 20: /* SQLITE_MISMATCH */
    case 25: /* SQLITE_RANGE */
        *out = DBD_BAD;
        return true;
    default:
        return false;
    }
}

/* MySQL and MariaDB error numbers (server and client). */
static bool mysql_native(long native, dbd_status *out)
{
    switch (native) {
    case 1205: /* lock wait timeout */
    case 1213: /* deadlock */
        *out = DBD_BUSY;
        return true;
    case 1317: /* query interrupted */
    case 1969: /* MariaDB max_statement_time */
    case 3024: /* MySQL max_execution_time */
        *out = DBD_TIMEOUT;
        return true;
    case 1053: /* server shutdown */
    case 1927: /* connection killed */
    case 2002: /* cannot connect (socket) */
    case 2003: /* cannot connect (TCP) */
    case 2006: /* server has gone away */
    case 2013: /* lost connection during query */
    case 2055: /* lost connection */
        *out = DBD_UNAVAILABLE;
        return true;
    case 1044: /* access denied to database */
    case 1045: /* access denied for user */
    case 1142: /* command denied on table */
    case 1143: /* command denied on column */
    case 1227: /* needs a privilege */
        *out = DBD_DENY;
        return true;
    case 1048: /* column cannot be null */
    case 1062: /* duplicate entry */
    case 1364: /* field has no default: a NOT NULL column left out */
    case 1451: /* foreign key: row is referenced */
    case 1452: /* foreign key: no parent row */
        *out = DBD_CONSTRAINT;
        return true;
    case 1146: /* no such table */
    case 1054: /* no such column */
    case 1049: /* no such database */
        *out = DBD_NOTFOUND;
        return true;
    default:
        return false;
    }
}

dbd_status odbc_status_of(odbc_dbms_kind kind, const char *sqlstate,
                          long native, const char *text)
{
    dbd_status st;
    bool generic = sqlstate == NULL || sqlstate[0] == '\0' ||
                   strcmp(sqlstate, "HY000") == 0;

    if (kind == ODBC_DBMS_MYSQL && mysql_native(native, &st))
        return st;
    if (kind == ODBC_DBMS_SQLITE && generic &&
        sqlite_native(native, text, &st))
        return st;
    if (!generic && by_state(sqlstate, &st))
        return st;
    return DBD_INTERNAL;
}

dbd_status odbc_diag(odbc_dbms_kind kind, SQLSMALLINT htype, SQLHANDLE h,
                     const char *what, char *msg, size_t msglen)
{
    SQLCHAR state[6], text[512];
    SQLCHAR first_state[6] = "";
    char first_text[512] = "";
    SQLINTEGER native = 0, first_native = 0;
    SQLSMALLINT len;
    bool found = false;

    /* The first record that is not a warning (class 01) says what failed;
     * without one, the first record at all. */
    for (SQLSMALLINT i = 1; i < 32; i++) {
        SQLRETURN r = SQLGetDiagRec(htype, h, i, state, &native, text,
                                    sizeof text, &len);
        if (!SQL_SUCCEEDED(r))
            break;
        bool warning = strncmp((const char *)state, "01", 2) == 0;
        if (!found || (!warning && strncmp((const char *)first_state, "01",
                                           2) == 0)) {
            memcpy(first_state, state, sizeof state);
            snprintf(first_text, sizeof first_text, "%s", (char *)text);
            first_native = native;
            found = true;
        }
        if (!warning)
            break;
    }
    if (!found)
        return dbd_failf(DBD_INTERNAL, msg, msglen,
                         "%s: the driver reported no diagnostics", what);
    /* Drivers end messages with newlines and tack on their own notes. */
    size_t n = strlen(first_text);
    while (n > 0 && (first_text[n - 1] == '\n' || first_text[n - 1] == ';' ||
                     first_text[n - 1] == ' '))
        first_text[--n] = '\0';
    for (char *p = first_text; *p != '\0'; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    dbd_status st = odbc_status_of(kind, (const char *)first_state,
                                   (long)first_native, first_text);
    return dbd_failf(st, msg, msglen, "%s: %s (SQLSTATE %s)", what,
                     first_text, (const char *)first_state);
}
