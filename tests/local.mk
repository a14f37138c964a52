# tests/: unit tests (cmocka) are built here and run by tests/run; the
# integration tests are driven by tests/run against a real dbd.
if HAVE_CMOCKA
CMOCKA_TEST_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(MSGPACK_CFLAGS) -DTOP_SRCDIR='"$(abs_top_srcdir)"'
# The codec needs the core, so it comes first for the static linker.
CMOCKA_TEST_LIBS = proto/libdbdcodec.la proto/libdbdcore.la $(CMOCKA_LIBS)
endif

include $(srcdir)/tests/unit/core.mk
include $(srcdir)/tests/unit/codec.mk
include $(srcdir)/tests/unit/client.mk
include $(srcdir)/tests/unit/curve.mk
include $(srcdir)/tests/unit/dbd.mk
include $(srcdir)/tests/unit/audit.mk
include $(srcdir)/tests/unit/sqlite.mk
include $(srcdir)/tests/unit/text.mk
include $(srcdir)/tests/unit/mysql.mk
include $(srcdir)/tests/unit/pgsql.mk
include $(srcdir)/tests/unit/odbc.mk
include $(srcdir)/tests/unit/ldap.mk
include $(srcdir)/tests/unit/bdb.mk
include $(srcdir)/tests/unit/proxy_core.mk
include $(srcdir)/tests/unit/proxy_auth.mk
include $(srcdir)/tests/unit/proxy_logic.mk
include $(srcdir)/tests/conformance/local.mk
