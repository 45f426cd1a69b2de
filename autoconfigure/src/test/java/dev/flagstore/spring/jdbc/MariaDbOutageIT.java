package dev.flagstore.spring.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The outage suite for {@link JdbcPersistentDataStore} on a real MARIADB server.
 */
class MariaDbOutageIT extends AbstractJdbcOutageTests {

	private static final String TABLE_PREFIX = TestDatabases.uniqueTablePrefix("mariao");

	private static TestDatabases.Database database;

	private static HikariDataSource dataSource;

	@BeforeAll
	static void createTables() {
		database = TestDatabases.databaseOrNull(TestDatabases.Server.MARIADB);
		if (database == null) {
			return;
		}
		dataSource = database.pool("MariaDbOutageIT-direct", setupTimeout());
		new JdbcSchemaInitializer(dataSource, TABLE_PREFIX).initialize();
	}

	@AfterAll
	static void dropTables() {
		if (dataSource != null) {
			TestDatabases.dropTables(new JdbcTemplate(dataSource), TABLE_PREFIX);
			dataSource.close();
		}
	}

	@Override
	protected TestDatabases.Database database() {
		return database;
	}

	@Override
	protected HikariDataSource directDataSource() {
		return dataSource;
	}

	@Override
	protected void requireServer() {
		TestDatabases.requireServer(TestDatabases.Server.MARIADB);
	}

	@Override
	protected String tablePrefix() {
		return TABLE_PREFIX;
	}

}
