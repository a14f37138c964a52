# unit-test build rules owned by the sipproxy core (branch computation,
# configuration, SIP message helpers, the pending table, the listen
# sockets).
if HAVE_CMOCKA
if HAVE_OSIP
check_PROGRAMS += tests/unit/test_branch tests/unit/test_proxy_conf \
	tests/unit/test_proxy_sipmsg tests/unit/test_proxy_pending \
	tests/unit/test_proxy_listen

PROXY_CORE_TEST_CFLAGS = $(CMOCKA_TEST_CFLAGS) -I$(top_srcdir)/proxy \
	$(OSIP_CFLAGS) $(NETTLE_CFLAGS)
PROXY_CORE_TEST_LIBS = $(CMOCKA_TEST_LIBS) $(OSIP_LIBS) $(NETTLE_LIBS)

tests_unit_test_branch_SOURCES = tests/unit/test_branch.c \
	proxy/branch.c proxy/branch.h
tests_unit_test_branch_CFLAGS = $(PROXY_CORE_TEST_CFLAGS)
tests_unit_test_branch_LDADD = $(PROXY_CORE_TEST_LIBS)

tests_unit_test_proxy_conf_SOURCES = tests/unit/test_proxy_conf.c \
	proxy/conf.c proxy/conf.h proxy/conf_parse.h proxy/conf_keys.c \
	proxy/digest.c proxy/digest.h
tests_unit_test_proxy_conf_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/dbd
tests_unit_test_proxy_conf_CFLAGS = $(PROXY_CORE_TEST_CFLAGS) $(INIH_CFLAGS)
tests_unit_test_proxy_conf_LDADD = dbd/libdbdconfig.la \
	$(PROXY_CORE_TEST_LIBS) $(INIH_LIBS)

tests_unit_test_proxy_sipmsg_SOURCES = tests/unit/test_proxy_sipmsg.c \
	proxy/sipmsg.c proxy/sipmsg.h proxy/sipbuild.c proxy/sipvia.c \
	proxy/salvage.c proxy/salvage.h \
	proxy/addr.c proxy/addr.h
tests_unit_test_proxy_sipmsg_CFLAGS = $(PROXY_CORE_TEST_CFLAGS)
tests_unit_test_proxy_sipmsg_LDADD = $(PROXY_CORE_TEST_LIBS)

tests_unit_test_proxy_pending_SOURCES = tests/unit/test_proxy_pending.c \
	proxy/pending.c proxy/pending.h
tests_unit_test_proxy_pending_CFLAGS = $(PROXY_CORE_TEST_CFLAGS)
tests_unit_test_proxy_pending_LDADD = $(PROXY_CORE_TEST_LIBS)

tests_unit_test_proxy_listen_SOURCES = tests/unit/test_proxy_listen.c \
	proxy/listen.c proxy/listen.h proxy/addr.c proxy/addr.h
tests_unit_test_proxy_listen_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/dbd
tests_unit_test_proxy_listen_CFLAGS = $(PROXY_CORE_TEST_CFLAGS)
tests_unit_test_proxy_listen_LDADD = $(PROXY_CORE_TEST_LIBS)
endif
endif
