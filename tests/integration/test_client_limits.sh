#!/usr/bin/env bash
# test_client_limits.sh - the limits of a [client] section hold for that
# client only.  One dbd (SQLite datasource "main", pool = 2) with three
# clients on their own ipc endpoints: "admin" (every admin operation, for
# the set-up), "greedy" (read and write on main.*, with limits) and
# "calm" (the same grants, no limits).
#   max_message = 1K: a larger request from greedy is BAD with its size
#     and nothing is written, one of exactly 1024 bytes is served, one of
#     1025 is BAD; calm's copy of the large request is served.
#   max_rows = 5: greedy's query of 10 rows is BAD, with --limit 5 it gets
#     5 rows; calm gets all 10.
#   max_in_flight = 2: under load (dbbench, 2 x 16 in flight) greedy gets
#     OK and BUSY answers only, BUSY saying why, while calm under the same
#     load gets no failed or lost answer; limited_total counts exactly the
#     BUSY answers, and the in-flight gauges return to 0.
#   rate = 20, burst = 20 (put in force by `dbctl reload`): at full speed
#     greedy is served no more than burst + rate x the run's duration (and
#     no fewer than the refill allows), the rest BUSY; calm unaffected.
# dbd keeps answering pings throughout and stops on SIGTERM with exit 0
# and no sanitizer report.
#
# Starts its own dbd, stops it by recorded PID.  Prints TAP.  Needs
# DBD_BUILD (dbd, dbctl, dbbench, the sqlite module), sqlite3 and jq.
set -u

if [ -z "${DBD_BUILD:-}" ]; then
    echo "1..0 # SKIP DBD_BUILD is not set"
    exit 0
fi
for tool in jq sqlite3; do
    if ! command -v "$tool" > /dev/null; then
        echo "1..0 # SKIP $tool is not installed"
        exit 0
    fi
done
DBCTL=$DBD_BUILD/tools/dbctl/dbctl
DBBENCH=$DBD_BUILD/tools/dbbench/dbbench
SRC=$(cd "$(dirname "$0")/../.." && pwd)
RATE=20
BURST=20
LOAD_S=3            # seconds of each dbbench run

# shellcheck source=tests/lib/tap.sh
. "$SRC/tests/lib/tap.sh"
# shellcheck source=tests/lib/owndbd.sh
. "$SRC/tests/lib/owndbd.sh"
# wait_for.
# shellcheck source=tests/lib/servers.sh
. "$SRC/tests/lib/servers.sh"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbd-client-limits.XXXXXX") || exit 1
DBD_PID=
GREEDY_PID=
CALM_PID=
trap 'owndbd_kill "$GREEDY_PID" "$CALM_PID" "$DBD_PID"; rm -rf "$DIR"' EXIT

ADMIN=ipc://$DIR/dbd.sock
GREEDY=ipc://$DIR/greedy.sock
CALM=ipc://$DIR/calm.sock

# The Kamailio tables dbbench uses, a table for the large values and one
# of exactly 10 rows.
"$SRC/tools/dbd-schema" sqlite "$DIR/db.sqlite" > "$DIR/schema.out" 2>&1 || {
    echo "1..0 # SKIP dbd-schema failed: $(head -1 "$DIR/schema.out")"
    exit 0
}
sqlite3 -bail "$DIR/db.sqlite" <<'SQL' || exit 1
CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT);
CREATE TABLE ten (n INTEGER PRIMARY KEY, word TEXT);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 10)
INSERT INTO ten SELECT i, 'w' || i FROM c;
SQL

fixture_connectors "$DIR/connectors" sqlite
# write_conf LINE...: dbd.conf, with LINE... added to greedy's limits
write_conf() {
    fixture_dbd_section "$DIR" |
        sed "s|^endpoint = .*|endpoint = $ADMIN, $GREEDY, $CALM|"
    cat <<CONF

[datasource main]
url = sqlite://$DIR/db.sqlite
pool = 2

[audit]
file = $DIR/audit.log

[client admin]
endpoint = $ADMIN
admin = *
read = main.*
write = main.*

[client greedy]
endpoint = $GREEDY
read = main.*
write = main.*
max_message = 1K
max_rows = 5
CONF
    printf '%s\n' "$@"
    cat <<CONF

[client calm]
endpoint = $CALM
read = main.*
write = main.*
CONF
}
write_conf "max_in_flight = 2" > "$DIR/dbd.conf"

# dbctl on endpoint $1 (the rest are its arguments); stdout and stderr in
# $DIR/out, exit status in RC.
on() {
    local ep=$1
    shift
    "$DBCTL" --endpoint "$ep" --timeout 5000 "$@" > "$DIR/out" 2>&1
    RC=$?
}

