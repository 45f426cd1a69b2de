package dev.flagstore.autoconfigure;

import java.util.Map;
import java.util.Set;

import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An explicit {@code stop()} and {@code start()} of a context with the Redis store, configured by properties only:
 * Lettuce's connection factory is a lifecycle bean and stops and starts with the context, and the store (which only
 * a close closes) reads and writes through it again afterwards. Uses the Redis server of {@code FLAGSTORE_REDIS_URL}
 * (default {@code redis://127.0.0.1:6379}) under a key prefix of its own, removed at the end.
 */
class ContextRestartIT {

	private static final String PREFIX = "flagstore-restart-it-" + System.nanoTime();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, FlagstoreAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=" + redisUrl(), "spring.data.redis.timeout=1s",
				"flagstore.store.type=redis", "flagstore.redis.prefix=" + PREFIX,
				"flagstore.status.poll-interval=100ms");

	@Test
	void redisStoreShouldReadAndWriteAfterTheContextStopsAndStartsAgain() {
		this.contextRunner.run((context) -> {
			DataStore store = context.getBean(DataStore.class);
			DataStoreStatusProvider status = context.getBean(DataStoreStatusProvider.class);
			StringRedisTemplate redis = new StringRedisTemplate(
					context.getBean(RedisConnectionFactory.class));
			try {
				store.init(new FullDataSet<>(Map.of()));
				assertThat(store.upsert(TestKinds.FEATURES, "before", new ItemDescriptor(1, "on"))).isTrue();
				context.stop();
				context.start();
				assertThat(store.upsert(TestKinds.FEATURES, "after", new ItemDescriptor(1, "on"))).isTrue();
				assertThat(store.getAll(TestKinds.FEATURES).items()).containsOnlyKeys("before", "after");
				await().until(() -> status.getStatus().isAvailable());
			}
			finally {
				Set<String> keys = redis.keys(PREFIX + "*");
				if (keys != null && !keys.isEmpty()) {
					redis.delete(keys);
				}
			}
		});
	}

	private static String redisUrl() {
		String url = System.getenv("FLAGSTORE_REDIS_URL");
		return (url != null && !url.isBlank()) ? url : "redis://127.0.0.1:6379";
	}

}
