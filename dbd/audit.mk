# dbd/audit.mk: the audit trail's pieces that need no daemon: the hash
# chain (sealing and verifying records) and the JSON form of a record.
noinst_LTLIBRARIES += dbd/libdbdaudit.la
dbd_libdbdaudit_la_SOURCES = \
	dbd/audit_chain.c dbd/audit_chain.h \
	dbd/audit_json.c dbd/audit_json.h
dbd_libdbdaudit_la_CFLAGS = $(AM_CFLAGS) $(NETTLE_CFLAGS)
dbd_libdbdaudit_la_LIBADD = proto/libdbdcore.la $(NETTLE_LIBS)
