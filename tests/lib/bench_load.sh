# shellcheck shell=bash
# bench_load.sh - a dbbench load in the background of a test: started, seen
# running, stopped with SIGINT (dbbench lets the requests in flight finish
# and writes its JSON summary) within a bound, and its summary checked.
# The load's PID is BENCH_PID (empty when none runs; the caller's EXIT trap
# kills it).  Reports TAP results through tap.sh, which must be sourced
# first.  Needs DBD_BUILD.

BENCH_PID=
BENCH_RC=

# bench_json_num KEY FILE: the number after "KEY": in a one-line JSON
# summary of dbbench.
bench_json_num() { sed -n "s/.*\"$1\":\\([0-9.]*\\).*/\\1/p" "$2"; }

# bench_load_start DIR DS USERS RATE [OPTION...]: read=80,upsert=20 from 2
# clients x 8 in flight at RATE requests/s (over both) on datasource DS of
# the dbd of DIR (socket DIR/dbd.sock), for 300 s at most, summary in
# DIR/bench.json and messages in DIR/bench.err; OPTIONs go to dbbench too.
# One result: its measured run starts within 10 s.
bench_load_start() {
    local dir=$1 ds=$2 users=$3 rate=$4
    shift 4
    "$DBD_BUILD/tools/dbbench/dbbench" --endpoint "ipc://$dir/dbd.sock" --datasource "$ds" \
        --users "$users" --rate "$rate" --clients 2 --inflight 8 --mix read=80,upsert=20 \
        --duration 300 --timeout 10000 "$@" --json > "$dir/bench.json" 2> "$dir/bench.err" &
    BENCH_PID=$!
    for _ in $(seq 1 100); do
        grep -q 'measured run starts' "$dir/bench.err" 2>/dev/null && break
        sleep 0.1
    done
    check "dbbench runs against $ds" "$(grep -c 'measured run starts' "$dir/bench.err")" 1
}

# bench_load_stop SECONDS: SIGINT to the load, waits for it up to SECONDS,
# then SIGKILL; its exit status in BENCH_RC.  Returns 1 when it had to be
# killed.
bench_load_stop() {
    local rc=0
    kill -INT "$BENCH_PID" 2>/dev/null
    for _ in $(seq 1 $(($1 * 10))); do
        kill -0 "$BENCH_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$BENCH_PID" 2>/dev/null; then
        rc=1
        kill -KILL "$BENCH_PID" 2>/dev/null
    fi
    wait "$BENCH_PID" 2>/dev/null
    BENCH_RC=$?
    BENCH_PID=
    return $rc
}

# bench_load_end DIR RATE FAILED_NAME LOST_NAME: stops the load of
# bench_load_start and checks what it saw: it ends within 30 s of SIGINT
# and exits 0, it sent more than RATE requests, none failed (FAILED_NAME)
# and none was lost (LOST_NAME).
bench_load_end() {
    local dir=$1 rate=$2 requests
    if bench_load_stop 30; then
        ok "dbbench drains and ends within 30 s of SIGINT"
    else
        not_ok "dbbench drains and ends within 30 s of SIGINT"
    fi
    diag "$(grep -o '"requests":[0-9]*\|"throughput":[0-9.]*\|"longest_gap_ms":[0-9.]*\|"max_us":[0-9.]*' "$dir/bench.json" | tr '\n' ' ')"
    check "dbbench exits 0" "$BENCH_RC" 0
    [ "$BENCH_RC" -eq 0 ] || diag "$(tail -5 "$dir/bench.err")"
    requests=$(bench_json_num requests "$dir/bench.json")
    check "requests were sent throughout" "$([ "${requests:-0}" -gt "$rate" ] && echo yes)" yes
    check "$3" \
        "$(bench_json_num failed "$dir/bench.json") $(bench_json_num errors "$dir/bench.json")" "0 0"
    [ "$(bench_json_num failed "$dir/bench.json")" = 0 ] ||
        diag "$(grep -o '"failed_by_status":{[^}]*}' "$dir/bench.json")"
    check "$4" "$(bench_json_num lost "$dir/bench.json")" 0
}
