# shellcheck shell=bash
# odbc.sh - the ODBC fixture of the connector tests.  Sourced after
# servers.sh has started the servers (DBD_TEST_PGSQL_URL, PGSQL_PORT,
# PGSQL_SOCKET_DIR; DBD_TEST_MYSQL_URL, MYSQL_PORT, MYSQL_SOCKET).
#
#   odbc_fixture DIR   writes DIR/odbcinst.ini and DIR/odbc.ini with one DSN
#                      per backend it can reach, creates the Kamailio
#                      tables and the conformance table behind each, and
#                      prints the dbd.conf datasource sections for them:
#                        odbc_pg      psqlODBC ("PostgreSQL Unicode") on a
#                                     fresh database of the PostgreSQL server
#                        odbc_sqlite  the SQLite ODBC driver ("SQLite3") on
#                                     DIR/odbc.sqlite
#                        odbc_maria   MariaDB Connector/ODBC ("MariaDB
#                                     Unicode") on a fresh database of the
#                                     MariaDB server
#                      It exports ODBCSYSINI and ODBCINI (so nothing global
#                      is read or touched; dbd must be started with them),
#                      DBD_TEST_ODBC_DSNS (the DSNs, space separated) and
#                      DBD_TEST_ODBC_URLS (a connector URL per DSN, with the
#                      credentials, for the unit test).  Call it directly,
#                      not in $(...), so that the exports stay: e.g.
#                        odbc_fixture "$dir" >> "$dir/dbd.conf"
#                      Returns 2 when no driver or backend is there, 1 on
#                      failure.  DIR receives the set-up log.
#
# Drivers are found through the system's odbcinst.ini, else by their file
# names under the usual library directories.  The databases are created by
# the servers' administrators over their unix sockets and filled by the
# test user, apart from the native pg and my datasources' databases.

