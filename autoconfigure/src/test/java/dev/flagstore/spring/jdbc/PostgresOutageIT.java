package dev.flagstore.spring.jdbc;

import static dev.flagstore.spring.jdbc.DatabaseServer.POSTGRESQL;

/**
 * The outage suite for {@link JdbcPersistentDataStore} on a real PostgreSQL server.
 */
class PostgresOutageIT extends AbstractJdbcOutageTests {

	PostgresOutageIT(@OnServer(POSTGRESQL) ServerTables tables) {
		super(tables);
	}

}
