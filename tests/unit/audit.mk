# tests/unit/audit.mk: unit tests of the audit trail pieces (dbd/audit.mk).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_audit_chain tests/unit/test_audit_json
tests_unit_test_audit_chain_SOURCES = tests/unit/test_audit_chain.c
tests_unit_test_audit_chain_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/dbd
tests_unit_test_audit_chain_CFLAGS = $(CMOCKA_TEST_CFLAGS) $(NETTLE_CFLAGS)
tests_unit_test_audit_chain_LDADD = dbd/libdbdaudit.la $(CMOCKA_TEST_LIBS) $(NETTLE_LIBS)
tests_unit_test_audit_json_SOURCES = tests/unit/test_audit_json.c
tests_unit_test_audit_json_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/dbd
tests_unit_test_audit_json_CFLAGS = $(CMOCKA_TEST_CFLAGS)
tests_unit_test_audit_json_LDADD = dbd/libdbdaudit.la $(CMOCKA_TEST_LIBS)
endif
