# unit-test build rules owned by the text area
if HAVE_CMOCKA
if BUILD_TEXT
check_PROGRAMS += tests/unit/test_dbtext
tests_unit_test_dbtext_SOURCES = tests/unit/test_dbtext.c \
	tests/unit/connector_fixture.c tests/unit/connector_fixture.h \
	tests/unit/connector_collect.c tests/unit/connector_collect.h
tests_unit_test_dbtext_CFLAGS = $(CMOCKA_TEST_CFLAGS)
# The connector's objects plus the core library (no codec needed).
tests_unit_test_dbtext_LDADD = connectors/text/libtxt.la \
	proto/libdbdcore.la $(CMOCKA_LIBS) -lm
endif
endif
