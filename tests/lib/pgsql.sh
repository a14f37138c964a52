# shellcheck shell=bash
# pgsql.sh - the PostgreSQL fixture of the connector tests.  Sourced after
# servers.sh has started the server (DBD_TEST_PGSQL_URL, PGSQL_PORT and
# PGSQL_SOCKET_DIR set).
#
#   pgsql_fixture DIR   creates a fresh database on that server holding the
#                       Kamailio tables (made by tools/dbd-schema) and the
#                       conformance table (tests/lib/pgsql-conf.sql), and
#                       prints the dbd.conf datasource section "pg" for it.
#                       DIR receives the set-up log.  Returns 2 when no
#                       PostgreSQL server is running, 1 on failure.
#
# The database is created by the server's superuser over the unix socket
# (servers.sh starts the server with trust authentication there) and owned
# by the test user, who creates the tables.

pgsql_fixture() {
    local dir=$1 src=${DBD_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
    local re='^pgsql://([^:@/]+)(:([^@]*))?@([^:/]+)(:([0-9]+))?/(.+)$'
    local user pass host port db log

    if [ -z "${DBD_TEST_PGSQL_URL:-}" ]; then
        echo "pgsql_fixture: no PostgreSQL server (DBD_TEST_PGSQL_URL unset)" >&2
        return 2
    fi
    if ! [[ $DBD_TEST_PGSQL_URL =~ $re ]]; then
        echo "pgsql_fixture: cannot read DBD_TEST_PGSQL_URL=$DBD_TEST_PGSQL_URL" >&2
        return 1
    fi
    user=${BASH_REMATCH[1]} pass=${BASH_REMATCH[3]} host=${BASH_REMATCH[4]}
    port=${BASH_REMATCH[6]:-5432}
    db="dbd_fx_$$_$RANDOM"
    mkdir -p "$dir" || return 1
    log=$dir/pgsql-fixture.log

    if [ -n "${PGSQL_SOCKET_DIR:-}" ]; then
        psql -X -q -v ON_ERROR_STOP=1 -h "$PGSQL_SOCKET_DIR" -p "$port" \
            -U postgres -d postgres -c "CREATE DATABASE $db OWNER $user ENCODING 'UTF8'" \
            > "$log" 2>&1
    else
        PGPASSWORD=$pass psql -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" \
            -U "$user" -d postgres -c "CREATE DATABASE $db ENCODING 'UTF8'" \
            > "$log" 2>&1
    fi || { echo "pgsql_fixture: cannot create database $db:" >&2; cat "$log" >&2; return 1; }

    "$src/tools/dbd-schema" pgsql "pgsql://$user:$pass@$host:$port/$db" >> "$log" 2>&1 ||
        { echo "pgsql_fixture: dbd-schema cannot create the tables in $db:" >&2; cat "$log" >&2; return 1; }
    PGPASSWORD=$pass psql -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" \
        -U "$user" -d "$db" -f "$src/tests/lib/pgsql-conf.sql" >> "$log" 2>&1 ||
        { echo "pgsql_fixture: cannot create the table conf in $db:" >&2; cat "$log" >&2; return 1; }

    cat <<CONF
[datasource pg]
url = pgsql://$user:$pass@$host:$port/$db
pool = 4
CONF
}
