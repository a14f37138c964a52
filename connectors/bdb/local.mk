# the bdb (Berkeley DB) connector
if BUILD_BDB
# The connector's objects live in a convenience library so that the unit
# test can link them directly; the module is that library and nothing else.
noinst_LTLIBRARIES += connectors/bdb/libbdbc.la
connectors_bdb_libbdbc_la_SOURCES = \
	connectors/bdb/bdb.c connectors/bdb/bdb_int.h \
	connectors/bdb/bdb_opts.c \
	connectors/bdb/bdb_error.c \
	connectors/bdb/bdb_env.c \
	connectors/bdb/bdb_meta.c \
	connectors/bdb/bdb_codec.c connectors/bdb/bdb_codec.h \
	connectors/bdb/bdb_def.c connectors/bdb/bdb_def.h \
	connectors/bdb/bdb_literal.c connectors/bdb/bdb_literal.h \
	connectors/bdb/bdb_schema.c connectors/bdb/bdb_schema.h \
	connectors/bdb/bdb_value.c connectors/bdb/bdb_value.h \
	connectors/bdb/bdb_table.c \
	connectors/bdb/bdb_filter.c connectors/bdb/bdb_plan.c \
	connectors/bdb/bdb_plan.h \
	connectors/bdb/bdb_query.c \
	connectors/bdb/bdb_store.c connectors/bdb/bdb_store.h \
	connectors/bdb/bdb_write.c \
	connectors/bdb/bdb_exec.c
connectors_bdb_libbdbc_la_CFLAGS = $(AM_CFLAGS) $(INIH_CFLAGS)

connector_LTLIBRARIES += connectors/bdb/bdb.la
connectors_bdb_bdb_la_SOURCES =
connectors_bdb_bdb_la_LIBADD = connectors/bdb/libbdbc.la \
	proto/libdbdcore.la $(INIH_LIBS) $(BDB_LIBS) -lm
connectors_bdb_bdb_la_LDFLAGS = $(AM_LDFLAGS) $(CONNECTOR_LDFLAGS)

# The table definitions for the Kamailio tables, installed with the schema
# files of the other backends.
schemabdbdir = $(datadir)/dbd/schema/bdb
dist_schemabdb_DATA = tools/schema/bdb/tables.ini
endif
