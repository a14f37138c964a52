#!/usr/bin/env bash
# build.sh BUILD_DIR - builds the libFuzzer harnesses of tests/fuzz/ with
# clang into BUILD_DIR/tests/fuzz/.
#
# Each harness is compiled in one go from the project sources it exercises
# rather than linked against the gcc-built libraries: every object then
# carries clang's coverage and sanitizer instrumentation, and no gcc and
# clang sanitizer runtimes meet in one program.  A harness is rebuilt only
# when it is missing or older than one of its sources or this script.
#
# Exit status 77 (the automake "skip" code) when clang or its libFuzzer
# runtime is not installed.  CC may name another clang.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$1/tests/fuzz
cc=${CC:-clang}
case $cc in
*clang*) ;;
*) cc=clang ;; # a configured gcc cannot build libFuzzer harnesses
esac

mkdir -p "$out"
out=$(cd "$out" && pwd)

# libFuzzer comes with clang's runtime package, not with clang itself.
probe=$out/.probe
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\n%s\n' \
    'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
    >"$probe.c"
if ! command -v "$cc" >/dev/null 2>&1 ||
    ! "$cc" -fsanitize=fuzzer,address,undefined -o "$probe" "$probe.c" \
        >/dev/null 2>&1; then
    rm -f "$probe" "$probe.c"
    echo "$cc with libFuzzer (-fsanitize=fuzzer) is not available" >&2
    exit 77
fi
rm -f "$probe" "$probe.c"

# Sanitizer findings must end the run, so nothing is recoverable.
cflags="-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
-Werror -I$top/proto -I$top/connectors"

core="proto/status.c proto/value.c proto/arena.c proto/request.c
proto/request_validate.c proto/result.c proto/ident.c proto/url.c
proto/buf.c proto/hex.c"
codec="proto/codec_value.c proto/codec_request_encode.c
proto/codec_request_decode.c proto/codec_reply.c proto/codec_reply_writer.c"
sql="connectors/sql/sqlbuild.c connectors/sql/sqlstmt.c
connectors/sql/sqldialect.c connectors/sql/stmtcache.c"
sqlite="connectors/sqlite/sqlite.c connectors/sqlite/sqlite_opts.c
connectors/sqlite/sqlite_error.c connectors/sqlite/sqlite_bind.c
connectors/sqlite/sqlite_rows.c connectors/sqlite/sqlite_stmt.c
connectors/sqlite/sqlite_exec.c connectors/sqlite/sqlite_raw.c"
text="connectors/text/txt_util.c connectors/text/txt_number.c
connectors/text/txt_schema.c connectors/text/txt_row.c
connectors/text/txt_parse.c connectors/text/txt_format.c"
proxy="proxy/sipmsg.c proxy/sipbuild.c proxy/sipvia.c proxy/salvage.c
proxy/addr.c proxy/auth.c proxy/digest.c proxy/nonce.c proxy/registrar.c
proxy/binding.c proxy/route.c proxy/contacts.c"

# The schema the sqlite harness loads, as a C array, so the harness runs
# from anywhere without the source tree.
schema_h=$out/fuzz_schema.h
if [ ! -e "$schema_h" ] || [ "$top/tools/schema/sqlite.sql" -nt "$schema_h" ]
then
    {
        echo "/* Generated from tools/schema/sqlite.sql by tests/fuzz/build.sh. */"
        echo "static const char fuzz_schema_sql[] = {"
        od -An -v -tx1 "$top/tools/schema/sqlite.sql" |
            sed 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'
        echo "0x00};"
    } >"$schema_h.tmp"
    mv "$schema_h.tmp" "$schema_h"
fi

# build NAME "SOURCES" "EXTRA FLAGS AND LIBS"
build() {
    name=$1
    srcs="tests/fuzz/$name.c $2"
    target=$out/$name
    stale=no
    if [ ! -e "$target" ] || [ "$top/tests/fuzz/build.sh" -nt "$target" ]; then
        stale=yes
    else
        for f in $srcs; do
            if [ "$top/$f" -nt "$target" ]; then
                stale=yes
                break
            fi
        done
        # Headers count too: any header of the directories involved.
        for d in proto connectors connectors/sqlite connectors/text \
            connectors/sql proxy; do
            for h in "$top/$d"/*.h; do
                if [ "$h" -nt "$target" ]; then
                    stale=yes
                    break 2
                fi
            done
        done
    fi
    [ $stale = yes ] || return 0
    echo "building $name" >&2
    (
        cd "$top"
        # shellcheck disable=SC2086 # the lists are meant to split
        "$cc" $cflags -I"$out" -o "$target.tmp" $srcs $3
    )
    mv "$target.tmp" "$target"
}

msgpack=$(pkg-config --cflags --libs msgpack 2>/dev/null ||
    pkg-config --cflags --libs msgpack-c)
osip=$(pkg-config --cflags --libs libosip2 nettle)
sqlite3=$(pkg-config --cflags --libs sqlite3)

# The harnesses build concurrently: the compiler is most of the time a
# bounded test run spends here.
build fuzz_decode "$core $codec" "$msgpack" &
p1=$!
build fuzz_sqlite "$core $codec $sql $sqlite" "$msgpack $sqlite3" &
p2=$!
build fuzz_text "$core $text" "-I$top/connectors/text -lm" &
p3=$!
build fuzz_sip "$core $codec $proxy" "-I$top/proxy $msgpack $osip" &
p4=$!
status=0
for p in $p1 $p2 $p3 $p4; do
    wait "$p" || status=1
done
exit $status
