# unit-test build rules owned by the ldap connector
