# connectors/sql/: what the SQL connectors (sqlite, mysql, pgsql, odbc)
# share: the SQL statement builder and the prepared-statement cache.  A
# convenience library that each connector module links in.
noinst_LTLIBRARIES += connectors/sql/libdbdsql.la
connectors_sql_libdbdsql_la_SOURCES = \
	connectors/sql/sqlbuild.c connectors/sql/sqlbuild.h \
	connectors/sql/sqlstmt.c connectors/sql/sqlstmt.h \
	connectors/sql/sqldialect.c \
	connectors/sql/stmtcache.c connectors/sql/stmtcache.h
