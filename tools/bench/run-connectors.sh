#!/usr/bin/env bash
# run-connectors.sh - dbd against its limits, for every connector: point
# reads and upserts through dbd (dbbench) over a grid of clients x
# requests in flight, next to the raw transport with the same shape and
# message sizes (zmq-echo: what ZeroMQ alone achieves) and to the same
# requests in-process on the same connector module (direct-bench: what the
# backend alone achieves).
#
# Starts the throw-away backends of the tests (tests/lib/backends.sh: what
# is installed of MariaDB, PostgreSQL, slapd, Berkeley DB, unixODBC), adds
# a sqlite (sq) and a text (tx) datasource, starts dbd with all of them and
# prefills each with the bench subscribers.  Then:
#   - per operation, clients and in flight: zmq-echo once (it does not
#     depend on the backend), with the request and reply sizes dbbench
#     reports for that operation on the first datasource;
#   - per datasource, operation and clients: direct-bench once, with
#     min(clients, DIRECT_MAX) threads, each with its own connection and
#     one request at a time.  DIRECT_MAX is 64 because the backends'
#     throw-away servers take only so many connections (PostgreSQL 100,
#     MariaDB 151) and dbd holds its pools open meanwhile;
#   - per datasource, operation, clients and in flight: dbbench through
#     dbd.
# Each run lasts DURATION seconds.  Prints the machine, then one Markdown
# table with every point (req/s counts the answers that were not errors;
# the errors, BUSY at high concurrency for instance, have a column of
# their own; p50 and p99 are over every answer), then a "goal check"
# table: per datasource, reads only, dbd/echo at each point and dbd's p50
# at 1 client x 1 in flight against the echo's (the goal: within 2x).
# Everything started is stopped by its recorded PID.
#
# With OUT set (a directory, created if need be), also writes there
# connectors.md (what is printed) and, when gnuplot is installed,
# connectors-OP.png per operation: dbd's throughput per datasource against
# the requests outstanding (clients x in flight; log scales), the echo as
# a dashed line.  Points with the same product (1 x 16 and 16 x 1) share
# an x and are joined in order of clients.
#
# Usage: tools/bench/run-connectors.sh BUILD_DIR
# Environment: CLIENT_COUNTS (default "1 16 256"), INFLIGHTS (requests in
#   flight per client, default "1 16 128"), DURATION (seconds per run,
#   default 3), OPS (default "read upsert"), DATASOURCES (names, default
#   all that are configured; every installed backend starts regardless),
#   DIRECT_MAX (most direct-bench threads, default 64), USERS (bench
#   subscribers, default 10000), OUT (directory for the table and plots,
#   default none), NO_INSTALL=1 (do not run tools/install-deps --test
#   --bench first, which installs the missing packages).
# Time: the default grid is 9 points x 2 operations per datasource; with
#   the 9 datasources of a machine with every backend installed that is
#   162 dbbench runs, 54 direct-bench runs and 18 echo runs of 3 s (about
#   12 minutes), plus their setup and draining (up to a few seconds each
#   at the highest concurrency), the backends' start and the prefills:
#   about 15 minutes on 2 CPUs, under 20.
# Benchmark a build configured without --enable-sanitizers; build
# `make all tools/bench/direct-bench tools/bench/zmq-echo`.  The load
# generator, dbd and the servers share the machine's CPUs.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 64; }
# shellcheck source=tools/bench/bench-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
bench_paths "$1"
bench_install_deps
DBD_BUILD=$build
DBD_SRC=$src
export DBD_BUILD DBD_SRC
read -ra client_counts <<< "${CLIENT_COUNTS:-1 16 256}"
read -ra inflights <<< "${INFLIGHTS:-1 16 128}"
read -ra ops <<< "${OPS:-read upsert}"
read -ra only <<< "${DATASOURCES:-}"
duration=${DURATION:-3}
direct_max=${DIRECT_MAX:-64}
users=${USERS:-10000}
out=${OUT:-}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

direct=$build/tools/bench/direct-bench
echo_bin=$build/tools/bench/zmq-echo

