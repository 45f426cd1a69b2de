package dev.flagstore.spring.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract suite for {@link JdbcPersistentDataStore} on an in-memory H2 database (no server needed).
 */
class H2JdbcPersistentDataStoreTests extends AbstractJdbcPersistentDataStoreContractTests {

	private static final String TABLE_PREFIX = "flagstore_";

	private static HikariDataSource dataSource;

	@BeforeAll
	static void createTables() {
		dataSource = new HikariDataSource();
		dataSource.setJdbcUrl("jdbc:h2:mem:flagstore-contract;DB_CLOSE_DELAY=-1");
		dataSource.setUsername("sa");
		dataSource.setMaximumPoolSize(10);
		new JdbcSchemaInitializer(dataSource, TABLE_PREFIX).initialize();
		new JdbcSchemaInitializer(dataSource, TABLE_PREFIX).initialize();
	}

	@AfterAll
	static void closeDataSource() {
		if (dataSource != null) {
			dataSource.close();
		}
	}

	H2JdbcPersistentDataStoreTests() {
		super(() -> dataSource, TABLE_PREFIX);
	}

}
