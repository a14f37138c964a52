#!/usr/bin/env bash
# run-sqlite.sh - the SQLite benchmark matrix of dbd, reproducible from a
# fresh checkout after a build.
#
# Creates a throw-away directory with a SQLite database holding the Kamailio
# schema, starts dbd on an ipc endpoint there with one sqlite datasource,
# prefills 100,000 subscribers, then runs dbbench for the operations read
# and upsert with 1, 4 and 16 clients and 1 and 64 requests in flight, and
# zmq-echo with the same shape and the same message sizes, and prints a
# Markdown table with dbd's throughput next to the raw transport's.
#
# Usage: tools/bench/run-sqlite.sh [BUILD_DIR]
# Environment: DBD_BUILD (build dir when no argument, default ./build),
#   DURATION (seconds per run, default 10), POOL (sqlite pool size,
#   default 2), USERS (bench subscribers, default 100000).
# Numbers from a sanitizer build are not representative: benchmark a build
# configured without --enable-sanitizers.
set -euo pipefail

build=$(cd "${1:-${DBD_BUILD:-./build}}" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
duration=${DURATION:-10}
pool=${POOL:-2}
users=${USERS:-100000}

dbd=$build/dbd/dbd
dbctl=$build/tools/dbctl/dbctl
dbbench=$build/tools/dbbench/dbbench
echo_bin=$build/tools/bench/zmq-echo
connector=$build/connectors/sqlite/.libs/sqlite.so
schema=$src/tools/schema/sqlite.sql

die() { echo "run-sqlite: $*" >&2; exit 1; }

for f in "$dbd" "$dbctl" "$dbbench" "$echo_bin" "$connector" "$schema"; do
    [ -e "$f" ] || die "missing $f (build first: make dbd/dbd tools/dbctl/dbctl tools/dbbench/dbbench tools/bench/zmq-echo connectors/sqlite/sqlite.la)"
done
command -v sqlite3 > /dev/null || die "the sqlite3 command is needed (Debian package sqlite3)"

dir=$(mktemp -d -t dbd-bench.XXXXXX)
dbd_pid=
sampler_pid=

# Stops a process we started, by its PID: TERM, then KILL after 10 s.
stop() {
    [ -n "$1" ] || return 0
    kill -TERM "$1" 2> /dev/null || return 0
    for _ in $(seq 1 100); do
        kill -0 "$1" 2> /dev/null || break
        sleep 0.1
    done
    kill -KILL "$1" 2> /dev/null || true
    wait "$1" 2> /dev/null || true
}

cleanup() {
    stop "$sampler_pid"
    stop "$dbd_pid"
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

endpoint="ipc://$dir/dbd.sock"

# dbd only loads connectors from a directory nobody else can write to.
mkdir -m 755 "$dir/connectors"
install -m 644 "$connector" "$dir/connectors/"
sqlite3 -bail "$dir/db.sqlite" < "$schema"
cat > "$dir/dbd.conf" << CONF
[dbd]
endpoint = $endpoint
connector_dir = $dir/connectors
log_level = warning

[datasource bench]
url = sqlite://$dir/db.sqlite
pool = $pool
CONF

"$dbd" -c "$dir/dbd.conf" > "$dir/dbd.log" 2>&1 &
dbd_pid=$!
for _ in $(seq 1 100); do
    "$dbctl" --endpoint "$endpoint" --timeout 500 ping > /dev/null 2>&1 && break
    kill -0 "$dbd_pid" 2> /dev/null || { cat "$dir/dbd.log" >&2; die "dbd exited"; }
    sleep 0.1
done
"$dbctl" --endpoint "$endpoint" --timeout 500 ping > /dev/null 2>&1 ||
    { cat "$dir/dbd.log" >&2; die "dbd did not come up"; }

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$dbd_pid/status"; }
rss_idle=$(rss_kb)

# The number after "key": in a one-line JSON object.
json_num() { sed -n "s/.*\"$1\":\\([0-9.]*\\).*/\\1/p" <<< "$2"; }
# The request or reply size of an operation from the "sizes" object.
json_size() { sed -n "s/.*\"$1\":{\"request\":\\([0-9]*\\),\"reply\":\\([0-9]*\\)}.*/\\$2/p" <<< "$3"; }

bench() {
    "$dbbench" --endpoint "$endpoint" --datasource bench --users "$users" \
        --json "$@" 2>> "$dir/dbbench.log" ||
        { tail -20 "$dir/dbbench.log" >&2; die "dbbench $* failed"; }
}

echo "prefilling $users subscribers..." >&2
bench --prefill --count 1 > /dev/null
echo "dbd RSS idle after prefill: $(rss_kb) kB" >&2

# Samples dbd's RSS while the matrix runs; the largest value wins.
( peak=0
  while sleep 0.2; do
      kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$dbd_pid/status" 2> /dev/null) || exit 0
      [ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb && echo "$peak" > "$dir/rss-peak"
  done ) &
sampler_pid=$!

rows=()
for op in read upsert; do
    for clients in 1 4 16; do
        for inflight in 1 64; do
            echo "$op: $clients clients x $inflight in flight, ${duration}s..." >&2
            out=$(bench --mix "$op=100" --clients "$clients" \
                --inflight "$inflight" --duration "$duration")
            req=$(json_size "$op" 1 "$out")
            rep=$(json_size "$op" 2 "$out")
            if [ -z "$req" ] || [ -z "$rep" ]; then die "no message sizes in: $out"; fi
            echo_out=$("$echo_bin" --clients "$clients" --inflight "$inflight" \
                --duration "$duration" --size "$req" --reply-size "$rep" \
                --json 2> /dev/null) || die "zmq-echo failed"
            rows+=("$(awk -v op="$op" -v c="$clients" -v i="$inflight" \
                -v rps="$(json_num throughput "$out")" \
                -v p50="$(json_num p50_us "$out")" \
                -v p99="$(json_num p99_us "$out")" \
                -v err="$(json_num errors "$out")" \
                -v erps="$(json_num throughput "$echo_out")" \
                -v ep50="$(json_num p50_us "$echo_out")" \
                -v sz="$req/$rep" 'BEGIN {
                    ratio = erps > 0 ? rps / erps : 0
                    printf "| %s | %d | %d | %.0f | %.0f | %.0f | %d | %.0f | %.0f | %.2f | %s |\n",
                        op, c, i, rps, p50, p99, err, erps, ep50, ratio, sz }')")
        done
    done
done
rss_load=$(cat "$dir/rss-peak" 2> /dev/null || echo "?")

echo
echo "dbd + sqlite (pool $pool, $users subscribers), ${duration}s per run, $(nproc) CPUs"
echo
echo "| op | clients | inflight | req/s | p50 µs | p99 µs | errors | echo req/s | echo p50 µs | dbd/echo | bytes req/reply |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
echo
echo "dbd RSS: idle $rss_idle kB, under load (peak) $rss_load kB"
