# unit-test build rules owned by the pgsql connector
