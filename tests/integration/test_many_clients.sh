#!/usr/bin/env bash
# test_many_clients.sh - dbd takes many clients at once: it raises its
# soft open-files limit to the hard one at start (and warns when the hard
# limit is low); 300 clients that connect while dbd is stopped (SIGSTOP),
# so that every connection waits in the listener's backlog, are all
# served once it runs again; and 1000 clients of one process, each its
# own connection, are served with no failure, dbd holding a descriptor
# for each.  Starts its own dbd (one sqlite datasource) and stops it by
# its recorded PID.  Prints TAP.  Needs DBD_BUILD and sqlite3.
set -u

: "${DBD_BUILD:?DBD_BUILD is not set}"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
DBBENCH=$DBD_BUILD/tools/dbbench/dbbench

# shellcheck source=tests/lib/tap.sh
. "$SRC/tests/lib/tap.sh"
# owndbd_start, owndbd_kill, fixture_connectors, fixture_dbd_section.
# shellcheck source=tests/lib/owndbd.sh
. "$SRC/tests/lib/owndbd.sh"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbd-manycl.XXXXXX") || exit 1
DBD_PID=
BENCH_PID=
LOW_PID=

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    [ -z "$DBD_PID" ] || kill -CONT "$DBD_PID" 2>/dev/null
    owndbd_kill "$BENCH_PID" "$LOW_PID" "$DBD_PID"
    rm -rf "$DIR"
}
trap cleanup EXIT

hard=$(ulimit -Hn)
# 1000 clients: dbd needs a descriptor each, dbbench about four.
if [ "$hard" != unlimited ] && [ "$hard" -lt 8192 ]; then
    echo "1..0 # SKIP the hard open-files limit is $hard, below the 8192 this test needs"
    exit 0
fi

fixture_connectors "$DIR/connectors" sqlite
"$SRC/tools/dbd-schema" sqlite "$DIR/db.sqlite" > /dev/null
{
    fixture_dbd_section "$DIR"
    cat << CONF

[datasource sq]
url = sqlite://$DIR/db.sqlite
pool = 2
CONF
} > "$DIR/dbd.conf"

# The number after "key": in a one-line JSON object.
json_num() { sed -n "s/.*\"$1\":\\([0-9.]*\\).*/\\1/p" "$2"; }
# bench_checks WHAT RC BASE COUNT: a dbbench run that exited RC with its
# summary in DIR/BASE.json (messages in DIR/BASE.err) succeeded and had
# COUNT requests answered, none failed and none lost.
bench_checks() {
    check "$1: dbbench succeeds" "$2" 0
    [ "$2" = 0 ] || diag "$(tail -5 "$DIR/$3.err")"
    check "all $4 requests answered" "$(json_num requests "$DIR/$3.json")" "$4"
    check "none failed" "$(json_num failed "$DIR/$3.json")" 0
    check "none lost" "$(json_num lost "$DIR/$3.json")" 0
}
# The soft limit of open files of process PID.
soft_limit() { awk '/^Max open files/ { print $4 }' "/proc/$1/limits"; }

# --- the limit: raised from a low soft limit to the hard one ---
ulimit -Sn 256
owndbd_start "$DIR" "dbd starts with a soft limit of 256 open files" sq
ulimit -Sn "$hard"
check "its soft limit is now the hard one" "$(soft_limit "$DBD_PID")" "$hard"
check "the log says so" \
    "$(grep -c "open files limit raised from 256 to $hard" "$DIR/dbd.log")" 1
check "and warns of nothing about it" \
    "$(grep -c 'open files limit is' "$DIR/dbd.log")" 0

# A hard limit that is low gets a warning naming the fix.  (A second dbd
# on its own socket: only its start-up log matters.)
mkdir "$DIR/low"
fixture_connectors "$DIR/low/connectors" sqlite
fixture_dbd_section "$DIR/low" > "$DIR/low/dbd.conf"
(ulimit -n 512 && exec "$DBD_BUILD/dbd/dbd" -c "$DIR/low/dbd.conf") \
    > "$DIR/low/dbd.log" 2>&1 &
LOW_PID=$!
for _ in $(seq 1 100); do
    grep -q 'open files limit is' "$DIR/low/dbd.log" && break
    sleep 0.1
done
check "a hard limit of 512 is warned about, with the fix" \
    "$(grep -c 'open files limit is 512 and each client connection takes one: raise the hard limit (LimitNOFILE=, ulimit -Hn) to serve more than about 448 clients' "$DIR/low/dbd.log")" 1
owndbd_kill "$LOW_PID"
LOW_PID=

"$DBBENCH" --endpoint "ipc://$DIR/dbd.sock" --datasource sq --users 1000 --prefill \
    --count 1 > /dev/null 2> "$DIR/prefill.err"
check "1000 bench subscribers written" "$?" 0

# --- 300 connections at once: they wait in the backlog ---
kill -STOP "$DBD_PID"
"$DBBENCH" --endpoint "ipc://$DIR/dbd.sock" --datasource sq --users 1000 \
    --clients 300 --inflight 1 --count 3000 --json \
    > "$DIR/burst.json" 2> "$DIR/burst.err" &
BENCH_PID=$!
sleep 2 # every client has connected, or failed to, by now
kill -CONT "$DBD_PID"
wait "$BENCH_PID"
rc=$?
BENCH_PID=
bench_checks "300 clients connecting to a stopped dbd" "$rc" burst 3000

# --- 1000 clients of one process ---
peak=0
"$DBBENCH" --endpoint "ipc://$DIR/dbd.sock" --datasource sq --users 1000 \
    --clients 1000 --inflight 1 --count 20000 --json \
    > "$DIR/many.json" 2> "$DIR/many.err" &
BENCH_PID=$!
while kill -0 "$BENCH_PID" 2>/dev/null; do
    n=$(find "/proc/$DBD_PID/fd" -mindepth 1 2>/dev/null | wc -l)
    [ "$n" -gt "$peak" ] && peak=$n
    sleep 0.2
done
wait "$BENCH_PID"
rc=$?
BENCH_PID=
bench_checks "1000 clients of one process" "$rc" many 20000
check "dbd held a descriptor for each client" \
    "$([ "$peak" -ge 1000 ] && echo yes || echo "no ($peak)")" yes
check "dbd still answers" \
    "$("$DBD_BUILD/tools/dbctl/dbctl" --endpoint "ipc://$DIR/dbd.sock" ping sq > /dev/null 2>&1 && echo yes)" yes

tap_end
