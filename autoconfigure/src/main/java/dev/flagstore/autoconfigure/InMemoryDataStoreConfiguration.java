package dev.flagstore.autoconfigure;

import dev.flagstore.store.DataStore;
import dev.flagstore.store.InMemoryDataStore;
import dev.flagstore.store.PersistentDataStore;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The data store when there is no {@link PersistentDataStore} bean: an {@link InMemoryDataStore}. When
 * {@code flagstore.store.type} asked for a persistent store that could not be configured,
 * {@link MissingStoreDependencyConfiguration} fails start-up before this bean is created.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean(PersistentDataStore.class)
class InMemoryDataStoreConfiguration {

	@Bean
	@ConditionalOnMissingBean(DataStore.class)
	InMemoryDataStore flagstoreDataStore() {
		return new InMemoryDataStore();
	}

}
