package dev.flagstore.chaos;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.flagstore.autoconfigure.FlagstoreAutoConfiguration;
import dev.flagstore.autoconfigure.FlagstoreProperties;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.PersistentDataStoreWrapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.Configurations;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * One application instance as a Spring Boot application gets it: a context with Boot's own auto-configuration of
 * the store's client ({@code DataRedisAutoConfiguration}: Lettuce; {@code DataSourceAutoConfiguration}:
 * HikariCP) and flagstore's ({@link FlagstoreAutoConfiguration}: the store, the wrapper, the status events), with
 * no property but the backend's coordinates ({@link ChaosBackend#bootProperties()}) and the scenario's own. So
 * every client timeout, pool size and flagstore setting not named is the default a user gets.
 *
 * <p>{@link #close()} closes the context: the wrapper, the store, Lettuce's {@code ClientResources} or the Hikari
 * pool, as the application's shutdown would.
 */
final class BootInstance implements AutoCloseable {

	private final AnnotationConfigApplicationContext context;

	private BootInstance(AnnotationConfigApplicationContext context) {
		this.context = context;
	}

	/**
	 * Starts the context.
	 * @param properties the scenario's own properties (such as {@code flagstore.cache.ttl}), on top of the
	 * backend's
	 */
	static BootInstance open(ChaosBackend backend, Map<String, String> properties) {
		Map<String, Object> all = new LinkedHashMap<>(backend.bootProperties());
		all.putAll(properties);
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("chaos", all));
		// As ApplicationContextRunner does: in Boot's auto-configuration order (flagstore's after the client's).
		context.register(Configurations.getClasses(
				AutoConfigurations.of(backend.bootAutoConfiguration(), FlagstoreAutoConfiguration.class)));
		try {
			context.refresh();
		}
		catch (RuntimeException ex) {
			context.close();
			throw ex;
		}
		return new BootInstance(context);
	}

	/** The data store the application uses: the wrapper flagstore's auto-configuration built. */
	PersistentDataStoreWrapper wrapper() {
		return this.context.getBean(PersistentDataStoreWrapper.class);
	}

	/** The persistent store bean under the wrapper (Redis or JDBC, as {@code flagstore.store.type} selects). */
	PersistentDataStore persistentStore() {
		return this.context.getBean(PersistentDataStore.class);
	}

	/** flagstore's settings as bound in this context (the defaults, but for the scenario's own properties). */
	FlagstoreProperties properties() {
		return this.context.getBean(FlagstoreProperties.class);
	}

	<T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	@Override
	public void close() {
		this.context.close();
	}

}
