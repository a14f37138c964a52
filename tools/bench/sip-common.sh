# shellcheck shell=bash
# sip-common.sh - what sip-register.sh and sip-call.sh share: the
# throw-away directory with a database of bench subscribers (a SQLite file,
# or a throw-away PostgreSQL server on loopback), the SIP server on
# loopback (sipproxy with dbd, or Kamailio on the same database), SIPp runs
# at a fixed rate with their figures, the CPU accounting and the rate
# ladder.  Sourced, not run.
#
# SERVER picks the SIP server: sipproxy (default; sipproxy + dbd) or
# kamailio (Kamailio from Debian with tools/bench/kamailio/kamailio.cfg:
# auth_db, usrloc in DB-only mode, tm; WORKERS UDP workers).  BACKEND
# picks the database: sqlite (default) or pgsql.  The subscribers are
# written through dbd either way; for Kamailio, dbd is stopped before the
# measured runs.
#
# The sourcing script sets bench_name (for messages) and defines
# bench_point RATE SECONDS, which runs SIPp once and prints one result line
# "RATE ATTEMPTED OK FAILED RETRANS OK_PER_S P50_US P99_US EXTRA..." (see
# bench_ladder).

: "${bench_name:?set by the sourcing script}"
build=$(cd "${1:-${DBD_BUILD:-./build}}" && pwd)
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
workers=${WORKERS:-2}
duration=${DURATION:-20}
confirm=${CONFIRM:-60}
users=${USERS:-10000}
pool=${POOL:-2}
server=${SERVER:-sipproxy}
backend=${BACKEND:-sqlite}
domain=bench.example   # dbbench's bench domain; the realm is the domain

dbd=$build/dbd/dbd
dbctl=$build/tools/dbctl/dbctl
dbbench=$build/tools/dbbench/dbbench
sipproxy=$build/proxy/sipproxy
connector=$build/connectors/$backend/.libs/$backend.so
# shellcheck disable=SC2034  # used by the sourcing script
scen=$src/tests/sip

die() { echo "$bench_name: $*" >&2; exit 1; }
say() { echo "$bench_name: $*" >&2; }

case $server in
    sipproxy | kamailio) ;;
    *) die "SERVER is sipproxy or kamailio, not \"$server\"" ;;
esac
case $backend in
    sqlite) db_tool=sqlite3 ;;
    pgsql) db_tool=psql ;;
    *) die "BACKEND is sqlite or pgsql, not \"$backend\"" ;;
esac
for f in "$dbd" "$dbctl" "$dbbench" "$sipproxy" "$connector"; do
    [ -e "$f" ] || die "missing $f (build first: make dbd/dbd tools/dbctl/dbctl tools/dbbench/dbbench proxy/sipproxy connectors/$backend/$backend.la)"
done
for tool in sipp "$db_tool" ss; do
    command -v "$tool" > /dev/null ||
        die "the $tool command is needed (tools/install-deps --test installs it)"
done
if [ "$server" = kamailio ]; then
    command -v kamailio > /dev/null ||
        die "the kamailio command is needed (tools/install-deps --bench installs it)"
fi

dir=$(mktemp -d -t sip-bench.XXXXXX)
chmod 755 "$dir"
dbd_pid=
proxy_pid=
bg_pids=()

# shellcheck source=tools/bench/bench-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    local pid
    [ -z "$capture_pid" ] || stop "$capture_pid"
    for pid in "${bg_pids[@]}"; do stop "$pid"; done
    stop "$proxy_pid"
    stop "$dbd_pid"
    # (servers_stop returns the server's exit status; the run's stays.)
    ! declare -F servers_stop > /dev/null || servers_stop || true
    if [ -n "${KEEP:-}" ]; then
        say "kept $dir"
    else
        rm -rf "$dir"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A UDP port on 127.0.0.1 nobody listens on now.
free_udp_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        if ! ss -Huln "sport = :$port" 2> /dev/null | grep -q .; then
            echo "$port"
            return 0
        fi
    done
    die "no free UDP port"
}

endpoint="ipc://$dir/dbd.sock"
sip_port=$(free_udp_port)

