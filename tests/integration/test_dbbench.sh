#!/usr/bin/env bash
# test_dbbench.sh - dbbench and zmq-echo work: a short dbbench run against
# the fixture's sqlite datasource (prefill, read and upsert) reports no
# errors and a positive throughput, the prefilled rows are the documented
# ones, a second prefill is skipped, --count is exact, and zmq-echo runs.
# No timing is asserted.  Needs DBD_ENDPOINT, DBD_BUILD and DBD_TEST_DIR.
set -u

dbbench=$DBD_BUILD/tools/dbbench/dbbench
dbctl=$DBD_BUILD/tools/dbctl/dbctl
echo_bin=$DBD_BUILD/tools/bench/zmq-echo
db=$DBD_TEST_DIR/db.sqlite
out=$(mktemp -d -t test_dbbench.XXXXXX)
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
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
