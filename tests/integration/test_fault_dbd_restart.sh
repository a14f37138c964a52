#!/usr/bin/env bash
# test_fault_dbd_restart.sh - dbd restarted under a sipproxy that is under
# registration load.  SIPp registers (REGISTER / 401 / REGISTER with
# credentials) at a steady rate, one UDP socket per registration so that
# both proxy workers get traffic (tests/sip/register-outage.xml).  Twice
# during the run dbd is stopped - first with SIGTERM, then with SIGKILL -
# and started again on the same TCP endpoint about 2 s later.
#
# Checked: every registration got an answer (no silence: SIPp neither
# retransmits nor times out a receive), and that answer is 200, or 500/503
# (503 with the configured Retry-After) - never a second 401, 403, 404 or
# any other wrong answer; 5xx only from the stop until shortly after dbd
# is back, and some during each outage; no 200 while dbd was down; service
# resumes within a few seconds after each restart; the same sipproxy
# processes (master and both workers, same PIDs) each register a user with
# 200 afterwards; every registration acknowledged with 200 has its binding
# in the location table; dbd and sipproxy stop cleanly at the end.
#
# Runs its own dbd (SQLite datasource "main", Kamailio tables made by
# tools/dbd-schema, subscribers written by dbbench --prefill) on a free
# loopback TCP port and its own sipproxy (2 workers) on a free UDP port;
# stops everything by recorded PID.  Prints TAP.
# Needs DBD_BUILD and DBD_SRC (tests/run sets them).
set -u

: "${DBD_BUILD:?DBD_BUILD is not set}"
: "${DBD_SRC:?DBD_SRC is not set}"
here=$(cd "$(dirname "$0")" && pwd)
SIP_DOMAIN=bench.example   # dbbench's subscribers live in this domain
# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=tests/lib/daemon.sh
. "$here/../lib/daemon.sh"
# free_port
# shellcheck source=tests/lib/servers.sh
. "$here/../lib/servers.sh"
# sipproxy_start/stop, sip_register, sip_code, sip_connectors, sip_stop_pid
# shellcheck source=tests/lib/sipproxy.sh
. "$here/../lib/sipproxy.sh"

DBD=$DBD_BUILD/dbd/dbd
DBCTL=$DBD_BUILD/tools/dbctl/dbctl
DBBENCH=$DBD_BUILD/tools/dbbench/dbbench
USERS=100           # subscribers user0..user99, passwords pass0..
RATE=50             # registrations per second
RETRY_AFTER=7       # sipproxy's retry_after
WARMUP=2            # s of load before the first stop
OUTAGE=2            # s dbd stays down
RECOVERY_MS=4000    # after dbd answers again, by when every answer is 200 again
TAIL_MS=1500        # load kept on after that, to see that it holds
RECV_TIMEOUT=4000   # ms SIPp waits for each answer (the proxy's dbd deadline is 1 s)

sipproxy_require sipp perl sqlite3

work=$(mktemp -d -t test_fault_dbd_restart.XXXXXX) || exit 1
chmod 755 "$work"
DBD_PID=
dbd_rc=
SIPP_PID=
endpoint=
scen=$DBD_SRC/tests/sip

now_ms() { date +%s%3N; }

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    if [ -n "$SIPP_PID" ]; then
        kill -KILL "$SIPP_PID" 2> /dev/null
        wait "$SIPP_PID" 2> /dev/null
    fi
    sipproxy_stop > /dev/null 2>&1
    if [ -n "$DBD_PID" ]; then
        kill -KILL "$DBD_PID" 2> /dev/null
        wait "$DBD_PID" 2> /dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# dbd_start: dbd on $endpoint; sets DBD_PID; 0 once the datasource answers
# a ping (within 10 s).
dbd_start() {
    "$DBD" -c "$work/dbd.conf" >> "$work/dbd.log" 2>&1 &
    DBD_PID=$!
    for _ in $(seq 1 100); do
        "$DBCTL" --endpoint "$endpoint" --timeout 500 ping main > /dev/null 2>&1 && return 0
        kill -0 "$DBD_PID" 2> /dev/null || break
        sleep 0.1
    done
    return 1
}

