# the odbc connector: unixODBC data sources (odbc://DSN).
if BUILD_ODBC
# The connector's objects live in a convenience library so that the unit
# test can link them directly; the module is that library and nothing else.
noinst_LTLIBRARIES += connectors/odbc/libodbcc.la
connectors_odbc_libodbcc_la_SOURCES = \
	connectors/odbc/odbc.c connectors/odbc/odbc_int.h \
	connectors/odbc/odbc_opts.c \
	connectors/odbc/odbc_dbms.c \
	connectors/odbc/odbc_error.c \
	connectors/odbc/odbc_time.c \
	connectors/odbc/odbc_bind.c \
	connectors/odbc/odbc_stmt.c \
	connectors/odbc/odbc_rows.c \
	connectors/odbc/odbc_exact.c \
	connectors/odbc/odbc_exec.c \
	connectors/odbc/odbc_upsert.c \
	connectors/odbc/odbc_lastid.c \
	connectors/odbc/odbc_raw.c
connectors_odbc_libodbcc_la_CFLAGS = $(AM_CFLAGS) $(ODBC_CFLAGS)

connector_LTLIBRARIES += connectors/odbc/odbc.la
connectors_odbc_odbc_la_SOURCES =
connectors_odbc_odbc_la_LIBADD = connectors/odbc/libodbcc.la \
	connectors/sql/libdbdsql.la proto/libdbdcore.la $(ODBC_LIBS)
# Never unloaded: unixODBC's libodbcinst keeps what it read from the ini
# files in global caches it offers no call to free, so unloading it with
# the module at exit would turn them into leaks (LeakSanitizer says so).
connectors_odbc_odbc_la_LDFLAGS = $(AM_LDFLAGS) $(CONNECTOR_LDFLAGS) \
	-Wl,-z,nodelete
endif
