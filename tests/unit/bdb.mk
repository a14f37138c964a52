# unit-test build rules owned by the bdb connector