# dbd_gone: waits up to 15 s for dbd to be gone, reaps it and sets
# dbd_rc to its exit status ("alive" when it is still there).  Not in a
# subshell: only this shell can reap it.  Its stderr is off: the shell
# reports a job ended by SIGKILL there.
dbd_gone() {
    for _ in $(seq 1 150); do
        kill -0 "$DBD_PID" 2> /dev/null || break
        sleep 0.1
    done
    if kill -0 "$DBD_PID" 2> /dev/null; then
        dbd_rc=alive
        return
    fi
    wait "$DBD_PID" 2> /dev/null
    dbd_rc=$?
    DBD_PID=
} 2> /dev/null


# outcomes: the registrations SIPp logged so far, one line each:
# "CODE USER PORT MS RETRY_AFTER" (MS: epoch milliseconds of the answer).
outcomes() {
    awk '$1 == "OUTCOME" { printf "%s %s %s %d %s\n", $2, $3, $4, $5 * 1000 + int($6 / 1000), $7 }' \
        "$work/sipp.log" 2> /dev/null
}

# wait_first_200 AFTER_MS DEADLINE_MS: prints the time of the first 200
# answered after AFTER_MS, waiting until DEADLINE_MS; nothing when none.
wait_first_200() {
    local t
    while :; do
        t=$(outcomes | awk -v a="$1" '$1 == 200 && $4 > a { print $4; exit }')
        [ -n "$t" ] && { echo "$t"; return; }
        [ "$(now_ms)" -lt "$2" ] || return
        kill -0 "$SIPP_PID" 2> /dev/null || return
        sleep 0.1
    done
}

# sleep_until MS
sleep_until() {
    local left=$(($1 - $(now_ms)))
    [ "$left" -le 0 ] || sleep "$((left / 1000)).$(printf '%03d' $((left % 1000)))"
}

