-- flagstore JDBC store, MariaDB. %TABLE_PREFIX% is replaced by flagstore.jdbc.table-prefix.
-- Keys compare byte for byte (no case folding, no trailing-space padding): utf8mb4_nopad_bin.
CREATE TABLE IF NOT EXISTS %TABLE_PREFIX%items (
	kind VARCHAR(100) NOT NULL,
	item_key VARCHAR(500) NOT NULL,
	version INTEGER NOT NULL,
	deleted BOOLEAN NOT NULL,
	item MEDIUMTEXT,
	PRIMARY KEY (kind, item_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE IF NOT EXISTS %TABLE_PREFIX%init (
	id INTEGER NOT NULL,
	initialized BOOLEAN NOT NULL,
	initialized_at TIMESTAMP NULL,
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
