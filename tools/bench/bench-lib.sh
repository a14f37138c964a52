# shellcheck shell=bash
# bench-lib.sh - what the benchmark scripts share: where the build and its
# programs are, stopping what they started by its PID, starting dbd and
# waiting until it answers, waiting for dbbench's measured run, reading its
# JSON summary, comparing settings of dbd round by round, and saying what
# machine the figures come from.
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

# bench_install_deps: installs the Debian packages the tests and the
# benchmarks use, those missing only (tools/install-deps --test --bench;
# it needs root or sudo when something is missing), so that a comparison
# runs on a fresh machine.  NO_INSTALL=1 skips it.
bench_install_deps() {
    [ -z "${NO_INSTALL:-}" ] || return 0
    "$(dirname "${BASH_SOURCE[0]}")/../install-deps" --test --bench ||
        { echo "bench: tools/install-deps --test --bench failed" >&2; exit 1; }
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

# bench_dbd_conf DIR DATASOURCE URL POOL: on standard output, the dbd.conf
# of a dbd in DIR (socket DIR/dbd.sock, connector modules in
# DIR/connectors) with the one datasource DATASOURCE.
bench_dbd_conf() {
    cat << CONF
[dbd]
endpoint = ipc://$1/dbd.sock
connector_dir = $1/connectors
log_level = warning

[datasource $2]
url = $3
pool = $4
CONF
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

# bench_compare_setup NAME: what a script comparing settings of dbd on one
# SQLite datasource (run-audit.sh, run-rules.sh) starts with: duration,
# rounds, mix, clients, inflight, pool and users from DURATION, ROUNDS,
# MIX, CLIENTS, INFLIGHT, POOL and USERS (defaults 10, 3,
# read=80,upsert=20, 4, 16, 2, 10000); the programs and the sqlite
# connector checked; a throw-away directory dir (dbd-NAME.XXXXXX) holding
# the connector and the Kamailio schema, removed on exit together with a
# dbd still running.
# shellcheck disable=SC2034  # set for the caller
bench_compare_setup() {
    duration=${DURATION:-10}
    rounds=${ROUNDS:-3}
    mix=${MIX:-read=80,upsert=20}
    clients=${CLIENTS:-4}
    inflight=${INFLIGHT:-16}
    pool=${POOL:-2}
    users=${USERS:-10000}
    local connector=$build/connectors/sqlite/.libs/sqlite.so
    local schema=$src/tools/schema/sqlite.sql
    bench_need "make dbd/dbd tools/dbctl/dbctl tools/dbbench/dbbench connectors/sqlite/sqlite.la" \
        "$dbd" "$dbctl" "$dbbench" "$connector" "$schema"
    command -v sqlite3 > /dev/null || die "the sqlite3 command is needed (Debian package sqlite3)"
    dir=$(mktemp -d -t "dbd-$1.XXXXXX")
    dbd_pid=
    trap 'stop "$dbd_pid"; rm -rf "$dir"' EXIT
    trap 'exit 130' INT TERM
    bench_sqlite_dir "$dir" "$connector" "$schema"
}

# bench ARGS...: dbbench on datasource bench at $endpoint with the JSON
# summary; dies (showing its messages) when it fails.
bench() {
    "$dbbench" --endpoint "$endpoint" --datasource bench --users "$users" \
        --json "$@" 2>> "$dir/dbbench.log" ||
        { tail -20 "$dir/dbbench.log" >&2; die "dbbench $* failed"; }
}

# bench_compare_all EXTRA PACKAGES SETTING...: the bench subscribers
# written once (with the first SETTING), then the machine (and the Debian
# PACKAGES, blank-separated), the load and bench_compare's table.
bench_compare_all() {
    local extra=$1 packages=$2
    shift 2
    write_conf "$1"
    bench_start_dbd "$dbd" "$dbctl" "$dir/dbd.conf" "$dir/dbd.log" "$endpoint"
    echo "prefilling $users subscribers..." >&2
    bench --prefill --count 1 > /dev/null
    stop "$dbd_pid"
    dbd_pid=
    # shellcheck disable=SC2086  # a list of package names
    bench_machine "" $packages
    echo "dbd + sqlite (pool $pool, $users subscribers), dbbench $mix, $clients clients x" \
         "$inflight in flight, ${duration}s per point, median of $rounds rounds"
    echo
    bench_compare "$extra" "$@"
}

# bench_compare EXTRA SETTING...: ROUNDS rounds of every SETTING in turn
# (so that a slow patch of the machine spreads over all of them); each:
# write_conf SETTING (the caller's: writes $dir/dbd.conf and sets
# endpoint), dbd started, `bench` (the caller's dbbench wrapper) run with
# --mix $mix --clients $clients --inflight $inflight --duration $duration,
# then `bench_extra` (the caller's) for the column EXTRA, dbd stopped.
# Prints a Markdown table of each setting's medians, throughput relative
# to the first, then every round.  Uses dir, dbd, dbctl, rounds.
# shellcheck disable=SC2154  # dir, rounds, mix... are the caller's
bench_compare() {
    local extra=$1 s out round results=$dir/results
    shift
    : > "$results"
    for round in $(seq 1 "$rounds"); do
        for s in "$@"; do
            write_conf "$s"
            bench_start_dbd "$dbd" "$dbctl" "$dir/dbd.conf" "$dir/dbd.log" "$endpoint"
            echo "round $round/$rounds: $s, ${duration}s..." >&2
            out=$(bench --mix "$mix" --clients "$clients" --inflight "$inflight" \
                --duration "$duration")
            echo "$s $round $(json_num throughput "$out") $(json_num p50_us "$out")" \
                 "$(json_num p99_us "$out") $(json_num errors "$out") $(bench_extra)" >> "$results"
            stop "$dbd_pid"
            dbd_pid=
        done
    done
    echo "| setting | req/s | vs $1 | p50 µs | p99 µs | errors | $extra |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    # Medians per setting (fields: setting round req/s p50 p99 errors extra).
    for s in "$@"; do
        awk -v s="$s" '$1 == s' "$results" > "$dir/one"
        echo "$s $(bench_median 3 "$dir/one") $(bench_median 4 "$dir/one")" \
             "$(bench_median 5 "$dir/one") $(bench_median 6 "$dir/one")" \
             "$(bench_median 7 "$dir/one")"
    done > "$dir/medians"
    awk 'NR == 1 { base = $2 }
         { printf "| %s | %.0f | %.1f%% | %.0f | %.0f | %d | %d |\n",
                  $1, $2, (base > 0 ? 100 * $2 / base : 0), $3, $4, $5, $6 }' "$dir/medians"
    echo
    echo "every round (setting round req/s p50 p99 errors $extra):"
    sed 's/^/    /' "$results"
}

# bench_median K FILE: the median of field K over the lines of FILE.
bench_median() {
    sort -n -k"$1" "$2" | awk -v k="$1" '{ v[NR] = $k } END { print v[int((NR + 1) / 2)] }'
}

# bench_json_size OP 1|2 JSON: the request (1) or reply (2) size in bytes
# of operation OP from the "sizes" object of a dbbench summary.
bench_json_size() {
    sed -n "s/.*\"$1\":{\"request\":\\([0-9]*\\),\"reply\":\\([0-9]*\\)}.*/\\$2/p" <<< "$3"
}

# bench_errors JSON: a summary's errors as a table cell: "0", or the count
# and how many of each status ("12 (BUSY 10, TIMEOUT 2)"); empty when the
# summary has none.
bench_errors() {
    local n by
    n=$(json_num errors "$1")
    [ -n "$n" ] || return 0
    by=$(sed -n 's/.*"errors_by_status":{\([^}]*\)}.*/\1/p' <<< "$1" |
        sed 's/"\([^"]*\)":\([0-9]*\)/\1 \2/g; s/,/, /g')
    if [ "$n" = 0 ] || [ -z "$by" ]; then echo "$n"; else echo "$n ($by)"; fi
}
