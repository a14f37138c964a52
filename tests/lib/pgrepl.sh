# shellcheck shell=bash
# pgrepl.sh - throw-away PostgreSQL servers for the multi-host tests and
# benchmarks: a primary with a streaming replica, and further plain servers,
# each with its own data directory under a caller's directory, on a free
# loopback port, and stopped by the postmaster PID recorded at start.
# Sourced; needs free_port, wait_for and as_user (tests/lib/servers.sh,
# sourced here when they are missing).
#
#   pgrepl_find_bin              sets PGREPL_BIN; fails when PostgreSQL is
#                                not installed
#   pgrepl_start DIR             primary "primary" and replica "replica"
#                                under DIR, streaming, with database
#                                $PGREPL_DB (owner dbd, password dbdpass)
#                                and the Kamailio tables
#   pgrepl_plain NAME DIR        one more independent server NAME with the
#                                same database and tables
#   pgrepl_subscribers NAME N    writes the bench subscribers user0..N-1
#                                (the rows dbbench --prefill writes)
#   pgrepl_node_start NAME       starts a node again (same port and data)
#   pgrepl_node_stop NAME [fast|kill]
#                                fast shutdown (SIGINT, default) or SIGKILL
#                                of the postmaster; returns when it and its
#                                children are gone
#   pgrepl_wait_gone PID SEC     waits until process PID has ended; fails
#                                when it still runs after SEC seconds
#   pgrepl_wait_streaming SEC    the primary shows the replica streaming
#   pgrepl_wait_replayed SEC     the replica has replayed all the primary
#                                has written so far
#   pgrepl_psql NAME ARGS...     psql as postgres on NAME's $PGREPL_DB
#   pgrepl_url NAME              pgsql://dbd:dbdpass@127.0.0.1:PORT/DB
#   pgrepl_stop_all              stops every node started (fast, then KILL)
# PGREPL_PORT[NAME] and PGREPL_PID[NAME] (the postmaster, empty when it is
# not running) can be read directly.  The functions return non-zero on
# failure (with a message on stderr) and work under set -e.

if ! declare -F free_port > /dev/null; then
    # shellcheck source=tests/lib/servers.sh
    . "$(dirname "${BASH_SOURCE[0]}")/servers.sh"
fi

PGREPL_DB=${PGREPL_DB:-repldb}
PGREPL_BIN=
PGREPL_NODES=()
declare -gA PGREPL_DIR=() PGREPL_PORT=() PGREPL_PID=() PGREPL_SHELL=()
pgrepl_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

pgrepl_find_bin() {
    PGREPL_BIN=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null |
        sort -V | tail -1)
    [ -n "$PGREPL_BIN" ] && [ -x "$PGREPL_BIN/postgres" ] && [ -x "$PGREPL_BIN/pg_basebackup" ]
}

# pgrepl_node_dir NAME DIR: the node's directory, owned by postgres when we
# are root (PostgreSQL refuses to run as root); picks its port.
pgrepl_node_dir() {
    local d
    mkdir -p "$2/$1" || return 1
    d=$(cd "$2/$1" && pwd) || return 1   # the server changes directory
    chmod 755 "$2" "$d"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$d" || return 1; fi
    PGREPL_DIR[$1]=$d
    PGREPL_PORT[$1]=$(free_port) || return 1
    PGREPL_PID[$1]=''
    PGREPL_SHELL[$1]=''
    PGREPL_NODES+=("$1")
}

