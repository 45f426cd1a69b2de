package dev.flagstore.autoconfigure;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.flagstore.spring.redis.RedisPersistentDataStore;
import dev.flagstore.store.PersistentDataStore;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * {@code flagstore.store.type=redis}: a {@link RedisPersistentDataStore} over the application's
 * {@link RedisConnectionFactory} (the only one, or the {@code @Primary} one), unless the application defines its own
 * {@link PersistentDataStore}. When Spring Data Redis or a single connection factory is missing, nothing is
 * registered here and {@link MissingStoreDependencyConfiguration} fails start-up with the reason.
 *
 * <p>With Lettuce and Spring Boot's Redis auto-configuration on the class path, it also caps Lettuce's reconnect
 * back-off ({@link LettuceReconnectDelayConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(RedisConnectionFactory.class)
@ConditionalOnProperty(name = "flagstore.store.type", havingValue = "redis")
class RedisStoreConfiguration {

	@Bean
	@ConditionalOnMissingBean(PersistentDataStore.class)
	@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
	RedisPersistentDataStore flagstorePersistentDataStore(RedisConnectionFactory connectionFactory,
			FlagstoreProperties properties) {
		return new RedisPersistentDataStore(connectionFactory, properties.getRedis().getPrefix());
	}

	/**
	 * Caps the delay between two reconnect attempts of the application's Lettuce client at
	 * {@code flagstore.redis.max-reconnect-delay}. Lettuce's default back-off doubles up to 30 s, so after a long
	 * outage the client could sleep up to 30 s more once Redis is back, and the store would be reported unavailable
	 * all that time; the status promises recovery within about a poll interval.
	 *
	 * <p>The customizer is applied by Spring Boot when it builds its {@link ClientResources} bean, which every
	 * Lettuce connection of the application shares; it is ordered first, so the application's own
	 * {@link ClientResourcesBuilderCustomizer customizers} run after it and win. It has no effect when the
	 * application defines its own {@link ClientResources} bean. A nested class, so that applications without Lettuce
	 * (Jedis) or without spring-boot-data-redis never load it.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ClientResources.class, ClientResourcesBuilderCustomizer.class })
	static class LettuceReconnectDelayConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "flagstoreLettuceReconnectDelayCustomizer")
		@Order(Ordered.HIGHEST_PRECEDENCE)
		ClientResourcesBuilderCustomizer flagstoreLettuceReconnectDelayCustomizer(FlagstoreProperties properties) {
			Duration maxReconnectDelay = properties.getRedis().getMaxReconnectDelay();
			// Lettuce's default shape (Delay.exponential(): 0, 1, 2, 4 ... ms), with our cap instead of 30 s.
			return (builder) -> builder
				.reconnectDelay(Delay.exponential(Duration.ZERO, maxReconnectDelay, 2, TimeUnit.MILLISECONDS));
		}

	}

}
