# shellcheck shell=bash
# servers.sh - starts the real database servers the tests need, each on
# loopback (or a unix socket) with a throw-away data directory, and stops
# them by the PID recorded at start.  Sourced by tests/run.
#
#   servers_start DIR    starts what is installed; exports per server:
#     MariaDB:    MYSQL_SOCKET, MYSQL_PORT, DBD_TEST_MYSQL_URL
#     PostgreSQL: PGSQL_SOCKET_DIR, PGSQL_PORT, DBD_TEST_PGSQL_URL
#     slapd:      LDAP_PORT, DBD_TEST_LDAP_URL (base dc=dbd,dc=test)
#     unixODBC:   ODBCSYSINI, ODBCINI and DBD_TEST_ODBC_DSNS (space separated)
#   servers_stop         stops every server started, by PID
#
# Ports are picked among free ones at random, so runs do not clash with a
# developer's own servers or with each other.

servers_pids=()
servers_fast_stop=()

# A TCP port on 127.0.0.1 no socket uses now, below the kernel's range of
# ephemeral ports: one in that range may be taken at any moment as the
# local port of some outgoing connection, and then the bind fails.
free_port() {
    local port tries low
    low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null) || low=
    [ "${low:-0}" -gt 12000 ] 2>/dev/null || low=32768
    for tries in $(seq 1 50); do
        port=$((10000 + (RANDOM * 32768 + RANDOM) % (low - 10000)))
        if ! ss -Htan "sport = :$port" 2>/dev/null | grep -q .; then
            echo "$port"
            return 0
        fi
    done
    echo "free_port: no free port after $tries tries" >&2
    return 1
}

# wait_for SECONDS COMMAND...: retries COMMAND every 0.1 s.
wait_for() {
    local deadline=$(( $(date +%s) + $1 ))
    shift
    until "$@" > /dev/null 2>&1; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

# as_user USER COMMAND...: PostgreSQL refuses to run as root.
as_user() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u "$1" -- "${@:2}"; else "${@:2}"; fi
}

mysql_start() {
    local dir=$1/mariadb
    command -v mariadbd > /dev/null || command -v /usr/sbin/mariadbd > /dev/null || return 0
    mkdir -p "$dir/data" "$dir/run"
    MYSQL_PORT=$(free_port) || return 1
    MYSQL_SOCKET=$dir/run/mysqld.sock
    local user=()
    [ "$(id -u)" -eq 0 ] && user=(--user=root)
    mariadb-install-db --no-defaults "${user[@]}" --datadir="$dir/data" \
        --auth-root-authentication-method=normal --skip-test-db \
        > "$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; return 1; }
    /usr/sbin/mariadbd --no-defaults "${user[@]}" --datadir="$dir/data" \
        --socket="$MYSQL_SOCKET" --port="$MYSQL_PORT" --bind-address=127.0.0.1 \
        --pid-file="$dir/run/mysqld.pid" --skip-name-resolve \
        --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=2 \
        --log-error="$dir/error.log" &
    servers_pids+=($!)
    wait_for 60 mariadb --no-defaults --socket="$MYSQL_SOCKET" -uroot -e 'SELECT 1' ||
        { echo "servers: MariaDB did not start:" >&2; tail -20 "$dir/error.log" >&2; return 1; }
    mariadb --no-defaults --socket="$MYSQL_SOCKET" -uroot <<'SQL' || return 1
CREATE DATABASE dbdtest CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER 'dbd'@'127.0.0.1' IDENTIFIED BY 'dbdpass';
CREATE USER 'dbd'@'localhost' IDENTIFIED BY 'dbdpass';
GRANT ALL ON dbdtest.* TO 'dbd'@'127.0.0.1';
GRANT ALL ON dbdtest.* TO 'dbd'@'localhost';
SQL
    export MYSQL_PORT MYSQL_SOCKET
    export DBD_TEST_MYSQL_URL="mysql://dbd:dbdpass@127.0.0.1:$MYSQL_PORT/dbdtest"
}

pgsql_start() {
    local dir=$1/postgresql bin
    bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)
    [ -n "$bin" ] && [ -x "$bin/postgres" ] || return 0
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    PGSQL_PORT=$(free_port) || return 1
    PGSQL_SOCKET_DIR=$dir
    as_user postgres "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 > "$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; return 1; }
    # PGSQL_SERVER_OPTIONS: more "-c name=value" settings (benchmarks use
    # it to load pg_stat_statements).
    # shellcheck disable=SC2086  # split on purpose
    as_user postgres "$bin/postgres" -D "$dir/data" -p "$PGSQL_PORT" \
        -c listen_addresses=127.0.0.1 -c unix_socket_directories="$dir" \
        -c fsync=off -c max_connections=100 ${PGSQL_SERVER_OPTIONS:-} \
        > "$dir/postgres.log" 2>&1 &
    servers_pids+=($!)
    wait_for 60 as_user postgres psql -h "$dir" -p "$PGSQL_PORT" -U postgres -c 'SELECT 1' ||
        { echo "servers: PostgreSQL did not start:" >&2; tail -20 "$dir/postgres.log" >&2; return 1; }
    # $! is the shell that runs runuser, not the server: stop the postmaster
    # itself, by the PID it recorded, with a fast shutdown (SIGINT).
    local postmaster
    postmaster=$(head -1 "$dir/data/postmaster.pid" 2>/dev/null)
    [ -n "$postmaster" ] || { echo "servers: PostgreSQL wrote no postmaster.pid" >&2; return 1; }
    servers_fast_stop+=("$postmaster")
    as_user postgres psql -q -h "$dir" -p "$PGSQL_PORT" -U postgres <<'SQL' || return 1
CREATE USER dbd PASSWORD 'dbdpass';
CREATE DATABASE dbdtest OWNER dbd ENCODING 'UTF8';
SQL
    export PGSQL_PORT PGSQL_SOCKET_DIR
    export DBD_TEST_PGSQL_URL="pgsql://dbd:dbdpass@127.0.0.1:$PGSQL_PORT/dbdtest"
}

servers_start() {
    mysql_start "$1" || return 1
    pgsql_start "$1" || return 1
}

servers_stop() {
    local pid
    for pid in "${servers_fast_stop[@]}"; do
        kill -INT "$pid" 2>/dev/null
    done
    for pid in "${servers_fast_stop[@]}"; do
        for _ in $(seq 1 150); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null
    done
    servers_fast_stop=()
    for pid in "${servers_pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${servers_pids[@]}"; do
        for _ in $(seq 1 150); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    servers_pids=()
}
