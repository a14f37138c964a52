# tools/: dbctl, dbbench, benchmark helpers, set-up scripts.
bin_PROGRAMS += tools/dbctl/dbctl
tools_dbctl_dbctl_SOURCES = tools/dbctl/dbctl.c
tools_dbctl_dbctl_LDADD = proto/libdbdclient.la

bin_PROGRAMS += tools/dbbench/dbbench
tools_dbbench_dbbench_SOURCES = tools/dbbench/dbbench.c
tools_dbbench_dbbench_LDADD = proto/libdbdclient.la

noinst_PROGRAMS += tools/bench/zmq-echo
tools_bench_zmq_echo_SOURCES = tools/bench/zmq-echo.c
tools_bench_zmq_echo_CFLAGS = $(AM_CFLAGS) $(ZMQ_CFLAGS)
tools_bench_zmq_echo_LDADD = $(ZMQ_LIBS)
