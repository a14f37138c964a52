if BUILD_TEXT
connector_LTLIBRARIES += connectors/text/text.la
connectors_text_text_la_SOURCES = connectors/text/text.c
connectors_text_text_la_LIBADD = proto/libdbdcore.la
connectors_text_text_la_LDFLAGS = $(AM_LDFLAGS) $(CONNECTOR_LDFLAGS)
endif
