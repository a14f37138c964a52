#!/usr/bin/env bash
# run-sqlite.sh - the SQLite benchmark matrix of dbd, reproducible from a
# fresh checkout after a build.
#
# Creates a throw-away directory with a SQLite database holding the Kamailio
# schema, starts dbd on an ipc endpoint there with one sqlite datasource,
# prefills 100,000 subscribers and checkpoints the database (as again
# before each repetition), then runs dbbench for the operations read
# and upsert with 1, 4 and 16 clients and 1 and 64 requests in flight, and
# zmq-echo with the same shape and the same message sizes, and prints a
# Markdown table with dbd's throughput next to the raw transport's, then
# dbd's resident memory (idle and under load).  With RUNS > 1 the matrix
# runs that many times against the same dbd and a last table gives the
# median of each figure and the spread of the throughput between runs.
#
# Usage: tools/bench/run-sqlite.sh [BUILD_DIR]
# Environment: DBD_BUILD (build dir when no argument, default ./build),
#   DURATION (seconds per run, default 10), RUNS (matrix repetitions,
#   default 1), POOL (sqlite pool size, default 2), USERS (bench
#   subscribers, default 100000).
# Numbers from a sanitizer build are not representative: benchmark a build
# configured without --enable-sanitizers.  The load generator and dbd share
# the machine's CPUs; the figures are for the two together.  So that a busy
# machine shows, each point also reports the CPUs dbd used and the CPUs
# processes other than dbd and dbbench used meanwhile ("others").
set -euo pipefail

# shellcheck source=tools/bench/bench-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
bench_paths "$@"

duration=${DURATION:-10}
runs=${RUNS:-1}
pool=${POOL:-2}
users=${USERS:-100000}

echo_bin=$build/tools/bench/zmq-echo
connector=$build/connectors/sqlite/.libs/sqlite.so
schema=$src/tools/schema/sqlite.sql

die() { echo "run-sqlite: $*" >&2; exit 1; }

bench_need "make dbd/dbd tools/dbctl/dbctl tools/dbbench/dbbench tools/bench/zmq-echo connectors/sqlite/sqlite.la" \
    "$dbd" "$dbctl" "$dbbench" "$echo_bin" "$connector" "$schema"
command -v sqlite3 > /dev/null || die "the sqlite3 command is needed (Debian package sqlite3)"

dir=$(mktemp -d -t dbd-bench.XXXXXX)
dbd_pid=
sampler_pid=

