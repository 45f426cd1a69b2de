package dev.flagstore.spring.jdbc;

import static dev.flagstore.spring.jdbc.DatabaseServer.MARIADB;

/**
 * The outage suite for {@link JdbcPersistentDataStore} on a real MariaDB server.
 */
class MariaDbOutageIT extends AbstractJdbcOutageTests {

	MariaDbOutageIT(@OnServer(MARIADB) ServerTables tables) {
		super(tables);
	}

}
