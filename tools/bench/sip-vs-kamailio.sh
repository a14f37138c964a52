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
# Writes into OUT (default ./sip-vs-kamailio-results): each run's full
# report (SCENARIO-BACKEND-wN-SERVER.txt), summary.md (per scenario,
# backend and worker count: each server's highest rate with no failure
# and no retransmission, held for CONFIRM seconds, with its response
# times and CPUs) and SCENARIO.png (those highest rates as bars, gnuplot).
#
# Usage: tools/bench/sip-vs-kamailio.sh [BUILD_DIR]
# Environment: BACKENDS (default "sqlite pgsql"), WORKER_COUNTS (default
#   "1 2 4"), SCENARIOS (default "register call"), OUT, REGISTER_RATES
#   and CALL_RATES (each scenario's ladder, default "100 200 500 1000 1500
#   2000 2500 3000 3500 4000 5000"), and what sip-register.sh and
#   sip-call.sh take (DURATION, CONFIRM, USERS, POOL, REG_RATE).
# Needs: kamailio, kamailio-sqlite-modules, kamailio-postgres-modules,
# postgresql, sip-tester, gnuplot (tools/install-deps --bench).  Benchmark
# a build configured without --enable-sanitizers.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-${DBD_BUILD:-./build}}
backends=${BACKENDS:-sqlite pgsql}
worker_counts=${WORKER_COUNTS:-1 2 4}
scenarios=${SCENARIOS:-register call}
out=${OUT:-./sip-vs-kamailio-results}
ladder="100 200 500 1000 1500 2000 2500 3000 3500 4000 5000"

die() { echo "sip-vs-kamailio: $*" >&2; exit 1; }
for tool in kamailio gnuplot sipp; do
    command -v "$tool" > /dev/null ||
        die "the $tool command is needed (tools/install-deps --bench installs it)"
done
mkdir -p "$out"
out=$(cd "$out" && pwd)

# summary_row SCENARIO BACKEND WORKERS SERVER FILE: one Markdown row from a
# run's report: the confirmed highest rate and that confirmation's row.
summary_row() {
    local best row
    best=$(sed -n 's/^highest rate with no failure and no retransmission: \([0-9]*\)\/s.*/\1/p' "$5")
    # The row of the confirmation run (after "confirmation run"), else none.
    row=$(awk '/^confirmation run/ { c = 1 } c && /^\| [0-9]/ { r = $0 } END { print r }' "$5")
    if [ -z "$best" ] || [ -z "$row" ]; then
        echo "| $1 | $2 | $3 | $4 | 0 | - | - | - | - |"
        return
    fi
    # Fields (after the leading "|"): register: 200 p50 $10, p99 $11,
    # proxy CPUs $12, dbd CPUs $13; call: set-up p50 $8, p99 $9, proxy
    # CPUs $11, dbd CPUs $12.
    awk -F'|' -v s="$1" -v b="$2" -v w="$3" -v srv="$4" -v best="$best" -v scen="$1" '{
        for (i = 1; i <= NF; i++) gsub(/ /, "", $i)
        if (scen == "register") { p50 = $10; p99 = $11; scpu = $12; dcpu = $13 }
        else { p50 = $8; p99 = $9; scpu = $11; dcpu = $12 }
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", s, b, w, srv, best, p50, p99, scpu, dcpu
    }' <<< "$row"
}

summary=$out/summary.md
{
    echo "| scenario | backend | workers | server | highest rate/s | p50 µs | p99 µs | server CPUs | dbd CPUs |"
    echo "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
} > "$summary"
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
                summary_row "$scenario" "$backend" "$workers" "$server" "$report" >> "$summary"
            done
        done
    done
done

# One bar chart per scenario: highest rate per backend and worker count,
# Kamailio next to sipproxy + dbd.
for scenario in $scenarios; do
    awk -F'|' -v s="$scenario" '{ for (i = 1; i <= NF; i++) gsub(/ /, "", $i) }
        $2 == s { key = $3 " w" $4; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
                  v[key, $5] = $6 }
        END { for (i = 1; i <= n; i++) printf "\"%s\" %s %s\n", order[i],
                  (v[order[i], "kamailio"] == "" ? 0 : v[order[i], "kamailio"]),
                  (v[order[i], "sipproxy"] == "" ? 0 : v[order[i], "sipproxy"]) }' \
        "$summary" > "$out/$scenario.dat"
    gnuplot << PLOT
set terminal pngcairo size 900,500 font ",11"
set output "$out/$scenario.png"
set title "$scenario: highest rate with no failure and no retransmission (per second)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "per second"
set yrange [0:*]
set grid ytics
set key top left
plot "$out/$scenario.dat" using 2:xtic(1) title "Kamailio 5.6", '' using 3 title "sipproxy + dbd"
PLOT
done
cat "$summary"
echo
echo "reports, plots: $out"
