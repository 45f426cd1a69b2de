package dev.flagstore.autoconfigure;

import dev.flagstore.changes.FlagTracker;
import dev.flagstore.spring.DataStoreStatusEventPublisher;
import dev.flagstore.spring.FlagChangedEventPublisher;
import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.store.DataStore;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of the flagstore {@link DataStore}, its
 * {@link DataStoreStatusProvider}, its {@link FlagTracker}, the
 * {@link dev.flagstore.spring.DataStoreStatusChangedEvent status events} and the
 * {@link dev.flagstore.spring.FlagChangedEvent flag change events}; and of the
 * {@link dev.flagstore.source.FlagSource} that feeds it, with its status and events.
 *
 * <p>The store is a {@link dev.flagstore.store.PersistentDataStoreWrapper} around the application's
 * {@link dev.flagstore.store.PersistentDataStore} bean when there is one, else around the Redis or JDBC store
 * selected by {@code flagstore.store.type}, else an {@link dev.flagstore.store.InMemoryDataStore}. Every bean backs
 * off when the application defines its own.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
@EnableConfigurationProperties(FlagstoreProperties.class)
// Order matters: the store selections register the PersistentDataStore that the data store configurations test for.
// The source selections register the FlagSource that FlagSourceConfiguration tests for.
@Import({ RedisStoreConfiguration.class, JdbcStoreConfiguration.class, PersistentDataStoreConfiguration.class,
		MissingStoreDependencyConfiguration.class, InMemoryDataStoreConfiguration.class,
		FileFlagSourceConfiguration.class, HttpFlagSourceConfiguration.class, FlagSourceConfiguration.class })
public final class FlagstoreAutoConfiguration {

	FlagstoreAutoConfiguration() {
	}

	// The data store owns its status provider and stops it on close: no destroy method of its own.
	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	DataStoreStatusProvider flagstoreDataStoreStatusProvider(DataStore dataStore) {
		return dataStore.getStatusProvider();
	}

	@Bean
	@ConditionalOnMissingBean
	DataStoreStatusEventPublisher flagstoreDataStoreStatusEventPublisher(DataStoreStatusProvider statusProvider,
			ApplicationEventPublisher eventPublisher) {
		return new DataStoreStatusEventPublisher(statusProvider, eventPublisher);
	}

	// The data store owns its tracker and stops it on close: no destroy method of its own.
	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	FlagTracker flagstoreFlagTracker(DataStore dataStore) {
		return dataStore.getFlagTracker();
	}

	@Bean
	@ConditionalOnMissingBean
	FlagChangedEventPublisher flagstoreFlagChangedEventPublisher(FlagTracker flagTracker,
			ApplicationEventPublisher eventPublisher) {
		return new FlagChangedEventPublisher(flagTracker, eventPublisher);
	}

}
