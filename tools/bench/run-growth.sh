#!/usr/bin/env bash
# run-growth.sh - how dbd's cost grows: throughput, latency and dbd's
# resident memory as the subscriber and location tables grow, and as the
# number of connected clients grows.
#
# For each backend and each row count N: a fresh database (a SQLite file,
# or a throw-away PostgreSQL server on loopback, tests/lib/servers.sh) with
# the Kamailio schema, dbd with one datasource (pool 4) on an ipc endpoint,
# N bench subscribers written through dbd (dbbench --prefill) and N
# location rows, one per bench user, inserted with SQL in the shape
# dbbench's upsert writes (expiring a day ahead, so that all stay live for
# the run), then ANALYZE (SQLite: and a WAL checkpoint; PostgreSQL: VACUUM
# ANALYZE).  Then dbbench runs each operation of "read locate upsert" over
# all N users (random users), at 1 client x 1 in flight (latency) and at 4
# clients x 16 in flight (throughput), DURATION seconds each.  dbd's VmRSS
# and RssAnon (/proc/PID/status) are read once after the prefill and
# sampled every 0.2 s during the runs (the peak per operation is kept).
#
# At the largest N of each backend, the clients growth: for each C in
# CLIENT_COUNTS, read with C clients x 1 in flight for DURATION seconds:
# req/s, p50, p99, errors, and dbd's peak VmRSS and open file descriptors
# during the run (sampled with the memory).  Each client is its own
# connection to dbd, all from one dbbench process.  dbd holds one
# descriptor per client (it raises its own soft limit to the hard one) and
# dbbench about four: when the soft limit of open files (ulimit -n) is
# below what the largest C needs, the script raises it (up to the hard
# limit) for itself and the processes it starts, and says so.
#
# Prints Markdown tables (the operations per backend, N and op; memory and
# set-up times per backend and N; the clients growth) and, per backend and
# op, "flat within 2x?" lines: p50 at 1x1 and peak VmRSS (and RssAnon) at
# the largest N over the smallest N.  With OUT, also writes them to
# OUT/growth.md, the figures as OUT/growth-rows.dat, growth-memory.dat and
# growth-clients.dat (fields as in the comment on rows_res), and the plots
# OUT/growth-p99.png, growth-rps.png, growth-rss.png (against the rows, log
# x) and growth-clients.png (req/s and p99 against the clients, log x).
#
# Usage: tools/bench/run-growth.sh [BUILD_DIR]
# Environment: DBD_BUILD (build dir when no argument, default ./build),
#   BACKENDS (default "sqlite pgsql"), ROW_COUNTS (default "1000 10000
#   100000 1000000"), CLIENT_COUNTS (default "1 10 100 1000"), DURATION
#   (seconds per run, default 5), OUT (directory for the tables and plots;
#   none by default), KEEP=1 (keep the throw-away directory), NO_INSTALL=1
#   (do not run tools/install-deps --test --bench first, which installs
#   the missing packages).
# Run time with the defaults: about 8 minutes on 2 CPUs.  Per backend and
# N: 6 runs of DURATION s plus about 0.5 s of set-up each, and the fill
# (1,000,000 subscribers through dbd took 12 s on SQLite and 68 s on
# PostgreSQL, as many bindings by SQL 9 s and 18 s); then per backend 4
# clients runs.
# Benchmark a build configured without --enable-sanitizers.  The load
# generator and dbd share the machine's CPUs.
set -euo pipefail

# shellcheck source=tools/bench/bench-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
bench_paths "$@"
bench_install_deps

backends=${BACKENDS:-sqlite pgsql}
row_counts=${ROW_COUNTS:-1000 10000 100000 1000000}
client_counts=${CLIENT_COUNTS:-1 10 100 1000}
duration=${DURATION:-5}
out_dir=${OUT:-}
pool=4
ops="read locate upsert"

die() { echo "run-growth: $*" >&2; exit 1; }
say() { echo "run-growth: $*" >&2; }

for b in $backends; do
    case $b in
        sqlite) command -v sqlite3 > /dev/null ||
                    die "the sqlite3 command is needed (Debian package sqlite3)" ;;
        pgsql) command -v psql > /dev/null ||
                   die "the psql command is needed (tools/install-deps --test installs it)" ;;
        *) die "BACKENDS holds sqlite and pgsql, not \"$b\"" ;;
    esac
    bench_need "make all" "$build/connectors/$b/.libs/$b.so"
