#!/usr/bin/env bash
# test_audit_stream.sh - the audit trail of a real dbd under load: its file
# and its live stream.  With loss = block, rotation at 64K under a paced
# dbbench load loses nothing: the rotated files verify as one chain, in the
# order their names sort, each opens with a record naming the file before,
# seq has no gap, and the records of the load are exactly the requests
# dbbench sent.  Subscribers of the PUB stream print byte for byte the
# lines of the file from the first record they got on (--datasource
# exactly: "sq" is a prefix of "sq2"); a stalled subscriber costs dbd
# nothing and a late one joins.  A restart and a SIGUSR1 reopen after an
# outside move continue the chain; changed, removed and inserted lines and
# a missing file are found by verify.  With loss = drop and a queue of 1
# under unpaced load, the "dropped" records account for every record
# dropped.  A trail whose last line is cut is moved aside at start.
#
# Starts its own dbd (two in turn, on SQLite), stops them by recorded PID.
# Prints TAP.  Needs DBD_BUILD (dbd, dbctl, dbbench, the sqlite module) and
# jq.
set -u
export LC_ALL=C     # rotated names sort byte-wise, as documented

if [ -z "${DBD_BUILD:-}" ]; then
    echo "1..0 # SKIP DBD_BUILD is not set"
    exit 0
fi
if ! command -v jq > /dev/null; then
    echo "1..0 # SKIP jq is not installed"
    exit 0
fi
DBCTL=$DBD_BUILD/tools/dbctl/dbctl
DBBENCH=$DBD_BUILD/tools/dbbench/dbbench
SRC=$(cd "$(dirname "$0")/../.." && pwd)
export DBD_SRC=$SRC
USERS=200
RATE=400            # requests/s of the paced loads on sq
RATE2=100           # requests/s on sq2 at the same time
LOAD=5              # s of the first load
LOAD2=4             # s of the load with a stalled subscriber
CLIENTS=2           # dbbench connections: each sends one ping first
PROBES=2            # and dbbench sends one request per operation of the
                    # mix (read, upsert) before the run: both are audited
ZEROS=0000000000000000000000000000000000000000000000000000000000000000

# shellcheck source=tests/lib/tap.sh
. "$SRC/tests/lib/tap.sh"
# shellcheck source=tests/lib/daemon.sh
. "$SRC/tests/lib/daemon.sh"
# owndbd_start, owndbd_kill, fixture_connectors, fixture_dbd_section.
# shellcheck source=tests/lib/owndbd.sh
. "$SRC/tests/lib/owndbd.sh"
# bench_json_num.
# shellcheck source=tests/lib/bench_load.sh
. "$SRC/tests/lib/bench_load.sh"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbd-auditstream.XXXXXX") || exit 1
A=$DIR/a            # the dbd with loss = block and a live stream
B=$DIR/b            # the dbd with loss = drop and a queue of 1
T=$DIR/t            # tampered copies
DBD_PID=
PIDS=()             # subscribers and loads, for the EXIT trap

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    local pid
    # A stopped subscriber is woken first, so that it can die.
    for pid in "${PIDS[@]}"; do kill -CONT "$pid" 2>/dev/null; done
    owndbd_kill "${PIDS[@]}" "$DBD_PID"
    rm -rf "$DIR"
}
trap cleanup EXIT
mkdir -p "$A" "$B" "$T"
chmod 755 "$DIR" "$A" "$B"

dbctl_at() { local d=$1; shift; "$DBCTL" --endpoint "ipc://$d/dbd.sock" --timeout 5000 "$@"; }
stat_of() { dbctl_at "$1" stats 2>/dev/null | awk -v k="$2" '$1 == k { print $2 }'; }

