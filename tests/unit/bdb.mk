# unit-test build rules owned by the bdb connector
if HAVE_CMOCKA
if BUILD_BDB
check_PROGRAMS += tests/unit/test_bdb
tests_unit_test_bdb_SOURCES = tests/unit/test_bdb.c \
	tests/unit/connector_fixture.c tests/unit/connector_fixture.h \
	tests/unit/connector_collect.c tests/unit/connector_collect.h
tests_unit_test_bdb_CFLAGS = $(CMOCKA_TEST_CFLAGS) $(INIH_CFLAGS)
# The connector's objects plus the core library (no codec needed).
tests_unit_test_bdb_LDADD = connectors/bdb/libbdbc.la proto/libdbdcore.la \
	$(CMOCKA_LIBS) $(INIH_LIBS) $(BDB_LIBS) -lpthread -lm
endif
endif
