# connectors/: one loadable module per backend, installed in $(connectordir).
CONNECTOR_LDFLAGS = -module -avoid-version -shared -export-symbols-regex '^dbd_connector$$'

include $(srcdir)/connectors/sql/local.mk
include $(srcdir)/connectors/sqlite/local.mk
include $(srcdir)/connectors/text/local.mk