done
bench_need "make all" "$dbd" "$dbctl" "$dbbench" "$src/tools/dbd-schema"
for n in $row_counts $client_counts $duration; do
    [[ $n =~ ^[1-9][0-9]*$ ]] ||
        die "ROW_COUNTS, CLIENT_COUNTS and DURATION take whole numbers > 0, not \"$n\""
done
if [ -n "$out_dir" ]; then
    command -v gnuplot > /dev/null || die "gnuplot is needed for the plots (tools/install-deps --bench)"
    mkdir -p "$out_dir"
    out_dir=$(cd "$out_dir" && pwd)
fi
# shellcheck disable=SC2086  # lists of numbers
rows_min=$(printf '%s\n' $row_counts | sort -n | head -1)
# shellcheck disable=SC2086
rows_max=$(printf '%s\n' $row_counts | sort -n | tail -1)
# shellcheck disable=SC2086
clients_max=$(printf '%s\n' $client_counts | sort -n | tail -1)

# Open files: dbbench holds four per client (the connection and ZeroMQ's
# signalling of three sockets), plus what every process holds anyway.
# (dbd holds one per client and raises its own soft limit to the hard
# one.)
fds_wanted=$((clients_max * 4 + 256))
fds_soft=$(ulimit -Sn)
fds_hard=$(ulimit -Hn)
fds_note="open files limit (ulimit -n) $fds_soft, unchanged"
if [ "$fds_soft" != unlimited ] && [ "$fds_soft" -lt "$fds_wanted" ]; then
    fds_new=$fds_wanted
    if [ "$fds_hard" != unlimited ] && [ "$fds_hard" -lt "$fds_new" ]; then
        fds_new=$fds_hard
    fi
    ulimit -Sn "$fds_new"
    fds_note="open files limit (ulimit -n) raised from $fds_soft to $fds_new for dbbench"
    [ "$fds_new" -ge "$fds_wanted" ] ||
        say "warning: $clients_max clients want $fds_wanted open files, the hard limit is $fds_new"
fi
say "$fds_note"

dir=$(mktemp -d -t dbd-growth.XXXXXX)
chmod 755 "$dir"   # the postgres user must reach its data directory
dbd_pid=
sampler_pid=

# pgsql_start, servers_stop, as_user.
# shellcheck source=tests/lib/servers.sh
. "$src/tests/lib/servers.sh"

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    set +e
    stop "$sampler_pid"
    stop "$dbd_pid"
    servers_stop
    if [ -n "${KEEP:-}" ]; then
        say "kept $dir"
    else
        rm -rf "$dir"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Result lines (rows_res, mem_res, clients_res), blank-separated:
#   rows:    backend N op p50_1x1 p99_1x1 req/s_4x16 p99_4x16 errors rss_peak
#            anon_peak bytes_request/reply
#   memory:  backend N prefill_s location_s rss anon rss_peak anon_peak
#   clients: backend N C req/s p50 p99 errors rss_peak fds_peak
rows_res=$dir/rows.res
mem_res=$dir/memory.res
clients_res=$dir/clients.res
: > "$rows_res"
: > "$mem_res"
: > "$clients_res"

# db_query SQL: runs SQL on the point's database ($backend, $point).
db_query() {
    if [ "$backend" = pgsql ]; then
        as_user postgres psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$PGSQL_SOCKET_DIR" \
            -p "$PGSQL_PORT" -U postgres -d dbdtest -c "$1"
    else
        sqlite3 -bail -cmd '.timeout 5000' "$point/db.sqlite" "$1"
    fi
}

# The location columns the upsert writes, and the values of bench user i
# (SQL of the backend: i is the row number, exp and mod the expiry and
# modification times) in the same order; workload.c's upsert_request.
loc_columns="ruid, username, domain, contact, received, path, expires, q,
    callid, cseq, last_modified, flags, cflags, user_agent, socket, methods,
    instance, reg_id, server_id, connection_id, keepalive, partition"
loc_values="'ruid-' || i, 'user' || i, 'bench.example',
    'sip:user' || i || '@127.0.0.1:5060', NULL, NULL, exp, 1.0,
    'dbbench-user' || i, 1, mod, 0, 0, 'dbbench', 'udp:127.0.0.1:5060', 8159,
    NULL, 0, 0, -1, 0, 0"

