-- The conformance table for MariaDB (tests/lib/mysql.sh): the same columns
-- on every backend (see tests/conformance/).  utf8mb4_nopad_bin compares
-- strings byte for byte, trailing blanks included, as the other backends
-- do (utf8mb4_bin would ignore trailing blanks); DATETIME(6) holds UTC
-- microseconds; MEDIUMTEXT and MEDIUMBLOB hold up to 16 MiB.
CREATE TABLE IF NOT EXISTS conf (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    k VARCHAR(64) NOT NULL,
    grp BIGINT NULL,
    i BIGINT NULL,
    d DOUBLE NULL,
    s MEDIUMTEXT NULL,
    b MEDIUMBLOB NULL,
    dt DATETIME(6) NULL,
    CONSTRAINT conf_k UNIQUE (k)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
