package dev.flagstore.spring.redis;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.flagstore.spring.TestServers;
import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.store.CacheMode;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStoreException;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.PersistentDataStoreWrapper;
import dev.flagstore.store.SerializedItemDescriptor;
import dev.flagstore.test.TcpFaultProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link RedisPersistentDataStore}'s non-blocking reads on a real Redis server: when they apply, that they start on
 * the reading thread with no hand-off, and that neither a first connection nor a frozen server ever blocks the
 * reader past the wrapper's deadline. A frozen server is a {@link TcpFaultProxy} blackhole, not {@code CLIENT PAUSE}
 * or {@code DEBUG SLEEP}, so that other users of the shared test server are not frozen with it.
 */
@ExtendWith(TestServers.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisNonBlockingReadsIT {

	private static final DataKind FEATURES = DataKind.json("features", Map.class);

	private static final Duration DEADLINE = Duration.ofMillis(300);

	/** How late past the deadline a failed read may come back on a loaded machine. */
	private static final Duration SLACK = Duration.ofMillis(250);

	private final RedisServerKeys redis;

	private TcpFaultProxy proxy;

	private PersistentDataStoreWrapper wrapper;

	RedisNonBlockingReadsIT(RedisServerKeys redis) {
		this.redis = redis;
	}

	@AfterEach
	void close() {
		if (this.wrapper != null) {
			this.wrapper.close();
		}
		if (this.proxy != null) {
			this.proxy.close();
		}
		this.redis.clear();
	}

	@Test
	void nonBlockingOnlyWithALettuceFactoryThatSharesItsConnection() {
		LettuceConnectionFactory shared = this.redis.newFactory(this.redis.endpoint(), Duration.ofSeconds(5));
		assertThat(new RedisPersistentDataStore(shared, this.redis.prefix()).isNonBlocking()).isTrue();
		LettuceConnectionFactory dedicated = this.redis.newFactory(this.redis.endpoint(), Duration.ofSeconds(5));
		dedicated.setShareNativeConnection(false);
		assertThat(new RedisPersistentDataStore(dedicated, this.redis.prefix()).isNonBlocking())
			.as("a connection per read would be opened or borrowed: that blocks")
			.isFalse();
		RedisConnectionFactory other = (RedisConnectionFactory) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { RedisConnectionFactory.class }, (proxy, method, args) -> {
					throw new UnsupportedOperationException(method.getName());
				});
		RedisPersistentDataStore jedisLike = new RedisPersistentDataStore(other, this.redis.prefix());
		assertThat(jedisLike.isNonBlocking()).as("Jedis or any other factory").isFalse();
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> jedisLike.getAsync(FEATURES, "a"));
	}

	@Test
	void readsStartOnTheReadersThreadWithNoHandOff() {
		AtomicInteger handedOff = new AtomicInteger();
		ExecutorService pool = Executors.newCachedThreadPool();
		try {
			RedisPersistentDataStore store = new RedisPersistentDataStore(
					this.redis.newFactory(this.redis.endpoint(), Duration.ofSeconds(5)), this.redis.prefix());
			this.wrapper = PersistentDataStoreWrapper.builder(store)
				.cacheMode(CacheMode.NONE)
				.heartbeatInterval(Duration.ZERO)
				.executor((task) -> {
					handedOff.incrementAndGet();
					pool.execute(task);
				})
				.build();
			this.wrapper.init(dataSet("a", 1, "b", 2));
			// The first read obtains the shared connection (on the store's own connector thread); then none.
			assertThat(this.wrapper.get(FEATURES, "a").version()).isEqualTo(1);
			int before = handedOff.get();
			for (int i = 0; i < 100; i++) {
				assertThat(this.wrapper.get(FEATURES, "b").version()).isEqualTo(2);
				assertThat(this.wrapper.get(FEATURES, "missing")).isNull();
			}
			assertThat(this.wrapper.getAll(FEATURES).items()).containsOnlyKeys("a", "b");
			assertThat(handedOff.get() - before).as("reads handed to the store-call executor").isZero();
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void firstReadDoesNotConnectOnTheReadersThread() throws Exception {
		this.proxy = TcpFaultProxy.start(this.redis.endpoint().host(), this.redis.endpoint().port());
		// Connecting hangs: the proxy accepts, but the handshake gets no answer until the connect timeout (5 s).
		this.proxy.blackhole();
		RedisPersistentDataStore store = new RedisPersistentDataStore(
				this.redis.newFactory(this.redis.endpoint().via(this.proxy.getHost(), this.proxy.getPort()),
						Duration.ofSeconds(5)),
				this.redis.prefix());
		long start = System.nanoTime();
		CompletableFuture<SerializedItemDescriptor> read = store.getAsync(FEATURES, "a").toCompletableFuture();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("getAsync returns at once").isLessThan(SLACK);
		assertThat(read).isNotDone();
		this.wrapper = deadlineWrapper(store);
		start = System.nanoTime();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> this.wrapper.get(FEATURES, "a"))
			.withMessageContaining("timed out after " + DEADLINE.toMillis() + " ms");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(DEADLINE.plus(SLACK));
		this.proxy.restore();
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(status().isAvailable()).isTrue());
		this.redis.admin().opsForHash().put(this.redis.prefix() + ":features", "a", "{\"version\":4}");
		assertThat(this.wrapper.get(FEATURES, "a").version()).isEqualTo(4);
	}

	@Test
	void frozenServerFailsReadsAtTheDeadlineWithoutBlockingTheReader() throws Exception {
		this.proxy = TcpFaultProxy.start(this.redis.endpoint().host(), this.redis.endpoint().port());
		RedisPersistentDataStore store = new RedisPersistentDataStore(
				this.redis.newFactory(this.redis.endpoint().via(this.proxy.getHost(), this.proxy.getPort()),
						Duration.ofSeconds(5)),
				this.redis.prefix());
		this.wrapper = deadlineWrapper(store);
		this.wrapper.init(dataSet("a", 1));
		assertThat(this.wrapper.get(FEATURES, "a").version()).isEqualTo(1);
		this.proxy.blackhole();
		long start = System.nanoTime();
		CompletableFuture<SerializedItemDescriptor> read = store.getAsync(FEATURES, "a").toCompletableFuture();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("getAsync returns at once").isLessThan(SLACK);
		assertThat(read).isNotDone();
		start = System.nanoTime();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> this.wrapper.get(FEATURES, "a"))
			.withMessageContaining("timed out after " + DEADLINE.toMillis() + " ms");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the reader is back at the deadline")
			.isLessThan(DEADLINE.plus(SLACK));
		assertThat(status().isAvailable()).isFalse();
		this.proxy.restore();
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(status().isAvailable()).isTrue());
		assertThat(this.wrapper.get(FEATURES, "a").version()).isEqualTo(1);
	}

	@Test
	void readsGoOnAfterTheFactoryResetsItsConnection() {
		LettuceConnectionFactory factory = this.redis.newFactory(this.redis.endpoint(), Duration.ofSeconds(5));
		RedisPersistentDataStore store = new RedisPersistentDataStore(factory, this.redis.prefix());
		this.wrapper = deadlineWrapper(store);
		this.wrapper.init(dataSet("a", 1));
		assertThat(this.wrapper.get(FEATURES, "a").version()).isEqualTo(1);
		// Closes the shared connection; the next read obtains the new one (off the reader's thread).
		factory.resetConnection();
		assertThat(this.wrapper.get(FEATURES, "a").version()).isEqualTo(1);
		assertThat(this.wrapper.get(FEATURES, "a").version()).isEqualTo(1);
		assertThat(status().isAvailable()).isTrue();
	}

	private PersistentDataStoreWrapper deadlineWrapper(RedisPersistentDataStore store) {
		return PersistentDataStoreWrapper.builder(store)
			.cacheMode(CacheMode.NONE)
			.operationTimeout(DEADLINE)
			.pollInterval(Duration.ofMillis(100))
			.heartbeatInterval(Duration.ZERO)
			.build();
	}

	private DataStoreStatus status() {
		return this.wrapper.getStatusProvider().getStatus();
	}

	private static FullDataSet<ItemDescriptor> dataSet(Object... keysAndVersions) {
		Map<String, ItemDescriptor> items = new java.util.LinkedHashMap<>();
		for (int i = 0; i < keysAndVersions.length; i += 2) {
			int version = (Integer) keysAndVersions[i + 1];
			items.put((String) keysAndVersions[i], new ItemDescriptor(version, Map.of("version", version)));
		}
		return new FullDataSet<>(Map.of(FEATURES, new KeyedItems<>(items)));
	}

}
