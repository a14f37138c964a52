# shellcheck shell=bash
# bench-lib.sh - what the benchmark scripts share: stopping what they
# started by its PID, and starting dbd and waiting until it answers.
# Sourced; the caller defines die().

# Stops a process we started, by its PID: TERM, then KILL after 10 s.
stop() {
    [ -n "$1" ] || return 0
    kill -TERM "$1" 2> /dev/null || return 0
    for _ in $(seq 1 100); do
        kill -0 "$1" 2> /dev/null || break
        sleep 0.1
    done
    kill -KILL "$1" 2> /dev/null || true
    wait "$1" 2> /dev/null || true
}

# bench_start_dbd DBD DBCTL CONF LOG ENDPOINT: starts dbd in the background
# and sets dbd_pid; returns once dbd answers a ping, dies (showing the log)
# when it exits or does not answer within 10 s.
bench_start_dbd() {
    local dbd=$1 dbctl=$2 conf=$3 log=$4 endpoint=$5
    "$dbd" -c "$conf" > "$log" 2>&1 &
    dbd_pid=$!
    for _ in $(seq 1 100); do
        "$dbctl" --endpoint "$endpoint" --timeout 500 ping > /dev/null 2>&1 && return 0
        kill -0 "$dbd_pid" 2> /dev/null || { cat "$log" >&2; die "dbd exited"; }
        sleep 0.1
    done
    "$dbctl" --endpoint "$endpoint" --timeout 500 ping > /dev/null 2>&1 ||
        { cat "$log" >&2; die "dbd did not come up"; }
}
