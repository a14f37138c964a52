# unit-test build rules owned by the odbc connector
if HAVE_CMOCKA
if BUILD_ODBC
check_PROGRAMS += tests/unit/test_odbc

tests_unit_test_odbc_SOURCES = tests/unit/test_odbc.c \
	tests/unit/connector_fixture.c tests/unit/connector_fixture.h
tests_unit_test_odbc_CFLAGS = $(CMOCKA_TEST_CFLAGS) $(ODBC_CFLAGS)
tests_unit_test_odbc_LDADD = connectors/odbc/libodbcc.la \
	connectors/sql/libdbdsql.la $(CMOCKA_TEST_LIBS) $(ODBC_LIBS)
endif
endif
