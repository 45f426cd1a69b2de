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
	 * {@code flagstore.redis.max-reconnect-delay}, with jitter. Lettuce's default back-off doubles up to 30 s, so
	 * after a long outage the client could sleep up to 30 s more once Redis is back, and the store would be reported
	 * unavailable all that time; the status promises recovery within about a poll interval.
	 *
	 * <p><strong>This applies to every Lettuce connection of the application, not only flagstore's:</strong> the
	 * customizer is applied by Spring Boot when it builds its {@link ClientResources} bean, which all Lettuce
	 * connection factories of the application share (caches, sessions, the application's own templates). It is on
	 * by default with {@code flagstore.store.type=redis} because the status promise depends on it; during an outage
	 * it only shortens the waits between attempts, and the jitter keeps many instances (and many connections) from
	 * reconnecting in step. It is ordered first, so the application's own {@link ClientResourcesBuilderCustomizer
	 * customizers} run after it and win; a bean named {@code flagstoreLettuceReconnectDelayCustomizer} replaces it;
	 * it has no effect when the application defines its own {@link ClientResources} bean. A nested class, so that
	 * applications without Lettuce (Jedis) or without spring-boot-data-redis never load it.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ClientResources.class, ClientResourcesBuilderCustomizer.class })
	static class LettuceReconnectDelayConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "flagstoreLettuceReconnectDelayCustomizer")
		@Order(Ordered.HIGHEST_PRECEDENCE)
		ClientResourcesBuilderCustomizer flagstoreLettuceReconnectDelayCustomizer(FlagstoreProperties properties) {
			Duration maxReconnectDelay = properties.getRedis().getMaxReconnectDelay();
			// Lettuce's doubling (1, 2, 4 ... ms) capped at our maximum, each wait drawn between half of that value
			// and all of it: never longer than the cap, so the recovery bound holds. (Lettuce's fullJitter is what
			// the AWS back-off article calls "equal jitter"; its equalJitter draws below the uncapped value and then
			// clamps, so at the cap nearly every wait would be the cap itself and instances would stay in step.)
			return (builder) -> builder
				.reconnectDelay(Delay.fullJitter(Duration.ZERO, maxReconnectDelay, 1, TimeUnit.MILLISECONDS));
		}

	}

}
