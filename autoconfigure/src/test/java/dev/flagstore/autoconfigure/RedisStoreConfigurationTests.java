package dev.flagstore.autoconfigure;

import dev.flagstore.spring.redis.RedisPersistentDataStore;
import dev.flagstore.store.PersistentDataStoreWrapper;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link RedisStoreConfiguration}'s store selection: the Redis store is configured over the single (or the
 * primary) {@link RedisConnectionFactory}. None of these tests connects to a server.
 */
class RedisStoreConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FlagstoreAutoConfiguration.class))
		.withPropertyValues("flagstore.store.type=redis", "flagstore.status.heartbeat-interval=0");

	@Test
	void singleConnectionFactoryShouldBeUsed() {
		RedisConnectionFactory factory = mock(RedisConnectionFactory.class);
		this.contextRunner.withBean("redisConnectionFactory", RedisConnectionFactory.class, () -> factory)
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisPersistentDataStore.class)
					.hasSingleBean(PersistentDataStoreWrapper.class);
				assertThat(context.getBean(RedisPersistentDataStore.class)).extracting("connectionFactory")
					.isSameAs(factory);
			});
	}

	@Test
	void primaryConnectionFactoryShouldBeUsedWhenThereAreSeveral() {
		RedisConnectionFactory primary = mock(RedisConnectionFactory.class);
		this.contextRunner
			.withBean("primary", RedisConnectionFactory.class, () -> primary, (definition) -> definition.setPrimary(true))
			.withBean("other", RedisConnectionFactory.class, () -> mock(RedisConnectionFactory.class))
			.run((context) -> assertThat(context.getBean(RedisPersistentDataStore.class))
				.extracting("connectionFactory")
				.isSameAs(primary));
	}

	@Test
	void severalConnectionFactoriesWithoutPrimaryShouldNotConfigureTheStore() {
		this.contextRunner.withBean("first", RedisConnectionFactory.class, () -> mock(RedisConnectionFactory.class))
			.withBean("second", RedisConnectionFactory.class, () -> mock(RedisConnectionFactory.class))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.isInstanceOf(MissingStoreDependencyException.class));
	}

}
