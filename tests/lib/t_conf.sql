-- The conformance table of the integration fixture (SQLite); the same
-- columns on every backend (see tests/conformance/).
CREATE TABLE conf (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    k TEXT NOT NULL UNIQUE,
    grp INTEGER,
    i INTEGER,
    d REAL,
    s TEXT,
    b BLOB,
    dt DATETIME
);
