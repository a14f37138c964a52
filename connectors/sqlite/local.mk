if BUILD_SQLITE
connector_LTLIBRARIES += connectors/sqlite/sqlite.la
connectors_sqlite_sqlite_la_SOURCES = connectors/sqlite/sqlite.c
connectors_sqlite_sqlite_la_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS)
connectors_sqlite_sqlite_la_LIBADD = proto/libdbdcore.la $(SQLITE_LIBS)
connectors_sqlite_sqlite_la_LDFLAGS = $(AM_LDFLAGS) $(CONNECTOR_LDFLAGS)
endif
