-- The conformance table on MariaDB/MySQL (tests/lib/odbc.sh).
-- utf8mb4_nopad_bin compares strings byte for byte, trailing blanks
-- included, as the other backends do; DATETIME(6) keeps microseconds.
CREATE TABLE conf (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    k VARCHAR(64) NOT NULL UNIQUE,
    grp BIGINT NULL,
    i BIGINT NULL,
    d DOUBLE NULL,
    s LONGTEXT NULL,
    b LONGBLOB NULL,
    dt DATETIME(6) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
