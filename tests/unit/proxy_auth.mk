# unit-test build rules owned by the sipproxy auth area
# (digest arithmetic, stateless nonces, digest authentication).
if HAVE_CMOCKA
if HAVE_OSIP
check_PROGRAMS += tests/unit/test_digest tests/unit/test_nonce \
	tests/unit/test_auth

PROXY_AUTH_TEST_CFLAGS = $(CMOCKA_TEST_CFLAGS) -I$(top_srcdir)/proxy \
	$(OSIP_CFLAGS) $(NETTLE_CFLAGS)
PROXY_AUTH_TEST_LIBS = $(CMOCKA_TEST_LIBS) $(OSIP_LIBS) $(NETTLE_LIBS)

tests_unit_test_digest_SOURCES = tests/unit/test_digest.c \
	proxy/digest.c proxy/digest.h
tests_unit_test_digest_CFLAGS = $(PROXY_AUTH_TEST_CFLAGS)
tests_unit_test_digest_LDADD = $(PROXY_AUTH_TEST_LIBS)

tests_unit_test_nonce_SOURCES = tests/unit/test_nonce.c \
	proxy/nonce.c proxy/nonce.h
tests_unit_test_nonce_CFLAGS = $(PROXY_AUTH_TEST_CFLAGS)
tests_unit_test_nonce_LDADD = $(PROXY_AUTH_TEST_LIBS)

tests_unit_test_auth_SOURCES = tests/unit/test_auth.c \
	proxy/auth.c proxy/auth.h proxy/digest.c proxy/digest.h \
	proxy/nonce.c proxy/nonce.h
tests_unit_test_auth_CFLAGS = $(PROXY_AUTH_TEST_CFLAGS)
tests_unit_test_auth_LDADD = $(PROXY_AUTH_TEST_LIBS)
endif
endif
