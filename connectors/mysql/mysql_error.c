/*
 * mysql_error.c - MySQL/MariaDB error numbers onto the dbd status table.
 *
 * The number is looked up first (one table, so the mapping can be read in
 * one place); a number the table does not know falls back to its SQLSTATE
 * class, and then to the range it comes from: a server error (1000-1999,
 * 3000-4999) is taken to be the request's fault (BAD), a client library
 * error (2000-2999, 5000-5999) an internal one.  Every error that means the
 * connection is gone is UNAVAILABLE, so the daemon reopens it: the
 * connector never relies on the library's deprecated auto-reconnect, which
 * would silently lose the session settings and prepared statements.
 *
 * Numbers are written as numbers: libmariadb and libmysqlclient name some
 * of them differently.
 */
#include "mysql_int.h"

#include <string.h>

typedef struct code_status {
    unsigned code;
    dbd_status st;
} code_status;

static const code_status code_map[] = {
    /* constraints */
    {1062, DBD_CONSTRAINT},  /* ER_DUP_ENTRY */
    {1586, DBD_CONSTRAINT},  /* ER_DUP_ENTRY_WITH_KEY_NAME */
    {1859, DBD_CONSTRAINT},  /* ER_DUP_UNKNOWN_IN_INDEX */
    {1048, DBD_CONSTRAINT},  /* ER_BAD_NULL_ERROR: NULL into NOT NULL */
    {1263, DBD_CONSTRAINT},  /* ER_WARN_NULL_TO_NOTNULL (strict mode) */
    {1364, DBD_CONSTRAINT},  /* ER_NO_DEFAULT_FOR_FIELD: NOT NULL left out */
    {1216, DBD_CONSTRAINT},  /* ER_NO_REFERENCED_ROW */
    {1217, DBD_CONSTRAINT},  /* ER_ROW_IS_REFERENCED */
    {1451, DBD_CONSTRAINT},  /* ER_ROW_IS_REFERENCED_2 */
    {1452, DBD_CONSTRAINT},  /* ER_NO_REFERENCED_ROW_2 */
    {1557, DBD_CONSTRAINT},  /* ER_FOREIGN_DUPLICATE_KEY */
    {3819, DBD_CONSTRAINT},  /* MySQL: check constraint violated */
    {4025, DBD_CONSTRAINT},  /* ER_CONSTRAINT_FAILED (CHECK, MariaDB) */
    /* missing objects */
    {1146, DBD_NOTFOUND},    /* ER_NO_SUCH_TABLE */
    {1054, DBD_NOTFOUND},    /* ER_BAD_FIELD_ERROR: unknown column */
    {1049, DBD_NOTFOUND},    /* ER_BAD_DB_ERROR: unknown database */
    {1051, DBD_NOTFOUND},    /* ER_BAD_TABLE_ERROR: unknown table (DROP) */
    {1109, DBD_NOTFOUND},    /* ER_UNKNOWN_TABLE */
    {1305, DBD_NOTFOUND},    /* ER_SP_DOES_NOT_EXIST: no such function */
    {1046, DBD_CONFIG},      /* ER_NO_DB_ERROR: no database selected */
    /* contention */
    {1213, DBD_BUSY},        /* ER_LOCK_DEADLOCK: transaction rolled back */
    {1205, DBD_BUSY},        /* ER_LOCK_WAIT_TIMEOUT */
    {1206, DBD_BUSY},        /* ER_LOCK_TABLE_FULL */
    {1689, DBD_BUSY},        /* ER_LOCK_ABORTED */
    {1192, DBD_BUSY},        /* ER_LOCK_OR_ACTIVE_TRANSACTION */
    {1615, DBD_BUSY},        /* ER_NEED_REPREPARE: schema changed meanwhile */
    {1461, DBD_BUSY},        /* ER_MAX_PREPARED_STMT_COUNT_REACHED */
    {1226, DBD_BUSY},        /* ER_USER_LIMIT_REACHED */
    {2057, DBD_BUSY},        /* CR_NEW_STMT_METADATA */
    /* timeouts */
    {1969, DBD_TIMEOUT},     /* ER_STATEMENT_TIMEOUT (max_statement_time) */
    {1317, DBD_TIMEOUT},     /* ER_QUERY_INTERRUPTED (KILL QUERY) */
    {3024, DBD_TIMEOUT},     /* MySQL: max_execution_time exceeded */
    /* permissions */
    {1044, DBD_DENY},        /* ER_DBACCESS_DENIED_ERROR */
    {1045, DBD_DENY},        /* ER_ACCESS_DENIED_ERROR */
    {1142, DBD_DENY},        /* ER_TABLEACCESS_DENIED_ERROR */
    {1143, DBD_DENY},        /* ER_COLUMNACCESS_DENIED_ERROR */
    {1227, DBD_DENY},        /* ER_SPECIFIC_ACCESS_DENIED_ERROR */
    {1370, DBD_DENY},        /* ER_PROCACCESS_DENIED_ERROR */
    {1290, DBD_DENY},        /* ER_OPTION_PREVENTS_STATEMENT (read_only) */
    {1698, DBD_DENY},        /* ER_ACCESS_DENIED_NO_PASSWORD_ERROR */
    {1792, DBD_DENY},        /* ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION */
    {1836, DBD_DENY},        /* ER_READ_ONLY_MODE */
    {1129, DBD_DENY},        /* ER_HOST_IS_BLOCKED */
    {1130, DBD_DENY},        /* ER_HOST_NOT_PRIVILEGED */
    /* the request's fault */
    {1064, DBD_BAD},         /* ER_PARSE_ERROR */
    {1149, DBD_BAD},         /* ER_SYNTAX_ERROR */
    {1065, DBD_BAD},         /* ER_EMPTY_QUERY */
    {1210, DBD_BAD},         /* ER_WRONG_ARGUMENTS */
    {1406, DBD_BAD},         /* ER_DATA_TOO_LONG */
    {1264, DBD_BAD},         /* ER_WARN_DATA_OUT_OF_RANGE */
    {1690, DBD_BAD},         /* ER_DATA_OUT_OF_RANGE */
    {1292, DBD_BAD},         /* ER_TRUNCATED_WRONG_VALUE */
    {1366, DBD_BAD},         /* ER_TRUNCATED_WRONG_VALUE_FOR_FIELD */
    {1153, DBD_BAD},         /* ER_NET_PACKET_TOO_LARGE (max_allowed_packet) */
    {2020, DBD_BAD},         /* CR_NET_PACKET_TOO_LARGE */
    {1295, DBD_UNSUPPORTED}, /* ER_UNSUPPORTED_PS: cannot be prepared */
    /* resources */
    {1037, DBD_INTERNAL},    /* ER_OUTOFMEMORY */
    {1041, DBD_INTERNAL},    /* ER_OUT_OF_RESOURCES */
    {1105, DBD_INTERNAL},    /* ER_UNKNOWN_ERROR */
    {2008, DBD_INTERNAL},    /* CR_OUT_OF_MEMORY */
    /* the connection is gone or unusable: reopen */
    {1040, DBD_UNAVAILABLE}, /* ER_CON_COUNT_ERROR: too many connections */
    {1203, DBD_UNAVAILABLE}, /* ER_TOO_MANY_USER_CONNECTIONS */
    {1053, DBD_UNAVAILABLE}, /* ER_SERVER_SHUTDOWN */
    {1152, DBD_UNAVAILABLE}, /* ER_ABORTING_CONNECTION */
    {1158, DBD_UNAVAILABLE}, /* ER_NET_READ_ERROR */
    {1159, DBD_UNAVAILABLE}, /* ER_NET_READ_INTERRUPTED */
    {1160, DBD_UNAVAILABLE}, /* ER_NET_ERROR_ON_WRITE */
    {1161, DBD_UNAVAILABLE}, /* ER_NET_WRITE_INTERRUPTED */
    {1184, DBD_UNAVAILABLE}, /* ER_NEW_ABORTING_CONNECTION */
    {1243, DBD_UNAVAILABLE}, /* ER_UNKNOWN_STMT_HANDLER: session was reset */
    {1927, DBD_UNAVAILABLE}, /* ER_CONNECTION_KILLED */
    {2001, DBD_UNAVAILABLE}, /* CR_SOCKET_CREATE_ERROR */
    {2002, DBD_UNAVAILABLE}, /* CR_CONNECTION_ERROR (unix socket) */
    {2003, DBD_UNAVAILABLE}, /* CR_CONN_HOST_ERROR */
    {2004, DBD_UNAVAILABLE}, /* CR_IPSOCK_ERROR */
    {2005, DBD_UNAVAILABLE}, /* CR_UNKNOWN_HOST */
    {2006, DBD_UNAVAILABLE}, /* CR_SERVER_GONE_ERROR */
    {2012, DBD_UNAVAILABLE}, /* CR_SERVER_HANDSHAKE_ERR */
    {2013, DBD_UNAVAILABLE}, /* CR_SERVER_LOST */
    {2014, DBD_UNAVAILABLE}, /* CR_COMMANDS_OUT_OF_SYNC: state unknown */
    {2026, DBD_UNAVAILABLE}, /* CR_SSL_CONNECTION_ERROR */
    {2055, DBD_UNAVAILABLE}, /* CR_SERVER_LOST_EXTENDED */
    {5013, DBD_UNAVAILABLE}, /* CR_ERR_NET_READ (MariaDB client) */
    {5014, DBD_UNAVAILABLE}, /* CR_ERR_NET_WRITE (MariaDB client) */
    {2019, DBD_CONFIG},      /* CR_CANT_READ_CHARSET: unknown charset */
    {1115, DBD_CONFIG},      /* ER_UNKNOWN_CHARACTER_SET */
    {2059, DBD_CONFIG},      /* CR_AUTH_PLUGIN_CANNOT_LOAD */
};

