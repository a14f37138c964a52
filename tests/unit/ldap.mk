# unit-test build rules owned by the ldap connector
if HAVE_CMOCKA
if BUILD_LDAP
check_PROGRAMS += tests/unit/test_ldap
tests_unit_test_ldap_SOURCES = tests/unit/test_ldap.c \
	tests/unit/connector_fixture.c tests/unit/connector_fixture.h
tests_unit_test_ldap_CFLAGS = $(CMOCKA_TEST_CFLAGS) $(LDAP_CFLAGS) \
	$(INIH_CFLAGS)
tests_unit_test_ldap_LDADD = connectors/ldap/libldc.la $(CMOCKA_TEST_LIBS) \
	$(LDAP_LIBS) $(INIH_LIBS) -lm
endif
endif
