package dev.flagstore.spring.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.flagstore.store.CacheMode;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStoreException;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.PersistentDataStoreWrapper;
import dev.flagstore.store.SerializedItemDescriptor;
import dev.flagstore.test.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A real Redis outage: the test starts a {@code redis-server} of its own on a free port (so the shared server is
 * never touched), kills it, and starts it again empty (no persistence), through the whole stack
 * ({@link RedisServerProcess}: skipped when {@code redis-server} is not on the {@code PATH}, failed under
 * {@code CI=true}).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisServerRestartIT {

	private static final DataKind FEATURES = DataKind.json("features", Map.class);

	private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(1);

	private RedisServerProcess server;

	private LettuceConnectionFactory factory;

	private PersistentDataStoreWrapper store;

	@BeforeEach
	void startServer() throws IOException {
		this.server = RedisServerProcess.create();
		this.server.start();
		this.factory = TestRedis.connectionFactory(new TestRedis.Endpoint(this.server.host(), this.server.port(), 0,
				""), CLIENT_TIMEOUT);
	}

	@AfterEach
	void stopServer() throws Exception {
		if (this.store != null) {
			this.store.close();
		}
		if (this.factory != null) {
			this.factory.destroy();
		}
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void restartedEmptyServerIsReportedWithRefreshNeeded() throws Exception {
		this.store = wrapper(CacheMode.TTL);
		this.store.init(data(Map.of("a", 1)));
		assertThat(this.store.get(FEATURES, "a")).isEqualTo(item(1));
		this.server.kill();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> this.store.upsert(FEATURES, "a", item(2)));
		assertThat(this.store.getStatusProvider().getStatus().isAvailable()).isFalse();
		assertThat(this.store.get(FEATURES, "a")).as("served from the cache").isEqualTo(item(1));
		this.server.start();
		awaitStatus(true, true);
	}

	@Test
	void foreverCacheRewritesRestartedEmptyServer() throws Exception {
		this.store = wrapper(CacheMode.FOREVER);
		this.store.init(data(Map.of("a", 1, "b", 1)));
		this.server.kill();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> this.store.upsert(FEATURES, "a", item(2)));
		assertThat(this.store.getStatusProvider().getStatus().isAvailable()).isFalse();
		this.server.start();
		awaitStatus(true, false);
		RedisPersistentDataStore direct = new RedisPersistentDataStore(this.factory, "restart");
		assertThat(direct.isInitialized()).isTrue();
		assertThat(version(direct.get(FEATURES, "a"))).isEqualTo(2);
		assertThat(version(direct.get(FEATURES, "b"))).isEqualTo(1);
	}

	private PersistentDataStoreWrapper wrapper(CacheMode mode) {
		return PersistentDataStoreWrapper.builder(new RedisPersistentDataStore(this.factory, "restart", CLIENT_TIMEOUT))
			.cacheMode(mode)
			.cacheTtl(Duration.ofMinutes(10))
			.pollInterval(Duration.ofMillis(100))
			.heartbeatInterval(Duration.ZERO)
			.operationTimeout(CLIENT_TIMEOUT.multipliedBy(5))
			.build();
	}

	private void awaitStatus(boolean available, boolean refreshNeeded) {
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			assertThat(this.store.getStatusProvider().getStatus().isAvailable()).isEqualTo(available);
			assertThat(this.store.getStatusProvider().getStatus().isRefreshNeeded()).isEqualTo(refreshNeeded);
		});
	}

	private static ItemDescriptor item(int version) {
		return new ItemDescriptor(version, Map.of("value", "v" + version, "version", version));
	}

	private static FullDataSet<ItemDescriptor> data(Map<String, Integer> versions) {
		Map<String, ItemDescriptor> items = new java.util.LinkedHashMap<>();
		versions.forEach((key, version) -> items.put(key, item(version)));
		return new FullDataSet<>(Map.of(FEATURES, new KeyedItems<>(items)));
	}

	private static int version(SerializedItemDescriptor stored) {
		assertThat(stored).isNotNull();
		return FEATURES.deserialize(stored.serializedItem()).version();
	}

}
