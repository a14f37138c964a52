# unit-test build rules owned by the proxy's registrar and routing logic
# (proxy/registrar.c, proxy/binding.c, proxy/route.c).  These modules use
# only the core library and nettle, not libosip2, so they build wherever
# cmocka does.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_registrar tests/unit/test_route

PROXY_LOGIC_TEST_CFLAGS = $(CMOCKA_TEST_CFLAGS) -I$(top_srcdir)/proxy \
	$(NETTLE_CFLAGS)
PROXY_LOGIC_TEST_LIBS = proto/libdbdcore.la $(CMOCKA_LIBS) $(NETTLE_LIBS)

tests_unit_test_registrar_SOURCES = tests/unit/test_registrar.c \
	proxy/registrar.c proxy/registrar.h proxy/binding.c proxy/binding.h
tests_unit_test_registrar_CFLAGS = $(PROXY_LOGIC_TEST_CFLAGS)
tests_unit_test_registrar_LDADD = $(PROXY_LOGIC_TEST_LIBS)

tests_unit_test_route_SOURCES = tests/unit/test_route.c \
	proxy/route.c proxy/route.h
tests_unit_test_route_CFLAGS = $(PROXY_LOGIC_TEST_CFLAGS)
tests_unit_test_route_LDADD = $(PROXY_LOGIC_TEST_LIBS)
endif
