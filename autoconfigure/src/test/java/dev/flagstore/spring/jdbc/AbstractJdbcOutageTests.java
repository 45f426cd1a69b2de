package dev.flagstore.spring.jdbc;

import java.time.Duration;
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
	 * The server under test, reachable and with the tables of {@link #tablePrefix()} created.
	 * @return the database
	 */
	protected abstract TestDatabases.Database database();

	/**
	 * The data source on the server, direct.
	 * @return the data source
	 */
	protected abstract HikariDataSource directDataSource();

	/**
	 * The table prefix of this test class.
	 * @return the prefix
	 */
	protected abstract String tablePrefix();

	/**
	 * Skips (or, on CI, fails) the test when the database does not answer.
	 */
	protected abstract void requireServer();

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
		return new JdbcPersistentDataStore(directDataSource(), tablePrefix());
	}

	@Override
	protected void clearData() {
		requireServer();
		JdbcTemplate jdbc = new JdbcTemplate(directDataSource());
		jdbc.update("DELETE FROM " + tablePrefix() + "items");
		jdbc.update("DELETE FROM " + tablePrefix() + "init");
	}

	static Duration setupTimeout() {
		return Duration.ofSeconds(5);
	}

}
