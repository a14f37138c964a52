# unit-test build rules owned by the codec area
# (MessagePack codec of proto/, checked against the golden vectors in
# proto/vectors/).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_codec

tests_unit_test_codec_SOURCES = tests/unit/test_codec.c
tests_unit_test_codec_CFLAGS = $(CMOCKA_TEST_CFLAGS)
tests_unit_test_codec_LDADD = $(CMOCKA_TEST_LIBS) $(MSGPACK_LIBS)
endif
