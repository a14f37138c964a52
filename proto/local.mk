# proto/: the protocol model, codec and the client library.

# Plain data model and helpers, no third-party dependency; connectors link it.
noinst_LTLIBRARIES += proto/libdbdcore.la
proto_libdbdcore_la_SOURCES = \
	proto/status.c proto/status.h \
	proto/value.c proto/value.h \
	proto/arena.c proto/arena.h \
	proto/request.c proto/request.h proto/request_validate.c \
	proto/result.c proto/result.h \
	proto/ident.c proto/ident.h \
	proto/url.c proto/url.h \
	proto/buf.c proto/buf.h \
	proto/hex.c proto/hex.h \
	proto/curve_key.c proto/curve_key.h

# MessagePack codec.
noinst_LTLIBRARIES += proto/libdbdcodec.la
proto_libdbdcodec_la_SOURCES = \
	proto/codec.h \
	proto/codec_value.c proto/codec_value.h \
	proto/codec_request_encode.c proto/codec_request_decode.c \
	proto/codec_request_keys.h \
	proto/codec_reply.c proto/codec_reply_writer.c \
	proto/codec_reply_pack.h
proto_libdbdcodec_la_CFLAGS = $(AM_CFLAGS) $(MSGPACK_CFLAGS)
proto_libdbdcodec_la_LIBADD = $(MSGPACK_LIBS)

# The public client library.
lib_LTLIBRARIES += proto/libdbdclient.la
proto_libdbdclient_la_SOURCES = proto/dbdclient.h proto/client_priv.h \
	proto/client.c proto/client_ctx.c proto/client_conn.c \
	proto/client_io.c proto/client_table.c
proto_libdbdclient_la_CFLAGS = $(AM_CFLAGS) $(ZMQ_CFLAGS)
proto_libdbdclient_la_LIBADD = proto/libdbdcore.la proto/libdbdcodec.la $(ZMQ_LIBS)
proto_libdbdclient_la_LDFLAGS = -version-info 0:0:0

dbdinclude_HEADERS += proto/dbdclient.h proto/codec.h proto/buf.h \
	proto/request.h proto/result.h proto/status.h proto/value.h
pkgconfig_DATA += proto/libdbdclient.pc
EXTRA_DIST += proto/libdbdclient.pc.in proto/PROTOCOL.md proto/vectors
