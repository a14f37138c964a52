# unit-test build rules owned by the client area