# The value of counter $1 in `dbctl stats`.
stat_of() {
    "$DBCTL" --endpoint "$ADMIN" --timeout 5000 stats |
        awk -v k="$1" '$1 == k { print $2 }'
}

# Rows of items whose v is $1, straight from the file.
items_with() { sqlite3 "$DIR/db.sqlite" "SELECT count(*) FROM items WHERE v = '$1'"; }

# The audit records matching the jq condition $1, as "client op status".
records() {
    jq -r "select($1) | \"\\(.client) \\(.op) \\(.status)\"" "$DIR/audit.log"
}

# pings NAME: dbd answers a ping over the admin endpoint.
pings() {
    on "$ADMIN" ping main
    check "$1" "$RC $(cat "$DIR/out")" "0 OK"
}

# x N: a string of N x's.
x() { head -c "$1" /dev/zero | tr '\0' x; }

# bench ENDPOINT OUT [ARGS...] (in the background; its PID in BENCH_PID):
# dbbench reading the bench subscribers at full speed for LOAD_S seconds,
# its JSON summary in $DIR/OUT.json, its progress in $DIR/OUT.err.
bench() {
    local ep=$1 out=$2
    shift 2
    "$DBBENCH" --endpoint "$ep" --datasource main --users 50 --clients 2 \
        --inflight 16 --duration "$LOAD_S" --json "$@" \
        > "$DIR/$out.json" 2> "$DIR/$out.err" &
    BENCH_PID=$!
}

# A number of a dbbench summary: json_of OUT JQ-PATH.
json_of() { jq -r "$2" "$DIR/$1.json"; }

# probe_busy PID: while dbbench PID runs, queries over greedy's endpoint
# until one is BUSY (at most 40); PROBE_OK and PROBE_BUSY count the
# answers, PROBE_OTHER the exit statuses that are neither, and
# $DIR/probe.busy holds the first BUSY answer.
probe_busy() {
    local i
    PROBE_OK=0 PROBE_BUSY=0 PROBE_OTHER=
    : > "$DIR/probe.busy"
    for i in $(seq 1 40); do
        kill -0 "$1" 2>/dev/null || break
        on "$GREEDY" query main ten --limit 1
        case $RC in
            0) PROBE_OK=$((PROBE_OK + 1)) ;;
            9) PROBE_BUSY=$((PROBE_BUSY + 1)); cp "$DIR/out" "$DIR/probe.busy"; break ;;
            *) PROBE_OTHER="$PROBE_OTHER $i:$RC" ;;
        esac
        sleep 0.02
    done
}

owndbd_start "$DIR" "dbd starts with three [client] sections" main
check "log: rules in force for 3 clients" \
    "$(grep -cF 'client rules in force for 3 clients' "$DIR/dbd.log")" 1

# The bench subscribers, written by the admin client (no limits).
"$DBBENCH" --endpoint "$ADMIN" --datasource main --users 50 --prefill \
    --count 1 --json > "$DIR/prefill.json" 2> "$DIR/prefill.err"
check "set-up: dbbench --prefill over the admin endpoint" \
    "$? $(sqlite3 "$DIR/db.sqlite" "SELECT count(*) FROM subscriber WHERE domain = 'bench.example'")" \
    "0 50"

# --- max_message = 1K --------------------------------------------------------
BIG=$(x 1100)
on "$GREEDY" insert main items "v=$BIG"
check "max_message: greedy's 1100-byte value: BAD (exit 2)" "$RC" 2
BIG_LEN=$(sed -n 's/^dbctl: BAD: message of \([0-9]*\) bytes exceeds max_message of client "greedy" (1024 bytes)$/\1/p' "$DIR/out")
check "... saying 'message of N bytes exceeds max_message of client \"greedy\" (1024 bytes)', N > 1024" \
    "$(cat "$DIR/out") $([ -n "$BIG_LEN" ] && [ "$BIG_LEN" -gt 1024 ] && echo N-ok)" \
    "dbctl: BAD: message of $BIG_LEN bytes exceeds max_message of client \"greedy\" (1024 bytes) N-ok"
check "... and the row is not written" "$(items_with "$BIG")" 0
on "$CALM" insert main items "v=$BIG"
check "max_message: calm's same request is served" "$RC $(cat "$DIR/out")" \
    "0 OK, 1 row affected, last id 1"
check "... and written" "$(items_with "$BIG")" 1