# pgrepl_init_data NAME: initdb, with the settings every node shares (they
# reach the replica with the base backup).  fsync and full_page_writes are
# off: the data is thrown away, and starting fast matters more.  Commits
# stay synchronous, though: a commit acknowledged is in the WAL file (in
# the page cache), so it outlives a SIGKILL of the server.
pgrepl_init_data() {
    local d=${PGREPL_DIR[$1]}
    as_user postgres "$PGREPL_BIN/initdb" -D "$d/data" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 > "$d/initdb.log" 2>&1 ||
        { echo "pgrepl: initdb of $1 failed:" >&2; tail -5 "$d/initdb.log" >&2; return 1; }
    cat >> "$d/data/postgresql.conf" <<'CONF'
listen_addresses = '127.0.0.1'
fsync = off
full_page_writes = off
shared_buffers = 16MB
max_connections = 40
wal_level = replica
max_wal_senders = 4
wal_keep_size = 64MB
hot_standby = on
wal_retrieve_retry_interval = 200ms
CONF
    echo "host replication all 127.0.0.1/32 trust" >> "$d/data/pg_hba.conf"
}

# pgrepl_node_start NAME: starts the postmaster and waits until it accepts
# connections (a replica: once it has reached a consistent state).
pgrepl_node_start() {
    local d=${PGREPL_DIR[$1]} pid
    as_user postgres "$PGREPL_BIN/postgres" -D "$d/data" -p "${PGREPL_PORT[$1]}" \
        -c unix_socket_directories="$d" >> "$d/postgres.log" 2>&1 &
    PGREPL_SHELL[$1]=$!
    if ! wait_for 30 as_user postgres "$PGREPL_BIN/psql" -X -h "$d" -p "${PGREPL_PORT[$1]}" \
            -U postgres -d postgres -c 'SELECT 1'; then
        echo "pgrepl: $1 did not start:" >&2
        tail -5 "$d/postgres.log" >&2
        return 1
    fi
    # $! is runuser when we are root: record the postmaster itself.
    pid=$(head -1 "$d/data/postmaster.pid" 2>/dev/null)
    [ -n "$pid" ] || { echo "pgrepl: $1 wrote no postmaster.pid" >&2; return 1; }
    PGREPL_PID[$1]=$pid
}

# pgrepl_node_stop NAME [fast|kill]: after SIGKILL the postmaster's
# children live on for a moment; a restart must wait for them, or it finds
# the old shared memory still attached.
pgrepl_node_stop() {
    local pid=${PGREPL_PID[$1]} how=${2:-fast} children c
    [ -n "$pid" ] || return 0
    children=$(ps -o pid= --ppid "$pid" 2>/dev/null)
    if [ "$how" = kill ]; then
        kill -KILL "$pid" 2>/dev/null || true
    else
        kill -INT "$pid" 2>/dev/null || true
    fi
    pgrepl_wait_gone "$pid" 15 || kill -KILL "$pid" 2>/dev/null || true
    for c in $children; do
        pgrepl_wait_gone "$c" 5 || true
    done
    if [ -n "${PGREPL_SHELL[$1]}" ]; then wait "${PGREPL_SHELL[$1]}" 2>/dev/null || true; fi
    PGREPL_PID[$1]=''
    PGREPL_SHELL[$1]=''
    return 0
}

pgrepl_wait_gone() {
    for _ in $(seq 1 $(($2 * 10))); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    ! kill -0 "$1" 2>/dev/null
}

pgrepl_psql() {
    local name=$1
    shift
    as_user postgres "$PGREPL_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "${PGREPL_DIR[$name]}" \
        -p "${PGREPL_PORT[$name]}" -U postgres -d "$PGREPL_DB" "$@"
}

pgrepl_url() {
    echo "pgsql://dbd:dbdpass@127.0.0.1:${PGREPL_PORT[$1]}/$PGREPL_DB"
}

# pgrepl_make_db NAME: user dbd, database $PGREPL_DB and the Kamailio
# tables, through the project's own set-up script.
pgrepl_make_db() {
    local d=${PGREPL_DIR[$1]}
    as_user postgres "$PGREPL_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$d" -p "${PGREPL_PORT[$1]}" \
        -U postgres -d postgres > "$d/setup.log" 2>&1 <<SQL ||
CREATE USER dbd PASSWORD 'dbdpass';
CREATE DATABASE $PGREPL_DB OWNER dbd ENCODING 'UTF8';
SQL
        { echo "pgrepl: creating the database on $1 failed:" >&2; cat "$d/setup.log" >&2; return 1; }
    "$pgrepl_top/tools/dbd-schema" pgsql "$(pgrepl_url "$1")" >> "$d/setup.log" 2>&1 ||
        { echo "pgrepl: creating the tables on $1 failed:" >&2; tail -5 "$d/setup.log" >&2; return 1; }
}

