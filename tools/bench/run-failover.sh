#!/usr/bin/env bash
# run-failover.sh - what losing a PostgreSQL server costs the clients of a
# datasource: dbbench reads at a fixed rate while
#   (i)   primary-replica: the replica is killed (SIGKILL) and started again,
#   (ii)  failover over two independent servers: the first is killed
#         (SIGKILL) and started again,
#   (iii) a single-host datasource: its server gets a fast shutdown
#         (SIGINT) and is started again,
# and the script prints the answers OK per second before, during (server gone)
# and after (server back) each event, how long dbd took to show the host
# down and up again, the longest gap between two answers, the failed and
# lost requests; it draws each run's timeline (tools/bench/plot-timeline.sh)
# with the events marked.
#
# Starts its own throw-away PostgreSQL servers (tests/lib/pgrepl.sh: a
# primary with a streaming replica and a second server, each with the
# bench subscribers) and its own dbd; stops them by their recorded PIDs.
#
# Usage: tools/bench/run-failover.sh [BUILD_DIR]
# Environment: DBD_BUILD (build dir when no argument, default ./build),
#   RATE (reads/s, default 1000), PHASE (seconds before, during and after
#   each outage, default 4), USERS (bench subscribers, default 10000),
#   CLIENTS (default 2), INFLIGHT (per client, default 16), POOL
#   (connections per host, default 4), RECONNECT_MAX (ms, the datasources'
#   reconnect_max, default 1000), IMG_DIR (where the PNGs go, default
#   docs/img of the source tree).
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
reconnect_max=${RECONNECT_MAX:-1000}
img_dir=${IMG_DIR:-$src/docs/img}

die() { echo "run-failover: $*" >&2; exit 1; }

bench_need "make all" "$dbd" "$dbctl" "$dbbench" "$build/connectors/pgsql/.libs/pgsql.so"
command -v gnuplot > /dev/null || die "gnuplot is needed for the plots (tools/install-deps --bench)"

dir=$(mktemp -d -t dbd-failbench.XXXXXX)
chmod 755 "$dir"   # the postgres user must reach its data directories
dbd_pid=
bench_pid=

# pgrepl_*, free_port, wait_for, as_user.
# shellcheck source=tests/lib/pgrepl.sh
. "$src/tests/lib/pgrepl.sh"

