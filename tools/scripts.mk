# Set-up scripts and the schema files they install.
dist_bin_SCRIPTS = tools/dbd-schema tools/dbd-adduser tools/dbd-subscriber
schemadir = $(datadir)/dbd/schema
dist_schema_DATA = tools/schema/sqlite.sql tools/schema/mysql.sql \
	tools/schema/pgsql.sql
schematextdir = $(datadir)/dbd/schema/text
dist_schematext_DATA = tools/schema/text/version tools/schema/text/subscriber \
	tools/schema/text/location tools/schema/text/dr_gateways \
	tools/schema/text/dr_rules
EXTRA_DIST += tools/quickstart tools/install-deps tests/run tests/lib

# The systemd unit, with the install paths filled in.
noinst_DATA = tools/packaging/dbd.service
tools/packaging/dbd.service: $(srcdir)/tools/packaging/dbd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) tools/packaging && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    -e 's|@docdir[@]|$(docdir)|g' $(srcdir)/tools/packaging/dbd.service.in > $@
CLEANFILES += tools/packaging/dbd.service
EXTRA_DIST += tools/packaging/dbd.service.in tools/bench/run-sqlite.sh \
	tools/bench/run-connectors.sh tools/bench/bench-lib.sh tools/bench/sip-common.sh \
	tools/bench/sip-register.sh tools/bench/sip-call.sh tests/sip \
	tests/integration/test_sipproxy.sh tests/integration/test_dbd_schema.sh \
	tests/integration/test_fault_pgsql.sh tests/integration/test_fault_dbd_restart.sh \
	tests/integration/test_swap_edges.sh tests/integration/test_read_retry.sh \
	tests/integration/test_migrate.sh tests/integration/test_fault_swap.sh \
	tests/integration/test_fault_reload.sh tests/integration/test_fault_failover.sh \
	tools/bench/plot-timeline.sh tools/bench/run-swap.sh tools/bench/run-failover.sh \
	tools/bench/run-audit.sh tests/integration/test_audit_verify.sh \
	tests/integration/test_audit_stream.sh tests/integration/test_audit_records.sh \
	tests/integration/test_privdrop.sh tests/integration/test_curve.sh \
	tests/integration/test_keygen.sh tests/fuzz
