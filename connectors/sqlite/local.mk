if BUILD_SQLITE
# The connector's objects live in a convenience library so that the unit
# test can link them directly; the module is that library and nothing else.
noinst_LTLIBRARIES += connectors/sqlite/libsqlc.la
connectors_sqlite_libsqlc_la_SOURCES = \
	connectors/sqlite/sqlite.c connectors/sqlite/sqlite_int.h \
	connectors/sqlite/sqlite_opts.c \
	connectors/sqlite/sqlite_error.c \
	connectors/sqlite/sqlite_bind.c \
	connectors/sqlite/sqlite_rows.c \
	connectors/sqlite/sqlite_stmt.c \
	connectors/sqlite/sqlite_exec.c \
	connectors/sqlite/sqlite_raw.c
connectors_sqlite_libsqlc_la_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS)

connector_LTLIBRARIES += connectors/sqlite/sqlite.la
connectors_sqlite_sqlite_la_SOURCES =
connectors_sqlite_sqlite_la_LIBADD = connectors/sqlite/libsqlc.la \
	connectors/sql/libdbdsql.la proto/libdbdcore.la $(SQLITE_LIBS)
connectors_sqlite_sqlite_la_LDFLAGS = $(AM_LDFLAGS) $(CONNECTOR_LDFLAGS)
endif
