-- The typed test table of the integration fixture (SQLite).
CREATE TABLE t_types (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    k VARCHAR(64) NOT NULL UNIQUE,
    i INTEGER,
    d REAL,
    s VARCHAR(255),
    b BLOB,
    dt DATETIME
);
