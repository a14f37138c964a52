# unit-test build rules owned by the odbc connector
