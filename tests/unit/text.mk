# unit-test build rules owned by the text area
