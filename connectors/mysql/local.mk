# the mysql connector (MariaDB/MySQL through libmariadb)
if BUILD_MYSQL
# The connector's objects live in a convenience library so that the unit
# test can link them directly; the module is that library and nothing else.
noinst_LTLIBRARIES += connectors/mysql/libmyc.la
connectors_mysql_libmyc_la_SOURCES = \
	connectors/mysql/mysql.c connectors/mysql/mysql_int.h \
	connectors/mysql/mysql_opts.c \
	connectors/mysql/mysql_error.c \
	connectors/mysql/mysql_time.c \
	connectors/mysql/mysql_bind.c \
	connectors/mysql/mysql_rows.c \
	connectors/mysql/mysql_stmt.c \
	connectors/mysql/mysql_exec.c \
	connectors/mysql/mysql_raw.c
connectors_mysql_libmyc_la_CFLAGS = $(AM_CFLAGS) $(MYSQL_CFLAGS)

connector_LTLIBRARIES += connectors/mysql/mysql.la
connectors_mysql_mysql_la_SOURCES =
connectors_mysql_mysql_la_LIBADD = connectors/mysql/libmyc.la \
	connectors/sql/libdbdsql.la proto/libdbdcore.la $(MYSQL_LIBS)
connectors_mysql_mysql_la_LDFLAGS = $(AM_LDFLAGS) $(CONNECTOR_LDFLAGS)
endif
