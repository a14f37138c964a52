#!/usr/bin/env bash
# test_dbbench.sh - dbbench and zmq-echo work: a short dbbench run against
# the fixture's sqlite datasource (prefill, read and upsert) reports no
# errors and a positive throughput, the prefilled rows are the documented
# ones, locate (sipproxy's lookup per INVITE) finds a live binding and not
# an expired one, a second prefill is skipped, --count is exact, --rate
# paces the requests, --timeline adds up to the summary, answers other than
# OK are counted as failed, and requests dbd never answers (its own dbd stopped
# with SIGSTOP) are counted as lost once their deadline passed; zmq-echo
# runs.  No timing is asserted beyond lower bounds the pacing and the
# deadlines imply.  Needs DBD_ENDPOINT, DBD_BUILD and DBD_TEST_DIR.
set -u

dbbench=$DBD_BUILD/tools/dbbench/dbbench
dbctl=$DBD_BUILD/tools/dbctl/dbctl
echo_bin=$DBD_BUILD/tools/bench/zmq-echo
db=$DBD_TEST_DIR/db.sqlite
out=$(mktemp -d -t test_dbbench.XXXXXX)
own_pid=    # the dbd this test starts for the lost-requests case
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    if [ -n "$own_pid" ]; then
        kill -CONT "$own_pid" 2>/dev/null
        kill -KILL "$own_pid" 2>/dev/null
        wait "$own_pid" 2>/dev/null
    fi
    # The rows this test wrote: bench subscribers and their bindings.
    sqlite3 "$db" "DELETE FROM subscriber WHERE domain = 'bench.example';
                   DELETE FROM location WHERE domain = 'bench.example';" 2> /dev/null
    "$dbctl" --endpoint "$DBD_ENDPOINT" delete tx location domain=bench.example \
        > /dev/null 2>&1
    rm -rf "$out"
}
trap cleanup EXIT

# The number after "key": in a one-line JSON object.
json_num() { sed -n "s/.*\"$1\":\\([0-9.]*\\).*/\\1/p" "$2"; }
positive() { awk -v x="$1" 'BEGIN { print (x + 0 > 0) ? "yes" : "no" }'; }
# at_least X MIN: "yes" when the number X >= MIN.
at_least() { awk -v x="$1" -v m="$2" 'BEGIN { print (x + 0 >= m + 0) ? "yes" : "no" }'; }
# The object after "key": in a one-line JSON object ({} when empty).
json_obj() { sed -n "s/.*\"$1\":\\({[^}]*}\\).*/\\1/p" "$2"; }
# Sums of a timeline's columns and whether its lines are well formed:
# "LINES OK FAILED well-formed|bad".
timeline_sums() {
    awk -F '\t' 'NR == 1 { head = $0; next }
        { n++; ok += $2; failed += $3
          if (NF != 4 || $1 != (n - 1) * 100 || $2 !~ /^[0-9]+$/ ||
              $3 !~ /^[0-9]+$/ || $4 !~ /^[0-9]+$/) bad = 1 }
        END { print n + 0, ok + 0, failed + 0,
              (head == "t_ms\tok\tfailed\tlatency_max_us" && !bad) ? "well-formed" : "bad" }' "$1"
}


"$dbbench" --endpoint "$DBD_ENDPOINT" --datasource sq --users 200 --prefill --duration 2 \
    --mix read=50,upsert=50 --clients 2 --inflight 8 --json \
    > "$out/run.json" 2> "$out/run.err"
rc=$?
check "dbbench run exits 0" "$rc" 0
[ "$rc" -eq 0 ] || sed 's/^/# /' "$out/run.err"
check "dbbench prints one JSON line" "$(grep -c '^{.*}$' "$out/run.json")" 1
check "dbbench run has no errors" "$(json_num errors "$out/run.json")" 0
check "dbbench throughput is positive" \
    "$(positive "$(json_num throughput "$out/run.json")")" yes
check "dbbench measured both operations" \
    "$(grep -o '"read":{"request":[1-9][0-9]*,"reply":[1-9][0-9]*},"upsert":{"request":[1-9]' "$out/run.json" | wc -l)" 1

check "prefill wrote 200 subscribers" \
    "$(sqlite3 "$db" "SELECT count(*) FROM subscriber WHERE domain = 'bench.example'")" 200