# The database: a SQLite file, or a throw-away PostgreSQL server (the
# tests' own, tests/lib/servers.sh: loopback, fsync off) with the
# Kamailio tables; db_url is its URL for dbd.
if [ "$backend" = pgsql ]; then
    # shellcheck source=tests/lib/servers.sh
    . "$src/tests/lib/servers.sh"
    if [ -n "${PG_STATEMENTS:-}" ]; then
        PGSQL_SERVER_OPTIONS="-c shared_preload_libraries=pg_stat_statements
            -c pg_stat_statements.track_planning=on"
    fi
    pgsql_start "$dir" || die "PostgreSQL did not start"
    [ -n "${DBD_TEST_PGSQL_URL:-}" ] || die "no PostgreSQL server is installed"
    db_url=$DBD_TEST_PGSQL_URL
    "$src/tools/dbd-schema" pgsql "$db_url" > /dev/null || die "dbd-schema failed"
else
    db_url=sqlite://$dir/db.sqlite
    "$src/tools/dbd-schema" sqlite "$dir/db.sqlite" > /dev/null || die "dbd-schema failed"
fi

# db_query SQL: runs SQL on the bench database, prints the rows.
db_query() {
    if [ "$backend" = pgsql ]; then
        as_user postgres psql -X -q -A -t -h "$PGSQL_SOCKET_DIR" -p "$PGSQL_PORT" \
            -U postgres -d dbdtest -c "$1"
    else
        sqlite3 -cmd '.timeout 5000' "$dir/db.sqlite" "$1"
    fi
}

# dbd with one datasource "main" on the bench database, the bench
# subscribers written through it.  For Kamailio, dbd stops again once they
# are written.
start_dbd() {
    mkdir -m 755 "$dir/connectors"
    install -m 644 "$connector" "$dir/connectors/"
    bench_dbd_conf "$dir" main "$db_url" "$pool" > "$dir/dbd.conf"
    bench_start_dbd "$dbd" "$dbctl" "$dir/dbd.conf" "$dir/dbd.log" "$endpoint"
    say "writing $users subscribers (user0..user$((users - 1))@$domain, passwords pass0..)"
    "$dbbench" --endpoint "$endpoint" --datasource main --users "$users" --prefill \
        --count 1 --mix read=100 > /dev/null 2> "$dir/prefill.log" ||
        { cat "$dir/prefill.log" >&2; die "dbbench --prefill failed"; }
    if [ "$backend" = sqlite ]; then
        db_query 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null
    else
        db_query 'VACUUM ANALYZE;' > /dev/null
        if [ -n "${PG_STATEMENTS:-}" ]; then
            db_query 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
                      SELECT pg_stat_statements_reset();' > /dev/null
        fi
    fi
    if [ "$server" = kamailio ]; then
        stop "$dbd_pid"
        dbd_pid=
    fi
}

# Kamailio on 127.0.0.1:$sip_port with $workers UDP workers on the bench
# database (tools/bench/kamailio/kamailio.cfg), in the foreground so that
# proxy_pid is its main process.
start_kamailio() {
    local url=$db_url defs=()
    if [ "$backend" = pgsql ]; then
        url=postgres://${db_url#pgsql://}
        defs=(-A WITH_PGSQL)
    fi
    mkdir -p "$dir/kamailio"
    kamailio -f "$src/tools/bench/kamailio/kamailio.cfg" -A "DBURL=\"$url\"" \
        "${defs[@]}" -l "udp:127.0.0.1:$sip_port" -n "$workers" -m 1024 -M 16 \
        -Y "$dir/kamailio" -P "$dir/kamailio/kamailio.pid" -DD -E \
        > "$dir/kamailio.log" 2>&1 &
    proxy_pid=$!
    # Ready once its workers have opened their database connections.
    for _ in $(seq 1 100); do
        if ss -Huln "sport = :$sip_port" 2> /dev/null | grep -q . &&
            [ "$(pgrep -c -P "$proxy_pid")" -ge "$workers" ]; then
            sleep 1
            return 0
        fi
        kill -0 "$proxy_pid" 2> /dev/null || break
        sleep 0.1
    done
    cat "$dir/kamailio.log" >&2
    die "kamailio did not start"
}

