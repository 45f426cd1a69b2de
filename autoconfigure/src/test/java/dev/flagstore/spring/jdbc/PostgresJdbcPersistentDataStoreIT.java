package dev.flagstore.spring.jdbc;

import dev.flagstore.spring.TestServers;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.flagstore.spring.jdbc.DatabaseServer.POSTGRESQL;

/**
 * The contract suite for {@link JdbcPersistentDataStore} on a real PostgreSQL server.
 */
@ExtendWith(TestServers.class)
class PostgresJdbcPersistentDataStoreIT extends AbstractJdbcPersistentDataStoreContractTests {

	PostgresJdbcPersistentDataStoreIT(@OnServer(POSTGRESQL) ServerTables tables) {
		super(tables);
	}

}
