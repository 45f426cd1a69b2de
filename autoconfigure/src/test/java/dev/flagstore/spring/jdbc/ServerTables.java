package dev.flagstore.spring.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.zaxxer.hikari.HikariDataSource;
import dev.flagstore.spring.TestServerResource;
import dev.flagstore.spring.TestServers;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The flagstore tables of one test class on one real database server, under a table prefix of their own: created
 * (twice, to check that the initializer is idempotent) for the class's first test and dropped after its last. A
 * test class asks {@link TestServers} for them (a constructor parameter annotated with {@link OnServer}); the
 * pools its tests open with {@link #newPool} are closed after each test.
 */
public final class ServerTables implements TestServerResource {

	private final DatabaseServer server;

	private final String tablePrefix;

	private final TestDatabases.@Nullable Database database;

	private final @Nullable HikariDataSource dataSource;

	private final List<HikariDataSource> pools = new ArrayList<>();

	/**
	 * Creates the tables, if the server answers; the tests are skipped (or failed) otherwise.
	 * @param server the database server
	 */
	public ServerTables(DatabaseServer server) {
		this.server = server;
		this.tablePrefix = TestDatabases.uniqueTablePrefix(server);
		this.database = TestDatabases.databaseOrNull(server);
		if (this.database == null) {
			this.dataSource = null;
			return;
		}
		this.dataSource = this.database.pool(server + "-" + this.tablePrefix, Duration.ofSeconds(5));
		new JdbcSchemaInitializer(this.dataSource, this.tablePrefix).initialize();
		// Idempotent: a second run (another instance starting) changes nothing.
		new JdbcSchemaInitializer(this.dataSource, this.tablePrefix).initialize();
	}

	@Override
	public void requireServer() {
		TestDatabases.requireServer(this.server);
	}

	/** Closes the pools the last test opened. */
	@Override
	public void afterEach() {
		this.pools.forEach(HikariDataSource::close);
		this.pools.clear();
	}

	/** Drops the tables and closes the class's pool. */
	@Override
	public void close() {
		afterEach();
		if (this.dataSource != null) {
			TestDatabases.dropTables(new JdbcTemplate(this.dataSource), this.tablePrefix);
			this.dataSource.close();
		}
	}

	/** A pool of its own for one store instance, reaching the database through {@code via}; closed after the test. */
	HikariDataSource newPool(TestDatabases.Database via, String name, Duration timeout) {
		HikariDataSource pool = via.pool(name, timeout);
		this.pools.add(pool);
		return pool;
	}

	/** Deletes the rows of the tables between tests. */
	void clear() {
		TestDatabases.deleteRows(new JdbcTemplate(dataSource()), this.tablePrefix);
	}

	String tablePrefix() {
		return this.tablePrefix;
	}

	TestDatabases.Database database() {
		requireServer();
		return Objects.requireNonNull(this.database);
	}

	HikariDataSource dataSource() {
		requireServer();
		return Objects.requireNonNull(this.dataSource);
	}

}
