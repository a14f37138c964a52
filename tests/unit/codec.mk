# unit-test build rules owned by the codec area
