#!/usr/bin/env bash
# test_fault_failover.sh - datasources with several PostgreSQL hosts through
# the loss of one of them:
#  - rf (failover): its first host is a port nobody listens on.  dbd marks
#    it down at once (not after the 30 s connect timeout its URL asks for)
#    and serves from the second.
#  - pr (primary-replica, a primary and its streaming replica): reads go to
#    the replica, writes to the primary and are then readable.  The replica
#    is killed (SIGKILL) under a steady read load: no read fails, the hosts
#    view shows it down and the reads served by the primary; started again
#    it is up and serves the reads again.
#  - fo (failover, two independent servers with the same subscribers): the
#    traffic goes to the first; it is killed (SIGKILL) under a read load and
#    a writer: no read fails (a read whose connection broke runs again on
#    the other host), every write is answered (OK or UNAVAILABLE, writes are
#    never run twice), the traffic moves to the second; every write
#    acknowledged OK is on one of the servers.  Started again, the first
#    is up and gets the traffic back.
#
# Starts its own servers (tests/lib/pgrepl.sh) and its own dbd in a
# temporary directory, stops them by their recorded PIDs.  Prints TAP.
# Needs DBD_BUILD (dbd/dbd, tools/dbctl/dbctl, tools/dbbench/dbbench and
# the connector modules).
set -u

: "${DBD_BUILD:?DBD_BUILD is not set}"
DBCTL=$DBD_BUILD/tools/dbctl/dbctl
DBBENCH=$DBD_BUILD/tools/dbbench/dbbench
USERS=200          # bench subscribers on every server
RATE=200           # reads a second of the read load
REQ_TIMEOUT=2000   # ms, each request's deadline
ANSWER_SLACK=1500  # ms on top of it for starting dbctl (sanitizers are slow)
NO_HANG=10         # s: generous bound on every wait for a state change

# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/daemon.sh
. "$(dirname "$0")/../lib/daemon.sh"
# shellcheck source=tests/lib/pgrepl.sh
. "$(dirname "$0")/../lib/pgrepl.sh"
# owndbd_start, owndbd_kill, owndbd_writer(_stop), fixture_connectors,
# fixture_dbd_section.
# shellcheck source=tests/lib/owndbd.sh
. "$(dirname "$0")/../lib/owndbd.sh"
# bench_load_stop, bench_json_num, BENCH_PID (the read load).
# shellcheck source=tests/lib/bench_load.sh
. "$(dirname "$0")/../lib/bench_load.sh"

if ! pgrepl_find_bin; then
    echo "1..0 # SKIP PostgreSQL (with pg_basebackup) is not installed"
    exit 0
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbd-failover.XXXXXX") || exit 1
chmod 755 "$DIR"   # the postgres user must reach its data directories
DBD_PID=
WRITER_PID=

now_ms() { date +%s%3N; }

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    owndbd_writer_stop "$DIR"
    owndbd_kill "$BENCH_PID" "$DBD_PID"
    pgrepl_stop_all
    rm -rf "$DIR"
}
trap cleanup EXIT

dbctl() { "$DBCTL" --endpoint "ipc://$DIR/dbd.sock" --timeout "$REQ_TIMEOUT" "$@"; }

# hosts: the hosts view into $DIR/hosts.  host DS N COLUMN: a column of it
# (datasource host url role state open requests errors retried ...).
hosts() { dbctl hosts > "$DIR/hosts" 2>&1; }
host() {
    local col
    case $3 in
        state) col=5 ;; open) col=6 ;; requests) col=7 ;; errors) col=8 ;; retried) col=9 ;;
        *) echo "host: no column $3" >&2; return 1 ;;
    esac
    awk -v ds="$1" -v n="$2" -v c="$col" '$1 == ds && $2 == n { print $c }' "$DIR/hosts"
}

# wait_state DS N STATE: polls the hosts view until the host is in STATE;
# fails after NO_HANG seconds.
wait_state() {
    local deadline=$(($(now_ms) + NO_HANG * 1000))
    while [ "$(now_ms)" -lt "$deadline" ]; do
        hosts && [ "$(host "$1" "$2" state)" = "$3" ] && return 0
        sleep 0.1
    done
    return 1
}
# check_state NAME DS N STATE: one result, NAME: host N of DS gets to STATE
# (wait_state).
check_state() {
    wait_state "$2" "$3" "$4"
    check "$1" "$(host "$2" "$3" state)" "$4"
}

