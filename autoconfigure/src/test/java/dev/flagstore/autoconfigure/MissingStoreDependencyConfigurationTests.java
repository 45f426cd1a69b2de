package dev.flagstore.autoconfigure;

import java.sql.SQLException;

import javax.sql.DataSource;

import dev.flagstore.store.DataStore;
import dev.flagstore.store.InMemoryDataStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link MissingStoreDependencyConfiguration} and {@link MissingStoreDependencyFailureAnalyzer}: a store
 * type whose class or bean is missing fails start-up with a {@link MissingStoreDependencyException} that names the
 * property, its value, what is missing and the fix.
 */
class MissingStoreDependencyConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FlagstoreAutoConfiguration.class))
		.withPropertyValues("flagstore.status.heartbeat-interval=0");

	@Test
	void redisTypeWithoutSpringDataRedisShouldFailWithTheMissingClass() {
		this.contextRunner.withPropertyValues("flagstore.store.type=redis")
			.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.run(failsWith("flagstore.store.type=redis, but Spring Data Redis is not on the class path.", "redis",
					"class org.springframework.data.redis.connection.RedisConnectionFactory",
					"Add the dependency org.springframework.boot:spring-boot-starter-data-redis"));
	}

	@Test
	void redisTypeWithoutConnectionFactoryShouldFailWithTheMissingBean() {
		this.contextRunner.withPropertyValues("flagstore.store.type=redis")
			.run(failsWith("flagstore.store.type=redis, but the application context has no RedisConnectionFactory "
					+ "bean.", "redis", "bean of type org.springframework.data.redis.connection.RedisConnectionFactory",
					"set spring.data.redis.host/port or spring.data.redis.url"));
	}

	@Test
	void redisTypeWithTwoConnectionFactoriesAndNoPrimaryShouldFailNamingThem() {
		this.contextRunner.withPropertyValues("flagstore.store.type=redis")
			.withBean("first", RedisConnectionFactory.class, () -> mock(RedisConnectionFactory.class))
			.withBean("second", RedisConnectionFactory.class, () -> mock(RedisConnectionFactory.class))
			.run(failsWith("has 2 RedisConnectionFactory beans [first, second] and none of them is @Primary", "redis",
					"single bean of type org.springframework.data.redis.connection.RedisConnectionFactory",
					"Mark the one flagstore should use @Primary"));
	}

	@Test
	void jdbcTypeWithoutSpringJdbcShouldFailWithTheMissingClass() {
		this.contextRunner.withPropertyValues("flagstore.store.type=jdbc")
			.withUserConfiguration(ServerDataSourceConfiguration.class)
			.withClassLoader(new FilteredClassLoader(JdbcTemplate.class))
			.run(failsWith("flagstore.store.type=jdbc, but Spring JDBC (spring-jdbc and spring-boot-jdbc) is not on "
					+ "the class path.", "jdbc", "class org.springframework.jdbc.core.JdbcTemplate",
					"Add the dependency org.springframework.boot:spring-boot-starter-jdbc and a JDBC driver"));
	}

	@Test
	void jdbcTypeWithoutDataSourceShouldFailWithTheMissingBean() {
		this.contextRunner.withPropertyValues("flagstore.store.type=jdbc")
			.run(failsWith("flagstore.store.type=jdbc, but the application context has no DataSource bean.", "jdbc",
					"bean of type javax.sql.DataSource", "set spring.datasource.url"));
	}

	@Test
	void jdbcTypeWithTwoDataSourcesAndNoPrimaryShouldFailNamingThem() {
		this.contextRunner.withPropertyValues("flagstore.store.type=jdbc")
			.withBean("primaryDb", DataSource.class, () -> mock(DataSource.class))
			.withBean("reportingDb", DataSource.class, () -> mock(DataSource.class))
			.run(failsWith("has 2 DataSource beans [primaryDb, reportingDb] and none of them is @Primary", "jdbc",
					"single bean of type javax.sql.DataSource", "Mark the one flagstore should use @Primary"));
	}

	@Test
	void missingStoreShouldBeReportedBeforeApplicationBeansThatNeedTheDataStoreAreCreated() {
		this.contextRunner.withPropertyValues("flagstore.store.type=redis")
			.withUserConfiguration(DataStoreConsumerConfiguration.class)
			.run(failsWith("no RedisConnectionFactory bean", "redis",
					"bean of type org.springframework.data.redis.connection.RedisConnectionFactory", "define a "
							+ "RedisConnectionFactory bean"));
	}

	@Test
	void storeTypeShouldBeIgnoredWhenTheApplicationDefinesItsOwnDataStore() {
		this.contextRunner.withPropertyValues("flagstore.store.type=redis")
			.withBean("userDataStore", DataStore.class, InMemoryDataStore::new)
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(DataStore.class)
				.doesNotHaveBean(MissingStoreDependencyConfiguration.MissingStoreDependencyCheck.class));
	}

	@Test
	void noneTypeShouldStartWithTheInMemoryStore() {
		this.contextRunner.withPropertyValues("flagstore.store.type=none")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(InMemoryDataStore.class));
	}

	private static ContextConsumer<AssertableApplicationContext> failsWith(String reason, String value,
			String missing, String action) {
		return (context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(MissingStoreDependencyException.class);
			FailureAnalysis analysis = new MissingStoreDependencyFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains(reason)
				.contains("Property: flagstore.store.type")
				.contains("Value: \"" + value + "\"")
				.contains("Missing: " + missing);
			assertThat(analysis.getAction()).contains(action)
				.contains("or set flagstore.store.type=none for the in-memory store, or define your own "
						+ "PersistentDataStore bean.");
		};
	}

	@Configuration(proxyBeanMethods = false)
	static class ServerDataSourceConfiguration {

		/** A data source of a database server that is not running. */
		@Bean
		DataSource dataSource() throws SQLException {
			DataSource dataSource = mock(DataSource.class);
			given(dataSource.getConnection()).willThrow(new SQLException("no server (test)"));
			return dataSource;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DataStoreConsumerConfiguration {

		/** Registered before the auto-configurations, so created before them: like a controller that reads flags. */
		@Bean
		String dataStoreConsumer(DataStore dataStore) {
			return dataStore.toString();
		}

	}

}
