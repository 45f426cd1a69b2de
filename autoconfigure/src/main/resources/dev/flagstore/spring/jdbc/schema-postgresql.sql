-- flagstore JDBC store, PostgreSQL. %TABLE_PREFIX% is replaced by flagstore.jdbc.table-prefix.
CREATE TABLE IF NOT EXISTS %TABLE_PREFIX%items (
	kind VARCHAR(100) NOT NULL,
	item_key VARCHAR(500) NOT NULL,
	version INTEGER NOT NULL,
	deleted BOOLEAN NOT NULL,
	item TEXT,
	CONSTRAINT %TABLE_PREFIX%items_pk PRIMARY KEY (kind, item_key)
);

CREATE TABLE IF NOT EXISTS %TABLE_PREFIX%init (
	id INTEGER NOT NULL,
	initialized BOOLEAN NOT NULL,
	initialized_at TIMESTAMP,
	CONSTRAINT %TABLE_PREFIX%init_pk PRIMARY KEY (id)
);
