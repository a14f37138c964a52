# Set-up scripts and the schema files they install.
dist_bin_SCRIPTS = tools/dbd-schema tools/dbd-adduser
schemadir = $(datadir)/dbd/schema
dist_schema_DATA = tools/schema/sqlite.sql
schematextdir = $(datadir)/dbd/schema/text
dist_schematext_DATA = tools/schema/text/version tools/schema/text/subscriber \
	tools/schema/text/location tools/schema/text/dr_gateways \
	tools/schema/text/dr_rules
EXTRA_DIST += tools/quickstart tools/install-deps tests/run tests/lib
