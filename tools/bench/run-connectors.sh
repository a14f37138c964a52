#!/usr/bin/env bash
# run-connectors.sh - point-read and upsert throughput and latency of every
# connector, through dbd (dbbench) and in-process on the same connector
# module (direct-bench), so that the cost dbd adds shows per backend.
#
# Starts the throw-away backends of the tests (tests/lib/backends.sh: what
# is installed of MariaDB, PostgreSQL, slapd, Berkeley DB, unixODBC), adds a
# sqlite and a text datasource, starts dbd with all of them, prefills each
# with the bench subscribers, then per datasource and operation runs
# dbbench (CLIENTS clients x INFLIGHT in flight) and direct-bench (CLIENTS
# threads, one connection each, one request at a time) for DURATION
# seconds, and prints a Markdown table.  Everything started is stopped by
# its recorded PID.
#
# Usage: tools/bench/run-connectors.sh BUILD_DIR
# Environment: DURATION (seconds per run, default 5), USERS (bench
#   subscribers, default 10000), CLIENTS (default 4), INFLIGHT (default 16).
# Benchmark a build configured without --enable-sanitizers.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 64; }
# shellcheck source=tools/bench/bench-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
bench_paths "$1"
DBD_BUILD=$build
DBD_SRC=$src
export DBD_BUILD DBD_SRC
duration=${DURATION:-5}
users=${USERS:-10000}
clients=${CLIENTS:-4}
inflight=${INFLIGHT:-16}

direct=$build/tools/bench/direct-bench

die() { echo "run-connectors: $*" >&2; exit 1; }

bench_need "make all tools/bench/direct-bench" "$dbd" "$dbctl" "$dbbench" "$direct"

# shellcheck source=tests/lib/backends.sh
. "$DBD_SRC/tests/lib/backends.sh"

dir=$(mktemp -d -t dbd-connbench.XXXXXX)
dbd_pid=

cleanup() {
    # Best effort: a server that is gone already must not cut it short.
    set +e
    stop "$dbd_pid"
    backends_stop
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

backends_start || die "the backends did not start"

# dbd only loads connectors from a directory nobody else can write to.
mkdir -m 755 "$dir/connectors"
for so in "$DBD_BUILD"/connectors/*/.libs/*.so; do
    [ -e "$so" ] && install -m 644 "$so" "$dir/connectors/"
done
"$DBD_SRC/tools/dbd-schema" sqlite "$dir/db.sqlite" > /dev/null
"$DBD_SRC/tools/dbd-schema" text "$dir/text" > /dev/null

endpoint="ipc://$dir/dbd.sock"
{
    cat << CONF
[dbd]
endpoint = $endpoint
connector_dir = $dir/connectors
log_level = warning

[datasource sq]
url = sqlite://$dir/db.sqlite
pool = 4

[datasource tx]
url = text://$dir/text
pool = 4

CONF
    cat "$DBD_EXTRA_DATASOURCES"
} > "$dir/dbd.conf"

bench_start_dbd "$dbd" "$dbctl" "$dir/dbd.conf" "$dir/dbd.log" "$endpoint"

# Per datasource a file of direct-bench arguments, one a line: the
# connector module, the URL and the option.NAME keys of its section.
mkdir "$dir/ds"
awk -v out="$dir/ds" -v mods="$dir/connectors" '
    function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
    /^\[datasource [^]]+\]$/ {
        name = $2; sub(/\]$/, "", name); file = out "/" name; print name > (out "/list"); next }
    /^\[/ { file = ""; next }
    file != "" && /=/ {
        key = trim(substr($0, 1, index($0, "=") - 1))
        val = trim(substr($0, index($0, "=") + 1))
        if (key == "url") {
            scheme = val; sub(/:.*/, "", scheme)
            print "--connector" > file; print mods "/" scheme ".so" > file
            print "--url" > file; print val > file
        } else if (key ~ /^option\./) {
            print "--option" > file; print substr(key, 8) "=" val > file
        }
    }' "$dir/dbd.conf"
mapfile -t datasources < "$dir/ds/list"

# "req/s | p50/p99" cells from a summary, or "failed" cells; a run with
# errors says how many (their first is in the tool's log).
cells() {
    local rps p50 p99 errors
    rps=$(json_num throughput "$1")
    p50=$(json_num p50_us "$1")
    p99=$(json_num p99_us "$1")
    errors=$(json_num errors "$1")
    if [ -z "$rps" ]; then
        echo "failed | failed"
    elif [ "${errors:-0}" != 0 ]; then
        printf "%.0f (%s errors) | %.0f / %.0f" "$rps" "$errors" "$p50" "$p99"
    else
        printf "%.0f | %.0f / %.0f" "$rps" "$p50" "$p99"
    fi
}

rows=()
for ds in "${datasources[@]}"; do
    echo "$ds: prefilling $users subscribers..." >&2
    if ! "$dbbench" --endpoint "$endpoint" --datasource "$ds" --users "$users" \
            --prefill --count 1 > /dev/null 2>> "$dir/dbbench.log"; then
        tail -3 "$dir/dbbench.log" >&2
        rows+=("| $ds | - | prefill failed | | | | |")
        continue
    fi
    mapfile -t args < "$dir/ds/$ds"
    for op in read upsert; do
        echo "$ds: $op through dbd, ${duration}s..." >&2
        via=$("$dbbench" --endpoint "$endpoint" --datasource "$ds" \
            --users "$users" --mix "$op=100" --clients "$clients" \
            --inflight "$inflight" --duration "$duration" --json \
            2>> "$dir/dbbench.log") || tail -3 "$dir/dbbench.log" >&2
        echo "$ds: $op direct, ${duration}s..." >&2
        own=$("$direct" "${args[@]}" --users "$users" --mix "$op" \
            --clients "$clients" --duration "$duration" --json \
            2>> "$dir/direct.log") || tail -3 "$dir/direct.log" >&2
        ratio=$(awk -v a="$(json_num throughput "$via")" \
            -v b="$(json_num throughput "$own")" \
            'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "-" }')
        rows+=("| $ds | $op | $(cells "$via") | $(cells "$own") | $ratio |")
    done
done

echo
echo "machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), Linux $(uname -r), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "dbbench: $clients clients x $inflight in flight; direct-bench: $clients threads x 1; ${duration}s per run, $users subscribers"
echo
echo "| datasource | op | dbd req/s | dbd p50 / p99 µs | direct req/s | direct p50 / p99 µs | dbd/direct |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
printf "%s\n" "${rows[@]}"
