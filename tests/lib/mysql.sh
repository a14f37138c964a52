# shellcheck shell=bash
# mysql.sh - the MariaDB fixture of the connector tests.  Sourced after
# servers.sh has started the server (DBD_TEST_MYSQL_URL, MYSQL_PORT and
# MYSQL_SOCKET set).
#
#   mysql_fixture DIR   creates a fresh database on that server holding the
#                       Kamailio tables (made by tools/dbd-schema) and the
#                       conformance table (tests/lib/mysql-conf.sql), and
#                       prints the dbd.conf datasource section "my" for it.
#                       DIR receives the set-up log.  Returns 2 when no
#                       MariaDB server is running, 1 on failure.
#
# The database is created by root over the unix socket (servers.sh sets
# root up that way) and granted to the test user, who creates the tables;
# without the socket the test user must be allowed to create databases.

# mysql_client ARGS...: the command-line client, read no option files.
mysql_client() {
    local bin=mariadb
    command -v mariadb > /dev/null || bin=mysql
    "$bin" --no-defaults --batch "$@"
}

mysql_fixture() {
    local dir=$1 src=${DBD_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
    local re='^mysql://([^:@/]+)(:([^@]*))?@([^:/]+)(:([0-9]+))?/([^?]+)$'
    local user pass host port db log sql admin adminpw

    if [ -z "${DBD_TEST_MYSQL_URL:-}" ]; then
        echo "mysql_fixture: no MariaDB server (DBD_TEST_MYSQL_URL unset)" >&2
        return 2
    fi
    if ! [[ $DBD_TEST_MYSQL_URL =~ $re ]]; then
        echo "mysql_fixture: cannot read DBD_TEST_MYSQL_URL=$DBD_TEST_MYSQL_URL" >&2
        return 1
    fi
    user=${BASH_REMATCH[1]} pass=${BASH_REMATCH[3]} host=${BASH_REMATCH[4]}
    port=${BASH_REMATCH[6]:-3306}
    db="dbd_fx_$$_$RANDOM"
    mkdir -p "$dir" || return 1
    log=$dir/mysql-fixture.log

    sql="CREATE DATABASE \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"
    if [ -n "${MYSQL_SOCKET:-}" ] && [ -S "$MYSQL_SOCKET" ]; then
        admin=(--socket="$MYSQL_SOCKET" -uroot) adminpw=
        sql+=" GRANT ALL ON \`$db\`.* TO '$user'@'127.0.0.1';"
        sql+=" GRANT ALL ON \`$db\`.* TO '$user'@'localhost';"
    else
        admin=(--protocol=TCP -h "$host" -P "$port" -u"$user") adminpw=$pass
    fi
    MYSQL_PWD=$adminpw mysql_client "${admin[@]}" -e "$sql" > "$log" 2>&1 ||
        { echo "mysql_fixture: cannot create database $db:" >&2; cat "$log" >&2; return 1; }

    "$src/tools/dbd-schema" mysql "mysql://$user:$pass@$host:$port/$db" >> "$log" 2>&1 ||
        { echo "mysql_fixture: dbd-schema cannot create the tables in $db:" >&2; cat "$log" >&2; return 1; }
    MYSQL_PWD=$pass mysql_client --protocol=TCP -h "$host" -P "$port" \
        -u"$user" "$db" < "$src/tests/lib/mysql-conf.sql" >> "$log" 2>&1 ||
        { echo "mysql_fixture: cannot create the table conf in $db:" >&2; cat "$log" >&2; return 1; }

    cat <<CONF
[datasource my]
url = mysql://$user:$pass@$host:$port/$db
pool = 4
CONF
}
