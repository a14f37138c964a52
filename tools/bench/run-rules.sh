#!/usr/bin/env bash
# run-rules.sh - what client rules and limits cost: dbbench throughput and
# latency on one SQLite datasource with no [client] section (open), with
# the rules of a SIP proxy in force (rules: read subscriber and location,
# write location, on a socket of its own), and with those rules and every
# limit set high enough never to refuse (limits), in one run.
#
# Creates a throw-away directory with a SQLite database holding the
# Kamailio schema and prefills it once.  Then, ROUNDS times, for each
# setting in turn, starts dbd, runs dbbench for DURATION seconds on the
# client's socket and stops dbd.  Prints a Markdown table of the median of
# each setting, with its throughput relative to "open", and the requests
# the rules denied (which must be 0: the load is within the rules).
#
# Usage: tools/bench/run-rules.sh [BUILD_DIR]
# Environment: DBD_BUILD (build dir when no argument, default ./build),
#   DURATION (seconds per point, default 10), ROUNDS (default 3),
#   MIX (dbbench mix, default read=80,upsert=20), CLIENTS (default 4),
#   INFLIGHT (per client, default 16), POOL (default 2), USERS (bench
#   subscribers, default 10000).
# Benchmark a build configured without --enable-sanitizers.
set -euo pipefail

# shellcheck source=tools/bench/bench-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
bench_paths "$@"

duration=${DURATION:-10}
rounds=${ROUNDS:-3}
mix=${MIX:-read=80,upsert=20}
clients=${CLIENTS:-4}
inflight=${INFLIGHT:-16}
pool=${POOL:-2}
users=${USERS:-10000}

connector=$build/connectors/sqlite/.libs/sqlite.so
schema=$src/tools/schema/sqlite.sql

die() { echo "run-rules: $*" >&2; exit 1; }

bench_need "make dbd/dbd tools/dbctl/dbctl tools/dbbench/dbbench connectors/sqlite/sqlite.la" \
    "$dbd" "$dbctl" "$dbbench" "$connector" "$schema"
command -v sqlite3 > /dev/null || die "the sqlite3 command is needed (Debian package sqlite3)"

dir=$(mktemp -d -t dbd-rulesbench.XXXXXX)
dbd_pid=

cleanup() {
    stop "$dbd_pid"
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

admin="ipc://$dir/dbd.sock"
proxy="ipc://$dir/proxy.sock"
bench_sqlite_dir "$dir" "$connector" "$schema"

# write_conf SETTING: dbd.conf for open, rules or limits; endpoint is
# where dbbench connects.
write_conf() {
    cat > "$dir/dbd.conf" << CONF
[dbd]
endpoint = $admin, $proxy
connector_dir = $dir/connectors
log_level = warning

[datasource bench]
url = sqlite://$dir/db.sqlite
pool = $pool
CONF
    endpoint=$admin
    [ "$1" = open ] && return 0
    endpoint=$proxy
    cat >> "$dir/dbd.conf" << CONF

[client admin]
endpoint = $admin
admin = *

[client bench]
endpoint = $proxy
read = bench.subscriber bench.location
write = bench.location
CONF
    case $1 in
        rules) ;;
        limits) printf 'max_message = 64K\nmax_rows = 1000\nmax_in_flight = 100000\nrate = 10000000\n' \
                    >> "$dir/dbd.conf" ;;
        *) die "unknown setting $1" ;;
    esac
}

bench() {
    "$dbbench" --endpoint "$endpoint" --datasource bench --users "$users" \
        --json "$@" 2>> "$dir/dbbench.log" ||
        { tail -20 "$dir/dbbench.log" >&2; die "dbbench $* failed"; }
}

# client.bench.denied_total from dbctl stats (0 when no rules).
bench_extra() {
    "$dbctl" --endpoint "$admin" stats |
        awk '$1 == "client.bench.denied_total" { n = $2 } END { print n + 0 }'
}

write_conf open
bench_start_dbd "$dbd" "$dbctl" "$dir/dbd.conf" "$dir/dbd.log" "$endpoint"
echo "prefilling $users subscribers..." >&2
bench --prefill --count 1 > /dev/null
stop "$dbd_pid"
dbd_pid=

bench_machine "" libsqlite3-0 libzmq5
echo "dbd + sqlite (pool $pool, $users subscribers), dbbench $mix, $clients clients x" \
     "$inflight in flight, ${duration}s per point, median of $rounds rounds"
echo
bench_compare "denied" open rules limits
