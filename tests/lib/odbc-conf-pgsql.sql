-- The conformance table on PostgreSQL (tests/lib/odbc.sh).
CREATE TABLE conf (
    id BIGSERIAL PRIMARY KEY,
    k VARCHAR(64) NOT NULL UNIQUE,
    grp BIGINT,
    i BIGINT,
    d DOUBLE PRECISION,
    s TEXT,
    b BYTEA,
    dt TIMESTAMP(6) WITHOUT TIME ZONE
);
