package dev.flagstore.autoconfigure;

import javax.sql.DataSource;

import dev.flagstore.spring.jdbc.JdbcPersistentDataStore;
import dev.flagstore.spring.jdbc.JdbcStoreDataSourceScriptDatabaseInitializer;
import dev.flagstore.store.PersistentDataStore;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code flagstore.store.type=jdbc}: a {@link JdbcPersistentDataStore} over the application's {@link DataSource},
 * unless the application defines its own {@link PersistentDataStore}, with its tables created first as
 * {@code flagstore.jdbc.initialize-schema} says. When Spring JDBC or the data source is missing, nothing is
 * registered here and {@link MissingStoreDependencyConfiguration} fails start-up with the reason.
 *
 * <p>The tables are created by a {@link JdbcStoreDataSourceScriptDatabaseInitializer}, a Spring Boot database
 * initializer (the way Spring Session JDBC creates its tables): {@link DatabaseInitializationDependencyConfigurer}
 * makes the store, marked {@link DependsOnDatabaseInitialization}, wait for it and for Flyway, Liquibase and
 * {@code spring.sql.init}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ JdbcTemplate.class, EmbeddedDatabaseConnection.class, DataSourceScriptDatabaseInitializer.class })
@ConditionalOnProperty(name = "flagstore.store.type", havingValue = "jdbc")
@ConditionalOnSingleCandidate(DataSource.class)
// As a whole: with a store of the application's own, flagstore's tables are not created either.
@ConditionalOnMissingBean(PersistentDataStore.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
class JdbcStoreConfiguration {

	@Bean
	@ConditionalOnMissingBean
	JdbcStoreDataSourceScriptDatabaseInitializer flagstoreDataSourceScriptDatabaseInitializer(DataSource dataSource,
			FlagstoreProperties properties) {
		FlagstoreProperties.Jdbc jdbc = properties.getJdbc();
		return new JdbcStoreDataSourceScriptDatabaseInitializer(dataSource, jdbc.getTablePrefix(),
				jdbc.getInitializeSchema());
	}

	@Bean
	@ConditionalOnMissingBean(PersistentDataStore.class)
	@DependsOnDatabaseInitialization
	JdbcPersistentDataStore flagstorePersistentDataStore(DataSource dataSource, FlagstoreProperties properties) {
		return new JdbcPersistentDataStore(dataSource, properties.getJdbc().getTablePrefix());
	}

}