# insert_locations N: one binding per bench user, then fresh statistics.
# SQLite keeps datetimes as UTC text with microseconds, as dbd writes them.
insert_locations() {
    if [ "$backend" = pgsql ]; then
        db_query "INSERT INTO location ($loc_columns)
            SELECT $loc_values FROM generate_series(0, $1 - 1) AS i,
                (SELECT m AS mod, m + interval '1 day' AS exp
                 FROM (SELECT date_trunc('second', now() AT TIME ZONE 'UTC') AS m) AS s) AS t;" \
            > /dev/null
        db_query 'VACUUM ANALYZE;' > /dev/null
    else
        db_query "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $1),
            t(exp, mod) AS (SELECT strftime('%Y-%m-%d %H:%M:%S', 'now', '+1 day') || '.000000',
                                   strftime('%Y-%m-%d %H:%M:%S', 'now') || '.000000')
            INSERT INTO location ($loc_columns) SELECT $loc_values FROM n, t;
            ANALYZE;" > /dev/null
        checkpoint
    fi
}

# Moves the write-ahead log into the database file (dbd is idle here).
checkpoint() {
    local r
    r=$(db_query 'PRAGMA wal_checkpoint(TRUNCATE);') || die "checkpoint failed"
    [ "${r%%|*}" = 0 ] || say "checkpoint incomplete ($r)"
}

# dbd's memory in kB: "VmRSS RssAnon".
rss_now() { awk '/^VmRSS:/ { t = $2 } /^RssAnon:/ { a = $2 } END { print t, a }' "/proc/$dbd_pid/status"; }

# Samples dbd every 0.2 s into $point/samples: "VmRSS RssAnon fds".
start_sampler() {
    ( while sleep 0.2; do
          m=$(rss_now 2> /dev/null) || exit 0
          f=$(find "/proc/$dbd_pid/fd" -mindepth 1 -maxdepth 1 2> /dev/null | wc -l)
          echo "$m $f"
      done ) > "$point/samples" &
    sampler_pid=$!
}

# samples_since LINE: the peaks "VmRSS RssAnon fds" of the samples after
# line LINE (the current figures when there are none).
samples_since() {
    awk -v from="$1" 'NR > from { if ($1 > r) r = $1; if ($2 > a) a = $2; if ($3 > f) f = $3; n++ }
        END { if (n) print r, a, f; else print "-", "-", "-" }' "$point/samples"
}
sample_count() { wc -l < "$point/samples"; }

# run_bench ARGS...: dbbench's JSON summary over all N users; dies
# (showing its messages) when it fails.
run_bench() {
    "$dbbench" --endpoint "$endpoint" --datasource bench --users "$rows" \
        --json "$@" 2>> "$point/dbbench.log" ||
        { tail -20 "$point/dbbench.log" >&2; die "dbbench $* failed"; }
}

# start_point: the database, dbd, the subscribers and the bindings.
start_point() {
    local url t0 t1 t2
    point=$dir/$backend-$rows
    mkdir -m 755 "$point" "$point/connectors"
    install -m 644 "$build/connectors/$backend/.libs/$backend.so" "$point/connectors/"
    if [ "$backend" = pgsql ]; then
        unset DBD_TEST_PGSQL_URL   # pgsql_start sets it only when it started one
        pgsql_start "$point" || die "PostgreSQL did not start"
        [ -n "${DBD_TEST_PGSQL_URL:-}" ] || die "no PostgreSQL server is installed"
        url=$DBD_TEST_PGSQL_URL
        "$src/tools/dbd-schema" pgsql "$url" > /dev/null || die "dbd-schema failed"
    else
        url=sqlite://$point/db.sqlite
        "$src/tools/dbd-schema" sqlite "$point/db.sqlite" > /dev/null || die "dbd-schema failed"
    fi
    endpoint=ipc://$point/dbd.sock
    bench_dbd_conf "$point" bench "$url" "$pool" > "$point/dbd.conf"
    bench_start_dbd "$dbd" "$dbctl" "$point/dbd.conf" "$point/dbd.log" "$endpoint"
    say "$backend, $rows rows: writing the subscribers..."
    t0=$(now_ms)
    run_bench --prefill --count 1 --mix read > /dev/null
    t1=$(now_ms)
    say "$backend, $rows rows: inserting the bindings..."
    insert_locations "$rows"
    t2=$(now_ms)
    prefill_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
    location_s=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
    sleep 1
    read -r rss0 anon0 <<< "$(rss_now)"
}