# requests DS: "R0 R1", the requests counters of the datasource's two hosts.
requests() { hosts && echo "$(host "$1" 0 requests) $(host "$1" 1 requests)"; }
# delta "A0 A1" "B0 B1": "B0-A0 B1-A1"
delta() {
    local a0 a1 b0 b1
    read -r a0 a1 <<< "$1"
    read -r b0 b1 <<< "$2"
    echo "$((b0 - a0)) $((b1 - a1))"
}
# traffic DS: "D0 D1", the requests each of the two hosts of DS ran in 1 s.
traffic() {
    local a
    a=$(requests "$1")
    sleep 1
    delta "$a" "$(requests "$1")"
}

# read_load DS NAME: dbbench reads at RATE per second in the background
# until bench_load_stop; summary in $DIR/NAME.json, timeline in
# $DIR/NAME.tsv.
read_load() {
    "$DBBENCH" --endpoint "ipc://$DIR/dbd.sock" --datasource "$1" --users "$USERS" \
        --rate "$RATE" --duration 60 --timeout "$REQ_TIMEOUT" --timeline "$DIR/$2.tsv" \
        --json > "$DIR/$2.json" 2> "$DIR/$2.err" &
    BENCH_PID=$!
}

# check_load NAME: every read answered OK, none lost.
check_load() {
    local requests failed lost
    requests=$(bench_json_num requests "$DIR/$1.json")
    failed=$(bench_json_num failed "$DIR/$1.json")
    lost=$(bench_json_num lost "$DIR/$1.json")
    diag "$1: ${requests:-?} reads, failed ${failed:-?}, lost ${lost:-?}, longest gap $(
        bench_json_num longest_gap_ms "$DIR/$1.json") ms"
    check "$1: the read load ran (some reads answered)" \
        "$([ "${requests:-0}" -gt 0 ] && echo yes)" yes
    check "$1: no read failed" "$failed" 0
    check "$1: no read lost" "$lost" 0
}

# --- servers and dbd ----------------------------------------------------------------
if pgrepl_start "$DIR" 2> "$DIR/pgrepl.err" && pgrepl_plain second "$DIR" 2>> "$DIR/pgrepl.err" &&
        pgrepl_subscribers primary "$USERS" && pgrepl_subscribers second "$USERS" &&
        pgrepl_wait_replayed "$NO_HANG"; then
    ok "a primary with a streaming replica and a second server start, with the subscribers"
else
    not_ok "a primary with a streaming replica and a second server start, with the subscribers" \
        "$(cat "$DIR/pgrepl.err")"
    tap_end
    exit 1
fi
check "the replica has the subscribers" "$(pgrepl_psql replica -c 'SELECT count(*) FROM subscriber')" \
    "$USERS"

REFUSED_PORT=$(free_port) || exit 1
fixture_connectors "$DIR/connectors" pgsql
{
    fixture_dbd_section "$DIR" 5000
    cat <<CONF

[datasource rf]
url = pgsql://dbd:dbdpass@127.0.0.1:$REFUSED_PORT/$PGREPL_DB?connect_timeout=30 $(pgrepl_url second)
mode = failover
pool = 1

[datasource pr]
url = $(pgrepl_url primary) $(pgrepl_url replica)
mode = primary-replica
pool = 2
timeout = $REQ_TIMEOUT
reconnect_min = 100
reconnect_max = 500

[datasource fo]
url = $(pgrepl_url primary) $(pgrepl_url second)
mode = failover
pool = 2
timeout = $REQ_TIMEOUT
reconnect_min = 100
reconnect_max = 500
CONF
} > "$DIR/dbd.conf"
T_DBD=$(now_ms)
owndbd_start "$DIR" "dbd starts"

# --- a host on a refused port ---------------------------------------------------------
# Its first state after "connecting" must be down: a refused connection is
# final for this attempt, no waiting for the connect timeout (30 s, far
# beyond NO_HANG) and no "suspect" in between.
state=connecting
deadline=$(($(now_ms) + NO_HANG * 1000))
while [ "$(now_ms)" -lt "$deadline" ]; do
    hosts && state=$(host rf 0 state)
    [ "$state" != connecting ] && [ -n "$state" ] && break
    sleep 0.05