# bench DIR NAME DS OUT [OPTION...]: a dbbench run (read=80,upsert=20 from
# CLIENTS x 8 in flight, bench users of DS) in the background under the
# client name NAME, summary in OUT.json, messages in OUT.err; its PID in
# LAST_PID.  timeout(1) only guards against a hung dbbench.
bench() {
    local dir=$1 name=$2 ds=$3 out=$4
    shift 4
    timeout 60 "$DBBENCH" --endpoint "ipc://$dir/dbd.sock" --datasource "$ds" \
        --users "$USERS" --clients "$CLIENTS" --inflight 8 --mix read=80,upsert=20 \
        --timeout 10000 --name "$name" --json "$@" > "$out.json" 2> "$out.err" &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
}

# bench_done PID OUT WHAT: waits for a bench; results: it exits 0, and
# none of its requests failed or was lost.  Its figures go to diag.
bench_done() {
    local rc
    wait "$1"
    rc=$?
    check "$3: dbbench exits 0" "$rc" 0
    [ "$rc" -eq 0 ] || diag "$(tail -5 "$2.err")"
    check "$3: no request failed or was lost (failed, errors, lost)" \
        "$(bench_json_num failed "$2.json") $(bench_json_num errors "$2.json") $(bench_json_num lost "$2.json")" \
        "0 0 0"
    diag "$3: $(grep -o '"requests":[0-9]*\|"throughput":[0-9.]*\|"p99_us":[0-9.]*\|"max_us":[0-9.]*' "$2.json" | tr '\n' ' ')"
}

# follow DIR OUT [FILTER...]: `dbctl audit --follow --json` on the dbd of
# DIR in the background, lines to OUT; its PID in LAST_PID.
follow() {
    local dir=$1 out=$2
    shift 2
    "$DBCTL" --endpoint "ipc://$dir/dbd.sock" audit --follow --json "$@" \
        > "$out" 2> "$out.err" &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
}

# stop_pid PID: SIGTERM, then its exit status (within 10 s, else SIGKILL
# and 137).
stop_pid() {
    kill -TERM "$1" 2>/dev/null
    for _ in $(seq 1 100); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$1" 2>/dev/null && kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
}

# chain PATH: the files of the trail that ends in PATH, oldest first, as
# dbd says: each file opened by rotation begins with an "open" record
# "continues OLDNAME".  Stops at a file that begins otherwise.
chain() {
    local f=$1 files=$1 prev
    for _ in $(seq 1 100000); do
        prev=$(head -n 1 "$f" | sed -n 's/^.*"op":"open".*"detail":"continues \([^"]*\)".*$/\1/p')
        { [ -n "$prev" ] && [ -f "$prev" ]; } || break
        files="$prev"$'\n'"$files"
        f=$prev
    done
    printf '%s\n' "$files"
}

