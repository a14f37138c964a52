# connectors/sql/: the SQL statement builder shared by the SQL connectors
# (sqlite now; mysql, pgsql and odbc later).  A convenience library that
# each connector module links in.
noinst_LTLIBRARIES += connectors/sql/libdbdsql.la
connectors_sql_libdbdsql_la_SOURCES = \
	connectors/sql/sqlbuild.c connectors/sql/sqlbuild.h \
	connectors/sql/sqlstmt.c connectors/sql/sqlstmt.h \
	connectors/sql/sqldialect.c