done
diag "rf: the refused host left \"connecting\" for \"$state\" within $(($(now_ms) - T_DBD)) ms of dbd's start"
check "rf: the host on a refused port is marked down at once" "$state" down
check "rf: ... and the second host is up" "$(host rf 1 state)" up
check "rf: ... not a request ran on the refused host" "$(host rf 0 requests)" 0
dbctl query rf subscriber username=user7 domain=bench.example --columns username \
    > "$DIR/rf.out" 2>&1
check "rf: a read is answered OK" "$?" 0
check_grep "rf: ... with the subscriber" "$DIR/rf.out" user7
hosts
check "rf: ... by the second host" "$(host rf 0 requests) $(host rf 1 requests)" "0 1"

# --- primary-replica: reads on the replica, writes on the primary ---------------------
check "pr: primary and replica are up" "$(hosts && host pr 0 state) $(host pr 1 state)" "up up"
before=$(requests pr)
bad=0
for i in 1 2 3 4 5; do
    out=$(dbctl query pr subscriber "username=user$i" domain=bench.example --columns username 2>&1)
    grep -q "user$i" <<< "$out" || { bad=$((bad + 1)); diag "user$i: $out"; }
done
check "pr: 5 reads are answered with their subscriber" "$bad" 0
check "pr: ... all 5 by the replica, none by the primary" "$(delta "$before" "$(requests pr)")" "0 5"

before=$(requests pr)
dbctl insert pr location ruid=pr-1 username=pr-1 contact=sip:pr-1@127.0.0.1 > "$DIR/w.out" 2>&1
check "pr: a write is answered OK" "$?" 0
check "pr: ... by the primary" "$(delta "$before" "$(requests pr)")" "1 0"
check "pr: ... the row is on the primary" \
    "$(pgrepl_psql primary -c "SELECT count(*) FROM location WHERE ruid = 'pr-1'")" 1
# The replica applies it a little later; reads of pr see it then.
seen=no
deadline=$(($(now_ms) + NO_HANG * 1000))
while [ "$(now_ms)" -lt "$deadline" ]; do
    if dbctl query pr location ruid=pr-1 --columns ruid 2>/dev/null | grep -q 'pr-1'; then
        seen=yes; break
    fi
    sleep 0.1
done
check "pr: the written row becomes visible through reads" "$seen" yes