typedef struct state_status {
    const char *prefix; /* SQLSTATE or its class */
    dbd_status st;
} state_status;

/* Most specific first. */
static const state_status state_map[] = {
    {"42S02", DBD_NOTFOUND},   /* base table or view not found */
    {"42S22", DBD_NOTFOUND},   /* column not found */
    {"70100", DBD_TIMEOUT},    /* query interrupted */
    {"08", DBD_UNAVAILABLE},   /* connection exception */
    {"0A", DBD_UNSUPPORTED},   /* feature not supported */
    {"22", DBD_BAD},           /* data exception */
    {"23", DBD_CONSTRAINT},    /* integrity constraint violation */
    {"28", DBD_DENY},          /* invalid authorization */
    {"3D", DBD_CONFIG},        /* invalid catalog (no database) */
    {"40", DBD_BUSY},          /* transaction rollback (deadlock) */
    {"42", DBD_BAD},           /* syntax error or access rule violation */
};

dbd_status myc_status_of(unsigned code, const char *sqlstate)
{
    for (size_t i = 0; i < sizeof code_map / sizeof code_map[0]; i++)
        if (code_map[i].code == code)
            return code_map[i].st;
    if (sqlstate != NULL && strcmp(sqlstate, "HY000") != 0 &&
        strcmp(sqlstate, "00000") != 0)
        for (size_t i = 0; i < sizeof state_map / sizeof state_map[0]; i++)
            if (strncmp(sqlstate, state_map[i].prefix,
                        strlen(state_map[i].prefix)) == 0)
                return state_map[i].st;
    if ((code >= 2000 && code < 3000) || (code >= 5000 && code < 6000))
        return DBD_INTERNAL;
    return DBD_BAD;
}

