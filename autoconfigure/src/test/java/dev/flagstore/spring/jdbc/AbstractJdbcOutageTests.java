package dev.flagstore.spring.jdbc;

import dev.flagstore.spring.TestServers;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.test.PersistentDataStoreOutageTests;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link PersistentDataStoreOutageTests outage suite} for {@link JdbcPersistentDataStore}: wrapper, store,
 * HikariCP, the JDBC driver and a real server, with a {@link dev.flagstore.test.TcpFaultProxy} in between. The
 * store's own network and query timeouts (not driver URL settings) must turn a hang into a failure. One small
 * subclass per database asks {@link TestServers} for its tables.
 */
@ExtendWith(TestServers.class)
abstract class AbstractJdbcOutageTests extends PersistentDataStoreOutageTests {

	private final ServerTables tables;

	/**
	 * @param tables the tables of the test class on the server under test
	 */
	protected AbstractJdbcOutageTests(ServerTables tables) {
		this.tables = tables;
	}

	@Override
	protected String serverHost() {
		return this.tables.database().host();
	}

	@Override
	protected int serverPort() {
		return this.tables.database().port();
	}

	@Override
	protected PersistentDataStore createStore(String host, int port) {
		TestDatabases.Database via = this.tables.database().via(host, port);
		return new JdbcPersistentDataStore(this.tables.newPool(via, getClass().getSimpleName(), clientTimeout()),
				this.tables.tablePrefix(), clientTimeout(), clientTimeout());
	}

	@Override
	protected PersistentDataStore createDirectStore() {
		return new JdbcPersistentDataStore(this.tables.dataSource(), this.tables.tablePrefix());
	}

	@Override
	protected void clearData() {
		this.tables.clear();
	}

}
