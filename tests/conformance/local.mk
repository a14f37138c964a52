# tests/conformance/: the connector conformance suite, one list of cases
# run unchanged against every datasource through a real dbd.  Built as an
# integration test: tests/run runs it against the fixture's dbd.
check_PROGRAMS += tests/integration/test_conformance
tests_integration_test_conformance_SOURCES = \
	tests/conformance/conf.h \
	tests/conformance/main.c \
	tests/conformance/runner.c \
	tests/conformance/cases.c \
	tests/conformance/caps.c \
	tests/conformance/expect.c \
	tests/conformance/tap.c \
	tests/conformance/describe.c \
	tests/conformance/helpers.c \
	tests/conformance/cases_kamailio.c \
	tests/conformance/cases_ops.c \
	tests/conformance/cases_batch.c \
	tests/conformance/cases_types.c \
	tests/conformance/cases_where.c \
	tests/conformance/cases_literal.c \
	tests/conformance/inject_common.c \
	tests/conformance/cases_inject.c \
	tests/conformance/cases_inject_ident.c \
	tests/conformance/cases_load.c
# cases_inject_ident.c sends identifiers the request builder cannot hold
# (a NUL inside) on a socket of its own.
tests_integration_test_conformance_CFLAGS = $(AM_CFLAGS) $(ZMQ_CFLAGS)
tests_integration_test_conformance_LDADD = proto/libdbdclient.la $(ZMQ_LIBS)

# The conformance table of the fixture's SQLite and db_text backends.
EXTRA_DIST += tests/lib/t_conf.sql tests/lib/t_conf.dbtext \
	tests/conformance/README.md
