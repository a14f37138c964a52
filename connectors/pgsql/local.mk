# the pgsql connector: PostgreSQL through libpq.
if BUILD_PGSQL
# The connector's objects live in a convenience library so that the unit
# test can link them directly; the module is that library and nothing else.
noinst_LTLIBRARIES += connectors/pgsql/libpgc.la
connectors_pgsql_libpgc_la_SOURCES = \
	connectors/pgsql/pgsql.c connectors/pgsql/pgsql_int.h \
	connectors/pgsql/pgsql_opts.c \
	connectors/pgsql/pgsql_session.c \
	connectors/pgsql/pgsql_error.c \
	connectors/pgsql/pgsql_params.c \
	connectors/pgsql/pgsql_decode.c \
	connectors/pgsql/pgsql_datetime.c \
	connectors/pgsql/pgsql_stmt.c \
	connectors/pgsql/pgsql_serial.c \
	connectors/pgsql/pgsql_run.c \
	connectors/pgsql/pgsql_exec.c \
	connectors/pgsql/pgsql_raw.c
connectors_pgsql_libpgc_la_CFLAGS = $(AM_CFLAGS) $(PGSQL_CFLAGS)

connector_LTLIBRARIES += connectors/pgsql/pgsql.la
connectors_pgsql_pgsql_la_SOURCES =
connectors_pgsql_pgsql_la_LIBADD = connectors/pgsql/libpgc.la \
	connectors/sql/libdbdsql.la proto/libdbdcore.la $(PGSQL_LIBS)
connectors_pgsql_pgsql_la_LDFLAGS = $(AM_LDFLAGS) $(CONNECTOR_LDFLAGS)
endif
