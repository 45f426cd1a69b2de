package dev.flagstore.spring.jdbc;

import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The contract suite for {@link JdbcPersistentDataStore} on a real MARIADB server.
 */
class MariaDbJdbcPersistentDataStoreIT extends AbstractJdbcPersistentDataStoreContractTests {

	private static final String TABLE_PREFIX = TestDatabases.uniqueTablePrefix("maria");

	private static HikariDataSource dataSource;

	@BeforeAll
	static void createTables() {
		TestDatabases.Database database = TestDatabases.databaseOrNull(TestDatabases.Server.MARIADB);
		if (database == null) {
			return;
		}
		dataSource = database.pool("MariaDbContractIT", Duration.ofSeconds(5));
		new JdbcSchemaInitializer(dataSource, TABLE_PREFIX).initialize();
		// Idempotent: a second run (another instance starting) changes nothing.
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
	protected DataSource dataSource() {
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
