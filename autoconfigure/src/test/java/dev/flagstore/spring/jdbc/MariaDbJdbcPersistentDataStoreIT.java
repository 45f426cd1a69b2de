package dev.flagstore.spring.jdbc;

import dev.flagstore.spring.TestServers;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.flagstore.spring.jdbc.DatabaseServer.MARIADB;

/**
 * The contract suite for {@link JdbcPersistentDataStore} on a real MariaDB server.
 */
@ExtendWith(TestServers.class)
class MariaDbJdbcPersistentDataStoreIT extends AbstractJdbcPersistentDataStoreContractTests {

	MariaDbJdbcPersistentDataStoreIT(@OnServer(MARIADB) ServerTables tables) {
		super(tables);
	}

}
