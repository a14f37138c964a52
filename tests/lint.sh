#!/usr/bin/env bash
# lint.sh - shellcheck over every shell script of the project; one TAP
# result per script.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
cd "$top" || exit 1

scripts=(autogen.sh .ci/run tests/run tests/lint.sh tests/lib/*.sh
         tests/integration/*.sh tools/quickstart tools/install-deps
         tools/dbd-schema tools/dbd-adduser tools/dbd-subscriber tools/bench/*.sh
         tests/fuzz/*.sh)
for s in "${scripts[@]}"; do
    [ -f "$s" ] || continue
    if out=$(shellcheck -x "$s" 2>&1); then
        ok "shellcheck $s"
    else
        not_ok "shellcheck $s" "$out"
    fi
done
tap_end
