package dev.flagstore.autoconfigure;

import dev.flagstore.autoconfigure.FlagstoreProperties.StoreType;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.InMemoryDataStore;
import dev.flagstore.store.PersistentDataStore;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * The data store when there is no {@link PersistentDataStore} bean: an {@link InMemoryDataStore}, unless
 * {@code flagstore.store.type} asked for a persistent store that could not be configured, in which case start-up
 * fails with the reason and the fix.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean(PersistentDataStore.class)
class InMemoryDataStoreConfiguration {

	static final String REDIS_CONNECTION_FACTORY = "org.springframework.data.redis.connection.RedisConnectionFactory";

	static final String JDBC_TEMPLATE = "org.springframework.jdbc.core.JdbcTemplate";

	static final String EMBEDDED_DATABASE_CONNECTION = "org.springframework.boot.jdbc.EmbeddedDatabaseConnection";

	@Bean
	@ConditionalOnMissingBean(DataStore.class)
	InMemoryDataStore flagstoreDataStore(FlagstoreProperties properties, ConfigurableListableBeanFactory beanFactory) {
		StoreType type = properties.getStore().getType();
		if (type != StoreType.NONE) {
			throw storeNotConfigured(type, beanFactory.getBeanClassLoader());
		}
		return new InMemoryDataStore();
	}

	/**
	 * The store selection for {@code type} did not register a store: say which part is missing.
	 */
	private static FlagstoreConfigurationException storeNotConfigured(StoreType type,
			@Nullable ClassLoader classLoader) {
		String alternatives = "or set flagstore.store.type=none for the in-memory store, or define your own "
				+ "PersistentDataStore bean.";
		if (type == StoreType.REDIS) {
			if (!ClassUtils.isPresent(REDIS_CONNECTION_FACTORY, classLoader)) {
				return new FlagstoreConfigurationException(
						"flagstore.store.type=redis, but Spring Data Redis is not on the class path.",
						"Add the dependency org.springframework.boot:spring-boot-starter-data-redis, " + alternatives);
			}
			return new FlagstoreConfigurationException(
					"flagstore.store.type=redis, but the application context has no RedisConnectionFactory bean.",
					"Let Spring Boot create one (add org.springframework.boot:spring-boot-starter-data-redis and set "
							+ "spring.data.redis.host/port or spring.data.redis.url) or define a "
							+ "RedisConnectionFactory bean, " + alternatives);
		}
		if (!ClassUtils.isPresent(JDBC_TEMPLATE, classLoader)
				|| !ClassUtils.isPresent(EMBEDDED_DATABASE_CONNECTION, classLoader)) {
			return new FlagstoreConfigurationException(
					"flagstore.store.type=jdbc, but Spring JDBC (spring-jdbc and spring-boot-jdbc) is not on the "
							+ "class path.",
					"Add the dependency org.springframework.boot:spring-boot-starter-jdbc and a JDBC driver, "
							+ alternatives);
		}
		return new FlagstoreConfigurationException(
				"flagstore.store.type=jdbc, but the application context has no single DataSource bean (none, or "
						+ "several without a @Primary one).",
				"Configure a DataSource (set spring.datasource.url, or define one DataSource bean, or mark one "
						+ "@Primary), " + alternatives);
	}

}
