#!/usr/bin/env bash
# test_read_retry.sh - a connection that dies while a statement runs on
# it (terminated by the server): a query runs again on another connection
# and succeeds; a write is answered UNAVAILABLE and never run twice.  Then
# idle pings: with ping_interval set, connections the server closed while
# idle are found and reopened by the pings, before any request meets them.
#
# Uses the PostgreSQL server tests/run starts (DBD_TEST_PGSQL_URL) with a
# table of its own, and a dbd of its own whose connections carry an
# application_name, so that only they are terminated.  Prints TAP.
set -u

: "${DBD_BUILD:?DBD_BUILD is not set}"
DBD=$DBD_BUILD/dbd/dbd
DBCTL=$DBD_BUILD/tools/dbctl/dbctl
PARALLEL=20

# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/daemon.sh
. "$(dirname "$0")/../lib/daemon.sh"
# shellcheck source=tests/lib/servers.sh
. "$(dirname "$0")/../lib/servers.sh"
# fixture_connectors, fixture_dbd_section.
# shellcheck source=tests/lib/fixture.sh
. "$(dirname "$0")/../lib/fixture.sh"

if [ -z "${DBD_TEST_PGSQL_URL:-}" ] || ! command -v psql > /dev/null ||
    [ ! -e "$DBD_BUILD/connectors/pgsql/.libs/pgsql.so" ]; then
    echo "1..0 # SKIP PostgreSQL (server, psql or connector) is not available"
    exit 0
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbd-retry.XXXXXX") || exit 1
APP=dbd_retry_$$
TABLE=retry_t_$$
DBD_PID=

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    if [ -n "$DBD_PID" ] && kill -0 "$DBD_PID" 2>/dev/null; then
        kill -TERM "$DBD_PID" 2>/dev/null
        wait "$DBD_PID" 2>/dev/null
    fi
    psql_dbd -c "DROP TABLE IF EXISTS $TABLE" > /dev/null 2>&1
    rm -rf "$DIR"
}
trap cleanup EXIT

# psql as the test user, over TCP, on the test database.
psql_dbd() {
    PGPASSWORD=dbdpass psql -X -q -t -A -h 127.0.0.1 -p "$PGSQL_PORT" \
        -U dbd dbdtest "$@"
}

dbctl() { "$DBCTL" --endpoint "ipc://$DIR/dbd.sock" "$@"; }

# Runs "$@" PARALLEL times at once, output of run i in $DIR/PREFIX.i; the
# arguments may use {} for i.  Waits for these runs only (dbd runs too).
parallel_runs() {
    local prefix=$1 pids=() i
    shift
    for i in $(seq 1 "$PARALLEL"); do
        "${@//\{\}/$i}" > "$DIR/$prefix.$i" 2>&1 &
        pids+=($!)
    done
    wait "${pids[@]}"
}

# A field of host 0 of datasource pg in `dbctl hosts --json`.
host_field() {
    dbctl --json hosts | tr '[' '\n' | grep -F '"pg",0,' | head -1 |
        awk -v col="$1" -F, '{ gsub(/[]"}]/, "", $col); print $col }'
}

# Terminates one (or every) connection of our dbd; prints how many.
terminate() {
    local limit=$1
    psql_dbd -c "SELECT count(pg_terminate_backend(pid)) FROM (SELECT pid
        FROM pg_stat_activity WHERE application_name = '$APP' LIMIT $limit) p"
}

# Waits until host 0 has n connections open again.
wait_open() {
    local n=$1
    for _ in $(seq 1 100); do
        [ "$(host_field 6)" = "$n" ] && return 0
        sleep 0.1
    done
    return 1
}

start_dbd() {
    local ping=$1
    chmod 755 "$DIR"
    fixture_connectors "$DIR/connectors" pgsql
    {
        fixture_dbd_section "$DIR"
        cat <<CONF

[datasource pg]
url = $DBD_TEST_PGSQL_URL?application_name=$APP
pool = 2
ping_interval = $ping
CONF
    } > "$DIR/dbd.conf"
    "$DBD" -c "$DIR/dbd.conf" >> "$DIR/dbd.log" 2>&1 &
    DBD_PID=$!
    wait_for 20 "$DBCTL" --endpoint "ipc://$DIR/dbd.sock" --timeout 500 ping pg
}

