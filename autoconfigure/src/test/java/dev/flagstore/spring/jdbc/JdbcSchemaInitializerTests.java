package dev.flagstore.spring.jdbc;

import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link JdbcSchemaInitializer} on H2, and for the platform detection behind it.
 */
class JdbcSchemaInitializerTests {

	private final HikariDataSource dataSource = h2("schema-initializer");

	@AfterEach
	void close() {
		this.dataSource.close();
	}

	@Test
	void initializeCreatesPrefixedTablesAndIsIdempotent() {
		JdbcSchemaInitializer initializer = new JdbcSchemaInitializer(this.dataSource, "custom_");
		initializer.initialize();
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		jdbc.update("INSERT INTO custom_items (kind, item_key, version, deleted, item) VALUES ('k', 'a', 1, FALSE, '{}')");
		initializer.initialize();
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM custom_items", Integer.class)).as("data survives").isOne();
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM custom_init", Integer.class)).isZero();
	}

	@Test
	void getScriptFillsInTablePrefix() {
		String script = new JdbcSchemaInitializer(this.dataSource, "abc_").getScript();
		assertThat(script).contains("CREATE TABLE IF NOT EXISTS abc_items", "abc_init")
			.doesNotContain(JdbcSchemaInitializer.TABLE_PREFIX_TOKEN);
	}

	@Test
	void invalidTablePrefixIsRejected() {
		for (String prefix : List.of("bad-prefix", "x; DROP TABLE y", "1abc", "a.b")) {
			assertThatIllegalArgumentException().isThrownBy(() -> new JdbcSchemaInitializer(this.dataSource, prefix))
				.withMessageContaining(prefix);
			assertThatIllegalArgumentException()
				.isThrownBy(() -> new JdbcPersistentDataStore(this.dataSource, prefix))
				.withMessageContaining(prefix);
		}
	}

	@Test
	void unsupportedDatabaseGivesClearError() {
		assertThatIllegalStateException().isThrownBy(() -> JdbcPlatform.fromProductName("Oracle"))
			.withMessageContaining("'Oracle'")
			.withMessageContaining("PostgreSQL, MariaDB, MySQL, H2")
			.withMessageContaining("PersistentDataStore");
	}

	@Test
	void platformsAreDetectedFromProductNames() {
		assertThat(JdbcPlatform.fromProductName("PostgreSQL")).isEqualTo(JdbcPlatform.POSTGRESQL);
		assertThat(JdbcPlatform.fromProductName("MariaDB")).isEqualTo(JdbcPlatform.MARIADB);
		assertThat(JdbcPlatform.fromProductName("MySQL")).isEqualTo(JdbcPlatform.MYSQL);
		assertThat(JdbcPlatform.fromProductName("H2")).isEqualTo(JdbcPlatform.H2);
		assertThat(JdbcPlatform.detect(this.dataSource)).isEqualTo(JdbcPlatform.H2);
	}

	@Test
	void everyPlatformShipsASchemaScript() {
		for (JdbcPlatform platform : JdbcPlatform.values()) {
			assertThat(getClass().getClassLoader().getResource(platform.schemaLocation())).as(platform.schemaLocation())
				.isNotNull();
		}
	}

	static HikariDataSource h2(String name) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl("jdbc:h2:mem:" + name + "-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
		dataSource.setUsername("sa");
		return dataSource;
	}

}
