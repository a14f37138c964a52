# shellcheck shell=bash
# owndbd.sh - what the tests that run a dbd of their own share: the dbd
# lives in the test's directory DIR (config DIR/dbd.conf, log DIR/dbd.log,
# socket DIR/dbd.sock, modules DIR/connectors, written with
# fixture_connectors and fixture_dbd_section of fixture.sh, sourced here);
# it is started and waited for, and killed by its recorded PID at the end.
# Also a writer that sends one request at a time and notes each answer.
# Reports TAP results through tap.sh, which must be sourced first.  Needs
# DBD_BUILD.

if ! declare -F fixture_connectors > /dev/null; then
    # shellcheck source=tests/lib/fixture.sh
    . "$(dirname "${BASH_SOURCE[0]}")/fixture.sh"
fi

# owndbd_start DIR NAME [DS]: starts dbd -c DIR/dbd.conf and sets DBD_PID;
# one result, NAME: within 10 s it answers a ping (of datasource DS when
# given).  When it does not, shows the end of its log and ends the test.
owndbd_start() {
    local dir=$1 name=$2 up=no
    shift 2
    "$DBD_BUILD/dbd/dbd" -c "$dir/dbd.conf" > "$dir/dbd.log" 2>&1 &
    DBD_PID=$!
    for _ in $(seq 1 100); do
        if "$DBD_BUILD/tools/dbctl/dbctl" --endpoint "ipc://$dir/dbd.sock" --timeout 500 \
                ping "$@" > /dev/null 2>&1; then
            up=yes
            break
        fi
        kill -0 "$DBD_PID" 2>/dev/null || break
        sleep 0.1
    done
    check "$name" "$up" yes
    [ "$up" = yes ] || { diag "$(tail -20 "$dir/dbd.log")"; tap_end; exit 1; }
}

# owndbd_kill PID...: SIGKILL to each PID given (children of this shell;
# empty ones are skipped) and waits for it.  For the EXIT trap.
owndbd_kill() {
    local pid
    for pid in "$@"; do
        [ -n "$pid" ] || continue
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
}

# owndbd_writer DIR MAX TIMEOUT_MS OUT ARGS... (run in the background, its
# PID in WRITER_PID, until owndbd_writer_stop DIR): one request at a time to
# the dbd of DIR, `dbctl --timeout TIMEOUT_MS ARGS`, until DIR/stop exists
# or MAX were sent; request i has every {} in OUT and ARGS replaced by i,
# and its output in DIR/OUT.  "i" goes to DIR/sent before it goes out,
# "i start end exit-status" (Unix ms) to DIR/answered once it is answered.
# timeout(1) only guards against a hung client (exit 124): dbctl itself
# gives up after TIMEOUT_MS.
owndbd_writer() {
    local dir=$1 max=$2 ms=$3 out=$4 i=0 t0 rc
    shift 4
    while [ ! -e "$dir/stop" ] && [ "$i" -lt "$max" ]; do
        i=$((i + 1))
        echo "$i" >> "$dir/sent"
        t0=$(date +%s%3N)
        timeout 10 "$DBD_BUILD/tools/dbctl/dbctl" --endpoint "ipc://$dir/dbd.sock" \
            --timeout "$ms" "${@//\{\}/$i}" > "$dir/${out//\{\}/$i}" 2>&1
        rc=$?
        echo "$i $t0 $(date +%s%3N) $rc" >> "$dir/answered"
    done
}

# owndbd_writer_stop DIR: has the writer whose PID is WRITER_PID (if any)
# stop after its request in flight, and waits for it.
owndbd_writer_stop() {
    [ -n "${WRITER_PID:-}" ] || return 0
    touch "$1/stop"
    wait "$WRITER_PID" 2>/dev/null
    WRITER_PID=
}
