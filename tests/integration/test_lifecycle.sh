#!/bin/bash
# test_lifecycle.sh - dbd's life from the outside: config checking (-t),
# starting with a dead backend or a missing connector, refusing a second
# instance on the same socket, replacing a stale socket file, SIGHUP, and
# SIGTERM while a slow statement runs (the client still gets its reply,
# dbd exits 0 and leaves no socket file).  Starts its own dbd in its own
# temporary directory and stops it by its recorded PID.  Prints TAP.
#
# Needs DBD_BUILD (the build directory: dbd/dbd, tools/dbctl/dbctl and the
# connector modules).

: "${DBD_BUILD:?DBD_BUILD is not set}"
DBD=$DBD_BUILD/dbd/dbd
DBCTL=$DBD_BUILD/tools/dbctl/dbctl
SLOW_SQL='WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<5000000) SELECT count(*) FROM c'

# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbd-lifecycle.XXXXXX") || exit 1
PID=
cleanup() {
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
        kill -KILL "$PID" 2>/dev/null
        wait "$PID" 2>/dev/null
    fi
    rm -rf "$DIR"
}
trap cleanup EXIT

# Connector modules in a directory only we can write (dbd insists).
mkdir -p "$DIR/connectors"
chmod 755 "$DIR/connectors"
for so in "$DBD_BUILD"/connectors/*/.libs/*.so; do
    [ -e "$so" ] && install -m 644 "$so" "$DIR/connectors/"
done
mkdir -p "$DIR/run"
DRAIN=60000
SOCK=$DIR/run/dbd.sock
EP=ipc://$SOCK

write_config() {
    cat > "$DIR/dbd.conf" <<CONF
[dbd]
endpoint = $EP
connector_dir = $DIR/connectors
drain_timeout = $DRAIN

[datasource ok]
url = sqlite://$DIR/ok.sqlite
pool = 1
allow_raw = yes

[datasource dead]
url = sqlite:///nonexistent-dir/x.db
pool = 1

[datasource nocon]
url = nosuch:///x
CONF
}

dbctl() { "$DBCTL" --endpoint "$EP" "$@"; }

# start_dbd LOG: starts dbd in the background, sets PID, waits for a ping.
start_dbd() {
    "$DBD" -c "$DIR/dbd.conf" > "$1" 2>&1 &
    PID=$!
    for _ in $(seq 1 100); do
        dbctl --timeout 500 ping > /dev/null 2>&1 && return 0
        kill -0 "$PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# --- -t, -V ---------------------------------------------------------------
write_config
"$DBD" -t -c "$DIR/dbd.conf" > "$DIR/out" 2>&1
check "-t accepts a good config" "$?" 0
check_grep "-t says the config is OK" "$DIR/out" "configuration OK (3 datasources)"
check_grep "-t warns about the missing connector" "$DIR/out" "datasource nocon:"

printf '[dbd]\nlog = stderr\nlog_levl = debug\n' > "$DIR/bad1.conf"
"$DBD" -t -c "$DIR/bad1.conf" > "$DIR/out" 2>&1
check "-t rejects an unknown key with 78" "$?" 78
check_grep "... naming file, line and key" "$DIR/out" "$DIR/bad1.conf:3: unknown key \"log_levl\" in [dbd]"

printf '[datasource a]\nurl = sqlite:///a\n\n[datasource a]\nurl = sqlite:///b\n' > "$DIR/bad2.conf"
"$DBD" -t -c "$DIR/bad2.conf" > "$DIR/out" 2>&1
check "-t rejects a duplicate datasource with 78" "$?" 78
check_grep "... naming both lines" "$DIR/out" "$DIR/bad2.conf:4: duplicate datasource \"a\" (first defined on line 1)"

printf '[dbd]\nendpoint = ipc://%s/x.sock\nuser = no-such-user-dbd\n' "$DIR" > "$DIR/bad3.conf"
"$DBD" -t -c "$DIR/bad3.conf" > "$DIR/out" 2>&1
check "-t rejects an unknown user with 78, as a start would" "$?" 78
check_grep "... naming it" "$DIR/out" "user no-such-user-dbd: no such user"

"$DBD" -t -c "$DIR/missing.conf" > "$DIR/out" 2>&1
check "-t on a missing file exits 78" "$?" 78
check_grep "... saying it cannot open it" "$DIR/out" "$DIR/missing.conf: cannot open"

"$DBD" -c "$DIR/bad1.conf" > "$DIR/out" 2>&1
check "dbd refuses to start with a bad config (78)" "$?" 78

"$DBD" -V > "$DIR/out" 2>&1
check "-V exits 0" "$?" 0
check_grep "-V prints the version" "$DIR/out" "dbd "

# --- a stale socket file is replaced ---------------------------------------
# A dbd killed with SIGKILL leaves its socket file behind.
start_dbd "$DIR/killed.log"
{ kill -KILL "$PID"; wait "$PID"; } 2>/dev/null
PID=
if [ -S "$SOCK" ]; then ok "a killed dbd leaves a stale socket file"
else not_ok "a killed dbd leaves a stale socket file" "no socket at $SOCK"; fi

# --- start with a dead backend and a missing connector ---------------------
if start_dbd "$DIR/dbd.log"; then
    ok "dbd starts with a dead datasource and a missing connector"
else
    not_ok "dbd starts with a dead datasource and a missing connector" "$(tail -5 "$DIR/dbd.log")"
fi
check_grep "the stale socket was removed" "$DIR/dbd.log" "removed stale socket $SOCK"

dbctl raw ok "SELECT 40+2 AS answer" > "$DIR/out" 2>&1
check "the healthy datasource serves" "$?" 0
check_grep "... with the right answer" "$DIR/out" "42"

dbctl query dead version > "$DIR/out" 2>&1
check "the dead datasource answers UNAVAILABLE (4)" "$?" 4
check_grep "... naming it" "$DIR/out" "datasource \"dead\" is down"

dbctl raw nocon "SELECT 1" > "$DIR/out" 2>&1
check "the datasource without connector answers CONFIG (8)" "$?" 8
check_grep "... naming the module" "$DIR/out" "$DIR/connectors/nosuch.so"

dbctl datasources > "$DIR/out" 2>&1
check "datasources works" "$?" 0
if grep -E '^dead +sqlite .* down ' "$DIR/out" > /dev/null &&
   grep -E '^ok +sqlite .* up ' "$DIR/out" > /dev/null; then
    ok "datasources shows ok up and dead down"
else
    not_ok "datasources shows ok up and dead down" "$(cat "$DIR/out")"
fi

# --- a second dbd on the same socket is refused ----------------------------
"$DBD" -c "$DIR/dbd.conf" > "$DIR/second.log" 2>&1 &
SECOND=$!
sleep 1
if kill -0 "$SECOND" 2>/dev/null; then
    kill -KILL "$SECOND"; wait "$SECOND" 2>/dev/null
    not_ok "a second dbd on the same socket exits" "it was still running"
else
    wait "$SECOND"
    check "a second dbd on the same socket exits 1" "$?" 1
fi
check_grep "... saying another process listens there" "$DIR/second.log" "another process is listening there"
dbctl ping > /dev/null 2>&1
check "the first dbd still serves" "$?" 0

# --- SIGHUP ------------------------------------------------------------------
kill -HUP "$PID"
sleep 0.3
dbctl ping > /dev/null 2>&1
check "dbd survives SIGHUP" "$?" 0
check_grep "... and reloads its configuration" "$DIR/dbd.log" "configuration reloaded from"

# --- SIGTERM while a slow statement runs -------------------------------------
dbctl --timeout 120000 raw ok "$SLOW_SQL" > "$DIR/slow.out" 2>&1 &
CLIENT=$!
# Wait until the statement is executing.
for _ in $(seq 1 50); do
    dbctl stats 2>/dev/null | grep -Eq '^ds\.ok\.in_flight +1$' && break
    sleep 0.1
done
kill -TERM "$PID"
sleep 0.3
dbctl raw ok "SELECT 1" > "$DIR/out" 2>&1
check "a request during the drain gets UNAVAILABLE (4)" "$?" 4
check_grep "... saying dbd is shutting down" "$DIR/out" "shutting down"
wait "$CLIENT"
check "the slow statement's client still gets its reply" "$?" 0
check_grep "... with the full result" "$DIR/slow.out" "5000000"
wait "$PID"
check "dbd exits 0 after SIGTERM" "$?" 0
PID=
if [ -e "$SOCK" ]; then not_ok "no socket file is left" "$SOCK exists"
else ok "no socket file is left"; fi
if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$DIR/dbd.log"; then
    not_ok "no sanitizer report" "$(grep -E -A5 'Sanitizer|runtime error' "$DIR/dbd.log" | head -20)"
else
    ok "no sanitizer report"
fi

# --- drain timeout: what is still queued then is answered TIMEOUT ------------
DRAIN=300
write_config
if start_dbd "$DIR/dbd2.log"; then ok "dbd starts again"
else not_ok "dbd starts again" "$(tail -5 "$DIR/dbd2.log")"; fi
dbctl --timeout 120000 raw ok "$SLOW_SQL" > "$DIR/slow.out" 2>&1 &
CLIENT=$!
for _ in $(seq 1 50); do
    dbctl stats 2>/dev/null | grep -Eq '^ds\.ok\.in_flight +1$' && break
    sleep 0.1
done
dbctl --timeout 120000 raw ok "SELECT 2" > "$DIR/queued.out" 2>&1 &
QUEUED=$!
sleep 0.3
kill -TERM "$PID"
wait "$QUEUED"
check "a request still queued at the drain timeout gets TIMEOUT (5)" "$?" 5
check_grep "... naming drain_timeout" "$DIR/queued.out" "drain_timeout (300 ms)"
wait "$CLIENT"
check "the running statement still completes" "$?" 0
check_grep "... with the full result" "$DIR/slow.out" "5000000"
wait "$PID"
check "dbd exits 0 after the drain timeout" "$?" 0
PID=
if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$DIR/dbd2.log"; then
    not_ok "no sanitizer report" "$(grep -E -A5 'Sanitizer|runtime error' "$DIR/dbd2.log" | head -20)"
else
    ok "no sanitizer report"
fi

# --- an ipc directory that does not exist ------------------------------------
EP=ipc://$DIR/no-such-dir/dbd.sock
write_config
"$DBD" -c "$DIR/dbd.conf" > "$DIR/out" 2>&1 &
NODIR=$!
sleep 1
if kill -0 "$NODIR" 2>/dev/null; then
    kill -KILL "$NODIR"; wait "$NODIR" 2>/dev/null
    not_ok "dbd refuses an endpoint in a missing directory" "it was still running"
else
    wait "$NODIR"
    check "dbd refuses an endpoint in a missing directory (exit 1)" "$?" 1
fi
check_grep "... naming the directory" "$DIR/out" "directory $DIR/no-such-dir: does not exist"

tap_end