# pgrepl_subscribers NAME N: the same rows as dbbench's prefill (password
# passN, ha1 and ha1b the digest hashes with the domain as realm).
pgrepl_subscribers() {
    pgrepl_psql "$1" <<SQL
INSERT INTO subscriber (username, domain, password, ha1, ha1b)
SELECT 'user' || i, 'bench.example', 'pass' || i,
       md5('user' || i || ':bench.example:pass' || i),
       md5('user' || i || '@bench.example:bench.example:pass' || i)
FROM generate_series(0, $2 - 1) AS i
ON CONFLICT (username, domain) DO NOTHING;
SQL
}

pgrepl_wait_streaming() {
    wait_for "$1" pgrepl_streaming
}

pgrepl_streaming() {
    [ "$(as_user postgres "$PGREPL_BIN/psql" -X -At -h "${PGREPL_DIR[primary]}" \
        -p "${PGREPL_PORT[primary]}" -U postgres -d postgres \
        -c "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'replica' AND state = 'streaming'" \
        2>/dev/null)" = 1 ]
}

pgrepl_wait_replayed() {
    local lsn
    lsn=$(pgrepl_psql primary -c 'SELECT pg_current_wal_lsn()') || return 1
    wait_for "$1" pgrepl_replayed "$lsn"
}

pgrepl_replayed() {
    [ "$(pgrepl_psql replica -c "SELECT pg_last_wal_replay_lsn() >= '$1'::pg_lsn")" = t ]
}

pgrepl_start() {
    local dir=$1 p
    pgrepl_find_bin || { echo "pgrepl: PostgreSQL is not installed" >&2; return 1; }
    pgrepl_node_dir primary "$dir" || return 1
    pgrepl_init_data primary || return 1
    pgrepl_node_start primary || return 1
    pgrepl_make_db primary || return 1
    # The replica: a base backup of the primary (-R writes its
    # primary_conninfo and standby.signal); it names itself "replica" so the
    # primary's pg_stat_replication can be asked about it.  A fast
    # checkpoint: the default spread one takes minutes.
    pgrepl_node_dir replica "$dir" || return 1
    p=${PGREPL_DIR[replica]}
    as_user postgres "$PGREPL_BIN/pg_basebackup" -D "$p/data" -R -X stream -c fast \
        -d "host=127.0.0.1 port=${PGREPL_PORT[primary]} user=postgres application_name=replica" \
        > "$p/basebackup.log" 2>&1 ||
        { echo "pgrepl: pg_basebackup failed:" >&2; tail -5 "$p/basebackup.log" >&2; return 1; }
    pgrepl_node_start replica || return 1
    pgrepl_wait_streaming 30 ||
        { echo "pgrepl: the replica does not stream:" >&2; tail -5 "$p/postgres.log" >&2; return 1; }
    pgrepl_wait_replayed 30 ||
        { echo "pgrepl: the replica does not catch up" >&2; return 1; }
}

pgrepl_plain() {
    [ -n "$PGREPL_BIN" ] || pgrepl_find_bin ||
        { echo "pgrepl: PostgreSQL is not installed" >&2; return 1; }
    pgrepl_node_dir "$1" "$2" || return 1
    pgrepl_init_data "$1" || return 1
    pgrepl_node_start "$1" || return 1
    pgrepl_make_db "$1"
}

# Replicas first, so the primary need not wait for their walsenders.
pgrepl_stop_all() {
    local i
    for ((i = ${#PGREPL_NODES[@]} - 1; i >= 0; i--)); do
        pgrepl_node_stop "${PGREPL_NODES[$i]}" fast
    done
    PGREPL_NODES=()
}
