# proxy/: sipproxy, the SIP proxy and registrar (built when libosip2 is
# found; --without-sipproxy switches it off).
if HAVE_OSIP
sbin_PROGRAMS += proxy/sipproxy
proxy_sipproxy_SOURCES = \
	proxy/main.c \
	proxy/master.c proxy/master.h \
	proxy/worker.c proxy/worker.h proxy/wctx.h \
	proxy/task.c proxy/pending.c proxy/pending.h \
	proxy/signals.h \
	proxy/conf.c proxy/conf.h proxy/conf_parse.h proxy/conf_keys.c \
	proxy/listen.c proxy/listen.h \
	proxy/addr.c proxy/addr.h \
	proxy/self.c proxy/send.c \
	proxy/sipmsg.c proxy/sipmsg.h proxy/sipbuild.c proxy/sipvia.c \
	proxy/salvage.c proxy/salvage.h \
	proxy/branch.c proxy/branch.h \
	proxy/dispatch.c proxy/forward.c proxy/response.c \
	proxy/credentials.c proxy/credentials.h \
	proxy/flow_register.c proxy/flow_authreq.c proxy/flow_locate.c \
	proxy/contacts.c proxy/contacts.h \
	proxy/flow_lookup.c proxy/flow_lookup.h \
	proxy/flow_prefix.c proxy/flow_cleanup.c \
	proxy/digest.c proxy/digest.h \
	proxy/nonce.c proxy/nonce.h \
	proxy/auth.c proxy/auth.h \
	proxy/registrar.c proxy/registrar.h \
	proxy/binding.c proxy/binding.h \
	proxy/route.c proxy/route.h
# Shared with dbd: its logger and strict config reader (dbd/libdbdconfig.la),
# the command line and the signal fd (dbd/libdbddaemon.la).
proxy_sipproxy_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/dbd
proxy_sipproxy_CFLAGS = $(AM_CFLAGS) $(OSIP_CFLAGS) $(NETTLE_CFLAGS) \
	$(INIH_CFLAGS)
proxy_sipproxy_LDADD = dbd/libdbddaemon.la dbd/libdbdconfig.la \
	proto/libdbdclient.la $(OSIP_LIBS) $(NETTLE_LIBS) $(INIH_LIBS)
dist_sysconf_DATA += proxy/sipproxy.conf
endif
EXTRA_DIST += docs/sipproxy.md