# The SIP server under test on 127.0.0.1:$sip_port with $workers workers;
# for sipproxy, extra [sip] lines as arguments (Kamailio's config has the
# same settings).
start_proxy() {
    if [ "$server" = kamailio ]; then
        start_kamailio
        return
    fi
    {
        echo "[sipproxy]"
        echo "listen = udp:127.0.0.1:$sip_port"
        echo "workers = $workers"
        echo "dbd_endpoint = $endpoint"
        echo "log_level = notice"  # "listening on" is a notice
        echo
        echo "[sip]"
        echo "domain = $domain"
        echo "nonce_secret = bench-secret"
        printf '%s\n' "$@"
        echo
        echo "[tables]"
        echo "subscriber = main"
        echo "location = main"
        echo "dr_rules = main"
        echo "dr_gateways = main"
    } > "$dir/sipproxy.conf"
    "$sipproxy" -f -c "$dir/sipproxy.conf" > "$dir/sipproxy.log" 2>&1 &
    proxy_pid=$!
    for _ in $(seq 1 100); do
        grep -q 'listening on' "$dir/sipproxy.log" && return 0
        kill -0 "$proxy_pid" 2> /dev/null || break
        sleep 0.1
    done
    cat "$dir/sipproxy.log" >&2
    die "sipproxy did not start"
}

# The injection file: SEQUENTIAL, then "userI;passI[;userJ]" per user,
# J = I + 1 (wrapping) when with_callee is given.
users_csv() {
    awk -v n="$users" -v callee="${2:-}" 'BEGIN {
        print "SEQUENTIAL"
        for (i = 0; i < n; i++)
            if (callee != "") printf "user%d;pass%d;user%d\n", i, i, (i + 1) % n
            else printf "user%d;pass%d\n", i, i
    }' > "$1"
}

