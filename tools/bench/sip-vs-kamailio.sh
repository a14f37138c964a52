#!/usr/bin/env bash
# sip-vs-kamailio.sh - sipproxy + dbd against Kamailio on the same
# database, side by side: for each backend of BACKENDS (sqlite, pgsql),
# each worker count of WORKER_COUNTS and each scenario of SCENARIOS
# (register: REGISTER with digest auth, sip-register.sh; call: INVITE to a
# registered user, sip-call.sh), runs the scenario's rate ladder once
# with Kamailio (tools/bench/kamailio/kamailio.cfg: auth_db, usrloc in
# DB-only mode) and once with sipproxy + dbd, one after the other, each on
# a fresh database with the same subscribers.
#
# Writes into OUT (default ./sip-vs-kamailio-results) each run's full
# report (SCENARIO-BACKEND-wN-SERVER.txt, its messages in .txt.log), then
# the tables and plots of sip-vs-kamailio-report.sh: summary.md (each
# server's highest rate with no failure and no retransmission, held for
# CONFIRM seconds), rates.md (both ladders side by side) and the PNGs.
#
# Usage: tools/bench/sip-vs-kamailio.sh [BUILD_DIR]
# Environment: BACKENDS (default "sqlite pgsql"), WORKER_COUNTS (default
#   "1 2 4"), SCENARIOS (default "register call"), OUT, REGISTER_RATES
#   and CALL_RATES (each scenario's ladder, default "100 200 500 1000 1500
#   2000 2500 3000 3500 4000 5000"), and what sip-register.sh and
#   sip-call.sh take (DURATION, CONFIRM, USERS, POOL, REG_RATE).
# Needs: kamailio, kamailio-sqlite-modules, kamailio-postgres-modules,
# postgresql, sip-tester, gnuplot: it runs tools/install-deps --test
# --bench first, which installs those missing (NO_INSTALL=1 skips that).
# Benchmark a build configured without --enable-sanitizers.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-${DBD_BUILD:-./build}}
backends=${BACKENDS:-sqlite pgsql}
worker_counts=${WORKER_COUNTS:-1 2 4}
scenarios=${SCENARIOS:-register call}
out=${OUT:-./sip-vs-kamailio-results}
ladder="100 200 500 1000 1500 2000 2500 3000 3500 4000 5000"

die() { echo "sip-vs-kamailio: $*" >&2; exit 1; }
# shellcheck source=tools/bench/bench-lib.sh
. "$here/bench-lib.sh"
bench_install_deps
for tool in kamailio gnuplot sipp; do
    command -v "$tool" > /dev/null ||
        die "the $tool command is needed (tools/install-deps --bench installs it)"
done
mkdir -p "$out"
out=$(cd "$out" && pwd)

for scenario in $scenarios; do
    case $scenario in
        register) script=$here/sip-register.sh rates=${REGISTER_RATES:-$ladder} ;;
        call) script=$here/sip-call.sh rates=${CALL_RATES:-$ladder} ;;
        *) die "unknown scenario $scenario (register or call)" ;;
    esac
    for backend in $backends; do
        for workers in $worker_counts; do
            for server in kamailio sipproxy; do
                report=$out/$scenario-$backend-w$workers-$server.txt
                echo "sip-vs-kamailio: $scenario, $backend, $workers workers, $server..." >&2
                SERVER=$server BACKEND=$backend WORKERS=$workers RATES=$rates \
                    "$script" "$build" > "$report" 2> "$report.log" ||
                    echo "sip-vs-kamailio: $scenario $backend w$workers $server failed (see $report.log)" >&2
            done
        done
    done
done

"$here/sip-vs-kamailio-report.sh" "$out"
cat "$out/summary.md"
