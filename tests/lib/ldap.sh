# shellcheck shell=bash
# ldap.sh - a throw-away OpenLDAP slapd for the ldap connector's tests.
# Source servers.sh first (free_port, wait_for, servers_pids).
#
#   ldap_fixture DIR   starts slapd with its config (slapd.d, made with
#                      slapadd -n0) and mdb database under DIR/ldap,
#                      listening on ldap://127.0.0.1:PORT/ (PORT free, picked
#                      at random) and on a unix socket when the path is short
#                      enough; loads the project's schema, the Kamailio
#                      tables' base entries and the conformance table conf;
#                      records slapd's PID in servers_pids (servers_stop
#                      stops it); exports
#                        LDAP_PORT, DBD_TEST_LDAP_URL (base dc=dbd,dc=test),
#                        DBD_TEST_LDAP_BINDDN, DBD_TEST_LDAP_PASSWORD,
#                        DBD_TEST_LDAP_MAPPING, DBD_TEST_LDAPI_URI (or ""),
#                        DBD_TEST_LDAP_PID
#                      and prints the [datasource ldap] section for dbd.conf.

LDAP_FIXTURE_SUFFIX=dc=dbd,dc=test
LDAP_FIXTURE_ROOTDN=cn=admin,dc=dbd,dc=test
LDAP_FIXTURE_ROOTPW=dbdpass

# The cn=config tree: core schema plus the project's, one mdb database
# without size or time limits (the 100,000-row cases), fsync off.
ldap_fixture_config() {
    local dir=$1 src=$2
    cat <<LDIF
dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: $dir/slapd.pid
olcLogLevel: none

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif

include: file://$src/tools/schema/ldap/kamailio.ldif

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcSizeLimit: unlimited
olcTimeLimit: unlimited

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: $LDAP_FIXTURE_SUFFIX
olcRootDN: $LDAP_FIXTURE_ROOTDN
olcRootPW: $LDAP_FIXTURE_ROOTPW
olcDbDirectory: $dir/data
olcDbMaxSize: 4294967296
olcDbNoSync: TRUE
olcSizeLimit: unlimited
olcTimeLimit: unlimited
olcLimits: dn.exact="$LDAP_FIXTURE_ROOTDN" size=unlimited time=unlimited
olcDbIndex: objectClass eq
olcDbIndex: kamVersionTableName eq
olcDbIndex: kamSubscriberId,kamSubscriberUsername,kamSubscriberDomain eq
olcDbIndex: kamLocationId,kamLocationRuid,kamLocationUsername eq
olcDbIndex: kamLocationExpires eq
olcDbIndex: dbdConfId,dbdConfK,dbdConfGrp eq
LDIF
}

# The entries under the suffix: the suffix itself, then the shipped base
# entries and conf's, moved from dc=example,dc=com to the test suffix.
ldap_fixture_entries() {
    local src=$1
    cat <<LDIF
dn: $LDAP_FIXTURE_SUFFIX
objectClass: dcObject
objectClass: organization
dc: dbd
o: dbd tests

LDIF
    sed "s/dc=example,dc=com/$LDAP_FIXTURE_SUFFIX/" \
        "$src/tools/schema/ldap/base.ldif" "$src/tests/lib/ldap-conf.ldif"
}

ldap_fixture() {
    local dir=$1/ldap src slapd=/usr/sbin/slapd uri ldapi=""
    src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd) || return 1
    if [ ! -x "$slapd" ] || ! command -v ldapadd > /dev/null; then
        echo "ldap_fixture: slapd or ldap-utils is not installed" >&2
        return 1
    fi
    mkdir -p "$dir/slapd.d" "$dir/data" || return 1
    LDAP_PORT=$(free_port) || return 1
    uri="ldap://127.0.0.1:$LDAP_PORT/"
    # unix socket paths hold at most 107 bytes
    if [ ${#dir} -lt 90 ]; then
        ldapi="ldapi://${dir//\//%2F}%2Fldapi/"
    fi
    ldap_fixture_config "$dir" "$src" > "$dir/config.ldif"
    /usr/sbin/slapadd -n0 -F "$dir/slapd.d" -l "$dir/config.ldif" \
        > "$dir/slapadd.log" 2>&1 ||
        { echo "ldap_fixture: slapadd of the config failed:" >&2; cat "$dir/slapadd.log" >&2; return 1; }
    # -d 0: stay in the foreground, so $! is slapd's own PID
    "$slapd" -d 0 -h "$uri $ldapi" -F "$dir/slapd.d" > "$dir/slapd.log" 2>&1 &
    servers_pids+=($!)
    DBD_TEST_LDAP_PID=$!
    wait_for 30 ldapsearch -x -H "$uri" -b "" -s base -LLL 1.1 ||
        { echo "ldap_fixture: slapd did not start:" >&2; tail -20 "$dir/slapd.log" >&2; return 1; }
    ldap_fixture_entries "$src" |
        ldapadd -x -H "$uri" -D "$LDAP_FIXTURE_ROOTDN" -w "$LDAP_FIXTURE_ROOTPW" \
            > "$dir/ldapadd.log" 2>&1 ||
        { echo "ldap_fixture: loading the base entries failed:" >&2; cat "$dir/ldapadd.log" >&2; return 1; }
    cp "$src/tools/schema/ldap/mapping.ini" "$dir/mapping.ini" || return 1
    export LDAP_PORT DBD_TEST_LDAP_PID
    export DBD_TEST_LDAP_URL="ldap://127.0.0.1:$LDAP_PORT/$LDAP_FIXTURE_SUFFIX"
    export DBD_TEST_LDAP_BINDDN=$LDAP_FIXTURE_ROOTDN
    export DBD_TEST_LDAP_PASSWORD=$LDAP_FIXTURE_ROOTPW
    export DBD_TEST_LDAP_MAPPING=$dir/mapping.ini
    export DBD_TEST_LDAPI_URI=$ldapi
    cat <<CONF
[datasource ldap]
url = $DBD_TEST_LDAP_URL
option.binddn = $DBD_TEST_LDAP_BINDDN
option.password = $DBD_TEST_LDAP_PASSWORD
option.mapping = $DBD_TEST_LDAP_MAPPING
CONF
}