want=$(printf '%s' "user7:bench.example:pass7" | md5sum | cut -d' ' -f1)
wantb=$(printf '%s' "user7@bench.example:bench.example:pass7" | md5sum | cut -d' ' -f1)
check "prefilled ha1 and ha1b are the digest hashes" \
    "$(sqlite3 "$db" "SELECT password || ' ' || ha1 || ' ' || ha1b FROM subscriber WHERE username = 'user7' AND domain = 'bench.example'")" \
    "pass7 $want $wantb"
check "upsert wrote bindings" \
    "$(sqlite3 "$db" "SELECT count(*) > 0 FROM location WHERE domain = 'bench.example' AND user_agent = 'dbbench'")" 1

# Every column usrloc writes, so the binding is the same on every backend.
check "an upserted binding has every usrloc column" \
    "$(sqlite3 "$db" "SELECT DISTINCT socket || ' ' || methods || ' ' || flags || ' ' ||
        cflags || ' ' || reg_id || ' ' || server_id || ' ' || connection_id || ' ' ||
        keepalive || ' ' || partition || ' ' || q || ' ' ||
        (received IS NULL) || (path IS NULL) || (instance IS NULL) || ' ' ||
        (expires > last_modified)
        FROM location WHERE domain = 'bench.example'")" \
    "udp:127.0.0.1:5060 8159 0 0 0 0 -1 0 0 1.0 111 1"