# --- CPU accounting (clock ticks) ----------------------------------------------
tck=$(getconf CLK_TCK)
ticks_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
# utime + stime of a process and, with "tree", of its live children and the
# children it has reaped (cutime + cstime): the proxy's workers.
ticks_pid() {
    local pid=$1 t=0 child
    # No PID (dbd is not running for Kamailio): nothing, not /proc/stat.
    if [ -z "$pid" ] || [ ! -r "/proc/$pid/stat" ]; then
        echo 0
        return
    fi
    # The command name may hold blanks: count fields after the last ')'.
    t=$(sed 's/.*) //' "/proc/$pid/stat" | awk -v tree="${2:-}" \
        '{ n = $12 + $13; if (tree != "") n += $14 + $15; print n }')
    if [ -n "${2:-}" ]; then
        # shellcheck disable=SC2013  # the file is one line of PIDs
        for child in $(cat /proc/"$pid"/task/*/children 2> /dev/null); do
            t=$((t + $(ticks_pid "$child")))
        done
    fi
    echo "$t"
}
# User + system time of this shell's ended children, from `times` output in
# a file (the builtin must run in this shell, not in a subshell).
ticks_children() {
    awk -v tck="$tck" 'NR == 2 {
        n = 0
        for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); n += (t[1] * 60 + t[2]) * tck }
        printf "%.0f\n", n }' "$1"
}

# cpu_begin / cpu_end EXTRA_PID: CPUs used on average meanwhile by the
# proxy (all processes), dbd, SIPp (the foreground run plus EXTRA_PID, e.g.
# a background UAS), the capture (tcpdump) and everything else; sets
# cpu_line "P D S C O".
cpu_begin() {
    times > "$dir/times0"
    c_t0=$(date +%s%N) c_b0=$(ticks_busy) c_p0=$(ticks_pid "$proxy_pid" tree)
    c_d0=$(ticks_pid "$dbd_pid") c_x0=$(ticks_pid "${1:-0}")
    c_c0=$(ticks_pid "${capture_pid:-0}")
}
cpu_end() {
    local t1 b1 p1 d1 x1 c1 s0 s1
    t1=$(date +%s%N) b1=$(ticks_busy) p1=$(ticks_pid "$proxy_pid" tree)
    d1=$(ticks_pid "$dbd_pid") x1=$(ticks_pid "${1:-0}") c1=$(ticks_pid "${capture_pid:-0}")
    times > "$dir/times1"
    s0=$(ticks_children "$dir/times0") s1=$(ticks_children "$dir/times1")
    # shellcheck disable=SC2034  # read by the sourcing script
    cpu_line=$(awk -v ms="$(( (t1 - c_t0) / 1000000 ))" -v tck="$tck" \
        -v b="$((b1 - c_b0))" -v p="$((p1 - c_p0))" -v d="$((d1 - c_d0))" \
        -v s="$(( s1 - s0 + x1 - c_x0 ))" -v c="$((c1 - c_c0))" \
        'BEGIN { sec = ms / 1000; o = b - p - d - s - c; if (o < 0) o = 0
                 printf "%.2f %.2f %.2f %.2f %.2f", p / tck / sec, d / tck / sec,
                     s / tck / sec, c / tck / sec, o / tck / sec }')
}

# --- SIPp figures ---------------------------------------------------------------
# stat_field FILE NAME: the value of column NAME in the last line of a SIPp
# -trace_stat file.
stat_field() {
    [ -s "$1" ] || { echo 0; return; }
    awk -F';' -v want="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == want) col = i; next }
        { last = $col } END { print (col ? last + 0 : "?") }' "$1"
}

# percentile P: the P-th percentile (nearest rank) of the numbers on stdin.
percentile() {
    sort -g | awk -v p="$1" '{ v[NR] = $1 }
        END { if (NR == 0) { print "-"; exit }
              i = int(p / 100 * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR
              printf "%.0f\n", v[i] }'
}

# --- response times on the wire ---------------------------------------------------
# SIPp's response times tick in whole milliseconds, and times taken inside
# a SIPp scenario include SIPp's own scheduling (about a millisecond).
# When tcpdump can capture on loopback (root), the response times are taken
# from a capture of the proxy's port instead: request leaving the client to
# response arriving back, per transaction, in microseconds.
if command -v tcpdump > /dev/null && [ "$(id -u)" -eq 0 ]; then
    timing=wire
else
    timing=sipp
fi
capture_pid=

# capture_start FILE: captures the proxy's UDP traffic into FILE.
capture_start() {
    [ "$timing" = wire ] || return 0
    tcpdump -i lo -nn -s 0 -B 32768 --immediate-mode -U -w "$1" udp port "$sip_port" \
        2> "$1.err" &
    capture_pid=$!
    for _ in $(seq 1 50); do
        grep -q 'listening on' "$1.err" && return 0
        sleep 0.1
    done
    die "tcpdump did not start: $(cat "$1.err")"
}

# capture_stop FILE: stops the capture (not in a subshell: it waits for
# tcpdump); sets capture_drops to the packets the kernel dropped (a
# capture that lost packets gives too few response times).
capture_stop() {
    # shellcheck disable=SC2034  # read by the sourcing script
    capture_drops=0
    [ "$timing" = wire ] || return 0
    # What is still in the kernel's buffer is lost on SIGINT: let it drain.
    sleep 1
    kill -INT "$capture_pid" 2> /dev/null
    wait "$capture_pid" 2> /dev/null || true
    capture_pid=
    # shellcheck disable=SC2034  # read by the sourcing script
    capture_drops=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' "$1.err" | head -1)
}

# wire_times FILE PORT METHOD CODE: microseconds from each first METHOD
# request sent from PORT to the first CODE response to it arriving at PORT
# (matched by Call-ID and CSeq), one per line.
wire_times() {
    tcpdump -r "$1" -nn -tt -A 2> /dev/null | tr -d '\r' |
        awk -v port="$2" -v method="$3 sip:" -v code="SIP/2.0 $4 " '
        function flush(   k) {
            if (ts == "" || cid == "") return
            k = cid SUBSEP cseq
            if (kind == "req" && !(k in sent)) sent[k] = ts
            else if (kind == "resp" && (k in sent) && !(k in done)) {
                done[k] = 1
                printf "%.0f\n", (ts - sent[k]) * 1e6
            }
        }
        /^[0-9]+\.[0-9]+ IP / {
            flush()
            ts = $1; kind = ""; cid = ""; cseq = ""
            n = split($3, a, "."); sport = a[n]
            n = split($5, a, "."); dport = a[n]; sub(/:$/, "", dport)
            next
        }
        kind == "" && sport == port && index($0, method) { kind = "req" }
        kind == "" && dport == port && index($0, code) { kind = "resp" }
        /^Call-ID:/ { cid = $2 }
        /^CSeq:/ { cseq = $2 " " $3 }
        END { flush() }'
}

# --- the ladder -------------------------------------------------------------------
# A point passes when nothing failed, nothing was retransmitted and SIPp
# kept up with the offered rate (at least 95% of it succeeded per second).
# A bench may redefine it after sourcing this file.
point_passes() {
    awk '{ exit !($4 == 0 && $5 == 0 && $6 >= 0.95 * $1) }' <<< "$1"
}

# bench_ladder HEADER ROW_AWK: runs bench_point for each rate of RATES for
# DURATION s (stopping after the first rate that does not pass), then
# confirms the best passing rate for CONFIRM s (going down the passing
# rates until one holds), printing a Markdown row per point with ROW_AWK.
bench_ladder() {
    local header=$1 row_awk=$2 rate line best=() i
    echo
    echo "$header"
    for rate in $RATES; do
        say "rate $rate/s for ${duration}s..."
        line=$(bench_point "$rate" "$duration")
        awk "$row_awk" <<< "$line"
        if point_passes "$line"; then
            best=("$rate" "${best[@]}")
        else
            break
        fi
    done
    echo
    if [ ${#best[@]} -eq 0 ]; then
        echo "no rate passed (no failure, no retransmission, >= 95% of the offered rate)"
        return
    fi
    if [ "$confirm" -le 0 ]; then
        echo "highest rate with no failure and no retransmission: ${best[0]}/s (not confirmed: CONFIRM=0)"
        return
    fi
    for i in "${!best[@]}"; do
        say "confirming ${best[$i]}/s for ${confirm}s..."
        line=$(bench_point "${best[$i]}" "$confirm")
        echo "confirmation run, ${confirm}s:"
        echo
        echo "$header"
        awk "$row_awk" <<< "$line"
        echo
        if point_passes "$line"; then
            echo "highest rate with no failure and no retransmission: ${best[$i]}/s (held for ${confirm}s)"
            return
        fi
    done
    echo "no rate held for ${confirm}s without failure or retransmission"
}

# With PG_STATEMENTS set on PostgreSQL: what the server spent on each
# statement since the prefill (pg_stat_statements), costliest first, so
# that two SIP servers' use of the same database can be compared.
pg_statements_report() {
    [ -n "${PG_STATEMENTS:-}" ] && [ "$backend" = pgsql ] || return 0
    echo
    echo "PostgreSQL statements since the prefill (pg_stat_statements; ms, µs per call):"
    echo
    echo "| calls | rows | plan ms | exec ms | plan+exec µs/call | statement |"
    echo "| ---: | ---: | ---: | ---: | ---: | --- |"
    db_query "SELECT '| ' || calls || ' | ' || rows || ' | '
                  || round(total_plan_time::numeric) || ' | '
                  || round(total_exec_time::numeric) || ' | '
                  || round(((total_plan_time + total_exec_time) * 1000
                            / greatest(calls, 1))::numeric, 1) || ' | '
                  || replace(left(regexp_replace(query, '\s+', ' ', 'g'), 160),
                             '|', '\|') || ' |'
              FROM pg_stat_statements
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'dbdtest')
             ORDER BY total_plan_time + total_exec_time DESC LIMIT 15"
}

# What serves SIP on which database, for the report.
server_line() {
    if [ "$server" = kamailio ]; then
        echo "kamailio: $workers UDP workers, auth_db + usrloc db_mode 3 on $backend"
    else
        echo "sipproxy: $workers workers; dbd: $backend pool $pool"
    fi
}

machine() {
    local model
    model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
    echo "machine: $(nproc) CPUs (${model:-unknown model}), Linux $(uname -r), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    if command -v dpkg-query > /dev/null; then
        # shellcheck disable=SC2016 # dpkg-query's own ${...} fields
        echo "packages: $(dpkg-query -W -f '${Package} ${Version}, ' \
            sip-tester libosip2-15 libsqlite3-0 libzmq5 kamailio postgresql-15 \
            libpq5 2> /dev/null | sed 's/, $//')"
    fi
}
