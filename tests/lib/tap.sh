# shellcheck shell=bash
# tap.sh - TAP output for the shell tests.  Source it, report results with
# ok / not_ok / check / check_grep, and end with tap_end (prints the plan
# and sets the exit status).

tap_n=0
tap_failed=0

diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1"; }

# not_ok NAME [DIAGNOSTIC LINE...]
not_ok() {
    tap_n=$((tap_n + 1))
    tap_failed=$((tap_failed + 1))
    echo "not ok $tap_n - $1"
    shift
    [ $# -eq 0 ] || diag "$@"
}

# check NAME GOT WANT: the two strings are equal
check() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got '$2', want '$3'"; fi
}

# check_grep NAME FILE TEXT: the file contains the fixed text
check_grep() {
    if grep -qF -- "$3" "$2"; then
        ok "$1"
    else
        not_ok "$1" "got \"$(head -c 300 "$2" | tr '\n' ' ')\"" "want text containing \"$3\""
    fi
}

tap_end() {
    echo "1..$tap_n"
    [ "$tap_failed" -eq 0 ]
}