die() { echo "run-connectors: $*" >&2; exit 1; }

bench_need "make all tools/bench/direct-bench tools/bench/zmq-echo" \
    "$dbd" "$dbctl" "$dbbench" "$direct" "$echo_bin"
for n in "${client_counts[@]}" "${inflights[@]}" "$direct_max"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "clients, in flight and DIRECT_MAX are numbers > 0, not '$n'"
done
for op in "${ops[@]}"; do
    case $op in read | upsert) ;; *) die "OPS: read or upsert, not '$op'" ;; esac
done
if [ ${#client_counts[@]} -eq 0 ] || [ ${#inflights[@]} -eq 0 ] || [ ${#ops[@]} -eq 0 ]; then
    die "CLIENT_COUNTS, INFLIGHTS and OPS must not be empty"
fi
if [ -n "$out" ]; then
    mkdir -p "$out"
    out=$(cd "$out" && pwd)
fi

# shellcheck source=tests/lib/backends.sh
. "$DBD_SRC/tests/lib/backends.sh"

dir=$(mktemp -d -t dbd-connbench.XXXXXX)
dbd_pid=

cleanup() {
    # Best effort: a server that is gone already must not cut it short.
    set +e
    stop "$dbd_pid"
    backends_stop
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

backends_start || die "the backends did not start"

# dbd only loads connectors from a directory nobody else can write to.
mkdir -m 755 "$dir/connectors"
for so in "$DBD_BUILD"/connectors/*/.libs/*.so; do
    [ -e "$so" ] && install -m 644 "$so" "$dir/connectors/"
done
"$DBD_SRC/tools/dbd-schema" sqlite "$dir/db.sqlite" > /dev/null
"$DBD_SRC/tools/dbd-schema" text "$dir/text" > /dev/null

endpoint="ipc://$dir/dbd.sock"
{
    cat << CONF
[dbd]
endpoint = $endpoint
connector_dir = $dir/connectors
log_level = warning

[datasource sq]
url = sqlite://$dir/db.sqlite
pool = 4

[datasource tx]
url = text://$dir/text
pool = 4

CONF
    cat "$DBD_EXTRA_DATASOURCES"
} > "$dir/dbd.conf"

bench_start_dbd "$dbd" "$dbctl" "$dir/dbd.conf" "$dir/dbd.log" "$endpoint"

# Per datasource a file of direct-bench arguments, one a line: the
# connector module, the URL and the option.NAME keys of its section.
mkdir "$dir/ds"
awk -v out="$dir/ds" -v mods="$dir/connectors" '
    function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
    /^\[datasource [^]]+\]$/ {
        name = $2; sub(/\]$/, "", name); file = out "/" name; print name > (out "/list"); next }
    /^\[/ { file = ""; next }
    file != "" && /=/ {
        key = trim(substr($0, 1, index($0, "=") - 1))
        val = trim(substr($0, index($0, "=") + 1))
        if (key == "url") {
            scheme = val; sub(/:.*/, "", scheme)
            print "--connector" > file; print mods "/" scheme ".so" > file
            print "--url" > file; print val > file
        } else if (key ~ /^option\./) {
            print "--option" > file; print substr(key, 8) "=" val > file
        }
    }' "$dir/dbd.conf"
