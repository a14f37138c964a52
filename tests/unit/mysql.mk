# unit-test build rules owned by the mysql connector
