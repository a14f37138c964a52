#!/usr/bin/env bash
# sip-call.sh - how many calls per second sipproxy + dbd on SQLite set up
# between registered users, driven by SIPp.
#
# The same set-up as sip-register.sh (USERS subscribers user0..userN-1 of
# bench.example, dbd, sipproxy with WORKERS workers and record_route on),
# then every user registers once through the proxy (SIPp, REG_RATE per
# second) with its Contact on the port where one SIPp UAS
# then answers for all of them (tests/sip/bench-uas-call.xml: 200 echoing
# Record-Route, ACK, BYE, 200; no 180, which the proxy's workers may
# deliver after the 200).  A SIPp UAC (tests/sip/bench-uac-call.xml)
# calls from userI to userI+1 at each rate of RATES for DURATION seconds:
# INVITE (location lookup through dbd, forwarded to the binding), 200, ACK
# and BYE (routed by the Record-Route, no lookup), 200.  Per rate:
# calls attempted, completed and failed, retransmissions (caller and
# callee), completed calls per second, the call set-up time INVITE -> 200
# in microseconds (p50, p99; from a tcpdump capture as in sip-register.sh)
# and the CPUs used by sipproxy, dbd, SIPp (both sides) and all other
# processes.  The ladder and its confirmation run are
# those of sip-register.sh.
#
# Usage: tools/bench/sip-call.sh [BUILD_DIR]
# Environment: as sip-register.sh (WORKERS, RATES default
#   "100 200 500 1000 1500 2000 2500 3000", DURATION, CONFIRM, USERS, POOL,
#   SERVER, BACKEND, KEEP, PG_STATEMENTS),
#   and REG_RATE (registrations per second before the calls, default 500).
set -euo pipefail

bench_name=sip-call
RATES=${RATES:-100 200 500 1000 1500 2000 2500 3000}
reg_rate=${REG_RATE:-500}
# shellcheck source=tools/bench/sip-common.sh
. "$(dirname "$0")/sip-common.sh"

start_dbd
start_proxy "max_expires = 3600" "record_route = yes"
users_csv "$dir/users.csv"
users_csv "$dir/calls.csv" with-callee
uas_port=$(free_udp_port)
uac_port=$(free_udp_port)

# The users with a binding on the UAS's port.
bound_users() {
    db_query "SELECT DISTINCT username FROM location WHERE domain = '$domain'
              AND contact LIKE '%@127.0.0.1:$uas_port'"
}

# Every user registers once; those whose registration failed (Kamailio on
# SQLite with several workers: "database is locked") try again, up to 20
# passes.
cp "$dir/users.csv" "$dir/unbound.csv"
for pass in $(seq 1 20); do
    todo=$(($(wc -l < "$dir/unbound.csv") - 1))
    say "registering $todo users at $reg_rate/s, Contact on port $uas_port (pass $pass)"
    sipp -sf "$scen/register.xml" -inf "$dir/unbound.csv" -key domain "$domain" \
        -key expires 3600 -auth_uri "$domain" -default_behaviors all,-bye \
        -i 127.0.0.1 -p "$uas_port" \
        -r "$reg_rate" -m "$todo" -nostdin -recv_timeout 5000 \
        -timeout "$((todo / reg_rate + 120))" 127.0.0.1:"$sip_port" \
        > "$dir/register.out" 2>&1 || true
    bound_users | sort > "$dir/bound"
    awk -F';' 'NR == FNR { bound[$1] = 1; next }
               FNR == 1 || !($1 in bound)' "$dir/bound" "$dir/users.csv" > "$dir/unbound.csv"
    [ "$(wc -l < "$dir/unbound.csv")" -gt 1 ] || break
done
bound=$(wc -l < "$dir/bound")
[ "$bound" -eq "$users" ] ||
    { tail -30 "$dir/register.out" >&2; die "only $bound of $users users registered (try a lower REG_RATE)"; }

sipp -sf "$scen/bench-uas-call.xml" -i 127.0.0.1 -p "$uas_port" -nostdin \
    -recv_timeout 10000 -trace_stat -stf "$dir/uas.stat" -fd 1 \
    -trace_err -error_file "$dir/uas.err" \
    > "$dir/uas.out" 2>&1 &