stop_point() {
    stop "$sampler_pid"
    sampler_pid=
    stop "$dbd_pid"
    dbd_pid=
    servers_stop || true   # (it returns the server's exit status)
    [ -n "${KEEP:-}" ] || rm -rf "$point"
}

# The operations at one backend and N.
run_ops() {
    local op o1 o16 from peak
    for op in $ops; do
        from=$(sample_count)
        say "$backend, $rows rows: $op, 1 x 1 and 4 x 16, ${duration}s each..."
        o1=$(run_bench --mix "$op" --clients 1 --inflight 1 --duration "$duration")
        o16=$(run_bench --mix "$op" --clients 4 --inflight 16 --duration "$duration")
        peak=$(samples_since "$from")
        echo "$backend $rows $op $(json_num p50_us "$o1") $(json_num p99_us "$o1")" \
             "$(json_num throughput "$o16") $(json_num p99_us "$o16")" \
             "$(( $(json_num errors "$o1") + $(json_num errors "$o16") ))" \
             "${peak% *} $(bench_json_size "$op" 1 "$o1")/$(bench_json_size "$op" 2 "$o1")" \
             >> "$rows_res"
    done
    read -r peak_rss peak_anon _ <<< "$(samples_since 0)"
    echo "$backend $rows $prefill_s $location_s $rss0 $anon0 $peak_rss $peak_anon" >> "$mem_res"
}

# The clients growth at one backend and N.
run_clients() {
    local c o from line
    for c in $client_counts; do
        from=$(sample_count)
        say "$backend, $rows rows: read, $c clients x 1, ${duration}s..."
        o=$(run_bench --mix read --clients "$c" --inflight 1 --duration "$duration")
        line="$(json_num throughput "$o") $(json_num p50_us "$o") $(json_num p99_us "$o")"
        line+=" $(json_num errors "$o")"
        read -r peak_rss _ peak_fds <<< "$(samples_since "$from")"
        echo "$backend $rows $c $line $peak_rss $peak_fds" >> "$clients_res"
    done
}

for backend in $backends; do
    for rows in $row_counts; do
        start_point
        start_sampler
        run_ops
        [ "$rows" != "$rows_max" ] || run_clients
        stop_point
    done
done

# --- the report ---------------------------------------------------------

report() {
    bench_machine "$fds_note" libsqlite3-0 libpq5 libzmq5 libmsgpackc2
    echo "dbd (pool $pool) on each backend with N subscribers and N bindings;"
    echo "dbbench over all N users, ${duration}s per run; memory sampled every 0.2 s."
    echo
    echo "| backend | rows | op | 1x1 p50 µs | 1x1 p99 µs | 4x16 req/s | 4x16 p99 µs | errors | dbd peak VmRSS kB | peak RssAnon kB | bytes req/reply |"
    echo "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    awk '{ printf "| %s | %d | %s | %.0f | %.0f | %.0f | %.0f | %d | %s | %s | %s |\n",
               $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }' "$rows_res"
    echo
    echo "| backend | rows | subscribers written s | bindings inserted s | dbd VmRSS after fill kB | RssAnon kB | peak VmRSS kB | peak RssAnon kB |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    awk '{ printf "| %s | %d | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8 }' "$mem_res"
    if [ -s "$clients_res" ]; then
        echo
        echo "clients growth: read, C clients x 1 in flight, each its own connection"
        echo
        echo "| backend | rows | clients | req/s | p50 µs | p99 µs | errors | dbd peak VmRSS kB | dbd open fds (peak) |"
        echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        awk '{ printf "| %s | %d | %d | %.0f | %.0f | %.0f | %d | %s | %s |\n",
                   $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$clients_res"
    fi
    echo
    # Ratios at the largest N over the smallest: p50 at 1x1, peak VmRSS.
    awk -v lo="$rows_min" -v hi="$rows_max" '
        { k = $1 " " $3; if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
        $2 == lo { p_lo[k] = $4; r_lo[k] = $9; a_lo[k] = $10 }
        $2 == hi { p_hi[k] = $4; r_hi[k] = $9; a_hi[k] = $10 }
        END {
            for (i = 1; i <= n; i++) {
                k = order[i]
                if (lo == hi || !(k in p_lo) || !(k in p_hi) || p_lo[k] <= 0 ||
                    r_lo[k] <= 0 || a_lo[k] <= 0)
                    continue
                p = p_hi[k] / p_lo[k]; r = r_hi[k] / r_lo[k]; a = a_hi[k] / a_lo[k]
                printf "flat within 2x? %s, %d -> %d rows: p50 (1x1) x%.2f, dbd VmRSS x%.2f (RssAnon x%.2f): %s\n",
                    k, lo, hi, p, r, a, (p <= 2 && r <= 2) ? "yes" : "no"
            }
        }' "$rows_res"
}