cleanup() {
    set +e
    stop "$bench_pid"
    stop "$dbd_pid"
    pgrepl_stop_all
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

dbctl() { "$dbctl" --endpoint "$endpoint" "$@"; }

# --- servers and dbd -------------------------------------------------------------------
pgrepl_find_bin || die "PostgreSQL (with pg_basebackup) is not installed"
echo "starting a primary, its replica and a second server..." >&2
pgrepl_start "$dir" || die "the primary and replica did not start"
pgrepl_plain second "$dir" || die "the second server did not start"
for n in primary second; do
    pgrepl_subscribers "$n" "$users" || die "writing the subscribers on $n failed"
    pgrepl_psql "$n" -c 'VACUUM ANALYZE subscriber' || die "VACUUM on $n failed"
done
pgrepl_wait_replayed 60 || die "the replica does not catch up"

mkdir -m 755 "$dir/connectors"
install -m 644 "$build/connectors/pgsql/.libs/pgsql.so" "$dir/connectors/"
endpoint="ipc://$dir/dbd.sock"
ds_common="pool = $pool
reconnect_min = 100
reconnect_max = $reconnect_max"
cat > "$dir/dbd.conf" << CONF
[dbd]
endpoint = $endpoint
connector_dir = $dir/connectors
log_level = notice

[datasource pr]
url = $(pgrepl_url primary) $(pgrepl_url replica)
mode = primary-replica
$ds_common

[datasource fo]
url = $(pgrepl_url primary) $(pgrepl_url second)
mode = failover
$ds_common

[datasource single]
url = $(pgrepl_url second)
$ds_common
CONF
bench_start_dbd "$dbd" "$dbctl" "$dir/dbd.conf" "$dir/dbd.log" "$endpoint"

# wait_state DS N STATE: polls the hosts view every 20 ms until host N of
# DS is in STATE; prints the time it was seen (Unix ms).
wait_state() {
    local deadline=$(($(now_ms) + 60000))
    while [ "$(now_ms)" -lt "$deadline" ]; do
        if dbctl --timeout 1000 hosts 2> /dev/null |
                awk -v ds="$1" -v n="$2" -v s="$3" '$1 == ds && $2 == n && $5 == s { f = 1 } END { exit !f }'; then
            now_ms
            return 0
        fi
        sleep 0.02
    done
    echo "run-failover: host $2 of $1 did not get $3 within 60 s" >&2
    return 1
}

# sleep_until T: sleeps until Unix time T ms (not at all when past).
sleep_until() {
    local left=$(($1 - $(now_ms)))
    [ "$left" -le 0 ] || sleep "$(awk -v l="$left" 'BEGIN { printf "%.3f", l / 1000 }')"
}

# CPU time so far in clock ticks: "BUSY" of the whole machine (all CPUs),
# or of one process with cpu_ticks PID.
cpu_ticks() {
    if [ $# -eq 0 ]; then
        awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
    else
        awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
    fi
}

# Answers OK per second over the 100 ms intervals of a timeline that lie
# wholly in [from, to) ms of the measured run.
rate_in() {
    awk -F '\t' -v a="$2" -v b="$3" -v end="$4" '
        NR > 1 && $1 + 100 <= end && $1 >= a && $1 + 100 <= b { n++; sum += $2 }
        END { if (n) printf "%.0f", sum / (n / 10); else printf "-" }' "$1"
}

# run NAME LABEL DS HOST NODE SIGNAL: reads on DS at the fixed rate (after
# a 1 s warm-up); after PHASE s the server NODE (host HOST of DS) is
# stopped with SIGNAL (kill or fast), after another PHASE s it is started
# again, and the load goes on for a last PHASE s.  A poller of the hosts
# view notes when dbd shows the host down, and up again.  Appends a result
# line to $dir/results.
run() {
    local name=$1 label=$2 ds=$3 host=$4 node=$5 how=$6 start out tl=$dir/$1.tsv dur_ms
    local t_kill t_down t_start t_back t_up poller c0 c1 d0 d1 hz
    echo "run $name: ${phase}s, $how $node, ${phase}s, start it, ${phase}s..." >&2
    "$dbbench" --endpoint "$endpoint" --datasource "$ds" --users "$users" \
        --clients "$clients" --inflight "$inflight" --mix read=100 --rate "$rate" \
        --warmup 1 --duration "$((3 * phase))" --timeline "$tl" --json \
        > "$dir/$name.json" 2> "$dir/$name.err" &
    bench_pid=$!
    start=$(bench_measured_start "$dir/$name.err") || die "dbbench did not start"
    # The start printed lies after the warm-up.
    sleep_until "$start"
    c0=$(cpu_ticks) d0=$(cpu_ticks "$dbd_pid")
    sleep_until "$((start + phase * 1000))"
    wait_state "$ds" "$host" down > "$dir/t_down" &
    poller=$!
    t_kill=$(now_ms)
    pgrepl_node_stop "$node" "$how"
    wait "$poller" || die "dbd did not show $node down"
    t_down=$(cat "$dir/t_down")
    sleep_until "$((start + 2 * phase * 1000))"
    wait_state "$ds" "$host" up > "$dir/t_up" &
    poller=$!
    t_start=$(now_ms)
    pgrepl_node_start "$node" || die "$node did not start again"
    t_back=$(now_ms)   # the server accepts connections (psql polled every 100 ms)
    wait "$poller" || die "dbd did not show $node up again"
    t_up=$(cat "$dir/t_up")
    wait "$bench_pid" || { cat "$dir/$name.err" >&2; die "dbbench failed"; }
    bench_pid=
    c1=$(cpu_ticks) d1=$(cpu_ticks "$dbd_pid")
    hz=$(getconf CLK_TCK)
    out=$(cat "$dir/$name.json")
    dur_ms=$(awk -v d="$(json_num duration_s "$out")" 'BEGIN { printf "%d", d * 1000 }')
    # Times relative to the measured start, the timeline's clock.
    printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$label" \
        "$(rate_in "$tl" 0 "$((t_kill - start))" "$dur_ms")" \
        "$(rate_in "$tl" "$((t_kill - start))" "$((t_start - start))" "$dur_ms")" \
        "$(rate_in "$tl" "$((t_back - start))" 1000000000 "$dur_ms")" \
        "$((t_down - t_kill))" "$((t_up - t_start))" \
        "$(json_num longest_gap_ms "$out")" "$(json_num p99_us "$out")" \
        "$(json_num max_us "$out")" "$(json_num failed "$out")" \
        "$(json_num lost "$out")" \
        "$(awk -v t="$((c1 - c0))" -v hz="$hz" -v ms="$dur_ms" 'BEGIN { printf "%.2f", t / hz / (ms / 1000) }')" \
        "$(awk -v t="$((d1 - d0))" -v hz="$hz" -v ms="$dur_ms" 'BEGIN { printf "%.2f", t / hz / (ms / 1000) }')" \
        "$name $((t_kill - start)) $((t_start - start))" >> "$dir/results"
}

: > "$dir/results"
run replica "primary-replica, replica SIGKILL" pr 1 replica kill
pgrepl_wait_streaming 30 || die "the replica does not stream again"
run first "failover, first server SIGKILL" fo 0 primary kill
run single "single host, fast shutdown" single 0 second fast

echo
bench_machine "" libpq5 postgresql-15 libzmq5
echo "dbd: pool $pool per host, reconnect_min 100 ms, reconnect_max $reconnect_max ms;"
echo "read=100 at $rate/s, $clients clients x $inflight in flight, $users subscribers, ${phase}s phases"
echo
echo "| run | OK/s before | OK/s server gone | OK/s after | shown down after ms | shown up after ms | longest gap ms | p99 µs | max µs | failed | lost | machine CPUs busy | dbd CPUs |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
bench_md_rows 13 "$dir/results"
echo
echo "Windows of the measured run: before = until the stop; server gone = from the stop until"
echo "the start begins; after = from the restarted server accepting connections to the end."
echo "shown down: from the stop until the hosts view (polled every 20 ms) says down; shown up:"
echo "from the start of the server (its own start-up included) until it says up.  machine CPUs"
echo "busy: all processes, of $(nproc)."
echo

mkdir -p "$img_dir"
while IFS='|' read -r label _ _ _ _ _ _ _ _ _ _ _ _ marks; do
    read -r name m1 m2 <<< "$marks"
    case $name in
        replica) png=$img_dir/failover-replica.png ev1="replica killed" ev2="replica start" ;;
        first) png=$img_dir/failover-first.png ev1="first server killed" ev2="first server start" ;;
        *) png=$img_dir/pgkill-single.png ev1="fast shutdown" ev2="server start" ;;
    esac
    "$src/tools/bench/plot-timeline.sh" "$dir/$name.tsv" "$png" \
        "$label: reads at $rate/s ($clients clients x $inflight in flight)" \
        "$m1:$ev1" "$m2:$ev2"
done < "$dir/results"
