# unit-test build rules owned by the dbd area
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_config
tests_unit_test_config_SOURCES = tests/unit/test_config.c \
	tests/unit/config_expect.c tests/unit/config_expect.h
tests_unit_test_config_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/dbd
tests_unit_test_config_CFLAGS = $(CMOCKA_TEST_CFLAGS) $(INIH_CFLAGS)
tests_unit_test_config_LDADD = dbd/libdbdconfig.la $(CMOCKA_TEST_LIBS) $(INIH_LIBS)

check_PROGRAMS += tests/unit/test_registry
tests_unit_test_registry_SOURCES = tests/unit/test_registry.c dbd/registry.c
tests_unit_test_registry_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/dbd
tests_unit_test_registry_CFLAGS = $(CMOCKA_TEST_CFLAGS)
tests_unit_test_registry_LDADD = dbd/libdbdconfig.la $(CMOCKA_TEST_LIBS) $(INIH_LIBS)

check_PROGRAMS += tests/unit/test_job
tests_unit_test_job_SOURCES = tests/unit/test_job.c dbd/job.c \
	dbd/client_usage.c
tests_unit_test_job_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/dbd
tests_unit_test_job_CFLAGS = $(CMOCKA_TEST_CFLAGS)
tests_unit_test_job_LDADD = $(CMOCKA_TEST_LIBS)

check_PROGRAMS += tests/unit/test_replyq
tests_unit_test_replyq_SOURCES = tests/unit/test_replyq.c dbd/replyq.c
tests_unit_test_replyq_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/dbd
tests_unit_test_replyq_CFLAGS = $(CMOCKA_TEST_CFLAGS)
tests_unit_test_replyq_LDADD = $(CMOCKA_TEST_LIBS) -lpthread

check_PROGRAMS += tests/unit/test_client_rules
tests_unit_test_client_rules_SOURCES = tests/unit/test_client_rules.c \
	tests/unit/config_expect.c tests/unit/config_expect.h \
	dbd/rules.c
tests_unit_test_client_rules_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/dbd
tests_unit_test_client_rules_CFLAGS = $(CMOCKA_TEST_CFLAGS) $(INIH_CFLAGS)
tests_unit_test_client_rules_LDADD = dbd/libdbdconfig.la $(CMOCKA_TEST_LIBS) \
	$(INIH_LIBS)

check_PROGRAMS += tests/unit/test_client_usage
tests_unit_test_client_usage_SOURCES = tests/unit/test_client_usage.c \
	dbd/client_usage.c
tests_unit_test_client_usage_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/dbd
tests_unit_test_client_usage_CFLAGS = $(CMOCKA_TEST_CFLAGS)
tests_unit_test_client_usage_LDADD = $(CMOCKA_TEST_LIBS)
endif
