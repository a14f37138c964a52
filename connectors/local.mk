# connectors/: one loadable module per backend, installed in $(connectordir).
CONNECTOR_LDFLAGS = -module -avoid-version -shared -export-symbols-regex '^dbd_connector$$'

include $(srcdir)/connectors/sql/local.mk
include $(srcdir)/connectors/sqlite/local.mk
include $(srcdir)/connectors/text/local.mk
include $(srcdir)/connectors/mysql/local.mk
include $(srcdir)/connectors/pgsql/local.mk
include $(srcdir)/connectors/odbc/local.mk
include $(srcdir)/connectors/ldap/local.mk
include $(srcdir)/connectors/bdb/local.mk
