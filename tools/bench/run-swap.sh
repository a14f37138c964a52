#!/usr/bin/env bash
# run-swap.sh - what a backend swap costs the clients: dbbench keeps a
# datasource busy while `dbctl swap` moves it from SQLite to PostgreSQL and
# back, once at a fixed rate and once unpaced (as fast as answers come
# back), and the script prints the answers per second before, during and
# after each swap, how long each swap took, the longest gap between two
# answers, and the failed and lost requests; it draws each run's timeline
# (tools/bench/plot-timeline.sh) with the swaps marked.
#
# Starts its own throw-away PostgreSQL on a free loopback port
# (tests/lib/servers.sh) and its own dbd with datasource "live" (SQLite)
# and "fill_pg" (the PostgreSQL database, to prefill it); stops both by
# their recorded PIDs.
#
# Usage: tools/bench/run-swap.sh [BUILD_DIR]
# Environment: DBD_BUILD (build dir when no argument, default ./build),
#   RATE (requests/s of the paced run, default 1000), PHASE (seconds on
#   each backend, default 4), USERS (bench subscribers, default 10000),
#   CLIENTS (default 2), INFLIGHT (per client, default 16), POOL (default
#   4), IMG_DIR (where the PNGs go, default docs/img of the source tree).
# Benchmark a build configured without --enable-sanitizers.
set -euo pipefail

# shellcheck source=tools/bench/bench-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
bench_paths "$@"

rate=${RATE:-1000}
phase=${PHASE:-4}
users=${USERS:-10000}
clients=${CLIENTS:-2}
inflight=${INFLIGHT:-16}
pool=${POOL:-4}
img_dir=${IMG_DIR:-$src/docs/img}

die() { echo "run-swap: $*" >&2; exit 1; }

bench_need "make all" "$dbd" "$dbctl" "$dbbench" "$build/connectors/sqlite/.libs/sqlite.so" \
    "$build/connectors/pgsql/.libs/pgsql.so"
command -v gnuplot > /dev/null || die "gnuplot is needed for the plots (tools/install-deps --bench)"

dir=$(mktemp -d -t dbd-swapbench.XXXXXX)
chmod 755 "$dir"   # the postgres user must reach its data directory
dbd_pid=
bench_pid=

# pgsql_start, servers_stop, free_port, wait_for, as_user.
# shellcheck source=tests/lib/servers.sh
. "$src/tests/lib/servers.sh"

