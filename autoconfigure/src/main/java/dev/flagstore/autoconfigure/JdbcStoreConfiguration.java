package dev.flagstore.autoconfigure;

import javax.sql.DataSource;

import dev.flagstore.autoconfigure.FlagstoreProperties.SchemaInitialization;
import dev.flagstore.spring.jdbc.JdbcPersistentDataStore;
import dev.flagstore.spring.jdbc.JdbcSchemaInitializer;
import dev.flagstore.store.PersistentDataStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code flagstore.store.type=jdbc}: a {@link JdbcPersistentDataStore} over the application's {@link DataSource},
 * unless the application defines its own {@link PersistentDataStore}, with its tables created first as
 * {@code flagstore.jdbc.initialize-schema} says. When Spring JDBC or the data source is missing, nothing is
 * registered here and {@link MissingStoreDependencyConfiguration} fails start-up with the reason.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ JdbcTemplate.class, EmbeddedDatabaseConnection.class })
@ConditionalOnProperty(name = "flagstore.store.type", havingValue = "jdbc")
@ConditionalOnSingleCandidate(DataSource.class)
class JdbcStoreConfiguration {

	@Bean
	@ConditionalOnMissingBean
	JdbcSchemaInitializer flagstoreJdbcSchemaInitializer(DataSource dataSource, FlagstoreProperties properties) {
		return new JdbcSchemaInitializer(dataSource, properties.getJdbc().getTablePrefix());
	}

	// Created after Flyway, Liquibase and SQL script initialization, which may be what creates the tables.
	@Bean
	@ConditionalOnMissingBean(PersistentDataStore.class)
	@DependsOnDatabaseInitialization
	JdbcPersistentDataStore flagstorePersistentDataStore(DataSource dataSource, FlagstoreProperties properties,
			ObjectProvider<JdbcSchemaInitializer> schemaInitializer) {
		// The tables must exist before the first store call.
		if (shouldInitializeSchema(properties.getJdbc().getInitializeSchema(), dataSource)) {
			schemaInitializer.ifAvailable(JdbcSchemaInitializer::initialize);
		}
		return new JdbcPersistentDataStore(dataSource, properties.getJdbc().getTablePrefix());
	}

	static boolean shouldInitializeSchema(SchemaInitialization mode, DataSource dataSource) {
		return switch (mode) {
			case ALWAYS -> true;
			case NEVER -> false;
			case EMBEDDED -> EmbeddedDatabaseConnection.isEmbedded(dataSource);
		};
	}

}
