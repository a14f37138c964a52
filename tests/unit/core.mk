# unit-test build rules owned by the core area
# (value, arena, request, result, URL, identifier, status and buffer tests
# of proto/).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_value tests/unit/test_arena \
	tests/unit/test_request tests/unit/test_result tests/unit/test_url \
	tests/unit/test_ident tests/unit/test_status tests/unit/test_buf

# Only the core library: these tests must not depend on the codec.
CORE_TEST_LIBS = proto/libdbdcore.la $(CMOCKA_LIBS)

tests_unit_test_value_SOURCES = tests/unit/test_value.c
tests_unit_test_value_CFLAGS = $(CMOCKA_TEST_CFLAGS)
tests_unit_test_value_LDADD = $(CORE_TEST_LIBS)

tests_unit_test_arena_SOURCES = tests/unit/test_arena.c
tests_unit_test_arena_CFLAGS = $(CMOCKA_TEST_CFLAGS)
tests_unit_test_arena_LDADD = $(CORE_TEST_LIBS)

tests_unit_test_request_SOURCES = tests/unit/test_request.c
tests_unit_test_request_CFLAGS = $(CMOCKA_TEST_CFLAGS)
tests_unit_test_request_LDADD = $(CORE_TEST_LIBS)

tests_unit_test_result_SOURCES = tests/unit/test_result.c
tests_unit_test_result_CFLAGS = $(CMOCKA_TEST_CFLAGS)
tests_unit_test_result_LDADD = $(CORE_TEST_LIBS)

tests_unit_test_url_SOURCES = tests/unit/test_url.c
tests_unit_test_url_CFLAGS = $(CMOCKA_TEST_CFLAGS)
tests_unit_test_url_LDADD = $(CORE_TEST_LIBS)

tests_unit_test_ident_SOURCES = tests/unit/test_ident.c
tests_unit_test_ident_CFLAGS = $(CMOCKA_TEST_CFLAGS)
tests_unit_test_ident_LDADD = $(CORE_TEST_LIBS)

tests_unit_test_status_SOURCES = tests/unit/test_status.c
tests_unit_test_status_CFLAGS = $(CMOCKA_TEST_CFLAGS)
tests_unit_test_status_LDADD = $(CORE_TEST_LIBS)

tests_unit_test_buf_SOURCES = tests/unit/test_buf.c
tests_unit_test_buf_CFLAGS = $(CMOCKA_TEST_CFLAGS)
tests_unit_test_buf_LDADD = $(CORE_TEST_LIBS)
endif