uas_pid=$!
bg_pids+=("$uas_pid")
sleep 1
kill -0 "$uas_pid" 2> /dev/null || { cat "$dir/uas.out" >&2; die "the SIPp UAS did not start"; }

# bench_point RATE SECONDS: prints "RATE ATTEMPTED OK FAILED RETRANS OK/S
# P50 P99 UAS_FAILED PROXY_CPU DBD_CPU SIPP_CPU CAPTURE_CPU OTHERS_CPU TIMED
# CAPTURE_DROPS", RETRANS being the caller's and the callee's together.
bench_point() {
    local rate=$1 secs=$2 n=$(($1 * $2)) t0 t1 rc=0 base u0f u0r u1f u1r
    base=$dir/call-$rate-${secs}s-$(date +%s)
    u0f=$(stat_field "$dir/uas.stat" "FailedCall(C)")
    u0r=$(stat_field "$dir/uas.stat" "Retransmissions(C)")
    capture_start "$base.pcap"
    cpu_begin "$uas_pid"
    t0=$(date +%s%N)
    sipp -sf "$scen/bench-uac-call.xml" -inf "$dir/calls.csv" -key domain "$domain" \
        -i 127.0.0.1 -p "$uac_port" -r "$rate" -m "$n" -nostdin \
        -recv_timeout 10000 -timeout "$((secs + 60))" \
        -trace_stat -stf "$base.stat" -fd 1 -trace_logs -log_file "$base.log" \
        -trace_err -error_file "$base.err" \
        127.0.0.1:"$sip_port" > "$base.out" 2>&1 || rc=$?
    t1=$(date +%s%N)
    # The callee's last calls end a moment after the caller's.
    sleep 2
    cpu_end "$uas_pid"
    local ok failed retrans
    capture_stop "$base.pcap"
    [ "$rc" -le 1 ] || say "SIPp exited with $rc at $rate/s (see $base.out with KEEP=1)"
    u1f=$(stat_field "$dir/uas.stat" "FailedCall(C)")
    u1r=$(stat_field "$dir/uas.stat" "Retransmissions(C)")
    ok=$(stat_field "$base.stat" "SuccessfulCall(C)")
    failed=$(stat_field "$base.stat" "FailedCall(C)")
    retrans=$(( $(stat_field "$base.stat" "Retransmissions(C)") + u1r - u0r ))
    if [ "$timing" = wire ]; then
        wire_times "$base.pcap" "$uac_port" INVITE 200 > "$base.tset"
        [ -n "${KEEP:-}" ] || rm -f "$base.pcap"
    else
        awk '$1 == "CALL" { print $2 }' "$base.log" > "$base.tset"
    fi
    echo "$rate $n $ok $failed $retrans" \
        "$(awk -v ok="$ok" -v ns="$((t1 - t0))" 'BEGIN { printf "%.0f", ok / (ns / 1e9) }')" \
        "$(percentile 50 < "$base.tset") $(percentile 99 < "$base.tset")" \
        "$((u1f - u0f)) $cpu_line $(wc -l < "$base.tset") ${capture_drops:-?}"
}

echo
machine
echo "$(server_line), record-routing; $users registered users; SIPp $(sipp -v 2>&1 | sed -n 's/.*\(v[0-9][0-9.]*\).*/\1/p' | head -1)"
if [ "$timing" = wire ]; then
    echo "set-up times: from a tcpdump capture of the proxy's port (INVITE sent by the caller to its 200 received, µs); \"timed\" = calls matched"
else
    echo "set-up times: taken inside the SIPp scenario (µs, including SIPp's own scheduling; no tcpdump or not root)"
fi

# The callee's side must not have failed either.
point_passes() {
    awk '{ exit !($4 == 0 && $5 == 0 && $6 >= 0.95 * $1 && $9 == 0) }' <<< "$1"
}

# shellcheck disable=SC2016  # awk code
bench_ladder \
"| offered calls/s | attempted | completed | failed | retrans | completed/s | set-up p50 µs | set-up p99 µs | callee failed | proxy CPUs | dbd CPUs | SIPp CPUs | tcpdump CPUs | others CPUs | timed | capture lost |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" \
'{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16 }'
pg_statements_report