mapfile -t configured < "$dir/ds/list"
datasources=()
if [ ${#only[@]} -eq 0 ]; then
    datasources=("${configured[@]}")
else
    for ds in "${only[@]}"; do
        if [ -f "$dir/ds/$ds" ]; then
            datasources+=("$ds")
        else
            echo "run-connectors: no datasource $ds (its backend not installed?), skipped" >&2
        fi
    done
fi
[ ${#datasources[@]} -gt 0 ] || die "no datasource to measure"

# dbbench on datasource $1 with the JSON summary; its messages go to the
# log, the last of them to the terminal when it fails.
dbbench_on() {
    local ds=$1
    shift
    "$dbbench" --endpoint "$endpoint" --datasource "$ds" --users "$users" \
        --json "$@" 2>> "$dir/dbbench.log" || { tail -3 "$dir/dbbench.log" >&2; return 1; }
}

prefilled=()
for ds in "${datasources[@]}"; do
    echo "$ds: prefilling $users subscribers..." >&2
    if dbbench_on "$ds" --prefill --count 1 > /dev/null; then
        prefilled+=("$ds")
    else
        touch "$dir/ds/$ds.failed"
    fi
done
[ ${#prefilled[@]} -gt 0 ] || die "no datasource could be prefilled"

# Results, one JSON summary a file (empty when the run failed):
# res/echo-OP-C-I, res/direct-DS-OP-C, res/dbd-DS-OP-C-I.
mkdir "$dir/res"
points=$(( ${#client_counts[@]} * ${#inflights[@]} ))
sizes_note=
for op in "${ops[@]}"; do
    # The echo's message sizes: dbbench's request and dbd's reply for op
    # on the first datasource.
    probe=$(dbbench_on "${prefilled[0]}" --mix "$op=100" --count 1) || probe=
    req=$(bench_json_size "$op" 1 "$probe")
    rep=$(bench_json_size "$op" 2 "$probe")
    if [ -z "$req" ] || [ -z "$rep" ]; then die "no message sizes for $op in: $probe"; fi
    sizes_note+="${sizes_note:+, }$op $req/$rep B"
    n=0
    for c in "${client_counts[@]}"; do
        for i in "${inflights[@]}"; do
            n=$((n + 1))
            echo "echo: $op ($n/$points) $c clients x $i in flight, ${duration}s..." >&2
            "$echo_bin" --clients "$c" --inflight "$i" --duration "$duration" \
                --size "$req" --reply-size "$rep" --json \
                > "$dir/res/echo-$op-$c-$i" 2>> "$dir/echo.log" ||
                { tail -3 "$dir/echo.log" >&2; : > "$dir/res/echo-$op-$c-$i"; }
        done
    done
done

for ds in "${prefilled[@]}"; do
    mapfile -t args < "$dir/ds/$ds"
    for op in "${ops[@]}"; do
        n=0
        for c in "${client_counts[@]}"; do
            threads=$(( c < direct_max ? c : direct_max ))
            echo "$ds: $op direct, $threads threads, ${duration}s..." >&2
            "$direct" "${args[@]}" --users "$users" --mix "$op" \
                --clients "$threads" --duration "$duration" --json \
                > "$dir/res/direct-$ds-$op-$c" 2>> "$dir/direct.log" ||
                { tail -3 "$dir/direct.log" >&2; : > "$dir/res/direct-$ds-$op-$c"; }
            for i in "${inflights[@]}"; do
                n=$((n + 1))
                echo "$ds: $op through dbd ($n/$points) $c clients x $i in flight, ${duration}s..." >&2
                dbbench_on "$ds" --mix "$op=100" --clients "$c" --inflight "$i" \
                    --duration "$duration" > "$dir/res/dbd-$ds-$op-$c-$i" ||
                    : > "$dir/res/dbd-$ds-$op-$c-$i"
            done
        done
    done
done

# The figures of a summary file: req/s p50 p99 errors, "-" for each when
# the run failed.  req/s counts the answers that were not errors: a BUSY
# comes back fast and would otherwise count as work done.  p50 and p99 are
# the tool's, over every answer.
figures() {
    local j requests errors secs
    j=$(cat "$1")
    requests=$(json_num requests "$j")
    errors=$(json_num errors "$j")
    secs=$(json_num duration_s "$j")
    if [ -z "$requests" ] || [ -z "$errors" ] || [ -z "$secs" ]; then
        echo "- - - -"
    else
        awk -v n="$requests" -v e="$errors" -v s="$secs" -v p50="$(json_num p50_us "$j")" \
            -v p99="$(json_num p99_us "$j")" \
            'BEGIN { printf "%.1f %s %s %s\n", (s > 0 ? (n - e) / s : 0), p50, p99, e }'
    fi
}

# One line per point, blank-separated, for the tables and the plots:
# ds op clients inflight dbd-req/s dbd-p50 dbd-p99 echo-req/s echo-p50
# direct-threads direct-req/s direct-p50 direct-p99 direct-errors
# ("-" for what failed); the dbd errors cell goes to errors/DS-OP-C-I.
mkdir "$dir/errors"
: > "$dir/points"
for ds in "${datasources[@]}"; do
    [ ! -e "$dir/ds/$ds.failed" ] || continue
    for op in "${ops[@]}"; do
        for c in "${client_counts[@]}"; do
            threads=$(( c < direct_max ? c : direct_max ))
            read -r d_rps d_p50 d_p99 d_err <<< "$(figures "$dir/res/direct-$ds-$op-$c")"
            for i in "${inflights[@]}"; do
                read -r v_rps v_p50 v_p99 _ <<< "$(figures "$dir/res/dbd-$ds-$op-$c-$i")"
                read -r e_rps e_p50 _ _ <<< "$(figures "$dir/res/echo-$op-$c-$i")"
                bench_errors "$(cat "$dir/res/dbd-$ds-$op-$c-$i")" > "$dir/errors/$ds-$op-$c-$i"
                echo "$ds $op $c $i $v_rps $v_p50 $v_p99 $e_rps $e_p50 $threads $d_rps $d_p50 $d_p99 $d_err" >> "$dir/points"
            done
        done
    done
done

# installed PATTERN...: the Debian packages matching PATTERN... that are
# installed, one a line; none without dpkg-query.
installed() {
    command -v dpkg-query > /dev/null || return 0
    # shellcheck disable=SC2016 # dpkg-query's own ${...} fields
    { dpkg-query -W -f '${db:Status-Status} ${Package}\n' "$@" 2> /dev/null || true; } |
        awk '$1 == "installed" { print $2 }'
}
mapfile -t packages < <(installed libzmq5 libmsgpackc2 libsqlite3-0 mariadb-server \
    'postgresql-[0-9]*' slapd 'libdb[0-9].[0-9]' libodbc2 odbc-postgresql \
    odbc-mariadb libsqliteodbc)

report() {
    bench_machine "load before: $load_before" "${packages[@]}"
    echo "dbbench and zmq-echo: clients ${client_counts[*]} x in flight ${inflights[*]};" \
         "echo sizes (request/reply) $sizes_note;" \
         "direct-bench: min(clients, $direct_max) threads x 1 (the throw-away PostgreSQL" \
         "takes 100 connections, MariaDB 151); ${duration}s per run, $users subscribers"
    echo "req/s: answers other than errors per second; p50 / p99: of every answer, errors included"
    echo
    echo "| datasource | op | clients | in flight | dbd req/s | dbd p50 / p99 µs | errors | echo req/s | echo p50 µs | dbd/echo | direct threads | direct req/s | direct p50 / p99 µs | dbd/direct |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    while read -r ds op c i v_rps v_p50 v_p99 e_rps e_p50 threads d_rps d_p50 d_p99 d_err; do
        awk -v ds="$ds" -v op="$op" -v c="$c" -v i="$i" -v vr="$v_rps" -v v50="$v_p50" \
            -v v99="$v_p99" -v err="$(cat "$dir/errors/$ds-$op-$c-$i")" -v er="$e_rps" \
            -v e50="$e_p50" -v t="$threads" -v dr="$d_rps" -v d50="$d_p50" -v d99="$d_p99" \
            -v derr="$d_err" '
            function num(x) { return x == "-" ? "failed" : sprintf("%.0f", x) }
            function ratio(a, b) { return (a != "-" && b != "-" && b > 0) ? sprintf("%.2f", a / b) : "-" }
            BEGIN {
                direct = num(dr)
                if (dr != "-" && derr != 0) direct = direct " (" derr " errors)"
                printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
                    ds, op, c, i, num(vr),
                    (vr == "-" ? "failed" : num(v50) " / " num(v99)), (err == "" ? "-" : err),
                    num(er), num(e50), ratio(vr, er), t, direct,
                    (dr == "-" ? "failed" : num(d50) " / " num(d99)), ratio(vr, dr)
            }'
    done < "$dir/points"
    for ds in "${datasources[@]}"; do
        [ ! -e "$dir/ds/$ds.failed" ] || echo "| $ds | - | - | - | prefill failed | | | | | | | | | |"
    done
    case " ${ops[*]} " in *" read "*) ;; *) return 0 ;; esac
    echo
    echo "goal check, reads: dbd/echo throughput at each clients x in flight;" \
         "dbd's p50 at 1 x 1 against the echo's (goal: within 2x)"
    echo
    local head="| datasource |" rule="| --- |" c i
    for c in "${client_counts[@]}"; do
        for i in "${inflights[@]}"; do
            head+=" $c x $i |"
            rule+=" ---: |"
        done
    done
    echo "$head p50 dbd/echo at 1 x 1 | within 2x |"
    echo "$rule ---: | --- |"
    awk '$2 == "read" {
            if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
            row[$1] = row[$1] " " (($5 != "-" && $8 != "-" && $8 > 0) ? sprintf("%.2f", $5 / $8) : "-") " |"
            if ($3 == 1 && $4 == 1 && $6 != "-" && $9 != "-" && $9 > 0) p50[$1] = $6 / $9
        }
        END {
            for (k = 1; k <= n; k++) {
                ds = order[k]
                if (ds in p50)
                    printf "| %s |%s %.2f | %s |\n", ds, row[ds], p50[ds], (p50[ds] <= 2 ? "yes" : "no")
                else
                    printf "| %s |%s - | - |\n", ds, row[ds]
            }
        }' "$dir/points"
}

echo
if [ -z "$out" ]; then
    report
    exit 0
fi
report | tee "$out/connectors.md"

command -v gnuplot > /dev/null || { echo "run-connectors: no gnuplot, no plots" >&2; exit 0; }
colors=("#2471a3" "#c0392b" "#27ae60" "#8e44ad" "#d68910" "#17a589" "#7f8c8d" "#a04000" "#1b2631" "#cb4335")
for op in "${ops[@]}"; do
    plots=()
    k=0
    # Per datasource and for the echo, "outstanding req/s" sorted by
    # outstanding, then clients; failed or zero points left out (log y).
    for ds in "${datasources[@]}" echo; do
        if [ "$ds" = echo ]; then
            awk -v op="$op" '$2 == op && !seen[$3 " " $4]++ && $8 != "-" && $8 > 0 { print $3 * $4, $3, $8 }' "$dir/points"
        else
            awk -v op="$op" -v ds="$ds" '$1 == ds && $2 == op && $5 != "-" && $5 > 0 { print $3 * $4, $3, $5 }' "$dir/points"
        fi | sort -n -k1,1 -k2,2 > "$dir/plot-$op-$ds"
        [ -s "$dir/plot-$op-$ds" ] || continue
        if [ "$ds" = echo ]; then
            plots+=("\"$dir/plot-$op-$ds\" using 1:3 with linespoints lc rgb \"black\" dt 2 pt 6 title \"ZeroMQ echo\"")
        else
            plots+=("\"$dir/plot-$op-$ds\" using 1:3 with linespoints lc rgb \"${colors[k % ${#colors[@]}]}\" lw 2 pt $((k + 1)) title \"$ds\"")
            k=$((k + 1))
        fi
    done
    [ ${#plots[@]} -gt 0 ] || { echo "run-connectors: nothing to plot for $op" >&2; continue; }
    gnuplot << PLOT
set terminal pngcairo noenhanced size 1000,560 font ",11"
set output "$out/connectors-$op.png"
set title "$op: dbd throughput by datasource against requests outstanding (${duration}s per point)"
set xlabel "requests outstanding (clients x in flight)"
set ylabel "req/s"
set logscale x
set logscale y
set format y "%.0f"
set xrange [0.8:*]
set grid
set key outside right top
plot $(IFS=,; echo "${plots[*]}")
PLOT
done
echo "table and plots in $out" >&2
