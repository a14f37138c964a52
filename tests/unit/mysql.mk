# unit-test build rules owned by the mysql connector.  The test runs
# against the server named by DBD_TEST_MYSQL_URL and skips without one.
if HAVE_CMOCKA
if BUILD_MYSQL
check_PROGRAMS += tests/unit/test_mysql

tests_unit_test_mysql_SOURCES = tests/unit/test_mysql.c \
	tests/unit/connector_fixture.c tests/unit/connector_fixture.h
tests_unit_test_mysql_CFLAGS = $(CMOCKA_TEST_CFLAGS) $(MYSQL_CFLAGS)
tests_unit_test_mysql_LDADD = connectors/mysql/libmyc.la \
	connectors/sql/libdbdsql.la $(CMOCKA_TEST_LIBS) $(MYSQL_LIBS)
endif
endif

# The MariaDB fixture of the connector tests and its conformance table.
EXTRA_DIST += tests/lib/mysql.sh tests/lib/mysql-conf.sql
