# unit-test build rules owned by the sqlite area
