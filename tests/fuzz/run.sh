#!/usr/bin/env bash
# run.sh BUILD_DIR SECONDS - runs every libFuzzer harness of tests/fuzz/ for
# SECONDS each and prints one TAP result per harness.
#
# The harnesses are built first when needed (build.sh).  Each one fuzzes a
# copy of its committed corpus in a temporary directory, so a run never
# grows the corpus under version control; new finds are thrown away with
# the copy.  Logs go to BUILD_DIR/tests/fuzz/logs/NAME.log and the input of
# a crash, leak, timeout or out-of-memory next to them
# (NAME-crash-<sha1> ...), which is the path the "not ok" line names.
# FUZZ_JOBS harnesses run at a time (default 2).  Without clang's libFuzzer
# the whole run is skipped.
set -u

if [ $# -ne 2 ] || ! [[ $2 =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 BUILD_DIR SECONDS" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
secs=$2
jobs=${FUZZ_JOBS:-2}
harnesses=(fuzz_decode fuzz_sqlite fuzz_text fuzz_sip)

mkdir -p "$1/tests/fuzz/logs" || exit 1
out=$(cd "$1/tests/fuzz" && pwd)
logs=$out/logs

"$here/build.sh" "$1" >"$logs/build.log" 2>&1
rc=$?
if [ $rc -eq 77 ]; then
    echo "1..0 # SKIP clang with libFuzzer (-fsanitize=fuzzer) is not installed"
    exit 0
fi
if [ $rc -ne 0 ]; then
    echo "1..1"
    echo "not ok 1 - fuzz harnesses build (see $logs/build.log)"
    sed 's/^/# /' "$logs/build.log" | tail -40
    exit 1
fi

work=$(mktemp -d -t dbd-fuzz.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT

# The dictionary of a harness: the words its input format is made of.
dict_of() {
    case $1 in
    fuzz_decode | fuzz_sqlite) echo "$here/protocol.dict" ;;
    fuzz_text) echo "$here/text.dict" ;;
    fuzz_sip) echo "$here/sip.dict" ;;
    esac
}

run_one() {
    local name=$1
    mkdir -p "$work/$name"
    cp -R "$here/corpus/$name/." "$work/$name/"
    # A hang of 25 s on one input is a finding, not a slow machine.
    "$out/$name" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=25 \
        -dict="$(dict_of "$name")" -print_final_stats=1 \
        -artifact_prefix="$logs/$name-" \
        "$work/$name" >"$logs/$name.log" 2>&1 </dev/null
    echo $? >"$work/$name.rc"
}

running=0
for name in "${harnesses[@]}"; do
    # Findings of an earlier run must not be taken for this run's.
    rm -f "$logs/$name"-crash-* "$logs/$name"-leak-* "$logs/$name"-timeout-* \
        "$logs/$name"-oom-* "$logs/$name"-slow-unit-*
    if [ "$running" -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
    run_one "$name" &
    running=$((running + 1))
done
wait

echo "1..${#harnesses[@]}"
n=0
status=0
for name in "${harnesses[@]}"; do
    n=$((n + 1))
    log=$logs/$name.log
    rc=$(cat "$work/$name.rc" 2>/dev/null || echo "?")
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    per_s=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    found=$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)
    if [ "$rc" = 0 ] && [ -z "$found" ]; then
        echo "ok $n - $name: ${runs:-?} runs, no crash"
        echo "# $name: ${per_s:-?} runs/s"
    else
        status=1
        if [ -n "$found" ]; then
            echo "not ok $n - $name: crash input $found (log $log)"
        else
            echo "not ok $n - $name: exited with status $rc (log $log)"
        fi
        grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz_)' "$log" | head -5 |
            sed 's/^/# /'
    fi
done
exit $status
