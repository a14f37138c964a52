# unit-test build rules owned by the dbd area
