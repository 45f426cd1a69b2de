package dev.flagstore.spring.jdbc;

import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.test.PersistentDataStoreOutageTests;
import org.junit.jupiter.api.AfterEach;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@link PersistentDataStoreOutageTests outage suite} for {@link JdbcPersistentDataStore}: wrapper, store,
 * HikariCP, the JDBC driver and a real server, with a {@link dev.flagstore.test.TcpFaultProxy} in between. The
 * store's own network and query timeouts (not driver URL settings) must turn a hang into a failure.
 */
abstract class AbstractJdbcOutageTests extends PersistentDataStoreOutageTests {

	private final List<HikariDataSource> pools = new ArrayList<>();

	/**
	 * The tables of this test class on the server under test.
	 * @return the tables
	 */
	protected abstract ServerTables tables();

	private TestDatabases.Database database() {
		return tables().database();
	}

	private String tablePrefix() {
		return tables().tablePrefix();
	}

	@AfterEach
	void closePools() {
		this.pools.forEach(HikariDataSource::close);
		this.pools.clear();
	}

	@Override
	protected String serverHost() {
		return database().host();
	}

	@Override
	protected int serverPort() {
		return database().port();
	}

	@Override
	protected PersistentDataStore createStore(String host, int port) {
		HikariDataSource pool = database().via(host, port).pool(getClass().getSimpleName(), clientTimeout());
		this.pools.add(pool);
		return new JdbcPersistentDataStore(pool, tablePrefix(), clientTimeout(), clientTimeout());
	}

	@Override
	protected PersistentDataStore createDirectStore() {
		return new JdbcPersistentDataStore(tables().dataSource(), tablePrefix());
	}

	@Override
	protected void clearData() {
		JdbcTemplate jdbc = new JdbcTemplate(tables().dataSource());
		jdbc.update("DELETE FROM " + tablePrefix() + "items");
		jdbc.update("DELETE FROM " + tablePrefix() + "init");
	}

}
