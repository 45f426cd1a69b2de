package dev.flagstore.spring.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link JdbcStoreDataSourceScriptDatabaseInitializer} on H2: Boot's script initializer with the
 * platform's script and the table prefix filled in.
 */
class JdbcStoreDataSourceScriptDatabaseInitializerTests {

	private final HikariDataSource dataSource = JdbcSchemaInitializerTests.h2("boot-initializer");

	private final JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);

	@AfterEach
	void close() {
		this.dataSource.close();
	}

	@Test
	void alwaysShouldCreatePrefixedTablesAndBeIdempotent() {
		JdbcStoreDataSourceScriptDatabaseInitializer initializer = new JdbcStoreDataSourceScriptDatabaseInitializer(
				this.dataSource, "custom_", DatabaseInitializationMode.ALWAYS);
		assertThat(initializer.initializeDatabase()).isTrue();
		this.jdbc.update("INSERT INTO custom_items (kind, item_key, version, deleted, item) VALUES ('k', 'a', 1, FALSE, '{}')");
		assertThat(initializer.initializeDatabase()).isTrue();
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM custom_items", Integer.class)).as("data survives")
			.isOne();
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM custom_init", Integer.class)).isZero();
	}

	@Test
	void embeddedShouldCreateTablesInAnEmbeddedDatabase() {
		assertThat(new JdbcStoreDataSourceScriptDatabaseInitializer(this.dataSource, "emb_",
				DatabaseInitializationMode.EMBEDDED)
			.initializeDatabase()).isTrue();
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM emb_items", Integer.class)).isZero();
	}

	@Test
	void neverShouldRunNoScript() {
		assertThat(new JdbcStoreDataSourceScriptDatabaseInitializer(this.dataSource, "none_",
				DatabaseInitializationMode.NEVER)
			.initializeDatabase()).isFalse();
		assertThat(this.jdbc.queryForObject(
				"SELECT COUNT(*) FROM information_schema.tables WHERE table_name LIKE 'NONE_%'", Integer.class))
			.isZero();
	}

	@Test
	void failingScriptShouldNameTheScriptAndThePrefix() {
		// Another table already holds the constraint name the script gives the items table's primary key.
		this.jdbc.execute("CREATE TABLE other (id INTEGER, CONSTRAINT clash_items_pk PRIMARY KEY (id))");
		assertThatIllegalStateException()
			.isThrownBy(() -> new JdbcStoreDataSourceScriptDatabaseInitializer(this.dataSource, "clash_",
					DatabaseInitializationMode.ALWAYS)
				.initializeDatabase())
			.withMessageStartingWith(
					"Cannot create the flagstore tables with dev/flagstore/spring/jdbc/schema-h2.sql (table prefix "
							+ "'clash_')");
	}

	@Test
	void invalidTablePrefixShouldBeRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new JdbcStoreDataSourceScriptDatabaseInitializer(this.dataSource, "x; DROP TABLE y",
					DatabaseInitializationMode.ALWAYS))
			.withMessageContaining("x; DROP TABLE y");
	}

}