cleanup() {
    set +e
    stop "$bench_pid"
    stop "$dbd_pid"
    servers_stop
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

dbctl() { "$dbctl" --endpoint "$endpoint" "$@"; }

# --- backends and dbd ----------------------------------------------------------------
# Other work on the machine shows here (1, 5 and 15 minute averages).
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "starting PostgreSQL..." >&2
pgsql_start "$dir" || die "PostgreSQL did not start"
[ -n "${DBD_TEST_PGSQL_URL:-}" ] || die "PostgreSQL is not installed"
pg_url=$DBD_TEST_PGSQL_URL
sq_url="sqlite://$dir/live.sqlite"
"$src/tools/dbd-schema" sqlite "$dir/live.sqlite" > /dev/null
"$src/tools/dbd-schema" pgsql "$pg_url" > /dev/null

mkdir -m 755 "$dir/connectors"
for so in "$build"/connectors/sqlite/.libs/sqlite.so "$build"/connectors/pgsql/.libs/pgsql.so; do
    install -m 644 "$so" "$dir/connectors/"
done
endpoint="ipc://$dir/dbd.sock"
cat > "$dir/dbd.conf" << CONF
[dbd]
endpoint = $endpoint
connector_dir = $dir/connectors
log_level = notice

[datasource live]
url = $sq_url
pool = $pool

[datasource fill_pg]
url = $pg_url
pool = 1
CONF
bench_start_dbd "$dbd" "$dbctl" "$dir/dbd.conf" "$dir/dbd.log" "$endpoint"
for ds in live fill_pg; do
    echo "prefilling $users subscribers on $ds..." >&2
    "$dbbench" --endpoint "$endpoint" --datasource "$ds" --users "$users" --prefill \
        --count 1 > /dev/null 2>> "$dir/prefill.log" ||
        { cat "$dir/prefill.log" >&2; die "prefill of $ds failed"; }
done

# swap URL: moves live to URL; prints how long the swap took (ms).
swap() {
    local t0 t1
    t0=$(now_ms)
    dbctl --timeout 30000 swap live "$1" > "$dir/swap.out" 2>&1 ||
        { cat "$dir/swap.out" >&2; die "swap to $1 failed"; }
    t1=$(now_ms)
    echo "$t0 $t1"
}

# Answers per second over the 100 ms intervals of a timeline that lie
# wholly in [from, to) ms, or that touch it when "touch" is given.
rate_in() {
    awk -F '\t' -v a="$2" -v b="$3" -v touch="${4:-}" -v end="$5" '
        NR > 1 && $1 + 100 <= end {
            inside = touch ? ($1 < b && $1 + 100 > a) : ($1 >= a && $1 + 100 <= b)
            if (inside) { n++; sum += $2 + $3 } }
        END { if (n) printf "%.0f", sum / (n / 10); else printf "-" }' "$1"
}

# run NAME LABEL [dbbench options]: one load with two swaps; appends a
# result line "LABEL|figures...|NAME|swap times".
run() {
    local name=$1 label=$2 start s1 s2 out tl=$dir/$1.tsv dur_ms
    shift 2
    dbctl --timeout 30000 swap live "$sq_url" > /dev/null 2>&1 || true
    echo "run $name: ${phase}s on sqlite, swap to pgsql, ${phase}s, swap back, ${phase}s..." >&2
    "$dbbench" --endpoint "$endpoint" --datasource live --users "$users" \
        --clients "$clients" --inflight "$inflight" --mix read=80,upsert=20 \
        --duration "$((3 * phase + 2))" --timeline "$tl" --json "$@" \
        > "$dir/$name.json" 2> "$dir/$name.err" &
    bench_pid=$!
    start=$(bench_measured_start "$dir/$name.err") || die "dbbench did not start"
    sleep "$phase"
    s1=$(swap "$pg_url")
    sleep "$phase"
    s2=$(swap "$sq_url")
    wait "$bench_pid" || { cat "$dir/$name.err" >&2; die "dbbench failed"; }
    bench_pid=
    out=$(cat "$dir/$name.json")
    dur_ms=$(awk -v d="$(json_num duration_s "$out")" 'BEGIN { printf "%d", d * 1000 }')
    # Times relative to the measured start, the timeline's clock.
    read -r a1 b1 <<< "$s1"
    read -r a2 b2 <<< "$s2"
    a1=$((a1 - start)) b1=$((b1 - start)) a2=$((a2 - start)) b2=$((b2 - start))
    printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$label" \
        "$(rate_in "$tl" 0 "$a1" "" "$dur_ms")" \
        "$((b1 - a1))" "$(rate_in "$tl" "$a1" "$b1" touch "$dur_ms")" \
        "$(rate_in "$tl" "$b1" "$a2" "" "$dur_ms")" \
        "$((b2 - a2))" "$(rate_in "$tl" "$a2" "$b2" touch "$dur_ms")" \
        "$(rate_in "$tl" "$b2" 1000000000 "" "$dur_ms")" \
        "$(json_num longest_gap_ms "$out")" "$(json_num p99_us "$out")" \
        "$(json_num max_us "$out")" "$(json_num failed "$out")" \
        "$(json_num lost "$out")" "$name" "$a1 $a2" >> "$dir/results"
}

: > "$dir/results"
run paced "paced $rate/s" --rate "$rate"
run unpaced "unpaced"

echo
bench_machine "load average before the runs $load_before" libsqlite3-0 libpq5 postgresql-15 libzmq5
echo "dbd + live (pool $pool) on sqlite -> pgsql -> sqlite, $users subscribers, read=80,upsert=20,"
echo "$clients clients x $inflight in flight, ${phase}s per backend"
echo
echo "| load | sqlite req/s | swap to pgsql ms | req/s during | pgsql req/s | swap back ms | req/s during | sqlite req/s | longest gap ms | p99 µs | max µs | failed | lost |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
bench_md_rows 13 "$dir/results"
echo

mkdir -p "$img_dir"
while IFS='|' read -r label _ _ _ _ _ _ _ _ _ _ _ _ name marks; do
    read -r m1 m2 <<< "$marks"
    png=$img_dir/swap-timeline.png
    [ "$name" = paced ] || png=$img_dir/swap-timeline-$name.png
    "$src/tools/bench/plot-timeline.sh" "$dir/$name.tsv" "$png" \
        "datasource swapped sqlite -> pgsql -> sqlite under load ($label, $clients clients x $inflight in flight)" \
        "$m1:swap to pgsql" "$m2:swap back to sqlite"
done < "$dir/results"
