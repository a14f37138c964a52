# shellcheck shell=bash
# daemon.sh - how a test ends a daemon it started: stopped by its recorded
# PID within a bound, and no sanitizer report in its log.  Reports TAP
# results through tap.sh, which must be sourced first.

# check_stops NAME PID SECONDS: SIGTERM to PID (a child of this shell),
# then one result, NAME: it exits 0 within SECONDS.  Returns 1 when it is
# still running (the caller's cleanup must then kill it).
check_stops() {
    local name=$1 pid=$2 secs=$3
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 $((secs * 10))); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        not_ok "$name" "still running after $secs s"
        return 1
    fi
    wait "$pid"
    check "$name" "$?" 0
}

# check_no_sanitizer_report LOG [NAME]: one result, NAME (default "no
# sanitizer report"): LOG holds no AddressSanitizer, LeakSanitizer or
# UndefinedBehaviorSanitizer report.
check_no_sanitizer_report() {
    local log=$1 name=${2:-no sanitizer report}
    if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log"; then
        not_ok "$name" "$(grep -E -A10 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log" | head -30)"
    else
        ok "$name"
    fi
}
