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
# Whole directories, so that a new script or scenario cannot be left out.
EXTRA_DIST += tools/packaging/dbd.service.in tools/bench tests/sip \
	tests/integration tests/fuzz
