package dev.flagstore.autoconfigure;

import java.sql.SQLException;
import java.util.Map;

import javax.sql.DataSource;

import dev.flagstore.spring.jdbc.JdbcPersistentDataStore;
import dev.flagstore.spring.jdbc.JdbcStoreDataSourceScriptDatabaseInitializer;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.PersistentDataStoreWrapper;
import dev.flagstore.test.InMemoryPersistentDataStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * Tests for {@link JdbcStoreConfiguration}: the JDBC store over the application's {@link DataSource}, its tables
 * created by a Spring Boot database initializer as {@code flagstore.jdbc.initialize-schema} says. The embedded
 * database is H2, a new one per context.
 */
class JdbcStoreConfigurationTests {

	private static final String INITIALIZER = "flagstoreDataSourceScriptDatabaseInitializer";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, FlagstoreAutoConfiguration.class))
		.withPropertyValues("flagstore.store.type=jdbc", "flagstore.status.heartbeat-interval=0");

	@Test
	void embeddedDatabaseShouldGetThePrefixedTablesByDefault() {
		this.contextRunner.withPropertyValues("flagstore.jdbc.table-prefix=app1_").run((context) -> {
			assertThat(context).hasSingleBean(JdbcPersistentDataStore.class)
				.hasSingleBean(PersistentDataStoreWrapper.class);
			DataStore dataStore = context.getBean(DataStore.class);
			dataStore.init(new FullDataSet<>(Map.of()));
			assertThat(dataStore.upsert(TestKinds.FEATURES, "flag", new ItemDescriptor(3, "on"))).isTrue();
			assertThat(context.getBean(JdbcPersistentDataStore.class).get(TestKinds.FEATURES, "flag"))
				.satisfies((item) -> assertThat(item.version()).isEqualTo(3));
			assertThat(tableCount(context.getBean(DataSource.class), "APP1_%")).isEqualTo(2);
		});
	}

	@Test
	void schemaInitializerShouldBeASpringBootDatabaseInitializer() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(DataSourceScriptDatabaseInitializer.class).hasBean(INITIALIZER);
			assertThat(context.getBean(JdbcStoreDataSourceScriptDatabaseInitializer.class).getTablePrefix())
				.isEqualTo("flagstore_");
		});
	}

	@Test
	void storeShouldDependOnDatabaseInitialization() {
		// Without JdbcTemplateAutoConfiguration (which imports the dependency configurer too): ours must do it.
		this.contextRunner.run((context) -> assertThat(
				context.getBeanFactory().getBeanDefinition("flagstorePersistentDataStore").getDependsOn())
			.contains(INITIALIZER));
	}

	@Test
	void neverShouldNotCreateTables() {
		this.contextRunner.withPropertyValues("flagstore.jdbc.initialize-schema=never").run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(JdbcPersistentDataStore.class);
			assertThat(tableCount(context.getBean(DataSource.class), "FLAGSTORE_%")).isZero();
		});
	}

	@Test
	void neverShouldNotConnectToTheDatabaseAtStartUp() {
		this.contextRunner.withUserConfiguration(ServerDataSourceConfiguration.class)
			.withPropertyValues("flagstore.jdbc.initialize-schema=never")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(JdbcPersistentDataStore.class);
				verify(context.getBean(DataSource.class), never()).getConnection();
			});
	}

	@Test
	void embeddedShouldLeaveAServerDatabaseAlone() {
		// The embedded check cannot connect to the server that is down: not embedded, so no script and no failure.
		this.contextRunner.withUserConfiguration(ServerDataSourceConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(JdbcPersistentDataStore.class));
	}

	@Test
	void alwaysShouldFailStartUpWhenTheServerCannotBeReached() {
		this.contextRunner.withUserConfiguration(ServerDataSourceConfiguration.class)
			.withPropertyValues("flagstore.jdbc.initialize-schema=always")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("no server (test)"));
	}

	@Test
	void alwaysShouldSayWhatItCouldNotDoWhenTheServerCannotBeReached() {
		this.contextRunner.withUserConfiguration(ServerDataSourceConfiguration.class)
			.withPropertyValues("flagstore.jdbc.initialize-schema=always")
			.run((context) -> assertThat(context.getStartupFailure())
				.hasStackTraceContaining("Cannot detect the database of the flagstore JDBC store"));
	}

	@Test
	void userInitializerShouldBackOff() {
		this.contextRunner.withUserConfiguration(UserInitializerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(JdbcStoreDataSourceScriptDatabaseInitializer.class)
				.doesNotHaveBean(INITIALIZER);
			assertThat(tableCount(context.getBean(DataSource.class), "MINE_%")).isEqualTo(2);
		});
	}

	@Test
	void userPersistentStoreShouldLeaveTheDatabaseAlone() {
		this.contextRunner.withBean(InMemoryPersistentDataStore.class).run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(JdbcPersistentDataStore.class)
				.doesNotHaveBean(JdbcStoreDataSourceScriptDatabaseInitializer.class);
			assertThat(tableCount(context.getBean(DataSource.class), "FLAGSTORE_%")).isZero();
		});
	}

	@Test
	void initializeSchemaShouldBindSpringBootModes() {
		this.contextRunner.withPropertyValues("flagstore.jdbc.initialize-schema=ALWAYS")
			.run((context) -> assertThat(context.getBean(FlagstoreProperties.class).getJdbc().getInitializeSchema())
				.isEqualTo(DatabaseInitializationMode.ALWAYS));
	}

	private static int tableCount(DataSource dataSource, String pattern) {
		return new JdbcTemplate(dataSource).queryForObject(
				"select count(*) from information_schema.tables where table_name like ?", Integer.class, pattern);
	}

	@Configuration(proxyBeanMethods = false)
	static class ServerDataSourceConfiguration {

		/** A data source of a database server that is not running: not embedded. */
		@Bean
		DataSource dataSource() throws SQLException {
			DataSource dataSource = mock(DataSource.class);
			given(dataSource.getConnection()).willThrow(new SQLException("no server (test)"));
			return dataSource;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserInitializerConfiguration {

		@Bean
		JdbcStoreDataSourceScriptDatabaseInitializer myInitializer(DataSource dataSource) {
			return new JdbcStoreDataSourceScriptDatabaseInitializer(dataSource, "mine_",
					DatabaseInitializationMode.ALWAYS);
		}

	}

}
