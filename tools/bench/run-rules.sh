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

die() { echo "run-rules: $*" >&2; exit 1; }

bench_compare_setup rulesbench
admin="ipc://$dir/dbd.sock"
proxy="ipc://$dir/proxy.sock"

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

# client.bench.denied_total from dbctl stats (0 when no rules).
bench_extra() {
    "$dbctl" --endpoint "$admin" stats |
        awk '$1 == "client.bench.denied_total" { n = $2 } END { print n + 0 }'
}

bench_compare_all "denied" "libsqlite3-0 libzmq5" open rules limits
