package dev.flagstore.spring.jdbc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract suite for {@link JdbcPersistentDataStore} on a real POSTGRESQL server.
 */
class PostgresJdbcPersistentDataStoreIT extends AbstractJdbcPersistentDataStoreContractTests {

	private static final ServerTables tables = new ServerTables(TestDatabases.Server.POSTGRESQL, "pg");

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
