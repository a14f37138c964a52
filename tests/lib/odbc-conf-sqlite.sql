-- The conformance table on SQLite through its ODBC driver
-- (tests/lib/odbc.sh).  The declared types are ones the driver maps to
-- the right ODBC types (BIGINT, DOUBLE, TEXT, BLOB, TIMESTAMP).
CREATE TABLE conf (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    k VARCHAR(64) NOT NULL UNIQUE,
    grp BIGINT,
    i BIGINT,
    d DOUBLE,
    s TEXT,
    b BLOB,
    dt TIMESTAMP
);
