-- The conformance table for PostgreSQL: the same columns on every backend
-- (see the conformance suite).  BIGSERIAL gives the insert's last_id;
-- TIMESTAMP(6) WITHOUT TIME ZONE holds UTC microseconds.
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
