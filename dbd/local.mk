# dbd/: the daemon.

# The configuration loader on its own, so that unit tests can link it; its
# strict INI reader and value setters (ini_*) also read sipproxy.conf.
noinst_LTLIBRARIES += dbd/libdbdconfig.la
dbd_libdbdconfig_la_SOURCES = \
	dbd/ini_strict.c dbd/ini_strict.h \
	dbd/ini_values.c dbd/ini_values.h \
	dbd/config.c dbd/config.h dbd/config_parse.h \
	dbd/config_ds.c \
	dbd/config_keys.c \
	dbd/config_audit.c \
	dbd/config_client.c \
	dbd/config_value.c dbd/config_value.h \
	dbd/log.c dbd/log.h
dbd_libdbdconfig_la_CFLAGS = $(AM_CFLAGS) $(INIH_CFLAGS)

# What the front ends of both daemons (dbd, sipproxy) share: the command
# line, signals as a file descriptor, and running as a configured user.
noinst_LTLIBRARIES += dbd/libdbddaemon.la
dbd_libdbddaemon_la_SOURCES = \
	dbd/daemon_args.c dbd/daemon_args.h \
	dbd/sigfd.c dbd/sigfd.h \
	dbd/privdrop.c dbd/privdrop.h

sbin_PROGRAMS += dbd/dbd
dbd_dbd_SOURCES = \
	dbd/main.c \
	dbd/fdlimit.c dbd/fdlimit.h \
	dbd/server.c dbd/server.h dbd/server_impl.h \
	dbd/dispatch.c \
	dbd/clients.c dbd/clients.h \
	dbd/client_usage.c dbd/client_usage.h \
	dbd/rules.c dbd/rules.h \
	dbd/admin.c \
	dbd/answer.c dbd/answer.h \
	dbd/replyq.c dbd/replyq.h \
	dbd/datasource.c dbd/datasource.h dbd/ds_internal.h \
	dbd/backend.c dbd/swap.c dbd/admin_swap.c dbd/reload.c \
	dbd/worker.c \
	dbd/exec.c dbd/exec.h \
	dbd/batch.c dbd/batch.h \
	dbd/job.c dbd/job.h \
	dbd/registry.c dbd/registry.h \
	dbd/endpoint.c dbd/endpoint.h \
	dbd/stats.c dbd/stats.h \
	dbd/audit.c dbd/audit.h dbd/audit_file.c dbd/audit_file.h \
	dbd/audit_record.c \
	dbd/zap.c dbd/zap.h dbd/zap_watch.c dbd/zap_internal.h dbd/zap_allow.c dbd/zap_allow.h \
	dbd/clock.h dbd/strutil.h
dbd_dbd_CFLAGS = $(AM_CFLAGS) $(ZMQ_CFLAGS) $(MSGPACK_CFLAGS)
dbd_dbd_LDADD = dbd/libdbddaemon.la dbd/libdbdconfig.la dbd/libdbdaudit.la \
	proto/libdbdcodec.la proto/libdbdcore.la \
	$(ZMQ_LIBS) $(INIH_LIBS) $(MSGPACK_LIBS) $(NETTLE_LIBS)
dist_sysconf_DATA += dbd/dbd.conf

# Integration test against a running dbd (tests/run starts the fixture).
check_PROGRAMS += tests/integration/test_badinput
tests_integration_test_badinput_SOURCES = tests/integration/test_badinput.c
tests_integration_test_badinput_CFLAGS = $(AM_CFLAGS) $(ZMQ_CFLAGS) $(MSGPACK_CFLAGS)
tests_integration_test_badinput_LDADD = proto/libdbdcodec.la proto/libdbdcore.la \
	$(ZMQ_LIBS) $(MSGPACK_LIBS)
EXTRA_DIST += tests/integration/test_lifecycle.sh

# The allow-list of CURVE client keys (dbd/zap_allow.c).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_zap_allow
tests_unit_test_zap_allow_SOURCES = tests/unit/test_zap_allow.c \
	dbd/zap_allow.c dbd/zap_allow.h
tests_unit_test_zap_allow_CFLAGS = $(CMOCKA_TEST_CFLAGS) $(ZMQ_CFLAGS) \
	-I$(srcdir)/dbd
tests_unit_test_zap_allow_LDADD = $(CMOCKA_TEST_LIBS) $(ZMQ_LIBS)
endif
include $(srcdir)/dbd/audit.mk