# index FILE: one TSV row per line of FILE: seq ds name op rows hash prev
# detail ("-" when absent).
index() {
    jq -r '[.seq, (.ds // "-"), (.name // "-"), .op, (.rows // 0), .hash, .prev,
            (.detail // "-")] | @tsv' "$1"
}

# lines_from ALL IDX FIRST DS: the lines of ALL (IDX its index) with seq
# >= FIRST, of datasource DS only unless DS is "*".
lines_from() {
    awk -F '\t' -v f="$2" -v ds="$3" 'NR == FNR { s[FNR] = $1; d[FNR] = $2; next }
        s[FNR] >= f && (ds == "*" || d[FNR] == ds)' "$1.idx" "$1"
}

# lines_with_seq ALL SUBOUT: the lines of ALL whose seq is one SUBOUT holds.
lines_with_seq() {
    awk -F '\t' 'NR == FNR { want[$1] = 1; next } FILENAME ~ /\.idx$/ { s[FNR] = $1; next }
        want[s[FNR]]' <(jq -r .seq "$2") "$1.idx" "$1"
}

# snapshot ALL FILE...: the files one after another in ALL, its index in ALL.idx.
snapshot() {
    local all=$1
    shift
    cat "$@" > "$all"
    index "$all" > "$all.idx"
}

# named IDX NAME: records of the client name NAME.
named() { awk -F '\t' -v n="$2" '$3 == n { c++ } END { print c + 0 }' "$1"; }

# no_gap IDX: "yes" when seq runs 0..N-1 in order.
no_gap() { awk -F '\t' 'NR - 1 != $1 { bad = 1 } END { print (bad || NR == 0) ? "no at " NR : "yes" }' "$1"; }

# verify FILE...: dbctl audit verify; output in VOUT, exit status in VRC.
verify() {
    VOUT=$("$DBCTL" audit verify "$@" 2>&1)
    VRC=$?
}
# check_verified NAME: verify said OK (last line "OK: ...") with exit 0.
check_verified() {
    local last=${VOUT##*$'\n'}
    check "$1" "$VRC ${last%%:*}" "0 OK"
    [ "$VRC" -eq 0 ] || diag "$VOUT"
}
# check_verify_finds NAME PREFIX: exit 1, the first line starting PREFIX.
check_verify_finds() {
    local first=${VOUT%%$'\n'*}
    check "$1" "$VRC ${first:0:${#2}}" "1 $2"
    [ "$VRC ${first:0:${#2}}" = "1 $2" ] || diag "$VOUT"
}

# wait_until SECONDS COMMAND...: polls COMMAND every 0.1 s; its last status.
wait_until() {
    local n=$(($1 * 10))
    shift
    for _ in $(seq 1 "$n"); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}
nonempty() { local f; for f in "$@"; do [ -s "$f" ] || return 1; done; }

# ================================================================================
# dbd A: loss = block, 64K files, a live stream; datasources sq and sq2.
fixture_connectors "$A/connectors" sqlite
"$SRC/tools/dbd-schema" sqlite "$A/sq.sqlite" > "$A/schema.log" 2>&1 &&
    "$SRC/tools/dbd-schema" sqlite "$A/sq2.sqlite" >> "$A/schema.log" 2>&1
check "sqlite tables are created" "$?" 0
{
    fixture_dbd_section "$A" 5000
    cat <<CONF

[audit]
file = $A/audit.log
publish = ipc://$A/audit.sock
max_size = 64K
loss = block
sync = interval
; small, so that a stalled subscriber surely passes it
publish_hwm = 500

[datasource sq]
url = sqlite://$A/sq.sqlite
pool = 2

[datasource sq2]
url = sqlite://$A/sq2.sqlite
pool = 2
CONF
} > "$A/dbd.conf"
owndbd_start "$A" "dbd A (loss = block, max_size = 64K) starts" sq
for ds in sq sq2; do
    "$DBBENCH" --endpoint "ipc://$A/dbd.sock" --datasource "$ds" --users "$USERS" \
        --prefill --count 1 --name prefill > /dev/null 2> "$A/prefill-$ds.err"
    check "bench subscribers written to $ds" "$?" 0
done

# --- 1 and 2: a paced load on sq and sq2, followed by three subscribers ------
follow "$A" "$A/all.out";  SUB_ALL=$LAST_PID
follow "$A" "$A/sq.out" --datasource sq;  SUB_SQ=$LAST_PID
follow "$A" "$A/sq2.out" --datasource sq2;  SUB_SQ2=$LAST_PID
# PUB/SUB joins late: requests until each subscriber has printed a record.
subscribed() {
    dbctl_at "$A" ping sq > /dev/null 2>&1
    dbctl_at "$A" ping sq2 > /dev/null 2>&1
    nonempty "$A/all.out" "$A/sq.out" "$A/sq2.out"
}
wait_until 10 subscribed
check "three subscribers receive records before the load" "$?" 0

bench "$A" bench1 sq "$A/bench1" --rate "$RATE" --duration "$LOAD";  B1=$LAST_PID
bench "$A" bench2 sq2 "$A/bench2" --rate "$RATE2" --duration "$LOAD";  B2=$LAST_PID
bench_done "$B1" "$A/bench1" "sq at $RATE/s for $LOAD s"
bench_done "$B2" "$A/bench2" "sq2 at $RATE2/s for $LOAD s"
sleep 1     # settle: the last records written and published
dropped_a=$(stat_of "$A" audit.dropped_total)
# Nothing happens between this snapshot and the end of the subscribers
# (the stats request above is in it).
mapfile -t files < <(chain "$A/audit.log")
snapshot "$A/all1" "${files[@]}"
for pid in "$SUB_ALL" "$SUB_SQ" "$SUB_SQ2"; do
    stop_pid "$pid"
    check "a subscriber ends with exit 0 on SIGTERM" "$?" 0
done

# 2: PUB equals file.  Each subscriber may miss what came before it joined;
# from its first record on it has every line of the file (of its
# datasource), byte for byte.
first=$(head -n 1 "$A/all.out" | jq .seq)
lines_from "$A/all1" "$first" '*' > "$A/want-all"
check "the subscriber got every record from its first one (seq $first) on" \
    "$(wc -l < "$A/all.out")" "$(wc -l < "$A/want-all")"
cmp -s "$A/all.out" "$A/want-all"
check "... byte-identical to the file's lines" "$?" 0
for ds in sq sq2; do
    first=$(head -n 1 "$A/$ds.out" | jq .seq)
    lines_from "$A/all1" "$first" "$ds" > "$A/want-$ds"
    check "--datasource $ds prints only records of $ds" \
        "$(jq -r .ds "$A/$ds.out" | sort -u)" "$ds"
    check "... all of them from its first on ($(wc -l < "$A/want-$ds") lines), byte-identical" \
        "$(cmp -s "$A/$ds.out" "$A/want-$ds" && echo same)" same
done
check "both datasources were loaded (the data requests of bench1 on sq, bench2 on sq2)" \
    "$(awk -F '\t' '($3 == "bench1" || $3 == "bench2") && $4 != "ping" { print $3, $2 }' "$A/all1.idx" | sort -u | tr '\n' ' ')" \
    "bench1 sq bench2 sq2 "

# 1: rotation under load loses nothing.
check_stops "dbd A exits 0 after SIGTERM" "$DBD_PID" 15 && DBD_PID=
check_no_sanitizer_report "$A/dbd.log" "no sanitizer report (dbd A, first run)"
mapfile -t files < <(chain "$A/audit.log")
rotated=("$A"/audit.log.2*)
check "several files were rotated (${#rotated[@]})" "$([ "${#rotated[@]}" -ge 3 ] && echo yes)" yes
check "the rotated names sort in rotation order" \
    "$(printf '%s\n' "${rotated[@]}" "$A/audit.log")" "$(printf '%s\n' "${files[@]}")"
verify "$A"/audit.log.2* "$A/audit.log"
check_verified "dbctl audit verify PATH.* PATH exits 0"
check "no file passes max_size" \
    "$(find "$A" -name 'audit.log*' -size +65536c | wc -l)" 0
snapshot "$A/all" "${files[@]}"
requests=$(bench_json_num requests "$A/bench1.json")
check "records of bench1 = its $requests requests + $CLIENTS pings + $PROBES probes" \
    "$(named "$A/all.idx" bench1)" "$((requests + CLIENTS + PROBES))"
requests=$(bench_json_num requests "$A/bench2.json")
check "records of bench2 = its $requests requests + $CLIENTS pings + $PROBES probes" \
    "$(named "$A/all.idx" bench2)" "$((requests + CLIENTS + PROBES))"
check "the first file begins with a start record after 64 zeros" \
    "$(head -n 1 "${files[0]}" | jq -r '.op + " " + .prev')" "start $ZEROS"
bad=0
for ((i = 1; i < ${#files[@]}; i++)); do
    got=$(head -n 1 "${files[i]}" | jq -r '.op + " " + .detail')
    if [ "$got" != "open continues ${files[i - 1]}" ]; then
        bad=$((bad + 1))
        diag "${files[i]} begins with: $got"
    fi
done
check "every later file begins with an open record naming the file before" "$bad" 0
check "seq runs 0..N-1 across the files ($(wc -l < "$A/all.idx") records)" "$(no_gap "$A/all.idx")" yes
check "audit.dropped_total is 0" "$dropped_a" 0
check "the last record is stop" "$(tail -n 1 "$A/all.idx" | cut -f 4)" stop

# 5 (second part): a restart continues the chain.
stop_line=$(tail -n 1 "$A/all.idx")
owndbd_start "$A" "dbd A starts again" sq
mapfile -t files < <(chain "$A/audit.log")
snapshot "$A/all" "${files[@]}"
n=$(awk -F '\t' -v s="$(cut -f 1 <<< "$stop_line")" '$1 == s { print NR }' "$A/all.idx")
check "after a restart: start with seq+1 and prev = the last hash before" \
    "$(sed -n "$((n + 1))p" "$A/all.idx" | cut -f 1,4,7)" \
    "$(($(cut -f 1 <<< "$stop_line") + 1))	start	$(cut -f 6 <<< "$stop_line")"
verify "$A"/audit.log.2* "$A/audit.log"
check_verified "... and verify passes across the restart"

# --- 3: a stalled and a late subscriber do not slow dbd ------------------------
follow "$A" "$A/stalled.out";  SUB_STALLED=$LAST_PID
pinged() { dbctl_at "$A" ping sq > /dev/null 2>&1; nonempty "$1"; }
wait_until 10 pinged "$A/stalled.out"
check "the subscriber to be stalled receives records" "$?" 0
kill -STOP "$SUB_STALLED"
bench "$A" bench3 sq "$A/bench3" --rate "$RATE" --duration "$LOAD2";  B3=$LAST_PID
sleep 1.5
timeout 20 "$DBCTL" --endpoint "ipc://$A/dbd.sock" audit --follow --json --count 20 \
    > "$A/late.out" 2> "$A/late.err" &
LATE=$!
PIDS+=("$LATE")
bench_done "$B3" "$A/bench3" "sq at $RATE/s for $LOAD2 s, a subscriber stalled"
wait "$LATE"
check "a subscriber started mid-load gets 20 records and exits 0 (--count 20)" \
    "$? $(wc -l < "$A/late.out")" "0 20"
kill -CONT "$SUB_STALLED"
sleep 1
stop_pid "$SUB_STALLED"
check "the stalled subscriber, woken, ends with exit 0" "$?" 0
mapfile -t files < <(chain "$A/audit.log")
snapshot "$A/all" "${files[@]}"
verify "${files[@]}"
check_verified "the trail verifies after the stalled load"
requests=$(bench_json_num requests "$A/bench3.json")
check "records of bench3 = its $requests requests + $CLIENTS pings + $PROBES probes" \
    "$(named "$A/all.idx" bench3)" "$((requests + CLIENTS + PROBES))"
first=$(head -n 1 "$A/late.out" | jq .seq)
check "the late subscriber joined mid-load (its first seq after bench3's first)" \
    "$([ "${first:-0}" -gt "$(awk -F '\t' '$3 == "bench3" { print $1; exit }' "$A/all.idx")" ] && echo yes)" yes
check "... and printed the file's 20 lines from there, byte-identical" \
    "$(lines_from "$A/all" "${first:-0}" '*' | head -n 20 | cmp -s - "$A/late.out" && echo same)" same
first=$(head -n 1 "$A/stalled.out" | jq .seq)
got=$(wc -l < "$A/stalled.out")
want=$(lines_from "$A/all" "$first" '*' | wc -l)
diag "the stalled subscriber printed $got of the $want records from its first one"
check "the stalled subscriber missed records (ZeroMQ dropped them for it alone)" \
    "$([ "$got" -lt "$want" ] && echo yes)" yes
check "... and what it printed is the file's lines of those seqs, byte-identical" \
    "$(lines_with_seq "$A/all" "$A/stalled.out" | cmp -s - "$A/stalled.out" && echo same)" same

# --- 5: SIGUSR1 after an outside move -----------------------------------------
mv "$A/audit.log" "$A/audit.log.moved"
kill -USR1 "$DBD_PID"
reopened() {
    dbctl_at "$A" ping sq > /dev/null 2>&1
    [ -s "$A/audit.log" ] && [ "$(wc -l < "$A/audit.log")" -ge 3 ]
}
wait_until 10 reopened
check "after mv and SIGUSR1, dbd writes a new PATH" "$?" 0
check "... which begins with open \"reopened on SIGUSR1\"" \
    "$(head -n 1 "$A/audit.log" | jq -r '.op + " " + .detail')" "open reopened on SIGUSR1"
verify "$A/audit.log.moved" "$A/audit.log"
check_verified "dbctl audit verify PATH.moved PATH exits 0"
mapfile -t files < <(chain "$A/audit.log.moved")
files+=("$A/audit.log")

check_stops "dbd A exits 0 after SIGTERM" "$DBD_PID" 15 && DBD_PID=
check_no_sanitizer_report "$A/dbd.log" "no sanitizer report (dbd A, second run)"
snapshot "$A/all" "${files[@]}"
verify "${files[@]}"
check_verified "the whole trail of dbd A verifies as one chain (restart, SIGUSR1)"
check "... seq runs 0..N-1 through it ($(wc -l < "$A/all.idx") records)" "$(no_gap "$A/all.idx")" yes

# --- 6: tampering with a real trail file ----------------------------------------
src=${files[0]}
line=$(sed -n 5p "$src")
# One byte inside the value of "ts": its last microsecond digit.
d=${line:32:1}
{ head -n 4 "$src"; printf '%s\n' "${line:0:32}$(((d + 1) % 10))${line:33}"; tail -n +6 "$src"; } > "$T/altered"
check "one byte of line 5 changed" "$(cmp "$src" "$T/altered" 2>&1 | grep -c 'line 5')" 1
verify "$T/altered"
check_verify_finds "a changed byte in line 5 is ALTERED" "$T/altered:5: ALTERED: "
sed 3d "$src" > "$T/deleted"
verify "$T/deleted"
check_verify_finds "line 3 deleted is a BROKEN_LINK at line 3" "$T/deleted:3: BROKEN_LINK: "
sed 2p "$src" > "$T/inserted"
verify "$T/inserted"
check_verify_finds "a copy of line 2 inserted after it is a BROKEN_LINK at line 3" \
    "$T/inserted:3: BROKEN_LINK: "
verify "${files[0]}" "${files[2]}"
check_verify_finds "a middle file left out: BROKEN_LINK at the next file's line 1" \
    "${files[2]}:1: BROKEN_LINK: "

# ================================================================================
# dbd B: loss = drop with a queue of 1 under an unpaced load; 8K files, so
# that it rotates more than ten times a second.
fixture_connectors "$B/connectors" sqlite
cp "$A/sq.sqlite" "$B/sq.sqlite"
{
    fixture_dbd_section "$B" 5000
    cat <<CONF

[audit]
file = $B/audit.log
loss = drop
queue = 1
max_size = 8K

[datasource sq]
url = sqlite://$B/sq.sqlite
pool = 2
CONF
} > "$B/dbd.conf"
owndbd_start "$B" "dbd B (loss = drop, queue = 1) starts" sq

# --- 4: drop mode counts --------------------------------------------------------
# How the count is made exact: while the load runs, only its requests make
# records, so every dropped record is one of them.  After it, one more
# request has the writer run again (it writes the pending "dropped" record
# as soon as it runs), and with the queue then idle the stats request below
# is not dropped itself: audit.dropped_total read then is final.  dbd is
# stopped cleanly before the file is read, so everything it wrote is
# there.  Then: the rows of the "dropped" records sum to dropped_total, and
# the records of the load plus the dropped ones are its requests.
bench "$B" bench4 sq "$B/bench4" --duration 2;  B4=$LAST_PID
bench_done "$B4" "$B/bench4" "unpaced on sq for 2 s, loss = drop"
dbctl_at "$B" ping sq > /dev/null 2>&1
sleep 0.5
dropped_b=$(stat_of "$B" audit.dropped_total)
diag "audit.dropped_total $dropped_b, audit.rotations_total $(stat_of "$B" audit.rotations_total)"
check "audit.dropped_total > 0 after the load" "$([ "${dropped_b:-0}" -gt 0 ] && echo yes)" yes
check_stops "dbd B exits 0 after SIGTERM" "$DBD_PID" 15 && DBD_PID=
check_no_sanitizer_report "$B/dbd.log" "no sanitizer report (dbd B, first run)"
mapfile -t files < <(chain "$B/audit.log")
snapshot "$B/all" "${files[@]}"
verify "${files[@]}"
check_verified "the trail with dropped records verifies (${#files[@]} files in chain order)"
check "the rows of the dropped records sum to audit.dropped_total" \
    "$(awk -F '\t' '$4 == "dropped" { n += $5 } END { print n + 0 }' "$B/all.idx")" "$dropped_b"
requests=$(bench_json_num requests "$B/bench4.json")
check "records of bench4 + dropped = its $requests requests + $CLIENTS pings + $PROBES probes" \
    "$(($(named "$B/all.idx" bench4) + dropped_b))" "$((requests + CLIENTS + PROBES))"
check "seq runs 0..N-1 ($(wc -l < "$B/all.idx") records)" "$(no_gap "$B/all.idx")" yes
# The documented way to list a trail: its rotated names, sorted, then PATH.
# With ten or more rotations in one second the suffix -0010 must still sort
# after -0009.
check "the load rotated ten times or more within one second (a name ends in -0010)" \
    "$([ -f "$(printf '%s\n' "${files[@]}" | grep -m 1 -- '-0010$')" ] && echo yes)" yes
verify "$B"/audit.log.2* "$B/audit.log"
check_verified "PATH.* PATH verifies in name order after many rotations a second"

# --- 7: a trail whose last line is cut -----------------------------------------
truncate -s -7 "$B/audit.log"
owndbd_start "$B" "dbd B starts on a trail whose last line is cut" sq
moved=$(sed -n 's/^.*audit: .* ends in an incomplete line.* moved to \(.*\) and a new chain starts.*$/\1/p' "$B/dbd.log")
check "dbd logs that it moved the file aside" "$([ -n "$moved" ] && [ -f "$moved" ] && echo yes)" yes
[ -n "$moved" ] || diag "$(grep audit "$B/dbd.log")"
check "... and the new PATH begins a new chain (start, seq 0, prev 64 zeros)" \
    "$(head -n 1 "$B/audit.log" | jq -r '.op + " " + (.seq | tostring) + " " + .prev')" "start 0 $ZEROS"
dbctl_at "$B" query sq subscriber username=user1 --columns username > "$B/query.out" 2>&1
check "dbd keeps serving (a query is answered OK)" "$?" 0
if [ -n "$moved" ]; then
    mapfile -t files < <(chain "$moved")
    verify "${files[@]}"
    check_verify_finds "verify shows the cut line of the moved file as MALFORMED" \
        "$moved:$(($(wc -l < "$moved") + 1)): MALFORMED: "
fi
check_stops "dbd B exits 0 after SIGTERM" "$DBD_PID" 15 && DBD_PID=
check_no_sanitizer_report "$B/dbd.log" "no sanitizer report (dbd B, second run)"
verify "$B/audit.log"
check_verified "the new chain verifies"

tap_end
