package dev.flagstore.spring.jdbc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract suite for {@link JdbcPersistentDataStore} on a real MARIADB server.
 */
class MariaDbJdbcPersistentDataStoreIT extends AbstractJdbcPersistentDataStoreContractTests {

	private static final ServerTables tables = new ServerTables(TestDatabases.Server.MARIADB, "maria");

	@BeforeAll
	static void createTables() {
		tables.create();
	}

	@AfterAll
	static void dropTables() {
		tables.drop();
	}

	@Override
	protected ServerTables tables() {
		return tables;
	}

}
