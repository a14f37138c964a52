# shellcheck shell=bash
# backends.sh - starts every real backend the tests use and collects the
# dbd.conf datasource sections for them.  Sourced by tests/run.
#
#   backends_start   starts MariaDB and PostgreSQL (servers.sh), then runs
#                    each connector's fixture (mysql, pgsql, odbc, ldap,
#                    bdb); exports DBD_EXTRA_DATASOURCES (a file of
#                    datasource sections the fixture's dbd.conf includes)
#                    and DBD_CONFORMANCE_DS (the datasources the
#                    conformance suite runs against).  A fixture whose
#                    connector or server is not installed is skipped (its
#                    function returns 2); any other failure fails set-up.
#   backends_stop    stops every server by its recorded PID and removes the
#                    throw-away directory.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib/servers.sh
. "$here/servers.sh"
for lib in mysql pgsql odbc ldap bdb; do
    # shellcheck source=/dev/null
    [ -f "$here/$lib.sh" ] && . "$here/$lib.sh"
done

backends_dir=

# backends_fixture NAME: runs NAME_fixture (not in a subshell, so that its
# exports and recorded PIDs stay), keeps the datasource sections it prints
# and adds their names to the conformance list.
backends_fixture() {
    local name=$1 rc section=$backends_dir/$1.conf
    declare -F "${name}_fixture" > /dev/null || return 0
    "${name}_fixture" "$backends_dir" > "$section"
    rc=$?
    case $rc in
        0)
            cat "$section" >> "$DBD_EXTRA_DATASOURCES"
            DBD_CONFORMANCE_DS="$DBD_CONFORMANCE_DS $(sed -n 's/^\[datasource \(.*\)\]$/\1/p' "$section" | tr '\n' ' ')"
            ;;
        2) echo "backends: $name skipped (not installed)" >&2 ;;
        *) echo "backends: the $name fixture failed (status $rc)" >&2; return 1 ;;
    esac
}

backends_start() {
    backends_dir=$(mktemp -d "${TMPDIR:-/tmp}/dbd-backends.XXXXXX") || return 1
    chmod 755 "$backends_dir"  # the postgres user must reach its data dir
    export DBD_EXTRA_DATASOURCES=$backends_dir/datasources.conf
    : > "$DBD_EXTRA_DATASOURCES"
    DBD_CONFORMANCE_DS="sq tx"
    servers_start "$backends_dir" || return 1
    local name
    for name in mysql pgsql ldap bdb odbc; do
        backends_fixture "$name" || return 1
    done
    DBD_CONFORMANCE_DS=$(printf "%s\n" "$DBD_CONFORMANCE_DS" | tr -s " ")
    export DBD_CONFORMANCE_DS
}

backends_stop() {
    servers_stop
    if [ -n "$backends_dir" ] && [ -d "$backends_dir" ]; then
        rm -rf "$backends_dir"
    fi
    backends_dir=
}