# locate is sipproxy's lookup per INVITE: user0's live binding comes back,
# an expired one does not (its reply is the size of the reply with no row).
# Prints "exit-status requests errors workload reply-bytes".
locate_user0() {
    "$dbbench" --endpoint "$DBD_ENDPOINT" --datasource sq --users 1 --count 20 \
        --mix locate --json > "$out/locate.json" 2> "$out/locate.err"
    local rc=$?
    [ "$rc" -eq 0 ] || sed 's/^/# /' "$out/locate.err" >&2
    echo "$rc $(json_num requests "$out/locate.json") $(json_num errors "$out/locate.json")" \
        "$(sed -n 's/.*"workload":"\([^"]*\)".*/\1/p' "$out/locate.json")" \
        "$(sed -n 's/.*"locate":{"request":[0-9]*,"reply":\([0-9]*\)}.*/\1/p' "$out/locate.json")"
}
"$dbbench" --endpoint "$DBD_ENDPOINT" --datasource sq --users 1 --count 1 \
    --mix upsert > /dev/null 2>&1
read -r rc n errs mix live <<< "$(locate_user0)"
check "locate of a live binding: exit 0, 20 requests, no errors, mix locate=1" \
    "$rc $n $errs $mix" "0 20 0 locate=1"
sqlite3 "$db" "UPDATE location SET expires = '2000-01-01 00:00:00'
               WHERE username = 'user0' AND domain = 'bench.example'"
read -r rc n errs mix expired <<< "$(locate_user0)"
sqlite3 "$db" "DELETE FROM location WHERE username = 'user0' AND domain = 'bench.example'"
read -r rc2 n2 errs2 mix none <<< "$(locate_user0)"
check "... of an expired binding and of none: exit 0, 20 requests, no errors each" \
    "$rc $n $errs $rc2 $n2 $errs2" "0 20 0 0 20 0"
check "... the expired binding is not returned: its reply is the empty one" \
    "${expired:-?}" "${none:-none}"
check "... the live binding is: its reply is larger than the empty one" \
    "$([ "${live:-0}" -gt "${none:-0}" ] && echo larger)" larger

# db_text's location has NOT NULL columns without defaults: the upsert must
# still be whole there.
"$dbbench" --endpoint "$DBD_ENDPOINT" --datasource tx --users 20 --count 60 \
    --mix upsert=1 --clients 2 --json > "$out/tx.json" 2> "$out/tx.err"
rc=$?
check "upserts on the text datasource exit 0 without errors" \
    "$rc $(json_num errors "$out/tx.json") $(json_num requests "$out/tx.json")" "0 0 60"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$out/tx.err"
"$dbctl" --endpoint "$DBD_ENDPOINT" query tx location domain=bench.example \
    --columns ruid > "$out/tx.rows" 2>&1
rows=$(grep -c '^ruid-' "$out/tx.rows")
check "the text datasource holds one binding per user upserted (1 to 20)" \
    "$([ "$rows" -ge 1 ] && [ "$rows" -le 20 ] && echo in-range) $(grep '^ruid-' "$out/tx.rows" | sort -u | wc -l)" \
    "in-range $rows"

"$dbbench" --endpoint "$DBD_ENDPOINT" --datasource sq --users 200 --prefill --count 10 --clients 3 \
    --json > "$out/count.json" 2> "$out/count.err"
rc=$?
check "second prefill is skipped, --count 10 runs exactly 10" \
    "$rc $(grep -c 'nothing to write' "$out/count.err") $(json_num requests "$out/count.json")" \
    "0 1 10"

"$dbbench" --endpoint "$DBD_ENDPOINT" --datasource sq --clients 0 > /dev/null 2>&1
check "a bad command line exits 64" "$?" 64

# --rate with --count: 200 requests at 400/s over 2 clients cannot take less
# than 199/400 s, and every answer is in the timeline.
"$dbbench" --endpoint "$DBD_ENDPOINT" --datasource sq --users 200 --count 200 \
    --rate 400 --clients 2 --inflight 2 --mix read=80,upsert=20 \
    --timeline "$out/rate.tsv" --json > "$out/rate.json" 2> "$out/rate.err"
rc=$?
check "--rate 400 --count 200: exit 0, 200 requests, none failed or lost" \
    "$rc $(json_num requests "$out/rate.json") $(json_num errors "$out/rate.json") $(json_num failed "$out/rate.json") $(json_num lost "$out/rate.json")" \
    "0 200 0 0 0"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$out/rate.err"
check "... paced: the run lasts at least 199/400 s" \
    "$(at_least "$(json_num duration_s "$out/rate.json")" 0.4975)" yes
check "... failed_by_status is empty" "$(json_obj failed_by_status "$out/rate.json")" "{}"
check "... the longest gap is at least the 2.5 ms between paced requests" \
    "$(at_least "$(json_num longest_gap_ms "$out/rate.json")" 2.4)" yes
read -r lines oks fails form <<< "$(timeline_sums "$out/rate.tsv")"
check "... the timeline is well formed and counts 200 OK answers, 0 failed" \
    "$form $oks $fails" "well-formed 200 0"
check "... over at least 5 intervals of 100 ms (the last answer is after 497 ms)" \
    "$(at_least "$lines" 5)" yes

# A timed run: the timeline covers the duration and adds up to the summary.
"$dbbench" --endpoint "$DBD_ENDPOINT" --datasource sq --users 200 --duration 1 \
    --rate 300 --clients 2 --timeline "$out/timed.tsv" > "$out/timed.txt" 2> "$out/timed.err"
rc=$?
read -r lines oks fails form <<< "$(timeline_sums "$out/timed.tsv")"
check "--duration 1 --rate 300: exit 0, the timeline has at least 10 lines" \
    "$rc $(at_least "$lines" 10) $form" "0 yes well-formed"
check "... its OK answers are the summary's requests" \
    "$oks $fails" "$(sed -n 's/^requests *//p' "$out/timed.txt") 0"
check "... the text summary has failed, lost and longest gap lines" \
    "$(grep -cE '^(failed +0|lost +0|longest gap [0-9]+\.[0-9] ms)$' "$out/timed.txt")" 3

# Answers other than OK are failed, by status: busy1 queues one request, so
# 2 x 20 requests in flight get BUSY answers.
"$dbbench" --endpoint "$DBD_ENDPOINT" --datasource busy1 --users 200 --count 400 \
    --clients 2 --inflight 20 --timeline "$out/busy.tsv" --json \
    > "$out/busy.json" 2> "$out/busy.err"
rc=$?
failed=$(json_num failed "$out/busy.json")
check "on a full queue: exit 0, some requests failed, none lost" \
    "$rc $(positive "$failed") $(json_num lost "$out/busy.json")" "0 yes 0"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$out/busy.err"
check "... failed counts BUSY answers only, as errors does" \
    "$(json_obj failed_by_status "$out/busy.json") $(json_num errors "$out/busy.json")" \
    "{\"BUSY\":$failed} $failed"
read -r lines oks fails form <<< "$(timeline_sums "$out/busy.tsv")"
check "... the timeline counts the same failed answers, OK + failed = 400" \
    "$form $((oks + fails)) $fails" "well-formed 400 $failed"

"$dbbench" --endpoint "$DBD_ENDPOINT" --datasource sq --rate 0 > /dev/null 2>&1
check "--rate 0 is a bad command line (exit 64)" "$?" 64
"$dbbench" --endpoint "$DBD_ENDPOINT" --datasource sq --count 5 \
    --timeline "$out/no-such-dir/t.tsv" > /dev/null 2> "$out/tl.err"
check "an unwritable --timeline stops dbbench before the run (exit 1)" \
    "$? $(grep -c 'cannot open' "$out/tl.err")" "1 1"

# --- lost requests: our own dbd, stopped (SIGSTOP) while requests are out ----
# 2 clients x 2 in flight at 100/s with a 3 s deadline: once dbd stops, the
# 4 outstanding requests get no answer, no further one can be sent (the
# in-flight limit), and dbbench waits for their deadline: exactly 4 lost,
# and the run lasts at least 3 s.
mkdir -p "$out/own/connectors"
chmod 755 "$out/own/connectors"
cp "$db" "$out/own/db.sqlite"
for so in "$DBD_BUILD"/connectors/sqlite/.libs/*.so; do
    [ -e "$so" ] && install -m 644 "$so" "$out/own/connectors/"
done
cat > "$out/own/dbd.conf" <<CONF
[dbd]
endpoint = ipc://$out/own/dbd.sock
connector_dir = $out/own/connectors
log_level = info

[datasource sq]
url = sqlite://$out/own/db.sqlite
pool = 2
CONF
"$DBD_BUILD/dbd/dbd" -c "$out/own/dbd.conf" > "$out/own/dbd.log" 2>&1 &
own_pid=$!
up=no
for _ in $(seq 1 100); do
    if "$dbctl" --endpoint "ipc://$out/own/dbd.sock" --timeout 500 ping sq > /dev/null 2>&1; then
        up=yes; break
    fi
    kill -0 "$own_pid" 2>/dev/null || break
    sleep 0.1
done
check "our own dbd starts" "$up" yes
"$dbbench" --endpoint "ipc://$out/own/dbd.sock" --datasource sq --users 200 --duration 2 \
    --rate 100 --clients 2 --inflight 2 --timeout 3000 --json \
    > "$out/lost.json" 2> "$out/lost.err" &
bench_pid=$!
# Stop dbd once the measured run has started (its start line is printed).
for _ in $(seq 1 100); do
    grep -q 'in flight' "$out/lost.err" 2>/dev/null && break
    sleep 0.1
done
sleep 0.3
kill -STOP "$own_pid"
# Bounded: 2 s of run + 3 s of deadline, with room for slow start-up.
waited=0
while kill -0 "$bench_pid" 2>/dev/null && [ "$waited" -lt 300 ]; do
    sleep 0.1
    waited=$((waited + 1))
done
if kill -0 "$bench_pid" 2>/dev/null; then
    kill -TERM "$bench_pid"
    not_ok "dbbench ends within 30 s while dbd is stopped"
else
    ok "dbbench ends within 30 s while dbd is stopped"
fi
wait "$bench_pid"
rc=$?
kill -CONT "$own_pid"
check "... exits 0 with exactly 4 requests lost, 4 errors (TIMEOUT), 0 failed" \
    "$rc $(json_num lost "$out/lost.json") $(json_obj errors_by_status "$out/lost.json") $(json_num failed "$out/lost.json")" \
    '0 4 {"TIMEOUT":4} 0'
[ "$rc" -eq 0 ] || sed 's/^/# /' "$out/lost.err"
check "... after waiting for their 3 s deadline" \
    "$(at_least "$(json_num duration_s "$out/lost.json")" 3.0)" yes
kill -TERM "$own_pid"
wait "$own_pid"
check "our own dbd exits 0 on SIGTERM" "$?" 0
own_pid=

"$echo_bin" --clients 2 --inflight 4 --duration 1 --size 120 --reply-size 200 \
    --json > "$out/echo.json" 2> "$out/echo.err"
rc=$?
check "zmq-echo exits 0" "$rc" 0
[ "$rc" -eq 0 ] || sed 's/^/# /' "$out/echo.err"
check "zmq-echo has no errors and a positive throughput" \
    "$(json_num errors "$out/echo.json") $(positive "$(json_num throughput "$out/echo.json")")" \
    "0 yes"
check "zmq-echo reports the sizes it used" \
    "$(grep -o '"echo":{"request":120,"reply":200}' "$out/echo.json")" \
    '"echo":{"request":120,"reply":200}'

tap_end