# The message is the value plus a fixed overhead: a value that makes it
# exactly 1024 bytes is served, one byte more is refused.
OVERHEAD=$((${BIG_LEN:-0} - 1100))
AT=$(x $((1024 - OVERHEAD)))
on "$GREEDY" insert main items "v=$AT"
check "max_message: greedy's request of exactly 1024 bytes is served" \
    "$RC $(cat "$DIR/out") $(items_with "$AT")" "0 OK, 1 row affected, last id 2 1"
OVER=$(x $((1025 - OVERHEAD)))
on "$GREEDY" insert main items "v=$OVER"
check "max_message: greedy's request of 1025 bytes: BAD, not written" \
    "$RC $(cat "$DIR/out") $(items_with "$OVER")" \
    "2 dbctl: BAD: message of 1025 bytes exceeds max_message of client \"greedy\" (1024 bytes) 0"
check "audit: greedy's two refusals are BAD records of client \"greedy\", op limited" \
    "$(records '.client == "greedy" and .status != "OK"')" \
    "$(printf 'greedy limited BAD\ngreedy limited BAD')"
check "audit: the second refusal's detail is its message" \
    "$(jq -r 'select(.client == "greedy" and .status == "BAD") | .detail' "$DIR/audit.log" | tail -1)" \
    "message of 1025 bytes exceeds max_message of client \"greedy\" (1024 bytes)"

# --- max_rows = 5 ------------------------------------------------------------
on "$GREEDY" query main ten
check "max_rows: greedy's query of 10 rows: BAD" "$RC $(cat "$DIR/out")" \
    "2 dbctl: BAD: result has more than max_rows = 5 rows; narrow the request (where, limit)"
on "$GREEDY" query main ten --limit 5 --json
check "max_rows: greedy's query with --limit 5: OK, rows 1 to 5" \
    "$RC $(jq -c '[.status, (.rows | map(.[0]))]' "$DIR/out")" '0 ["OK",[1,2,3,4,5]]'
on "$CALM" query main ten --json
check "max_rows: calm's query: OK, all 10 rows" \
    "$RC $(jq -c '[.status, (.rows | map(.[0]))]' "$DIR/out")" \
    '0 ["OK",[1,2,3,4,5,6,7,8,9,10]]'
check "audit: greedy's query over max_rows is a BAD query record" \
    "$(records '.client == "greedy" and .op == "query" and .status != "OK"')" \
    "greedy query BAD"
check "stats: greedy's limited_total counts its 2 max_message and 1 max_rows refusals" \
    "$(stat_of client.greedy.limited_total)" 3
check "stats: calm's limited_total is 0" "$(stat_of client.calm.limited_total)" 0
pings "dbd answers a ping after the size and row refusals"

# race N: dbbench on greedy (output greedyN) and on calm (calmN) at once,
# greedy probed once its measured run is under way; their exit statuses
# in GREEDY_RC and CALM_RC.
race() {
    bench "$GREEDY" "greedy$1"
    GREEDY_PID=$BENCH_PID
    bench "$CALM" "calm$1"
    CALM_PID=$BENCH_PID
    wait_for 10 grep -q 'measured run starts' "$DIR/greedy$1.err"
    probe_busy "$GREEDY_PID"
    wait "$GREEDY_PID"
    GREEDY_RC=$?
    GREEDY_PID=
    wait "$CALM_PID"
    CALM_RC=$?
    CALM_PID=
    [ "$GREEDY_RC" -eq 0 ] || diag "$(cat "$DIR/greedy$1.err")"
    [ "$CALM_RC" -eq 0 ] || diag "$(cat "$DIR/calm$1.err")"
}

# --- max_in_flight = 2 -------------------------------------------------------
LIMITED0=$(stat_of client.greedy.limited_total)
race 1
G_FAILED=$(json_of greedy1 .failed)
G_OK=$(json_of greedy1 '.requests - .errors')
check "max_in_flight: greedy's dbbench: exit 0, some OK, some failed, none lost" \
    "$GREEDY_RC $([ "$G_OK" -gt 0 ] && echo ok) $([ "$G_FAILED" -gt 0 ] && echo failed) $(json_of greedy1 .lost)" \
    "0 ok failed 0"
check "... every failed answer is BUSY (and no other error)" \
    "$(json_of greedy1 '.failed_by_status | tojson') $(json_of greedy1 .errors)" \
    "{\"BUSY\":$G_FAILED} $G_FAILED"
check "... a probe from greedy during the load answered only OK or BUSY" \
    "${PROBE_OTHER:-none}" none
check "... the BUSY answer names greedy's max_in_flight" "$(cat "$DIR/probe.busy")" \
    "dbctl: BUSY: client \"greedy\" has 2 requests in flight, its max_in_flight"
