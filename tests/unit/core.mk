# unit-test build rules owned by the core area