report_text=$(report)
echo
echo "$report_text"
[ -n "$out_dir" ] || exit 0

echo "$report_text" > "$out_dir/growth.md"
cp "$rows_res" "$out_dir/growth-rows.dat"
cp "$clients_res" "$out_dir/growth-clients.dat"
cp "$mem_res" "$out_dir/growth-memory.dat"

# Per backend (and op) series for gnuplot, in the throw-away directory.
plots=$dir/plot
mkdir -p "$plots"
for b in $backends; do
    awk -v b="$b" '$1 == b' "$mem_res" > "$plots/$b-memory.dat"
    awk -v b="$b" '$1 == b' "$clients_res" > "$plots/$b-clients.dat"
    for op in $ops; do
        awk -v b="$b" -v op="$op" '$1 == b && $3 == op' "$rows_res" > "$plots/$b-$op.dat"
    done
done
# color BACKEND: the backend's line colour (house style).
color() { if [ "$1" = sqlite ]; then echo '#2471a3'; else echo '#c0392b'; fi; }

# rows_plot FILE TITLE YLABEL COLUMN YSCALE: COLUMN of the rows results
# against the rows, a line per backend (colour) and op (dash); YSCALE is
# the gnuplot command for the y axis.
rows_plot() {
    local b op dash clauses=()
    for b in $backends; do
        dash=0
        for op in $ops; do
            dash=$((dash + 1))
            clauses+=("\"$plots/$b-$op.dat\" using 2:$4 with linespoints lc rgb \"$(color "$b")\" dt $dash title \"$b $op\"")
        done
    done
    gnuplot << PLOT
set terminal pngcairo size 900,500 font ",11"
set output "$out_dir/$1"
set title "$2"
set xlabel "rows in subscriber and in location"
set ylabel "$3"
set logscale x
$5
set grid
set key outside right
plot $(IFS=,; echo "${clauses[*]}")
PLOT
}
rows_plot growth-p99.png "p99 at 4 clients x 16 in flight against the table size" \
    "p99 (µs, log)" 7 "set logscale y"
rows_plot growth-rps.png "throughput at 4 clients x 16 in flight against the table size" \
    "requests per second" 6 "set yrange [0:*]"

clauses=()
for b in $backends; do
    clauses+=("\"$plots/$b-memory.dat\" using 2:(\$7 / 1024) with linespoints lc rgb \"$(color "$b")\" dt 1 title \"$b VmRSS\"")
    clauses+=("\"$plots/$b-memory.dat\" using 2:(\$8 / 1024) with linespoints lc rgb \"$(color "$b")\" dt 2 title \"$b RssAnon\"")
done
gnuplot << PLOT
set terminal pngcairo size 900,500 font ",11"
set output "$out_dir/growth-rss.png"
set title "dbd's resident memory against the table size (peak during the runs)"
set xlabel "rows in subscriber and in location"
set ylabel "MiB"
set logscale x
set yrange [0:*]
set grid
set key outside right
plot $(IFS=,; echo "${clauses[*]}")
PLOT

if [ -s "$clients_res" ]; then
    clauses=()
    for b in $backends; do
        [ -s "$plots/$b-clients.dat" ] || continue
        clauses+=("\"$plots/$b-clients.dat\" using 3:4 axes x1y1 with linespoints lc rgb \"$(color "$b")\" dt 1 title \"$b req/s\"")
        clauses+=("\"$plots/$b-clients.dat\" using 3:6 axes x1y2 with linespoints lc rgb \"$(color "$b")\" dt 2 title \"$b p99\"")
    done
    gnuplot << PLOT
set terminal pngcairo size 900,500 font ",11"
set output "$out_dir/growth-clients.png"
set title "read with C clients x 1 in flight ($rows_max rows)"
set xlabel "clients (connections to dbd)"
set ylabel "requests per second"
set y2label "p99 (µs, log)"
set logscale x
set logscale y2
set yrange [0:*]
set ytics nomirror
set y2tics
set grid
set key outside right
plot $(IFS=,; echo "${clauses[*]}")
PLOT
fi
say "tables and plots in $out_dir"
