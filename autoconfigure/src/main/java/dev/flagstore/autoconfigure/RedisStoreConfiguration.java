package dev.flagstore.autoconfigure;

import dev.flagstore.spring.redis.RedisPersistentDataStore;
import dev.flagstore.store.PersistentDataStore;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * {@code flagstore.store.type=redis}: a {@link RedisPersistentDataStore} over the application's
 * {@link RedisConnectionFactory}, unless the application defines its own {@link PersistentDataStore}. When Spring
 * Data Redis or the connection factory is missing, nothing is registered here and
 * {@link InMemoryDataStoreConfiguration} fails start-up with the reason.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(RedisConnectionFactory.class)
@ConditionalOnProperty(name = "flagstore.store.type", havingValue = "redis")
class RedisStoreConfiguration {

	@Bean
	@ConditionalOnMissingBean(PersistentDataStore.class)
	@ConditionalOnBean(RedisConnectionFactory.class)
	RedisPersistentDataStore flagstorePersistentDataStore(RedisConnectionFactory connectionFactory,
			FlagstoreProperties properties) {
		return new RedisPersistentDataStore(connectionFactory, properties.getRedis().getPrefix());
	}

}
