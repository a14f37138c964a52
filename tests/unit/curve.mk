# unit-test build rules of the CURVE key files (proto/curve_key.c)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_curve_key
tests_unit_test_curve_key_SOURCES = tests/unit/test_curve_key.c
tests_unit_test_curve_key_CFLAGS = $(CMOCKA_TEST_CFLAGS) $(ZMQ_CFLAGS)
# ZeroMQ only as the reference Z85 decoder the parser is compared with.
tests_unit_test_curve_key_LDADD = proto/libdbdcore.la $(CMOCKA_LIBS) \
	$(ZMQ_LIBS)
endif

# The client library's CURVE option against an in-test CURVE server.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_client_curve
tests_unit_test_client_curve_SOURCES = tests/unit/test_client_curve.c
tests_unit_test_client_curve_CFLAGS = $(CMOCKA_TEST_CFLAGS) $(ZMQ_CFLAGS)
tests_unit_test_client_curve_LDADD = proto/libdbdclient.la $(CMOCKA_LIBS) \
	$(ZMQ_LIBS) -lpthread
endif

# Shell test of "dbctl keygen" and the key options, run by tests/run.
EXTRA_DIST += tests/integration/test_keygen.sh
