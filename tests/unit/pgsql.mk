# unit-test build rules owned by the pgsql connector.  The test drives the
# connector against the server named by DBD_TEST_PGSQL_URL and skips
# without one.
if HAVE_CMOCKA
if BUILD_PGSQL
check_PROGRAMS += tests/unit/test_pgsql

tests_unit_test_pgsql_SOURCES = tests/unit/test_pgsql.c \
	tests/unit/connector_fixture.c tests/unit/connector_fixture.h
tests_unit_test_pgsql_CFLAGS = $(CMOCKA_TEST_CFLAGS) $(PGSQL_CFLAGS)
tests_unit_test_pgsql_LDADD = connectors/pgsql/libpgc.la \
	connectors/sql/libdbdsql.la $(CMOCKA_TEST_LIBS) $(PGSQL_LIBS)
endif
endif