psql_dbd -c "CREATE TABLE $TABLE (k int PRIMARY KEY, v text);
             INSERT INTO $TABLE VALUES (1, 'one')" > /dev/null
check "the test table was made" "$?" 0

# Holds an exclusive lock on the table for $1 seconds (background psql);
# requests on it wait, so a connection can be terminated mid-statement.
LOCK_PID=
lock_table() {
    psql_dbd -c "BEGIN; LOCK TABLE $TABLE IN ACCESS EXCLUSIVE MODE;
                 SELECT pg_sleep($1); COMMIT;" > /dev/null 2>&1 &
    LOCK_PID=$!
    sleep 0.3
}

# Terminates our connection that waits for the lock; prints how many.
terminate_waiting() {
    local n
    for _ in $(seq 1 50); do
        n=$(psql_dbd -c "SELECT count(pg_terminate_backend(pid)) FROM
            pg_stat_activity WHERE application_name = '$APP'
            AND wait_event_type = 'Lock'")
        [ "$n" != "0" ] && break
        sleep 0.1
    done
    echo "$n"
}

want='{"status":"OK","code":0,"message":"success","columns":[{"name":"v","type":"string"}],"rows":[["one"]]}'

# --- a read whose connection dies mid-statement runs again ----------------
start_dbd 0
check "dbd starts on PostgreSQL" "$?" 0
wait_open 2
check "both connections are open" "$?" 0
lock_table 2
dbctl --timeout 15000 --json query pg "$TABLE" k=1 --columns v > "$DIR/read" 2> /dev/null &
reader=$!
check "the waiting query's connection was terminated" "$(terminate_waiting)" 1
wait "$reader"
check "the query was answered OK from the other connection" "$(cat "$DIR/read")" "$want"
wait "$LOCK_PID"
check "the lost connection was counted (host errors)" "$(host_field 8)" 1
check "... and the query ran again (host retried)" "$(host_field 9)" 1
wait_open 2
check "the connection is open again" "$?" 0

# --- a write whose connection dies is never run twice ---------------------
lock_table 2
dbctl --timeout 15000 --json insert pg "$TABLE" k=2 v=two > "$DIR/write" 2> /dev/null &
writer=$!
check "the waiting insert's connection was terminated" "$(terminate_waiting)" 1
wait "$writer"
case "$(cat "$DIR/write")" in
    '{"status":"UNAVAILABLE"'*) ok "the insert was answered UNAVAILABLE" ;;
    *) not_ok "the insert was answered UNAVAILABLE" "got $(cat "$DIR/write")" ;;
esac
wait "$LOCK_PID"
check "the insert was not run again (host retried unchanged)" "$(host_field 9)" 1
check "... and is not in the table" \
    "$(psql_dbd -c "SELECT count(*) FROM $TABLE WHERE k = 2")" 0
check_stops "that dbd stopped cleanly" "$DBD_PID" 15 && DBD_PID=

# --- idle pings find a closed connection before a request does ------------
start_dbd 200
check "dbd starts with ping_interval = 200" "$?" 0
wait_open 2
check "both connections are open" "$?" 0
before=$(grep -c "closed the idle session" "$DIR/dbd.log")
check "every connection terminated by the server" "$(terminate 2)" 2
sleep 1
check "the pings found both and opened new sessions, with no request sent" \
    "$(($(grep -c "closed the idle session" "$DIR/dbd.log") - before))" 2
failures=0
parallel_runs read dbctl --json query pg "$TABLE" k=1 --columns v
for i in $(seq 1 "$PARALLEL"); do
    [ "$(cat "$DIR/read.$i")" = "$want" ] || failures=$((failures + 1))
done
check "queries after that all succeed, with no error or retry" \
    "$failures/$(host_field 8)/$(host_field 9)" "0/0/0"
check_stops "that dbd stopped cleanly" "$DBD_PID" 15 && DBD_PID=
check_no_sanitizer_report "$DIR/dbd.log"
tap_end
