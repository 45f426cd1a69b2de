package dev.flagstore.spring.jdbc;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The flagstore tables of one test class on one real database server: created (twice, to check the initializer
 * is idempotent) before the class's tests and dropped after them. A test class keeps one in a static field and
 * calls {@link #create()} and {@link #drop()} from its {@code @BeforeAll} and {@code @AfterAll} methods.
 */
final class ServerTables {

	private final TestDatabases.Server server;

	private final String tablePrefix;

	private TestDatabases.@Nullable Database database;

	private @Nullable HikariDataSource dataSource;

	ServerTables(TestDatabases.Server server, String tag) {
		this.server = server;
		this.tablePrefix = TestDatabases.uniqueTablePrefix(tag);
	}

	/** Creates the tables, if the server answers; tests call {@link #requireServer()} to skip otherwise. */
	void create() {
		this.database = TestDatabases.databaseOrNull(this.server);
		if (this.database == null) {
			return;
		}
		this.dataSource = this.database.pool(this.server + "-" + this.tablePrefix, Duration.ofSeconds(5));
		new JdbcSchemaInitializer(this.dataSource, this.tablePrefix).initialize();
		// Idempotent: a second run (another instance starting) changes nothing.
		new JdbcSchemaInitializer(this.dataSource, this.tablePrefix).initialize();
	}

	void drop() {
		if (this.dataSource != null) {
			TestDatabases.dropTables(new JdbcTemplate(this.dataSource), this.tablePrefix);
			this.dataSource.close();
		}
	}

	/** Skips (or, on CI, fails) the calling test when the server does not answer. */
	void requireServer() {
		TestDatabases.requireServer(this.server);
	}

	String tablePrefix() {
		return this.tablePrefix;
	}

	TestDatabases.Database database() {
		requireServer();
		return java.util.Objects.requireNonNull(this.database);
	}

	HikariDataSource dataSource() {
		requireServer();
		return java.util.Objects.requireNonNull(this.dataSource);
	}

}
