# the ldap connector (rules written with its sources)
if BUILD_LDAP
# The connector's code as a convenience library, so the unit test can link
# it directly; the module adds nothing to it.
noinst_LTLIBRARIES += connectors/ldap/libldc.la
connectors_ldap_libldc_la_SOURCES = \
	connectors/ldap/ldc_int.h \
	connectors/ldap/ldc_map.c connectors/ldap/ldc_map.h \
	connectors/ldap/ldc_map_int.h connectors/ldap/ldc_map_parse.c \
	connectors/ldap/ldc_map_finish.c \
	connectors/ldap/ldc_value.c connectors/ldap/ldc_value.h \
	connectors/ldap/ldc_time.c \
	connectors/ldap/ldc_cmp.c connectors/ldap/ldc_cmp.h \
	connectors/ldap/ldc_filter.c connectors/ldap/ldc_filter.h \
	connectors/ldap/ldc_rows.c connectors/ldap/ldc_rows.h \
	connectors/ldap/ldc_entry.c connectors/ldap/ldc_entry.h \
	connectors/ldap/ldc_error.c \
	connectors/ldap/ldc_conn.c \
	connectors/ldap/ldc_open.c \
	connectors/ldap/ldc_search.c \
	connectors/ldap/ldc_query.c \
	connectors/ldap/ldc_autoinc.c \
	connectors/ldap/ldc_unique.c \
	connectors/ldap/ldc_insert.c \
	connectors/ldap/ldc_update.c \
	connectors/ldap/ldc_delete.c \
	connectors/ldap/ldc_replace.c \
	connectors/ldap/ldap.c
connectors_ldap_libldc_la_CFLAGS = $(AM_CFLAGS) $(LDAP_CFLAGS) $(INIH_CFLAGS)

connector_LTLIBRARIES += connectors/ldap/ldap.la
connectors_ldap_ldap_la_SOURCES =
connectors_ldap_ldap_la_LIBADD = connectors/ldap/libldc.la proto/libdbdcore.la \
	$(LDAP_LIBS) $(INIH_LIBS) -lm
connectors_ldap_ldap_la_LDFLAGS = $(AM_LDFLAGS) $(CONNECTOR_LDFLAGS)
endif

# The LDAP schema, base entries and mapping of the Kamailio tables,
# installed with the schema files of the other backends (also when the
# connector is not built: the directory may be served from elsewhere).
schemaldapdir = $(datadir)/dbd/schema/ldap
dist_schemaldap_DATA = tools/schema/ldap/kamailio.ldif \
	tools/schema/ldap/kamailio.schema tools/schema/ldap/base.ldif \
	tools/schema/ldap/mapping.ini
