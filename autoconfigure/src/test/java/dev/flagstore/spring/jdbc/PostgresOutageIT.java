package dev.flagstore.spring.jdbc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The outage suite for {@link JdbcPersistentDataStore} on a real POSTGRESQL server.
 */
class PostgresOutageIT extends AbstractJdbcOutageTests {

	private static final ServerTables tables = new ServerTables(TestDatabases.Server.POSTGRESQL, "pgo");

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
