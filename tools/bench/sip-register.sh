#!/usr/bin/env bash
# sip-register.sh - how many digest-authenticated registrations per second
# sipproxy + dbd on SQLite take, driven by SIPp.
#
# Creates a throw-away directory with a SQLite database holding the
# Kamailio tables and USERS subscribers (user0..userN-1@bench.example,
# passwords pass0.., written by dbbench --prefill), starts dbd (one sqlite
# datasource) and sipproxy (WORKERS workers) on loopback, and runs SIPp's
# REGISTER / 401 / REGISTER with credentials / 200 (tests/sip/
# bench-register.xml) with the users from an injection file, at each rate
# of RATES for DURATION seconds.  Per rate it prints: registrations
# attempted, succeeded and failed, SIPp's retransmissions, successful
# registrations per second, the response times in microseconds (p50 and
# p99) of the challenge (REGISTER -> 401, no database) and of the
# authenticated REGISTER -> 200 (subscriber read, location read and
# write), and the CPUs used meanwhile by sipproxy, dbd, SIPp and all other
# processes.  The response times come from a tcpdump capture on loopback
# when tcpdump is installed and the script runs as root (the capture's CPU
# counts under "others"), else from timestamps taken in the SIPp scenario.  The ladder stops after the first rate that fails; the best
# passing rate (no failure, no retransmission, at least 95% of the offered
# rate achieved) is then held for CONFIRM seconds.  Every user registers
# again on each pass through the injection file: the first pass inserts
# bindings, later ones refresh them.
#
# Usage: tools/bench/sip-register.sh [BUILD_DIR]
# Environment: DBD_BUILD (build dir when no argument, default ./build),
#   WORKERS (sipproxy workers, default 2), RATES (registrations per second,
#   default "200 500 1000 1500 2000 2500 3000 4000"), DURATION (seconds per rate,
#   default 20), CONFIRM (seconds for the best rate, default 60; 0 skips),
#   USERS (default 10000), POOL (dbd's pool, default 2), SERVER and BACKEND
#   (sip-common.sh), KEEP (set: keep the directory with the logs),
#   PG_STATEMENTS (set, on PostgreSQL: end with what the server spent per
#   statement, from pg_stat_statements).
# Benchmark a build configured without --enable-sanitizers.  SIPp, sipproxy
# and dbd share the machine's CPUs: the figures are for all of them together.
set -euo pipefail

bench_name=sip-register
RATES=${RATES:-200 500 1000 1500 2000 2500 3000 4000}
# shellcheck source=tools/bench/sip-common.sh
. "$(dirname "$0")/sip-common.sh"

start_dbd
start_proxy "max_expires = 3600"
users_csv "$dir/users.csv"
uac_port=$(free_udp_port)

# bench_point RATE SECONDS: one SIPp run; prints "RATE ATTEMPTED OK FAILED
# RETRANS OK/S CH_P50 CH_P99 REG_P50 REG_P99 PROXY_CPU DBD_CPU SIPP_CPU
# CAPTURE_CPU OTHERS_CPU TIMED CAPTURE_DROPS".
bench_point() {
    local rate=$1 secs=$2 n=$(($1 * $2)) t0 t1 rc=0 base
    base=$dir/reg-$rate-${secs}s-$(date +%s)
    capture_start "$base.pcap"
    cpu_begin 0
    t0=$(date +%s%N)
    sipp -sf "$scen/bench-register.xml" -inf "$dir/users.csv" \
        -key domain "$domain" -key expires 3600 -auth_uri "$domain" \
        -default_behaviors all,-bye \
        -i 127.0.0.1 -p "$uac_port" -r "$rate" -m "$n" -nostdin \
        -recv_timeout 5000 -timeout "$((secs + 60))" \
        -trace_stat -stf "$base.stat" -fd 1 -trace_logs -log_file "$base.log" \
        -trace_err -error_file "$base.err" \
        127.0.0.1:"$sip_port" > "$base.out" 2>&1 || rc=$?
    t1=$(date +%s%N)
    cpu_end 0
    local ok failed retrans
    capture_stop "$base.pcap"
    [ "$rc" -le 1 ] || say "SIPp exited with $rc at $rate/s (see $base.out with KEEP=1)"
    ok=$(stat_field "$base.stat" "SuccessfulCall(C)")
    failed=$(stat_field "$base.stat" "FailedCall(C)")
    retrans=$(stat_field "$base.stat" "Retransmissions(C)")
    if [ "$timing" = wire ]; then
        wire_times "$base.pcap" "$uac_port" REGISTER 401 > "$base.t401"
        wire_times "$base.pcap" "$uac_port" REGISTER 200 > "$base.t200"
        [ -n "${KEEP:-}" ] || rm -f "$base.pcap"
    else
        awk '$1 == "REG" { print $2 }' "$base.log" > "$base.t401"
        awk '$1 == "REG" { print $3 }' "$base.log" > "$base.t200"
    fi
    echo "$rate $n $ok $failed $retrans" \
        "$(awk -v ok="$ok" -v ns="$((t1 - t0))" 'BEGIN { printf "%.0f", ok / (ns / 1e9) }')" \
        "$(percentile 50 < "$base.t401") $(percentile 99 < "$base.t401")" \
        "$(percentile 50 < "$base.t200") $(percentile 99 < "$base.t200")" \
        "$cpu_line $(wc -l < "$base.t200") ${capture_drops:-?}"
}

echo
machine
echo "$(server_line); $users subscribers; SIPp $(sipp -v 2>&1 | sed -n 's/.*\(v[0-9][0-9.]*\).*/\1/p' | head -1)"
if [ "$timing" = wire ]; then
    echo "response times: from a tcpdump capture of the proxy's port (request sent to response received, µs); \"timed\" = 200s matched"
else
    echo "response times: taken inside the SIPp scenario (µs, including SIPp's own scheduling; no tcpdump or not root)"
fi

# shellcheck disable=SC2016  # awk code
bench_ladder \
"| offered/s | attempted | ok | failed | retrans | ok/s | 401 p50 µs | 401 p99 µs | 200 p50 µs | 200 p99 µs | proxy CPUs | dbd CPUs | SIPp CPUs | tcpdump CPUs | others CPUs | timed | capture lost |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" \
'{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17 }'

echo
echo "bindings in location: $(db_query \
    "SELECT count(*) FROM location WHERE domain = '$domain'")"
pg_statements_report
