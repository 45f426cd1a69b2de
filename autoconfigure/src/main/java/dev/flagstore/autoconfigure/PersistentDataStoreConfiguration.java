package dev.flagstore.autoconfigure;

import dev.flagstore.store.DataStore;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.PersistentDataStoreWrapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The data store when there is a {@link PersistentDataStore} bean (the application's, or the one selected by
 * {@code flagstore.store.type}): a {@link PersistentDataStoreWrapper} configured from {@link FlagstoreProperties}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBean(PersistentDataStore.class)
class PersistentDataStoreConfiguration {

	@Bean
	@ConditionalOnMissingBean(DataStore.class)
	PersistentDataStoreWrapper flagstoreDataStore(PersistentDataStore persistentDataStore,
			FlagstoreProperties properties) {
		FlagstoreProperties.Cache cache = properties.getCache();
		FlagstoreProperties.Status status = properties.getStatus();
		// The context closes the PersistentDataStore bean itself, after this wrapper (which depends on it) has
		// stopped; the wrapper gets a view whose close() does nothing, so the store is closed exactly once.
		return PersistentDataStoreWrapper.builder(new ContainerManagedPersistentDataStore(persistentDataStore))
			.cacheMode(cache.getMode())
			.cacheTtl(cache.getTtl())
			.staleValuesPolicy(cache.getStaleValuesPolicy())
			.pollInterval(status.getPollInterval())
			.heartbeatInterval(status.getHeartbeatInterval())
			.operationTimeout(properties.getStore().getOperationTimeout())
			.maxConcurrentCalls(properties.getStore().getMaxConcurrentCalls())
			.build();
	}

	@Bean
	@ConditionalOnMissingBean(name = "flagstoreDataStoreShutdown")
	DataStoreShutdown flagstoreDataStoreShutdown(
			@Qualifier("flagstoreDataStore") ObjectProvider<PersistentDataStoreWrapper> dataStore) {
		return new DataStoreShutdown(dataStore.getIfAvailable());
	}

}
