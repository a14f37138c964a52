# shellcheck shell=bash
# fixture.sh - starts and stops the dbd the integration tests share.
# Sourced by tests/run.  Needs DBD_BUILD (build dir) and DBD_SRC (source dir).
# fixture_start exports DBD_TEST_DIR, DBD_ENDPOINT, DBD_PID; fixture_stop
# stops dbd by its recorded PID and reports how it ended.  The tests that
# start a dbd of their own use fixture_connectors and fixture_dbd_section.

fixture_dbctl() { "$DBD_BUILD/tools/dbctl/dbctl" --endpoint "$DBD_ENDPOINT" "$@"; }

# fixture_connectors DEST [NAME...]: copies the built connector modules
# (every one, or those of the connectors NAME...) into a private directory
# DEST: dbd refuses modules in directories others can write to, and this
# keeps the test independent of where the build put them.
fixture_connectors() {
    local dest=$1 name so
    shift
    [ $# -gt 0 ] || set -- '*'
    mkdir -p "$dest"
    chmod 755 "$dest"
    for name in "$@"; do
        # shellcheck disable=SC2231  # NAME is a pattern ('*': every connector)
        for so in "$DBD_BUILD"/connectors/$name/.libs/*.so; do
            [ -e "$so" ] && install -m 644 "$so" "$dest/"
        done
    done
}

# fixture_dbd_section DIR [DRAIN_TIMEOUT]: the [dbd] section of a dbd.conf
# for a dbd with its socket (DIR/dbd.sock) and its connector modules
# (DIR/connectors) in DIR; no drain_timeout line without DRAIN_TIMEOUT.
fixture_dbd_section() {
    cat <<CONF
[dbd]
endpoint = ipc://$1/dbd.sock
connector_dir = $1/connectors
log_level = info
CONF
    [ -z "${2:-}" ] || echo "drain_timeout = $2"
}

fixture_config() {
    local dir=$1
    echo "; written by tests/lib/fixture.sh"
    fixture_dbd_section "$dir" 5000
    cat <<CONF

[datasource sq]
url = sqlite://$dir/db.sqlite
pool = 2

[datasource tx]
url = text://$dir/text
pool = 2

[datasource sqraw]
url = sqlite://$dir/db.sqlite
pool = 1
allow_raw = yes

[datasource busy1]
url = sqlite://$dir/db.sqlite
pool = 1
queue = 1
allow_raw = yes

[datasource dead]
url = sqlite:///nonexistent-dir/x.db
pool = 1
CONF
}

fixture_start() {
    DBD_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbd-test.XXXXXX") || return 1
    export DBD_TEST_DIR
    local dir=$DBD_TEST_DIR
    "$DBD_SRC/tools/dbd-schema" sqlite "$dir/db.sqlite" || return 1
    sqlite3 -bail "$dir/db.sqlite" < "$DBD_SRC/tests/lib/t_types.sql" || return 1
    sqlite3 -bail "$dir/db.sqlite" < "$DBD_SRC/tests/lib/t_conf.sql" || return 1
    "$DBD_SRC/tools/dbd-schema" text "$dir/text" || return 1
    cp "$DBD_SRC/tests/lib/t_types.dbtext" "$dir/text/t_types" || return 1
    cp "$DBD_SRC/tests/lib/t_conf.dbtext" "$dir/text/conf" || return 1
    fixture_connectors "$dir/connectors"
    fixture_config "$dir" > "$dir/dbd.conf"
    # Datasources of the servers tests/run started (backends_start).
    if [ -n "${DBD_EXTRA_DATASOURCES:-}" ] && [ -f "$DBD_EXTRA_DATASOURCES" ]; then
        cat "$DBD_EXTRA_DATASOURCES" >> "$dir/dbd.conf"
    fi
    export DBD_ENDPOINT="ipc://$dir/dbd.sock"
    "$DBD_BUILD/dbd/dbd" -c "$dir/dbd.conf" > "$dir/dbd.log" 2>&1 &
    DBD_PID=$!
    export DBD_PID

    for _ in $(seq 1 100); do
        fixture_dbctl --timeout 500 ping > /dev/null 2>&1 && return 0
        kill -0 "$DBD_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "fixture: dbd did not come up; its log:" >&2
    cat "$dir/dbd.log" >&2
    return 1
}

# Stops dbd with SIGTERM and waits for it; returns 0 when it exited with
# status 0 and its log shows no sanitizer report.
fixture_stop() {
    local rc=0
    [ -n "${DBD_PID:-}" ] || return 0
    kill -TERM "$DBD_PID" 2>/dev/null
    for _ in $(seq 1 150); do
        kill -0 "$DBD_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$DBD_PID" 2>/dev/null; then
        echo "fixture: dbd (pid $DBD_PID) ignored SIGTERM for 15 s; killing it" >&2
        kill -KILL "$DBD_PID" 2>/dev/null
        rc=1
    fi
    wait "$DBD_PID" 2>/dev/null || rc=1
    if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$DBD_TEST_DIR/dbd.log"; then
        echo "fixture: sanitizer report in the dbd log:" >&2
        grep -E -A30 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$DBD_TEST_DIR/dbd.log" | head -60 >&2
        rc=1
    fi
    unset DBD_PID
    return $rc
}

fixture_cleanup() {
    [ -n "${DBD_TEST_DIR:-}" ] && [ -d "$DBD_TEST_DIR" ] && rm -rf "$DBD_TEST_DIR"
    unset DBD_TEST_DIR
}