# --- primary-replica: the replica killed under a read load, then back -------------------
read_load pr pr
sleep 1.5
pgrepl_node_stop replica kill
check_state "pr: the killed replica is shown down" pr 1 down
d=$(traffic pr)
diag "pr: with the replica down, 1 s of reads: primary +${d% *}, replica +${d#* }"
check "pr: ... the reads are served by the primary" \
    "$([ "${d% *}" -gt 0 ] && [ "${d#* }" -eq 0 ] && echo yes)" yes
if pgrepl_node_start replica 2> "$DIR/restart.err" && pgrepl_wait_streaming "$NO_HANG"; then
    ok "pr: the replica starts again and streams"
else
    not_ok "pr: the replica starts again and streams" "$(cat "$DIR/restart.err")"
fi
check_state "pr: the replica rejoins (up)" pr 1 up
d=$(traffic pr)
diag "pr: with the replica back, 1 s of reads: primary +${d% *}, replica +${d#* }"
check "pr: ... the reads move back to the replica" \
    "$([ "${d% *}" -eq 0 ] && [ "${d#* }" -gt 0 ] && echo yes)" yes
bench_load_stop "$NO_HANG"
check_load pr
hosts
diag "pr: reads moved from the killed replica to the primary (retried): $(host pr 1 retried)"

# --- failover: the first server killed under reads and writes ---------------------------
before=$(requests fo)
dbctl query fo subscriber username=user3 domain=bench.example --columns username > /dev/null 2>&1
check "fo: a read is answered OK" "$?" 0
check "fo: ... by the first host" "$(delta "$before" "$(requests fo)")" "1 0"

# One insert at a time, key fo-<i> (owndbd_writer: "sent" and "answered").
: > "$DIR/sent"
: > "$DIR/answered"
read_load fo fo
owndbd_writer "$DIR" 2000 "$REQ_TIMEOUT" "wout.{}" \
    insert fo location "ruid=fo-{}" "username=fo-{}" "contact=sip:fo-{}@127.0.0.1" &
WRITER_PID=$!
sleep 1.5
T_KILL=$(now_ms)
pgrepl_node_stop primary kill
check_state "fo: the killed first host is shown down" fo 0 down
check "fo: ... the second is up" "$(host fo 1 state)" up
d=$(traffic fo)
diag "fo: with the first host down, 1 s of traffic: first +${d% *}, second +${d#* }"
check "fo: ... the traffic moved to the second" \
    "$([ "${d% *}" -eq 0 ] && [ "${d#* }" -gt 0 ] && echo yes)" yes
# A write sent after the kill succeeds (on the second server).
first_ok=
deadline=$(($(now_ms) + NO_HANG * 1000))
while [ "$(now_ms)" -lt "$deadline" ]; do
    first_ok=$(awk -v t="$T_KILL" '$2 > t && $4 == 0 { print $1; exit }' "$DIR/answered")
    [ -n "$first_ok" ] && break
    sleep 0.1
done
owndbd_writer_stop "$DIR"
bench_load_stop "$NO_HANG"
check_load fo
hosts
diag "fo: reads moved from the killed first host to the second (retried): $(host fo 0 retried)"
check "fo: a write sent after the kill succeeds" "$([ -n "$first_ok" ] && echo yes)" yes

sent=$(wc -l < "$DIR/sent")
diag "fo: $sent writes; exit statuses: $(awk '{ print $4 }' "$DIR/answered" | sort -n | uniq -c | tr -s ' \n' ' ')"
check "fo: every write got an answer" "$(wc -l < "$DIR/answered")" "$sent"
check "fo: ... each OK or UNAVAILABLE" \
    "$(awk '$4 != 0 && $4 != 4 { print $1 ": " $4 }' "$DIR/answered" | head -5 | tr '\n' ' ')" ""
slow=$(awk -v max=$((REQ_TIMEOUT + ANSWER_SLACK)) '$3 - $2 > max { print $1 ": " $3 - $2 " ms" }' \
    "$DIR/answered" | head -5 | tr '\n' ' ')
check "fo: ... within its deadline (+${ANSWER_SLACK} ms to start dbctl)" "$slow" ""
check "fo: ... from dbd itself (no client-side give-up)" \
    "$(grep -l 'no reply from dbd' "$DIR"/wout.* 2>/dev/null | wc -l)" 0

# The first server back: up again, and the traffic returns to it.
if pgrepl_node_start primary 2> "$DIR/restart.err"; then
    ok "fo: the first server starts again"
else
    not_ok "fo: the first server starts again" "$(cat "$DIR/restart.err")"
fi
check_state "fo: the first host rejoins (up)" fo 0 up
before=$(requests fo)
dbctl query fo subscriber username=user4 domain=bench.example --columns username > /dev/null 2>&1
check "fo: a read is answered OK" "$?" 0
check "fo: ... by the first host again" "$(delta "$before" "$(requests fo)")" "1 0"

# Every write acknowledged OK is on one of the two servers, none on both,
# and no row appears that was never sent.
awk '$4 == 0 { print "fo-" $1 }' "$DIR/answered" | sort > "$DIR/acked"
for n in primary second; do
    pgrepl_psql "$n" -c "SELECT ruid FROM location WHERE ruid LIKE 'fo-%'" 2>&1 | sort > "$DIR/rows.$n"
done
diag "fo: $(wc -l < "$DIR/acked") writes acknowledged OK; rows on the first server $(
    wc -l < "$DIR/rows.primary"), on the second $(wc -l < "$DIR/rows.second")"
check "fo: some writes landed on each server" \
    "$([ -s "$DIR/rows.primary" ] && [ -s "$DIR/rows.second" ] && echo yes)" yes
sort -m "$DIR/rows.primary" "$DIR/rows.second" > "$DIR/rows"
check "fo: every write acknowledged OK is on a server" \
    "$(comm -23 "$DIR/acked" "$DIR/rows" | head -5 | tr '\n' ' ')" ""
check "fo: no write is on both servers" \
    "$(comm -12 "$DIR/rows.primary" "$DIR/rows.second" | head -5 | tr '\n' ' ')" ""
sed 's/^/fo-/' "$DIR/sent" | sort > "$DIR/sentkeys"
check "fo: every row present was sent" "$(comm -13 "$DIR/sentkeys" "$DIR/rows" | head -5 | tr '\n' ' ')" ""

# --- dbd stops cleanly -------------------------------------------------------------------
check_stops "dbd exits 0 after SIGTERM" "$DBD_PID" "$NO_HANG" && DBD_PID=
check_no_sanitizer_report "$DIR/dbd.log"

tap_end
