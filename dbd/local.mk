# dbd/: the daemon.
sbin_PROGRAMS += dbd/dbd
dbd_dbd_SOURCES = dbd/main.c
dbd_dbd_CFLAGS = $(AM_CFLAGS) $(ZMQ_CFLAGS) $(MSGPACK_CFLAGS) $(INIH_CFLAGS)
dbd_dbd_LDADD = proto/libdbdcore.la proto/libdbdcodec.la $(ZMQ_LIBS) $(INIH_LIBS)
dist_sysconf_DATA += dbd/dbd.conf