# The sipproxy workers' PIDs, sorted.
workers() { cat /proc/"$SIPPROXY_PID"/task/*/children 2> /dev/null | tr ' ' '\n' | grep . | sort -n | tr '\n' ' '; }

# io_count PID: read and write system calls the process made so far.  An
# idle worker makes none, so the worker whose count moved during one
# exchange is the one that handled it.
io_count() { awk '$1 == "syscr:" || $1 == "syscw:" { n += $2 } END { print n + 0 }' "/proc/$1/io" 2> /dev/null; }

# --- our own dbd and sipproxy --------------------------------------------------
sip_connectors "$work/connectors" || exit 1
if ! "$DBD_SRC/tools/dbd-schema" sqlite "$work/db.sqlite" > "$work/schema.log" 2>&1; then
    not_ok "the Kamailio tables are created" "$(cat "$work/schema.log")"
    tap_end
    exit 1
fi
dbd_port=$(free_port) || exit 1
endpoint=tcp://127.0.0.1:$dbd_port
cat > "$work/dbd.conf" << CONF
[dbd]
endpoint = $endpoint
connector_dir = $work/connectors
log_level = info
drain_timeout = 2000

[datasource main]
url = sqlite://$work/db.sqlite
pool = 2
CONF
if dbd_start; then
    ok "dbd starts on $endpoint"
else
    not_ok "dbd starts on $endpoint" "$(tail -20 "$work/dbd.log")"
    tap_end
    exit 1
fi
"$DBBENCH" --endpoint "$endpoint" --datasource main --users "$USERS" --prefill \
    --count 1 --mix read=100 > "$work/prefill.out" 2>&1
check "dbbench --prefill writes $USERS subscribers" \
    "$?:$(sqlite3 -cmd '.timeout 5000' "$work/db.sqlite" \
        "SELECT count(*) FROM subscriber WHERE domain = '$SIP_DOMAIN'")" "0:$USERS"

SIP_LPORT=$(sip_free_udp_port) || exit 1
if ! sipproxy_start "$work/proxy" "$endpoint" main retry_after=$RETRY_AFTER; then
    not_ok "sipproxy starts"
    tap_end
    exit 1
fi
workers_before=$(workers)
check "sipproxy runs 2 workers" "$(wc -w <<< "$workers_before")" 2

awk -v n="$USERS" 'BEGIN { print "SEQUENTIAL"; for (i = 0; i < n; i++) printf "user%d;pass%d\n", i, i }' \
    > "$work/users.csv"

# --- load with two dbd restarts --------------------------------------------------
# -t un: a socket per registration, so the registrations spread over the
# workers; -nr: no retransmission, so a request left unanswered fails its
# registration after RECV_TIMEOUT instead of being hidden by a retry.
# Ended with SIGUSR1 (no new registrations, the ones under way finish).
sipp -sf "$scen/register-outage.xml" -inf "$work/users.csv" \
    -key domain "$SIP_DOMAIN" -key expires 3600 -auth_uri "$SIP_DOMAIN" \
    -default_behaviors all,-bye -t un -max_socket 1000 -nr -i 127.0.0.1 \
    -r "$RATE" -m 100000 -nostdin -recv_timeout "$RECV_TIMEOUT" -timeout 55 \
    -trace_stat -stf "$work/sipp.stat" -fd 1 -trace_logs -log_file "$work/sipp.log" \
    -trace_err -error_file "$work/sipp.err" \
    "127.0.0.1:$SIP_PORT" > "$work/sipp.out" 2>&1 &
SIPP_PID=$!
t_load=$(now_ms)

# One outage: SIGNAL to dbd, OUTAGE s without it, dbd started again; then
# load until RECOVERY_MS + TAIL_MS after it answers.  Sets t_stop_N,
# t_down_N (dbd gone), t_start_N (started again), t_up_N (answering).
outage() {
    local n=$1 sig=$2 want=$3 t first
    printf -v "t_stop_$n" '%s' "$(now_ms)"
    kill -"$sig" "$DBD_PID"
    dbd_gone
    check "round $n: dbd ends on SIG$sig (exit status $want)" "$dbd_rc" "$want"
    [ "$dbd_rc" != alive ] || { kill -KILL "$DBD_PID"; dbd_gone; }
    t=$(now_ms)
    printf -v "t_down_$n" '%s' "$t"
    sleep_until $((t + OUTAGE * 1000))
    printf -v "t_start_$n" '%s' "$(now_ms)"
    if dbd_start; then
        ok "round $n: dbd starts again on the same endpoint"
    else
        not_ok "round $n: dbd starts again on the same endpoint" "$(tail -20 "$work/dbd.log")"
    fi
    t=$(now_ms)
    printf -v "t_up_$n" '%s' "$t"
    first=$(wait_first_200 "$t" $((t + RECOVERY_MS)))
    if [ -n "$first" ]; then
        ok "round $n: registrations succeed again within ${RECOVERY_MS} ms of dbd answering"
        diag "round $n: first 200 $((first - t)) ms after dbd answered"
    else
        not_ok "round $n: registrations succeed again within ${RECOVERY_MS} ms of dbd answering" \
            "last answers: $(outcomes | tail -3 | tr '\n' '|')"
    fi
    sleep_until $((t + RECOVERY_MS + TAIL_MS))
}

first=$(wait_first_200 0 $((t_load + 10000)))
if [ -n "$first" ]; then
    ok "registrations succeed before any outage"
else
    not_ok "registrations succeed before any outage" "$(tail -5 "$work/sipp.out")" \
        "$(tail -5 "$work/sipp.err" 2> /dev/null)"
fi
sleep_until $((t_load + WARMUP * 1000))
outage 1 TERM 0
outage 2 KILL 137

# Let SIPp finish what is under way (bounded by RECV_TIMEOUT per step).
kill -USR1 "$SIPP_PID" 2> /dev/null
sipp_rc=alive
for _ in $(seq 1 $((RECV_TIMEOUT * 2 / 100 + 50))); do
    kill -0 "$SIPP_PID" 2> /dev/null || { wait "$SIPP_PID"; sipp_rc=$?; break; }
    sleep 0.1
done
if [ "$sipp_rc" = alive ]; then
    kill -KILL "$SIPP_PID" 2> /dev/null
    wait "$SIPP_PID" 2> /dev/null
fi
SIPP_PID=
check "SIPp ends on SIGUSR1 with every registration passed (exit 0)" "$sipp_rc" 0

# --- what SIPp saw -----------------------------------------------------------------
outcomes > "$work/outcomes"
# stat_field NAME: column NAME of the last line of SIPp's statistics.
stat_field() {
    awk -F';' -v want="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == want) col = i; next }
        { last = $col } END { print (col ? last + 0 : "?") }' "$work/sipp.stat" 2> /dev/null
}
created=$(stat_field TotalCallCreated)
answered=$(wc -l < "$work/outcomes")
diag "registrations: $created started, $answered answered;" \
    "answers: $(awk '{ print $1 }' "$work/outcomes" | sort | uniq -c | tr -s ' \n' ' ')"
check "SIPp counted no failed registration" "$(stat_field 'FailedCall(C)')" 0
failed_kinds=$(head -1 "$work/sipp.stat" 2> /dev/null | tr ';' '\n' | grep '^Failed.*(C)$' |
    while read -r f; do v=$(stat_field "$f"); [ "$v" = 0 ] || echo "$f=$v"; done | tr '\n' ' ')
[ -z "$failed_kinds" ] || diag "SIPp failures: $failed_kinds"
# An unexpected answer is logged with its message in SIPp's error file.
wrong=$(grep -Eo 'SIP/2\.0 [0-9]{3}' "$work/sipp.err" 2> /dev/null | sort | uniq -c | tr -s ' \n' ' ')
check "no wrong answer (no 401 loop, 403, 404, 480, ...)" "$wrong" ""
check "every registration was answered, none timed out" \
    "$(stat_field 'FailedTimeoutOnRecv(C)') $(stat_field 'Retransmissions(C)')" "0 0"
check "... one final answer per registration (started = answered)" "$answered" "$created"
check "every answer is 200, 500 or 503" \
    "$(awk '$1 != 200 && $1 != 500 && $1 != 503' "$work/outcomes" | head -3 | tr '\n' '|')" ""
check "every 503 carries Retry-After: $RETRY_AFTER" \
    "$(awk -v ra="$RETRY_AFTER" '$1 == 503 && $5 != ra' "$work/outcomes" | head -3 | tr '\n' '|')" ""

# 5xx only from a stop until RECOVERY_MS after dbd answered again.
# shellcheck disable=SC2154  # set by outage() through printf -v
stray=$(awk -v s1="$t_stop_1" -v e1=$((t_up_1 + RECOVERY_MS)) \
            -v s2="$t_stop_2" -v e2=$((t_up_2 + RECOVERY_MS)) \
    '$1 != 200 && !(($4 >= s1 && $4 <= e1) || ($4 >= s2 && $4 <= e2))' "$work/outcomes" |
    head -3 | tr '\n' '|')
check "500/503 only during an outage and its recovery" "$stray" ""
for n in 1 2; do
    eval "down=\$t_down_$n start=\$t_start_$n stop=\$t_stop_$n up=\$t_up_$n"
    # shellcheck disable=SC2154  # set by the eval above
    gap=$(awk -v a="$down" -v b="$start" '$4 >= a && $4 <= b' "$work/outcomes")
    n503=$(awk '$1 == 503' <<< "$gap" | grep -c .)
    n500=$(awk '$1 == 500' <<< "$gap" | grep -c .)
    # shellcheck disable=SC2154
    diag "round $n: dbd signalled at +$((stop - t_load)) ms, gone $((down - stop)) ms later," \
        "restarted after $((start - down)) ms, answering $((up - start)) ms later;" \
        "answers while it was gone: $n503 x 503, $n500 x 500"
    check "round $n: requests while dbd was gone got 500/503 (some did)" \
        "$([ $((n503 + n500)) -gt 0 ] && echo some)" some
    # A 200 answered at least 500 ms after dbd was gone would be made up.
    check "round $n: no 200 while dbd was gone" \
        "$(awk -v a=$((down + 500)) -v b="$start" '$1 == 200 && $4 >= a && $4 <= b' \
            "$work/outcomes" | head -3 | tr '\n' '|')" ""
    # shellcheck disable=SC2154
    check "round $n: load went on after the recovery window" \
        "$(awk -v a=$((up + RECOVERY_MS)) '$1 == 200 && $4 > a' "$work/outcomes" |
            grep -c . | awk '{ print ($1 > 0) ? "yes" : "no" }')" yes
done
[ "$tap_failed" -eq 0 ] || { diag "SIPp output (tail):"; tail -5 "$work/sipp.out" | sed 's/^/# /'; }

# --- the same proxy processes serve again ---------------------------------------------
check "the sipproxy master still runs (same PID)" \
    "$(kill -0 "$SIPPROXY_PID" 2> /dev/null && echo yes)" yes
check "its workers are the same processes as before the outages" "$(workers)" "$workers_before"
# Registrations from fresh ports until each worker answered one with 200
# (which worker answered is told by /proc/PID/io; without it, 4 of them).
io_ok=yes
for w in $workers_before; do cat "/proc/$w/io" > /dev/null 2>&1 || io_ok=no; done
declare -A served=()
tries=0
bad=
while [ $tries -lt 30 ]; do
    if [ "$io_ok" = yes ]; then [ ${#served[@]} -lt 2 ] || break; else [ $tries -lt 4 ] || break; fi
    tries=$((tries + 1))
    declare -A before=()
    for w in $workers_before; do before[$w]=$(io_count "$w"); done
    SIP_LPORT=$(sip_free_udp_port) || break
    out=$(sip_register "user$tries" "pass$tries" "final-$tries-$$" 1 \
        "Contact: <sip:user$tries@127.0.0.1:$SIP_LPORT>" "Expires: 600")
    code=$(sip_code <<< "$out")
    moved=()
    for w in $workers_before; do
        [ "$(io_count "$w")" = "${before[$w]}" ] || moved+=("$w")
    done
    if [ "$code" != 200 ]; then
        bad="registration from port $SIP_LPORT (worker ${moved[*]:-?}) got '$code'"
        break
    fi
    [ ${#moved[@]} -eq 1 ] && served[${moved[0]}]=1
done
if [ "$io_ok" = yes ]; then
    check "after the restarts each worker answers a new registration with 200" \
        "${bad:-${#served[@]} workers}" "2 workers"
else
    check "after the restarts new registrations from 4 ports get 200 (/proc/PID/io unreadable)" \
        "${bad:-all}" all
fi
diag "final registrations: $tries"

# --- the bindings -------------------------------------------------------------------
sipproxy_stop
check "sipproxy stops cleanly (no sanitizer report, no restarted worker)" "$?" 0
kill -TERM "$DBD_PID"
dbd_gone
check "dbd exits 0 on SIGTERM at the end" "$dbd_rc" 0
check_no_sanitizer_report "$work/dbd.log" "no sanitizer report from dbd"
awk '$1 == 200 { printf "sip:%s@127.0.0.1:%s\n", $2, $3 }' "$work/outcomes" |
    sort -u > "$work/acked"
sqlite3 -cmd '.timeout 5000' "$work/db.sqlite" \
    "SELECT contact FROM location WHERE domain = '$SIP_DOMAIN'" | sort -u > "$work/present"
diag "bindings: $(wc -l < "$work/acked") contacts acknowledged, $(wc -l < "$work/present") present"
check "every registration acknowledged with 200 has its binding" \
    "$(comm -23 "$work/acked" "$work/present" | head -3 | tr '\n' ' ')" ""

tap_end
