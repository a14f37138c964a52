-- Kamailio-compatible tables for MariaDB/MySQL (Kamailio 5.x layouts:
-- version 1, subscriber 7, location 9, dr_gateways 3, dr_rules 3), with
-- Kamailio's column types.  utf8mb4 with its binary collation, so that
-- names compare exactly (case counts) as on the other backends; datetimes
-- are DATETIME holding UTC, as the dbd mysql connector reads and writes
-- them.  Existing tables and version rows are kept: running the script
-- again changes nothing (tools/dbd-schema mysql URL applies it).

CREATE TABLE IF NOT EXISTS `version` (
    `id` INT UNSIGNED AUTO_INCREMENT PRIMARY KEY NOT NULL,
    `table_name` VARCHAR(32) NOT NULL,
    `table_version` INT UNSIGNED DEFAULT 0 NOT NULL,
    CONSTRAINT `table_name_idx` UNIQUE (`table_name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS `subscriber` (
    `id` INT UNSIGNED AUTO_INCREMENT PRIMARY KEY NOT NULL,
    `username` VARCHAR(64) DEFAULT '' NOT NULL,
    `domain` VARCHAR(64) DEFAULT '' NOT NULL,
    `password` VARCHAR(64) DEFAULT '' NOT NULL,
    `ha1` VARCHAR(128) DEFAULT '' NOT NULL,
    `ha1b` VARCHAR(128) DEFAULT '' NOT NULL,
    CONSTRAINT `account_idx` UNIQUE (`username`, `domain`),
    INDEX `username_idx` (`username`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS `location` (
    `id` INT UNSIGNED AUTO_INCREMENT PRIMARY KEY NOT NULL,
    `ruid` VARCHAR(64) DEFAULT '' NOT NULL,
    `username` VARCHAR(64) DEFAULT '' NOT NULL,
    `domain` VARCHAR(64) DEFAULT NULL,
    `contact` VARCHAR(512) DEFAULT '' NOT NULL,
    `received` VARCHAR(128) DEFAULT NULL,
    `path` VARCHAR(512) DEFAULT NULL,
    `expires` DATETIME DEFAULT '2030-05-28 21:32:15' NOT NULL,
    `q` FLOAT(10,2) DEFAULT 1.0 NOT NULL,
    `callid` VARCHAR(255) DEFAULT 'Default-Call-ID' NOT NULL,
    `cseq` INT DEFAULT 1 NOT NULL,
    `last_modified` DATETIME DEFAULT '2000-01-01 00:00:01' NOT NULL,
    `flags` INT DEFAULT 0 NOT NULL,
    `cflags` INT DEFAULT 0 NOT NULL,
    `user_agent` VARCHAR(255) DEFAULT '' NOT NULL,
    `socket` VARCHAR(64) DEFAULT NULL,
    `methods` INT DEFAULT NULL,
    `instance` VARCHAR(255) DEFAULT NULL,
    `reg_id` INT DEFAULT 0 NOT NULL,
    `server_id` INT DEFAULT 0 NOT NULL,
    `connection_id` INT DEFAULT 0 NOT NULL,
    `keepalive` INT DEFAULT 0 NOT NULL,
    `partition` INT DEFAULT 0 NOT NULL,
    CONSTRAINT `ruid_idx` UNIQUE (`ruid`),
    INDEX `account_contact_idx` (`username`, `domain`, `contact`),
    INDEX `expires_idx` (`expires`),
    INDEX `connection_idx` (`connection_id`),
    INDEX `keepalive_idx` (`server_id`, `connection_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS `dr_gateways` (
    `gwid` INT UNSIGNED AUTO_INCREMENT PRIMARY KEY NOT NULL,
    `type` INT UNSIGNED DEFAULT 0 NOT NULL,
    `address` VARCHAR(128) NOT NULL,
    `strip` INT UNSIGNED DEFAULT 0 NOT NULL,
    `pri_prefix` VARCHAR(64) DEFAULT NULL,
    `attrs` VARCHAR(255) DEFAULT NULL,
    `description` VARCHAR(128) DEFAULT '' NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS `dr_rules` (
    `ruleid` INT UNSIGNED AUTO_INCREMENT PRIMARY KEY NOT NULL,
    `groupid` VARCHAR(255) NOT NULL,
    `prefix` VARCHAR(64) NOT NULL,
    `timerec` VARCHAR(255) NOT NULL,
    `priority` INT DEFAULT 0 NOT NULL,
    `routeid` VARCHAR(64) NOT NULL,
    `gwlist` VARCHAR(255) NOT NULL,
    `description` VARCHAR(128) DEFAULT '' NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Only the rows that are missing, one statement each: INSERT IGNORE with
-- VALUES would use up AUTO_INCREMENT values for the rows it skips, and one
-- INSERT ... SELECT of several rows reserves more values than it uses, so
-- either would change the table's counter.
INSERT IGNORE INTO `version` (`table_name`, `table_version`) SELECT 'version', 1
    FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM `version` WHERE `table_name` = 'version');
INSERT IGNORE INTO `version` (`table_name`, `table_version`) SELECT 'subscriber', 7
    FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM `version` WHERE `table_name` = 'subscriber');
INSERT IGNORE INTO `version` (`table_name`, `table_version`) SELECT 'location', 9
    FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM `version` WHERE `table_name` = 'location');
INSERT IGNORE INTO `version` (`table_name`, `table_version`) SELECT 'dr_gateways', 3
    FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM `version` WHERE `table_name` = 'dr_gateways');
INSERT IGNORE INTO `version` (`table_name`, `table_version`) SELECT 'dr_rules', 3
    FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM `version` WHERE `table_name` = 'dr_rules');
