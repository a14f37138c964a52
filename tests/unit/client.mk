# unit-test build rules owned by the client area
if HAVE_CMOCKA
# The client library against a fake dbd (an in-test ROUTER socket).
check_PROGRAMS += tests/unit/test_client_local
tests_unit_test_client_local_SOURCES = tests/unit/test_client_local.c
tests_unit_test_client_local_CFLAGS = $(CMOCKA_TEST_CFLAGS) $(ZMQ_CFLAGS)
# libdbdclient carries the core and the codec: link them once, through it.
tests_unit_test_client_local_LDADD = proto/libdbdclient.la $(CMOCKA_LIBS) \
	$(ZMQ_LIBS)
endif

# Integration tests of the client area, run by tests/run against the
# fixture's dbd (they need no cmocka: they print TAP themselves).
check_PROGRAMS += tests/integration/test_ops
tests_integration_test_ops_SOURCES = tests/integration/test_ops.c
tests_integration_test_ops_LDADD = proto/libdbdclient.la

# Shell tests and documents of the client area.
EXTRA_DIST += tests/integration/test_dbctl.sh docs/dbctl.md
