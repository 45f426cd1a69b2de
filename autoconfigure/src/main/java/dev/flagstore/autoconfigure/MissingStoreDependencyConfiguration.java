package dev.flagstore.autoconfigure;

import java.util.Arrays;
import java.util.List;

import dev.flagstore.autoconfigure.FlagstoreProperties.StoreType;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.PersistentDataStore;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Fails start-up when {@code flagstore.store.type} selects a persistent store that the store configurations could
 * not register, because a class or a bean it needs is missing ({@link MissingStoreDependencyException}).
 *
 * <p>Active only when there is neither a {@link PersistentDataStore} nor a {@link DataStore} bean once the store
 * selections have been processed: a store of the application's own makes {@code flagstore.store.type} irrelevant.
 * The check is a {@link BeanFactoryPostProcessor}, so it runs before any bean is created and an application bean
 * that injects the {@link DataStore} cannot turn the missing store into a generic "no bean of type DataStore" first.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean({ PersistentDataStore.class, DataStore.class })
class MissingStoreDependencyConfiguration {

	// Static: a BeanFactoryPostProcessor must be created before the configuration class itself.
	@Bean
	@ConditionalOnMissingBean(name = "flagstoreMissingStoreDependencyCheck")
	static MissingStoreDependencyCheck flagstoreMissingStoreDependencyCheck(Environment environment) {
		return new MissingStoreDependencyCheck(environment);
	}

	/**
	 * Finds what the selected store lacks and throws {@link MissingStoreDependencyException} with it.
	 */
	static final class MissingStoreDependencyCheck implements BeanFactoryPostProcessor {

		static final String REDIS_CONNECTION_FACTORY = "org.springframework.data.redis.connection.RedisConnectionFactory";

		static final List<String> JDBC_CLASSES = List.of("org.springframework.jdbc.core.JdbcTemplate",
				"org.springframework.boot.jdbc.EmbeddedDatabaseConnection",
				"org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer");

		static final String DATA_SOURCE = "javax.sql.DataSource";

		private static final String ALTERNATIVES = "or set flagstore.store.type=none for the in-memory store, or "
				+ "define your own PersistentDataStore bean.";

		private final Environment environment;

		MissingStoreDependencyCheck(Environment environment) {
			this.environment = environment;
		}

		@Override
		public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
			// Bound as FlagstoreProperties binds it, so an unknown word fails with the same report.
			StoreType type = Binder.get(this.environment)
				.bind(MissingStoreDependencyException.PROPERTY, StoreType.class)
				.orElse(StoreType.NONE);
			MissingStoreDependencyException failure = switch (type) {
				case NONE -> null;
				case REDIS -> redis(beanFactory);
				case JDBC -> jdbc(beanFactory);
			};
			if (failure != null) {
				throw failure;
			}
		}

		private static MissingStoreDependencyException redis(ConfigurableListableBeanFactory beanFactory) {
			ClassLoader classLoader = beanFactory.getBeanClassLoader();
			if (!ClassUtils.isPresent(REDIS_CONNECTION_FACTORY, classLoader)) {
				return new MissingStoreDependencyException(StoreType.REDIS, "class " + REDIS_CONNECTION_FACTORY,
						"Spring Data Redis is not on the class path.",
						"Add the dependency org.springframework.boot:spring-boot-starter-data-redis, " + ALTERNATIVES);
			}
			String[] factories = beanNames(beanFactory, REDIS_CONNECTION_FACTORY, classLoader);
			if (factories.length == 0) {
				return new MissingStoreDependencyException(StoreType.REDIS, "bean of type " + REDIS_CONNECTION_FACTORY,
						"the application context has no RedisConnectionFactory bean.",
						"Let Spring Boot create one (add org.springframework.boot:spring-boot-starter-data-redis and "
								+ "set spring.data.redis.host/port or spring.data.redis.url) or define a "
								+ "RedisConnectionFactory bean, " + ALTERNATIVES);
			}
			return severalCandidates(StoreType.REDIS, "RedisConnectionFactory", REDIS_CONNECTION_FACTORY, factories);
		}

		private static MissingStoreDependencyException jdbc(ConfigurableListableBeanFactory beanFactory) {
			ClassLoader classLoader = beanFactory.getBeanClassLoader();
			for (String required : JDBC_CLASSES) {
				if (!ClassUtils.isPresent(required, classLoader)) {
					return new MissingStoreDependencyException(StoreType.JDBC, "class " + required,
							"Spring JDBC (spring-jdbc and spring-boot-jdbc) is not on the class path.",
							"Add the dependency org.springframework.boot:spring-boot-starter-jdbc and a JDBC driver, "
									+ ALTERNATIVES);
				}
			}
			String[] dataSources = beanNames(beanFactory, DATA_SOURCE, classLoader);
			if (dataSources.length == 0) {
				return new MissingStoreDependencyException(StoreType.JDBC, "bean of type " + DATA_SOURCE,
						"the application context has no DataSource bean.",
						"Configure a DataSource (set spring.datasource.url, or define a DataSource bean), "
								+ ALTERNATIVES);
			}
			return severalCandidates(StoreType.JDBC, "DataSource", DATA_SOURCE, dataSources);
		}

		/**
		 * The store selections use {@code @ConditionalOnSingleCandidate}: with several beans, none of them primary,
		 * they cannot choose. (One bean here means it was registered after the auto-configurations ran.)
		 */
		private static MissingStoreDependencyException severalCandidates(StoreType type, String simpleName,
				String typeName, String[] names) {
			if (names.length == 1) {
				return new MissingStoreDependencyException(type, "bean of type " + typeName,
						"the " + simpleName + " bean '" + names[0] + "' was registered after flagstore's "
								+ "auto-configuration ran.",
						"Define the " + simpleName + " bean in a regular @Configuration class (or let Spring Boot's "
								+ "auto-configuration create it), " + ALTERNATIVES);
			}
			return new MissingStoreDependencyException(type, "single bean of type " + typeName,
					"the application context has " + names.length + " " + simpleName + " beans "
							+ Arrays.toString(names) + " and none of them is @Primary, so there is no single one "
							+ "to use.",
					"Mark the one flagstore should use @Primary, " + ALTERNATIVES);
		}

		private static String[] beanNames(ConfigurableListableBeanFactory beanFactory, String typeName,
				@Nullable ClassLoader classLoader) {
			Class<?> type = ClassUtils.resolveClassName(typeName, classLoader);
			// No eager initialization: this runs before any bean exists.
			return beanFactory.getBeanNamesForType(type, true, false);
		}

	}

}
