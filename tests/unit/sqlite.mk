# unit-test build rules owned by the sqlite area
# (the shared SQL builder and the sqlite connector).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_sqlbuild

tests_unit_test_sqlbuild_SOURCES = tests/unit/test_sqlbuild.c
tests_unit_test_sqlbuild_CFLAGS = $(CMOCKA_TEST_CFLAGS)
tests_unit_test_sqlbuild_LDADD = connectors/sql/libdbdsql.la \
	$(CMOCKA_TEST_LIBS)

if BUILD_SQLITE
check_PROGRAMS += tests/unit/test_sqlite

tests_unit_test_sqlite_SOURCES = tests/unit/test_sqlite.c
tests_unit_test_sqlite_CFLAGS = $(CMOCKA_TEST_CFLAGS) $(SQLITE_CFLAGS)
tests_unit_test_sqlite_LDADD = connectors/sqlite/libsqlc.la \
	connectors/sql/libdbdsql.la $(CMOCKA_TEST_LIBS) $(SQLITE_LIBS)
endif
endif