cleanup() {
    stop "$sampler_pid"
    stop "$dbd_pid"
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

endpoint="ipc://$dir/dbd.sock"

bench_sqlite_dir "$dir" "$connector" "$schema"
bench_dbd_conf "$dir" bench "sqlite://$dir/db.sqlite" "$pool" > "$dir/dbd.conf"

bench_start_dbd "$dbd" "$dbctl" "$dir/dbd.conf" "$dir/dbd.log" "$endpoint"

# dbd's resident memory in kB: total, anonymous (what dbd allocated) and
# file-backed (mapped database pages and shared libraries).
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$dbd_pid/status"; }
rss_split() {
    awk '/^VmRSS:/ { t = $2 } /^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 }
         END { printf "%d kB (anonymous %d kB, file %d kB)", t, a, f }' \
        "/proc/$dbd_pid/status"
}
rss_start=$(rss_split)

bench() {
    "$dbbench" --endpoint "$endpoint" --datasource bench --users "$users" \
        --json "$@" 2>> "$dir/dbbench.log" ||
        { tail -20 "$dir/dbbench.log" >&2; die "dbbench $* failed"; }
}

# Moves the write-ahead log into the database file (dbd is idle here), so
# that every run's reads find the settled file, not pages the prefill or
# the previous run's upserts left in the log.
checkpoint() {
    local r
    r=$(sqlite3 -cmd '.timeout 5000' "$dir/db.sqlite" \
        'PRAGMA wal_checkpoint(TRUNCATE);') || die "checkpoint failed"
    [ "${r%%|*}" = 0 ] || echo "run-sqlite: checkpoint incomplete ($r)" >&2
}

echo "prefilling $users subscribers..." >&2
bench --prefill --count 1 > /dev/null
checkpoint
rss_prefilled=$(rss_split)
echo "dbd RSS idle after prefill: $rss_prefilled" >&2

# Samples dbd's RSS while the matrix runs; the largest value wins.
( peak=0
  while sleep 0.2; do
      line=$(rss_split 2> /dev/null) || exit 0
      kb=${line%% kB*}
      [ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb && echo "$line" > "$dir/rss-peak"
  done ) &
sampler_pid=$!

header() {
    echo "| op | clients | inflight | req/s | p50 µs | p99 µs | errors | dbd CPUs | others CPUs | echo req/s | echo p50 µs | dbd/echo | bytes req/reply |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
}

# CPU time in clock ticks: of the whole machine (idle and I/O wait left
# out), of dbd, and of this script's children that have ended (dbbench),
# from the output of the times builtin, which must run in this shell (a
# subshell has children of its own) and so goes through a file.
ticks_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
ticks_dbd() { awk '{ print $14 + $15 }' "/proc/$dbd_pid/stat"; }
ticks_children() {
    awk -v tck="$(getconf CLK_TCK)" 'NR == 2 {
        n = 0
        for (i = 1; i <= 2; i++) {
            split($i, t, /[ms]/)
            n += (t[1] * 60 + t[2]) * tck
        }
        printf "%.0f\n", n }' "$1"
}

echo
bench_machine "" libsqlite3-0 libzmq5 libmsgpackc2
# One line per point and run: op clients inflight run req/s p50 p99
# errors echo-req/s echo-p50 sizes dbd-CPUs others-CPUs.
results=$dir/results
: > "$results"
for run in $(seq 1 "$runs"); do
    [ "$run" -eq 1 ] || checkpoint
    rows=()
    for op in read upsert; do
        for clients in 1 4 16; do
            for inflight in 1 64; do
                echo "run $run/$runs: $op: $clients clients x $inflight in flight, ${duration}s..." >&2
                times > "$dir/times0"
                t0=$(date +%s%N) b0=$(ticks_busy) d0=$(ticks_dbd)
                out=$(bench --mix "$op=100" --clients "$clients" \
                    --inflight "$inflight" --duration "$duration")
                t1=$(date +%s%N) b1=$(ticks_busy) d1=$(ticks_dbd)
                times > "$dir/times1"
                c0=$(ticks_children "$dir/times0")
                c1=$(ticks_children "$dir/times1")
                # CPUs on average over the dbbench run (setup included).
                cpus=$(awk -v s="$(( (t1 - t0) / 1000000 ))" -v tck="$(getconf CLK_TCK)" \
                    -v b="$((b1 - b0))" -v d="$((d1 - d0))" -v c="$((c1 - c0))" \
                    'BEGIN { o = b - d - c; if (o < 0) o = 0
                             printf "%.2f %.2f", d / tck / (s / 1000), o / tck / (s / 1000) }')
                req=$(bench_json_size "$op" 1 "$out")
                rep=$(bench_json_size "$op" 2 "$out")
                if [ -z "$req" ] || [ -z "$rep" ]; then die "no message sizes in: $out"; fi
                echo_out=$("$echo_bin" --clients "$clients" --inflight "$inflight" \
                    --duration "$duration" --size "$req" --reply-size "$rep" \
                    --json 2> /dev/null) || die "zmq-echo failed"
                line="$op $clients $inflight $run $(json_num throughput "$out")"
                line+=" $(json_num p50_us "$out") $(json_num p99_us "$out")"
                line+=" $(json_num errors "$out") $(json_num throughput "$echo_out")"
                line+=" $(json_num p50_us "$echo_out") $req/$rep $cpus"
                echo "$line" >> "$results"
                rows+=("$(awk '{ ratio = $9 > 0 ? $5 / $9 : 0
                    printf "| %s | %d | %d | %.0f | %.0f | %.0f | %d | %.2f | %.2f | %.0f | %.0f | %.2f | %s |\n",
                        $1, $2, $3, $5, $6, $7, $8, $12, $13, $9, $10, ratio, $11 }' <<< "$line")")
            done
        done
    done
    echo
    echo "run $run of $runs: dbd + sqlite (pool $pool, $users subscribers), ${duration}s per point, $(nproc) CPUs"
    echo
    header
    printf '%s\n' "${rows[@]}"
done
stop "$sampler_pid"
sampler_pid=
rss_load=$(cat "$dir/rss-peak" 2> /dev/null || echo "?")
sleep 1
rss_after=$(rss_split)

# Medians over the runs; the spread is (max - min) / median of req/s.
if [ "$runs" -gt 1 ]; then
    echo
    echo "median of $runs runs (spread: max - min of req/s, in % of the median)"
    echo
    echo "| op | clients | inflight | req/s | spread | p50 µs | p99 µs | errors | others CPUs (max) | echo req/s | echo spread | dbd/echo | bytes req/reply |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    awk '
        function median(list,   n, v, i, j, t) {
            n = split(list, v, " ")
            for (i = 2; i <= n; i++)
                for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
                    t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
                }
            return (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2)
        }
        function spread(list, mid,   n, v, i, lo, hi) {
            n = split(list, v, " ")
            lo = hi = v[1]
            for (i = 2; i <= n; i++) {
                if (v[i] + 0 < lo + 0) lo = v[i]
                if (v[i] + 0 > hi + 0) hi = v[i]
            }
            return (mid > 0 ? 100 * (hi - lo) / mid : 0)
        }
        {
            k = $1 " " $2 " " $3
            if (!(k in rps)) order[++nk] = k
            rps[k] = rps[k] " " $5; p50[k] = p50[k] " " $6; p99[k] = p99[k] " " $7
            err[k] += $8; ech[k] = ech[k] " " $9; sz[k] = $11
            if ($13 + 0 > oth[k] + 0) oth[k] = $13
        }
        END {
            for (i = 1; i <= nk; i++) {
                k = order[i]; split(k, f, " ")
                r = median(rps[k]); e = median(ech[k])
                printf "| %s | %d | %d | %.0f | %.0f%% | %.0f | %.0f | %d | %.2f | %.0f | %.0f%% | %.2f | %s |\n",
                    f[1], f[2], f[3], r, spread(rps[k], r), median(p50[k]),
                    median(p99[k]), err[k], oth[k], e, spread(ech[k], e),
                    (e > 0 ? r / e : 0), sz[k]
            }
        }' "$results"
fi

echo
echo "dbd RSS: at start $rss_start; idle after prefill $rss_prefilled;"
echo "under load (peak) $rss_load; idle after the runs $rss_after"