static dbd_status report(unsigned code, const char *text,
                         const char *sqlstate, const char *what, char *msg,
                         size_t msglen)
{
    if (code == 0) /* a caller only gets here on failure */
        return dbd_failf(DBD_INTERNAL, msg, msglen,
                         "%s: failed without an error from the client "
                         "library", what);
    dbd_status st = myc_status_of(code, sqlstate);
    if (st == DBD_OK)
        st = DBD_INTERNAL;
    return dbd_failf(st, msg, msglen, "%s: %s (mysql error %u, SQLSTATE %s)",
                     what, text != NULL && text[0] != '\0' ? text
                                                           : "unknown error",
                     code, sqlstate != NULL ? sqlstate : "?");
}

dbd_status myc_db_error(MYSQL *db, const char *what, char *msg,
                        size_t msglen)
{
    return report(mysql_errno(db), mysql_error(db), mysql_sqlstate(db), what,
                  msg, msglen);
}

dbd_status myc_stmt_error(MYSQL *db, MYSQL_STMT *st, const char *what,
                          char *msg, size_t msglen)
{
    if (mysql_stmt_errno(st) == 0 && db != NULL && mysql_errno(db) != 0)
        return myc_db_error(db, what, msg, msglen);
    return report(mysql_stmt_errno(st), mysql_stmt_error(st),
                  mysql_stmt_sqlstate(st), what, msg, msglen);
}
