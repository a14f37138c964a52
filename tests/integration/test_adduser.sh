#!/usr/bin/env bash
# test_adduser.sh - tools/dbd-adduser stores a subscriber with the HA1
# values Kamailio's auth_db expects, through dbd, on the sqlite and text
# datasources of the fixture, and updates it in place when run again;
# tools/dbd-subscriber adds, lists and removes subscribers.
# The expected HA1 is RFC 2617's worked example, computed independently.
# Prints TAP.  Needs DBD_ENDPOINT, DBD_BUILD and DBD_SRC.
set -u
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

adduser() {
    DBCTL="$DBD_BUILD/tools/dbctl/dbctl" "$DBD_SRC/tools/dbd-adduser" \
        --endpoint "$DBD_ENDPOINT" "$@"
}
dbctl() { "$DBD_BUILD/tools/dbctl/dbctl" --endpoint "$DBD_ENDPOINT" "$@"; }

# RFC 2617 section 3.5: HA1 of Mufasa / testrealm@host.com / Circle Of Life.
rfc_ha1=939e7578ed9e3c518a452acee763bce9
# ha1b hashes "user@domain" in place of the user name.
ha1b=$(printf '%s' 'Mufasa@host.com:testrealm@host.com:Circle Of Life' | md5sum | cut -d' ' -f1)

for ds in sq tx; do
    dbctl delete "$ds" subscriber username=Mufasa domain=host.com > /dev/null 2>&1
    adduser --realm testrealm@host.com "$ds" Mufasa host.com 'Circle Of Life' > /dev/null
    check "$ds: dbd-adduser exits 0" "$?" 0
    got=$(dbctl --json query "$ds" subscriber username=Mufasa domain=host.com \
        --columns username,domain,password,ha1,ha1b)
    check "$ds: the row holds the RFC 2617 HA1" "$got" \
        "$(printf '{"status":"OK","code":0,"message":"success","columns":[{"name":"username","type":"string"},{"name":"domain","type":"string"},{"name":"password","type":"string"},{"name":"ha1","type":"string"},{"name":"ha1b","type":"string"}],"rows":[["Mufasa","host.com","Circle Of Life","%s","%s"]]}' "$rfc_ha1" "$ha1b")"

    # Again with another password and --no-password: the same row changes.
    adduser --no-password "$ds" Mufasa host.com other > /dev/null
    check "$ds: second run exits 0" "$?" 0
    want_ha1=$(printf '%s' 'Mufasa:host.com:other' | md5sum | cut -d' ' -f1)
    got=$(dbctl query "$ds" subscriber username=Mufasa domain=host.com \
        --columns password,ha1 | sed -n 3p | tr -s ' ')
    check "$ds: updated in place, password not stored, realm defaults to the domain" \
        "$got" " $want_ha1"
    rows=$(dbctl query "$ds" subscriber username=Mufasa | tail -1)
    check "$ds: still one row" "$rows" "(1 row)"
    dbctl delete "$ds" subscriber username=Mufasa domain=host.com > /dev/null
done

adduser sq onlytwo args > /dev/null 2>&1
check "usage error exits 64" "$?" 64

subscriber() {
    DBCTL="$DBD_BUILD/tools/dbctl/dbctl" "$DBD_SRC/tools/dbd-subscriber" \
        --endpoint "$DBD_ENDPOINT" "$@"
}
for ds in sq tx; do
    dbctl delete "$ds" subscriber domain=list.test > /dev/null 2>&1
    subscriber add "$ds" zoe list.test pw1 > /dev/null &&
        subscriber add "$ds" 'al ice' list.test pw2 > /dev/null &&
        subscriber add "$ds" bob other.list.test pw3 > /dev/null
    check "$ds: dbd-subscriber add exits 0" "$?" 0
    check "$ds: list DOMAIN prints user@domain sorted, names with blanks whole" \
        "$(subscriber list "$ds" list.test | tr '\n' ',')" "al ice@list.test,zoe@list.test,"
    want_ha1=$(printf '%s' 'zoe:list.test:pw1' | md5sum | cut -d' ' -f1)
    check "$ds: add stored the HA1 for the realm" \
        "$(dbctl query "$ds" subscriber username=zoe domain=list.test --columns ha1 | sed -n 3p | tr -d ' ')" \
        "$want_ha1"
    check "$ds: remove prints what it removed" \
        "$(subscriber remove "$ds" zoe list.test)" "removed zoe@list.test"
    check "$ds: list after remove" \
        "$(subscriber list "$ds" list.test | tr '\n' ',')" "al ice@list.test,"
    subscriber remove "$ds" zoe list.test > /dev/null 2> "$DBD_TEST_DIR/sub.err"
    check "$ds: removing a missing subscriber exits 1 and says so" \
        "$? $(cat "$DBD_TEST_DIR/sub.err")" "1 dbd-subscriber: no subscriber zoe@list.test in $ds"
    subscriber remove "$ds" 'al ice' list.test > /dev/null &&
        subscriber remove "$ds" bob other.list.test > /dev/null
    check "$ds: the other two removed" "$?" 0
done
subscriber list > /dev/null 2>&1
check "dbd-subscriber usage error exits 64" "$?" 64

tap_end
