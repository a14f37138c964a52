#!/usr/bin/env bash
# run-audit.sh - what the audit trail costs: dbbench throughput and latency
# on one SQLite datasource with the trail off, loss = drop, loss = block
# with sync = interval, and loss = block with sync = every, in one run.
#
# Creates a throw-away directory with a SQLite database holding the
# Kamailio schema and prefills it once.  Then, ROUNDS times, for each of
# the four settings in turn (so that a slow patch of the machine spreads
# over all four), starts dbd with that [audit] section (file and PUB
# socket in the directory, audit_values = masked), runs dbbench for
# DURATION seconds and stops dbd.  Prints a Markdown table of the median
# of each setting, with its throughput relative to "off", and the audit
# records written.
#
# Usage: tools/bench/run-audit.sh [BUILD_DIR]
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

die() { echo "run-audit: $*" >&2; exit 1; }

bench_compare_setup auditbench
endpoint="ipc://$dir/dbd.sock"

# write_conf SETTING: dbd.conf for one of off, drop, block-interval,
# block-every.
write_conf() {
    rm -f "$dir"/audit.log*
    cat > "$dir/dbd.conf" << CONF
[dbd]
endpoint = $endpoint
connector_dir = $dir/connectors
log_level = warning
CONF
    case $1 in
        off) ;;
        drop) printf '[audit]\nfile = %s\npublish = %s\nloss = drop\nsync = interval\n' \
                  "$dir/audit.log" "ipc://$dir/audit.sock" >> "$dir/dbd.conf" ;;
        block-interval) printf '[audit]\nfile = %s\npublish = %s\nloss = block\nsync = interval\n' \
                  "$dir/audit.log" "ipc://$dir/audit.sock" >> "$dir/dbd.conf" ;;
        block-every) printf '[audit]\nfile = %s\npublish = %s\nloss = block\nsync = every\n' \
                  "$dir/audit.log" "ipc://$dir/audit.sock" >> "$dir/dbd.conf" ;;
        *) die "unknown setting $1" ;;
    esac
    cat >> "$dir/dbd.conf" << CONF

[datasource bench]
url = sqlite://$dir/db.sqlite
pool = $pool
audit_values = masked
CONF
}

# audit.records_total from dbctl stats (0 when the trail is off).
bench_extra() {
    "$dbctl" --endpoint "$endpoint" stats |
        awk '$1 == "audit.records_total" { n = $2 } END { print n + 0 }'
}

bench_compare_all "records written" "libsqlite3-0 libzmq5 nettle-dev" off drop block-interval block-every
