# unit-test build rules owned by the sqlite area
# (what the SQL connectors share: the builder and the statement cache; and
# the sqlite connector).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_sqlbuild tests/unit/test_stmtcache

tests_unit_test_sqlbuild_SOURCES = tests/unit/test_sqlbuild.c
tests_unit_test_sqlbuild_CFLAGS = $(CMOCKA_TEST_CFLAGS)
tests_unit_test_sqlbuild_LDADD = connectors/sql/libdbdsql.la \
	$(CMOCKA_TEST_LIBS)

tests_unit_test_stmtcache_SOURCES = tests/unit/test_stmtcache.c
tests_unit_test_stmtcache_CFLAGS = $(CMOCKA_TEST_CFLAGS)
tests_unit_test_stmtcache_LDADD = connectors/sql/libdbdsql.la \
	$(CMOCKA_TEST_LIBS)

if BUILD_SQLITE
check_PROGRAMS += tests/unit/test_sqlite

tests_unit_test_sqlite_SOURCES = tests/unit/test_sqlite.c \
	tests/unit/connector_fixture.c tests/unit/connector_fixture.h
tests_unit_test_sqlite_CFLAGS = $(CMOCKA_TEST_CFLAGS) $(SQLITE_CFLAGS)
tests_unit_test_sqlite_LDADD = connectors/sqlite/libsqlc.la \
	connectors/sql/libdbdsql.la $(CMOCKA_TEST_LIBS) $(SQLITE_LIBS)
endif
endif
