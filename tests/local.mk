# tests/: unit tests (cmocka); integration tests are driven by tests/run.
if HAVE_CMOCKA
UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(MSGPACK_CFLAGS) -DTOP_SRCDIR='"$(abs_top_srcdir)"'
UNIT_LDADD = proto/libdbdcore.la proto/libdbdcodec.la $(CMOCKA_LIBS)
endif
