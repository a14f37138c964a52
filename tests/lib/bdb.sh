# shellcheck shell=bash
# bdb.sh - the Berkeley DB fixture of the connector tests.  Needs no
# server: the environment is a directory.
#
#   bdb_fixture DIR   creates DIR/bdb (an environment directory, with the
#                     Kamailio table definitions tables.ini, made by
#                     tools/dbd-schema) and DIR/bdb-tables.ini (those
#                     definitions followed by the conformance table of
#                     tests/lib/bdb-conf.ini), exports DBD_TEST_BDB_DIR
#                     (DIR/bdb) and prints the dbd.conf datasource section
#                     "bdb" for them.  The connector creates the tables
#                     when dbd first opens the datasource.  Returns 2 when
#                     the bdb connector was not built (DBD_BUILD set, no
#                     bdb.so), 1 on failure.

bdb_fixture() {
    local dir=$1 src=${DBD_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

    if [ -n "${DBD_BUILD:-}" ] && [ ! -e "$DBD_BUILD/connectors/bdb/.libs/bdb.so" ]; then
        echo "bdb_fixture: the bdb connector was not built" >&2
        return 2
    fi
    "$src/tools/dbd-schema" bdb "$dir/bdb" > /dev/null || return 1
    cat "$dir/bdb/tables.ini" "$src/tests/lib/bdb-conf.ini" \
        > "$dir/bdb-tables.ini" || return 1
    export DBD_TEST_BDB_DIR=$dir/bdb

    # sync = write: commits reach the OS, not the disk; a test run does not
    # need to survive a power cut, and fsync per commit would slow it down.
    cat <<CONF
[datasource bdb]
url = bdb://$dir/bdb
pool = 4
option.schema = $dir/bdb-tables.ini
option.sync = write
CONF
}
