package dev.flagstore.sample.examples;

import java.time.Duration;

import javax.sql.DataSource;

import dev.flagstore.spring.jdbc.JdbcPersistentDataStore;
import dev.flagstore.spring.jdbc.JdbcSchemaInitializer;
import dev.flagstore.spring.jdbc.JdbcStoreDataSourceScriptDatabaseInitializer;
import dev.flagstore.spring.redis.RedisPersistentDataStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabase;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The constructors of the Redis and JDBC stores as {@code docs/stores.md} shows them. In a package of its own, so
 * that they compile against the public API only.
 */
class StoreConstructorExampleTests {

	@Test
	void redisStoresShouldBeCreatedWithoutConnecting() {
		// Never started: the constructors must not touch the connection.
		RedisConnectionFactory connectionFactory = new LettuceConnectionFactory();
		// tag::redis-constructors[]
		new RedisPersistentDataStore(connectionFactory, "flagstore");                         // PING timeout 1 s
		new RedisPersistentDataStore(connectionFactory, "flagstore", Duration.ofMillis(500));  // PING timeout of your own
		// end::redis-constructors[]
		assertThat(RedisPersistentDataStore.DEFAULT_AVAILABILITY_TIMEOUT).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void jdbcSchemaInitializersAndStoresShouldWorkOnAnEmbeddedDatabase() {
		EmbeddedDatabase database = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
			.generateUniqueName(true)
			.build();
		try {
			DataSource dataSource = database;
			// tag::jdbc-constructors[]
			new JdbcSchemaInitializer(dataSource, "flagstore_").initialize();   // creates the tables if missing (Spring JDBC only)
			new JdbcStoreDataSourceScriptDatabaseInitializer(dataSource, "flagstore_", DatabaseInitializationMode.ALWAYS)
				.initializeDatabase();                                           // the same, as a Spring Boot database initializer
			new JdbcPersistentDataStore(dataSource, "flagstore_");               // network timeout 5 s, isValid 1 s
			new JdbcPersistentDataStore(dataSource, "flagstore_", Duration.ofSeconds(2), Duration.ofSeconds(1));
			// end::jdbc-constructors[]
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM flagstore_items", Integer.class)).isZero();
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM flagstore_init", Integer.class)).isZero();
			assertThat(JdbcPersistentDataStore.DEFAULT_TIMEOUT).isEqualTo(Duration.ofSeconds(5));
			assertThat(JdbcPersistentDataStore.DEFAULT_AVAILABILITY_TIMEOUT).isEqualTo(Duration.ofSeconds(1));
		}
		finally {
			database.shutdown();
		}
	}

}
