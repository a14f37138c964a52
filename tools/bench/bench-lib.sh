# shellcheck shell=bash
# bench-lib.sh - what the benchmark scripts share: where the build and its
# programs are, stopping what they started by its PID, starting dbd and
# waiting until it answers, waiting for dbbench's measured run, reading its
# JSON summary, and saying what machine the figures come from.
# Sourced; the caller defines die().

# bench_paths [BUILD_DIR]: sets build (BUILD_DIR, else $DBD_BUILD, else
# ./build; made absolute), src (the source tree) and dbd, dbctl and
# dbbench (the programs of the build).
# shellcheck disable=SC2034  # set for the caller
bench_paths() {
    build=$(cd "${1:-${DBD_BUILD:-./build}}" && pwd)
    src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    dbd=$build/dbd/dbd
    dbctl=$build/tools/dbctl/dbctl
    dbbench=$build/tools/dbbench/dbbench
}

# bench_need HINT FILE...: dies naming the first FILE that does not exist,
# with HINT, what to build.
bench_need() {
    local hint=$1 f
    shift
    for f in "$@"; do
        [ -e "$f" ] || die "missing $f (build first: $hint)"
    done
}

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

# bench_measured_start ERR: waits up to 10 s for a dbbench started in the
# background with its messages going to file ERR to begin its measured
# run, and prints when it began (Unix ms); fails, showing ERR, when it
# does not.
bench_measured_start() {
    local start
    for _ in $(seq 1 100); do
        grep -q 'measured run starts' "$1" && break
        sleep 0.1
    done
    start=$(sed -n 's/.*measured run starts at \([0-9]*\) ms.*/\1/p' "$1")
    [ -n "$start" ] || { cat "$1" >&2; return 1; }
    echo "$start"
}

now_ms() { date +%s%3N; }

# bench_sqlite_dir DIR CONNECTOR SCHEMA: DIR/connectors holding the sqlite
# connector (dbd only loads connectors from a directory nobody else can
# write to) and DIR/db.sqlite holding the schema.
bench_sqlite_dir() {
    mkdir -m 755 "$1/connectors"
    install -m 644 "$2" "$1/connectors/"
    sqlite3 -bail "$1/db.sqlite" < "$3"
}

# json_num KEY JSON: the number after "KEY": in a one-line JSON object.
json_num() { sed -n "s/.*\"$1\":\\([0-9.]*\\).*/\\1/p" <<< "$2"; }

# bench_md_rows N FILE: the first N fields of each line of FILE (separated
# by |) as a row of a Markdown table.
bench_md_rows() {
    awk -F '|' -v n="$1" '{ row = "|"; for (i = 1; i <= n; i++) row = row " " $i " |"; print row }' "$2"
}

# bench_machine NOTE PACKAGE...: what the figures were measured on: the
# CPUs, their model and the kernel (and ", NOTE" when NOTE is not empty),
# and the versions of the Debian packages PACKAGE... installed.
bench_machine() {
    local note=$1 model
    shift
    model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
    echo "machine: $(nproc) CPUs (${model:-unknown model}), Linux $(uname -r)${note:+, $note}"
    if command -v dpkg-query > /dev/null; then
        # shellcheck disable=SC2016 # dpkg-query's own ${...} fields
        echo "packages: $(dpkg-query -W -f '${Package} ${Version}, ' "$@" 2> /dev/null | sed 's/, $//')"
    fi
}