check "max_in_flight: calm's dbbench under the same load: exit 0, answers, 0 failed, 0 lost, 0 errors" \
    "$CALM_RC $(json_of calm1 '.requests > 0') $(json_of calm1 .failed) $(json_of calm1 .lost) $(json_of calm1 .errors)" \
    "0 true 0 0 0"
check "stats: greedy's limited_total grew by exactly its BUSY answers (dbbench + probe)" \
    "$(($(stat_of client.greedy.limited_total) - LIMITED0))" "$((G_FAILED + PROBE_BUSY))"
check "stats: calm's limited_total is 0" "$(stat_of client.calm.limited_total)" 0
check "stats: greedy's and calm's in_flight are back to 0" \
    "$(stat_of client.greedy.in_flight) $(stat_of client.calm.in_flight)" "0 0"
check "audit: greedy's BUSY answers are query records of client \"greedy\"" \
    "$(records '.client == "greedy" and .status == "BUSY"' | sort -u)" "greedy query BUSY"
check "audit: calm has no answer other than OK" \
    "$(records '.client == "calm" and .status != "OK"' | wc -l)" 0
pings "dbd answers a ping after the in-flight load"

# --- rate = 20, burst = 20 ---------------------------------------------------
LIMITED0=$(stat_of client.greedy.limited_total)
write_conf "rate = $RATE" "burst = $BURST" > "$DIR/dbd.conf"
on "$ADMIN" reload
check "reload: greedy gets rate and burst, no max_in_flight" "$RC" 0
check "... greedy keeps its counters" "$(stat_of client.greedy.limited_total)" "$LIMITED0"
race 2
G_FAILED=$(json_of greedy2 .failed)
G_SECS=$(json_of greedy2 .duration_s)
# Everything greedy was served during the run, the probes included.
G_OK=$(($(json_of greedy2 '.requests - .errors') + PROBE_OK))
# dbd sees greedy's requests within the run (dbbench's pings and probe
# before it took tokens too): at most burst + rate x duration, plus half a
# second of slack; at least what the refill gives over all but 1 s.
MAX_OK=$(awk -v b="$BURST" -v r="$RATE" -v s="$G_SECS" 'BEGIN { printf "%d", b + r * (s + 0.5) }')
MIN_OK=$(awk -v b="$BURST" -v r="$RATE" -v s="$G_SECS" 'BEGIN { printf "%d", b + r * (s - 1) }')
check "rate: greedy's dbbench: exit 0, none lost" "$GREEDY_RC $(json_of greedy2 .lost)" "0 0"
if [ "$G_OK" -ge "$MIN_OK" ] && [ "$G_OK" -le "$MAX_OK" ]; then
    ok "rate: greedy served $G_OK in ${G_SECS} s: between $MIN_OK and $MAX_OK (burst $BURST, rate $RATE/s)"
else
    not_ok "rate: greedy served between $MIN_OK and $MAX_OK in ${G_SECS} s (burst $BURST, rate $RATE/s)" \
        "served $G_OK (dbbench $(json_of greedy2 '.requests - .errors'), probes $PROBE_OK)"
fi
check "... every failed answer is BUSY (and no other error)" \
    "$(json_of greedy2 '.failed_by_status | tojson') $(json_of greedy2 .errors)" \
    "{\"BUSY\":$G_FAILED} $G_FAILED"
check "... a probe from greedy during the load answered only OK or BUSY" \
    "${PROBE_OTHER:-none}" none
check "... the BUSY answer names greedy's rate" "$(cat "$DIR/probe.busy")" \
    "dbctl: BUSY: client \"greedy\" is over its rate of $RATE requests per second"
check "rate: calm's dbbench under the same load: exit 0, answers, 0 failed, 0 lost, 0 errors" \
    "$CALM_RC $(json_of calm2 '.requests > 0') $(json_of calm2 .failed) $(json_of calm2 .lost) $(json_of calm2 .errors)" \
    "0 true 0 0 0"
check "stats: greedy's limited_total grew by exactly its BUSY answers (dbbench + probe)" \
    "$(($(stat_of client.greedy.limited_total) - LIMITED0))" "$((G_FAILED + PROBE_BUSY))"
check "stats: calm's limited_total is still 0" "$(stat_of client.calm.limited_total)" 0
check "stats: greedy's and calm's in_flight are back to 0" \
    "$(stat_of client.greedy.in_flight) $(stat_of client.calm.in_flight)" "0 0"
pings "dbd answers a ping after the rate load"

# --- a clean stop ------------------------------------------------------------
kill -TERM "$DBD_PID"
wait "$DBD_PID"
check "dbd stops on SIGTERM with exit 0" "$?" 0
DBD_PID=
check "no sanitizer report in dbd's log" \
    "$(grep -cE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$DIR/dbd.log")" 0

tap_end
