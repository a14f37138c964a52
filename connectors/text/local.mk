if BUILD_TEXT
# The connector's code as a convenience library, so unit tests can link it
# directly; the module adds only the descriptor.
noinst_LTLIBRARIES += connectors/text/libtxt.la
connectors_text_libtxt_la_SOURCES = \
	connectors/text/txt_util.c connectors/text/txt_util.h \
	connectors/text/txt_number.c connectors/text/txt_number.h \
	connectors/text/txt_schema.c connectors/text/txt_schema.h \
	connectors/text/txt_row.c connectors/text/txt_row.h \
	connectors/text/txt_parse.c connectors/text/txt_parse.h \
	connectors/text/txt_format.c connectors/text/txt_format.h \
	connectors/text/txt_file.c connectors/text/txt_file.h \
	connectors/text/txt_table.c connectors/text/txt_table.h \
	connectors/text/txt_value.c connectors/text/txt_value.h \
	connectors/text/txt_filter.c connectors/text/txt_filter.h \
	connectors/text/txt_query.c connectors/text/txt_query.h \
	connectors/text/txt_modify.c connectors/text/txt_modify.h \
	connectors/text/txt_store.c connectors/text/txt_store.h \
	connectors/text/txt_store_priv.h \
	connectors/text/txt_txn.c \
	connectors/text/text.c

connector_LTLIBRARIES += connectors/text/text.la
connectors_text_text_la_SOURCES =
connectors_text_text_la_LIBADD = connectors/text/libtxt.la proto/libdbdcore.la -lm
connectors_text_text_la_LDFLAGS = $(AM_LDFLAGS) $(CONNECTOR_LDFLAGS)
endif