# The path of a driver library: the system odbcinst.ini's entry NAME, or
# the file FILE in a library directory.
odbc_driver_path() {
    local name=$1 file=$2 path dir
    path=$(ODBCSYSINI=/etc odbcinst -q -d -n "$name" 2>/dev/null |
        sed -n 's/^Driver[ \t]*=[ \t]*//p' | head -1)
    if [[ $path == /* ]] && [ -f "$path" ]; then
        echo "$path"
        return 0
    fi
    [ -n "$path" ] && file=$(basename "$path")
    for dir in /usr/lib/*/odbc /usr/lib/odbc /usr/lib64/odbc /usr/local/lib/odbc \
               /usr/lib/* /usr/lib64 /usr/local/lib; do
        if [ -f "$dir/$file" ]; then
            echo "$dir/$file"
            return 0
        fi
    done
    return 1
}

# user, password, host, port from a mysql:// or pgsql:// URL into the
# variables named by the caller: odbc_url_parts URL
odbc_url_parts() {
    local re='^[a-z]+://([^:@/]+)(:([^@]*))?@([^:/]+)(:([0-9]+))?/(.+)$'
    [[ $1 =~ $re ]] || return 1
    odbc_user=${BASH_REMATCH[1]} odbc_pass=${BASH_REMATCH[3]}
    odbc_host=${BASH_REMATCH[4]} odbc_port=${BASH_REMATCH[6]}
}

# PostgreSQL through psqlODBC: a fresh database owned by the test user.
odbc_fixture_pg() {
    local dir=$1 src=$2 log=$1/odbc-fixture.log db
    local odbc_user odbc_pass odbc_host odbc_port
    [ -n "${DBD_TEST_PGSQL_URL:-}" ] && [ -n "${PGSQL_SOCKET_DIR:-}" ] || return 2
    odbc_url_parts "$DBD_TEST_PGSQL_URL" ||
        { echo "odbc_fixture: cannot read DBD_TEST_PGSQL_URL" >&2; return 1; }
    db="dbd_odbc_$$_$RANDOM"
    psql -X -q -v ON_ERROR_STOP=1 -h "$PGSQL_SOCKET_DIR" -p "${odbc_port:-5432}" \
        -U postgres -d postgres \
        -c "CREATE DATABASE $db OWNER $odbc_user ENCODING 'UTF8'" >> "$log" 2>&1 ||
        { echo "odbc_fixture: cannot create PostgreSQL database $db" >&2; return 1; }
    if ! { "$src/tools/dbd-schema" pgsql \
               "pgsql://$odbc_user:$odbc_pass@$odbc_host:${odbc_port:-5432}/$db" &&
           PGPASSWORD=$odbc_pass psql -X -q -v ON_ERROR_STOP=1 -h "$odbc_host" \
               -p "${odbc_port:-5432}" -U "$odbc_user" -d "$db" \
               -f "$src/tests/lib/odbc-conf-pgsql.sql"; } >> "$log" 2>&1; then
        echo "odbc_fixture: cannot create the PostgreSQL tables in $db" >&2
        return 1
    fi
    # UseDeclareFetch: results come through a cursor, Fetch rows at a time,
    # instead of whole into the driver's memory.  BoolsAsChar=0: booleans
    # as SQL_BIT.  UseServerSidePrepare=0: psqlODBC 13 loses a few hundred
    # bytes on every statement the server refuses when it prepares on the
    # server; it binds the parameters itself instead.
    cat >> "$dir/odbc.ini" <<INI
[odbc_pg]
Driver = PostgreSQL Unicode
Servername = $odbc_host
Port = ${odbc_port:-5432}
Database = $db
UseServerSidePrepare = 0
UseDeclareFetch = 1
Fetch = 1000
BoolsAsChar = 0
ByteaAsLongVarBinary = 1

INI
    odbc_sections+="[datasource odbc_pg]
url = odbc://odbc_pg
option.user = $odbc_user
option.password = $odbc_pass
pool = 4

"
    odbc_urls+=("odbc://$odbc_user:$odbc_pass@odbc_pg")
    odbc_dsns+=(odbc_pg)
}

# SQLite through its ODBC driver: a file in DIR.
odbc_fixture_sqlite() {
    local dir=$1 src=$2 log=$1/odbc-fixture.log db=$1/odbc.sqlite
    command -v sqlite3 > /dev/null || return 2
    rm -f "$db"
    # WAL: readers and a writer at once, as the sqlite connector has it.
    if ! { sqlite3 -bail "$db" < "$src/tools/schema/sqlite.sql" &&
           sqlite3 -bail "$db" < "$src/tests/lib/odbc-conf-sqlite.sql" &&
           sqlite3 -bail "$db" 'PRAGMA journal_mode=WAL'; } >> "$log" 2>&1; then
        echo "odbc_fixture: cannot create $db" >&2
        return 1
    fi
    # Timeout: milliseconds to wait for a lock held by another connection.
    # StepAPI: rows are stepped as they are fetched, not read whole first.
    cat >> "$dir/odbc.ini" <<INI
[odbc_sqlite]
Driver = SQLite3
Database = $db
Timeout = 10000
SyncPragma = NORMAL
StepAPI = 1

INI
    odbc_sections+="[datasource odbc_sqlite]
url = odbc://odbc_sqlite
pool = 2

"
    odbc_urls+=("odbc://odbc_sqlite")
    odbc_dsns+=(odbc_sqlite)
}

# MariaDB through Connector/ODBC: a fresh database the test user may use.
odbc_fixture_maria() {
    local dir=$1 src=$2 log=$1/odbc-fixture.log db
    local odbc_user odbc_pass odbc_host odbc_port
    [ -n "${DBD_TEST_MYSQL_URL:-}" ] && [ -n "${MYSQL_SOCKET:-}" ] || return 2
    odbc_url_parts "$DBD_TEST_MYSQL_URL" ||
        { echo "odbc_fixture: cannot read DBD_TEST_MYSQL_URL" >&2; return 1; }
    db="dbd_odbc_$$_$RANDOM"
    mariadb --no-defaults --socket="$MYSQL_SOCKET" -uroot >> "$log" 2>&1 <<SQL ||
CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
GRANT ALL ON $db.* TO '$odbc_user'@'127.0.0.1';
GRANT ALL ON $db.* TO '$odbc_user'@'localhost';
SQL
        { echo "odbc_fixture: cannot create MariaDB database $db" >&2; return 1; }
    if ! { "$src/tools/dbd-schema" mysql \
               "mysql://$odbc_user:$odbc_pass@$odbc_host:${odbc_port:-3306}/$db" &&
           MYSQL_PWD=$odbc_pass mariadb --no-defaults -h "$odbc_host" -P "${odbc_port:-3306}" \
               -u "$odbc_user" "$db" < "$src/tests/lib/odbc-conf-mysql.sql"; } >> "$log" 2>&1; then
        echo "odbc_fixture: cannot create the MariaDB tables in $db" >&2
        return 1
    fi
    # STREAMRS: rows read from the server as they are fetched, from
    # Connector/ODBC 3.2 on; 3.1 reads a whole result first whatever it is
    # told.
    cat >> "$dir/odbc.ini" <<INI
[odbc_maria]
Driver = MariaDB Unicode
Server = $odbc_host
Port = ${odbc_port:-3306}
Database = $db
CHARSET = utf8mb4
STREAMRS = 1

INI
    odbc_sections+="[datasource odbc_maria]
url = odbc://odbc_maria
option.user = $odbc_user
option.password = $odbc_pass
pool = 4

"
    odbc_urls+=("odbc://$odbc_user:$odbc_pass@odbc_maria")
    odbc_dsns+=(odbc_maria)
}

odbc_fixture() {
    local dir=$1 src=${DBD_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
    local pg sqlite maria rc
    local odbc_sections="" odbc_urls=() odbc_dsns=()

    mkdir -p "$dir" || return 1
    : > "$dir/odbc-fixture.log"
    pg=$(odbc_driver_path "PostgreSQL Unicode" psqlodbcw.so) || pg=
    sqlite=$(odbc_driver_path "SQLite3" libsqlite3odbc.so) || sqlite=
    maria=$(odbc_driver_path "MariaDB Unicode" libmaodbc.so) || maria=
    {
        [ -n "$pg" ] && printf '[PostgreSQL Unicode]\nDriver = %s\nThreading = 0\n\n' "$pg"
        [ -n "$sqlite" ] && printf '[SQLite3]\nDriver = %s\n\n' "$sqlite"
        [ -n "$maria" ] && printf '[MariaDB Unicode]\nDriver = %s\nThreading = 0\n\n' "$maria"
    } > "$dir/odbcinst.ini"
    : > "$dir/odbc.ini"

    if [ -n "$pg" ]; then
        odbc_fixture_pg "$dir" "$src"
        rc=$?
        [ "$rc" -eq 1 ] && return 1
    fi
    if [ -n "$sqlite" ]; then
        odbc_fixture_sqlite "$dir" "$src"
        rc=$?
        [ "$rc" -eq 1 ] && return 1
    fi
    if [ -n "$maria" ]; then
        odbc_fixture_maria "$dir" "$src"
        rc=$?
        [ "$rc" -eq 1 ] && return 1
    fi
    if [ ${#odbc_dsns[@]} -eq 0 ]; then
        echo "odbc_fixture: no ODBC driver with a backend to reach" >&2
        return 2
    fi
    export ODBCSYSINI=$dir ODBCINI=$dir/odbc.ini
    export DBD_TEST_ODBC_DSNS="${odbc_dsns[*]}"
    export DBD_TEST_ODBC_URLS="${odbc_urls[*]}"
    printf '%s' "$odbc_sections"
}
