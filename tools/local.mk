# tools/: dbctl, dbbench, benchmark helpers, set-up scripts.
bin_PROGRAMS += tools/dbctl/dbctl
tools_dbctl_dbctl_SOURCES = tools/dbctl/dbctl.c tools/dbctl/dbctl.h \
	tools/dbctl/help.c tools/dbctl/literal.c tools/dbctl/opargs.c \
	tools/dbctl/words.c tools/dbctl/format.c tools/dbctl/out_table.c \
	tools/dbctl/out_json.c tools/dbctl/cmd_admin.c tools/dbctl/cmd_data.c \
	tools/dbctl/cmd_batch.c tools/dbctl/migrate.h tools/dbctl/cmd_migrate.c \
	tools/dbctl/migrate_scan.c tools/dbctl/migrate_write.c \
	tools/dbctl/migrate_report.c tools/dbctl/checksum.c \
	tools/dbctl/audit_cmd.h tools/dbctl/cmd_audit.c \
	tools/dbctl/audit_line.h tools/dbctl/audit_line.c \
	tools/dbctl/audit_follow.c tools/dbctl/audit_verify.c \
	tools/dbctl/cmd_keygen.c
tools_dbctl_dbctl_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/dbd
tools_dbctl_dbctl_CFLAGS = $(AM_CFLAGS) $(NETTLE_CFLAGS) $(ZMQ_CFLAGS)
tools_dbctl_dbctl_LDADD = proto/libdbdclient.la dbd/libdbdaudit.la \
	$(NETTLE_LIBS) $(ZMQ_LIBS)

# dbctl's reading of audit records (audit --follow), without a daemon.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_dbctl_audit_line
tests_unit_test_dbctl_audit_line_SOURCES = tests/unit/test_dbctl_audit_line.c \
	tools/dbctl/audit_line.c tools/dbctl/audit_line.h tools/dbctl/format.c
tests_unit_test_dbctl_audit_line_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/tools/dbctl
tests_unit_test_dbctl_audit_line_CFLAGS = $(CMOCKA_TEST_CFLAGS)
tests_unit_test_dbctl_audit_line_LDADD = proto/libdbdclient.la \
	$(CMOCKA_TEST_LIBS)
endif

bin_PROGRAMS += tools/dbbench/dbbench
tools_dbbench_dbbench_SOURCES = tools/dbbench/dbbench.c \
	tools/dbbench/options.c tools/dbbench/options.h \
	tools/dbbench/workload.c tools/dbbench/workload.h \
	tools/dbbench/prefill.c tools/dbbench/prefill.h \
	tools/dbbench/inflight.c tools/dbbench/inflight.h \
	tools/dbbench/worker.c tools/dbbench/worker.h \
	tools/dbbench/timeline.c tools/dbbench/timeline.h \
	tools/bench/histogram.c tools/bench/histogram.h \
	tools/bench/report.c tools/bench/report.h \
	tools/bench/args.c tools/bench/args.h tools/bench/clock.h
tools_dbbench_dbbench_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools/bench
tools_dbbench_dbbench_CFLAGS = $(AM_CFLAGS) $(NETTLE_CFLAGS)
tools_dbbench_dbbench_LDADD = proto/libdbdclient.la $(NETTLE_LIBS)

noinst_PROGRAMS += tools/bench/zmq-echo
tools_bench_zmq_echo_SOURCES = tools/bench/zmq-echo.c \
	tools/bench/histogram.c tools/bench/histogram.h \
	tools/bench/report.c tools/bench/report.h \
	tools/bench/args.c tools/bench/args.h tools/bench/clock.h
tools_bench_zmq_echo_CFLAGS = $(AM_CFLAGS) $(ZMQ_CFLAGS)
tools_bench_zmq_echo_LDADD = $(ZMQ_LIBS)

noinst_PROGRAMS += tools/bench/direct-bench
tools_bench_direct_bench_SOURCES = tools/bench/direct-bench.c \
	tools/dbbench/workload.c tools/dbbench/workload.h \
	tools/bench/histogram.c tools/bench/histogram.h \
	tools/bench/report.c tools/bench/report.h \
	tools/bench/args.c tools/bench/args.h tools/bench/clock.h
tools_bench_direct_bench_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools/bench
tools_bench_direct_bench_CFLAGS = $(AM_CFLAGS) $(NETTLE_CFLAGS) -pthread
# libdbdclient for dbd_now_usec, which the shared workload builders use.
tools_bench_direct_bench_LDADD = proto/libdbdclient.la proto/libdbdcore.la \
	$(NETTLE_LIBS) -ldl -lpthread
