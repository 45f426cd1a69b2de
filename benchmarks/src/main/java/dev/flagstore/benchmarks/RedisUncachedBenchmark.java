package dev.flagstore.benchmarks;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.flagstore.spring.redis.RedisPersistentDataStore;
import dev.flagstore.status.DataStoreUpdateSink;
import dev.flagstore.store.CacheMode;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.PersistentDataStoreWrapper;
import dev.flagstore.store.SerializedItemDescriptor;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Workload 2b: an uncached read ({@link CacheMode#NONE}) from a real Redis server on loopback, through our wrapper
 * and straight to the same {@link RedisPersistentDataStore}, each decoding the flag with the same codec. The server
 * is {@code FLAGSTORE_REDIS_URL} or {@code redis://127.0.0.1:6379}; the flags go under a prefix of their own,
 * deleted by the tear-down.
 *
 * <ul>
 * <li>{@code bareStore}: {@code RedisPersistentDataStore.get} (Spring's {@code StringRedisTemplate}, HGET,
 * blocking) and decode;</li>
 * <li>{@code bareAsync}: the same store's {@code getAsync} (HGET through Lettuce's asynchronous API), waited for,
 * and decode: the non-blocking read without the wrapper;</li>
 * <li>{@code flagstore}: our wrapper, default 2 s deadline: the read starts on the caller's thread
 * ({@code NonBlockingReads}, no hand-off);</li>
 * <li>{@code flagstoreBlocking}: our wrapper over a view of the store without {@code NonBlockingReads}: the
 * blocking {@code get} on the store-call pool (the hand-off this release removes for Lettuce).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class RedisUncachedBenchmark {

	/** The server, the store and, unless bare, the wrapper. */
	@State(Scope.Benchmark)
	public static class Store {

		/** Who handles the read. */
		@Param({ "bareStore", "bareAsync", "flagstore", "flagstoreBlocking" })
		public String impl = "";

		final DataKind kind = FlagData.FEATURES;

		@Nullable LettuceConnectionFactory factory;

		@Nullable RedisPersistentDataStore store;

		@Nullable PersistentDataStoreWrapper wrapper;

		private String prefix = "";

		/** Connects, writes the flags under a fresh prefix, and builds the wrapper. */
		@Setup
		public void setUp() {
			URI uri = URI.create(System.getenv().getOrDefault("FLAGSTORE_REDIS_URL", "redis://127.0.0.1:6379"));
			RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(uri.getHost(),
					(uri.getPort() > 0) ? uri.getPort() : 6379);
			LettuceConnectionFactory connections = new LettuceConnectionFactory(server,
					LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(5)).build());
			connections.afterPropertiesSet();
			connections.start();
			this.factory = connections;
			this.prefix = "flagstore-bench:" + UUID.randomUUID().toString().substring(0, 8);
			RedisPersistentDataStore redis = new RedisPersistentDataStore(connections, this.prefix);
			this.store = redis;
			Map<String, SerializedItemDescriptor> items = new LinkedHashMap<>();
			FlagData.get().json().forEach((key, json) -> items.put(key, new SerializedItemDescriptor(1, false, json)));
			redis.init(new FullDataSet<>(Map.of(this.kind, new KeyedItems<>(items))));
			switch (this.impl) {
				case "bareStore", "bareAsync" -> {
				}
				case "flagstore" -> this.wrapper = uncached(redis);
				case "flagstoreBlocking" -> this.wrapper = uncached(new BlockingView(redis));
				default -> throw new IllegalArgumentException("unknown impl: " + this.impl);
			}
			if (this.impl.equals("flagstore") && !redis.isNonBlocking()) {
				throw new IllegalStateException("the Redis store should read without blocking here");
			}
		}

		private static PersistentDataStoreWrapper uncached(PersistentDataStore core) {
			return PersistentDataStoreWrapper.builder(core).cacheMode(CacheMode.NONE).build();
		}

		/** Closes the wrapper, deletes the flags and closes the connections. */
		@TearDown
		public void tearDown() {
			if (this.wrapper != null) {
				this.wrapper.close();
			}
			LettuceConnectionFactory connections = this.factory;
			if (connections != null) {
				StringRedisTemplate admin = new StringRedisTemplate(connections);
				Set<String> keys = admin.keys(this.prefix + ":*");
				if (keys != null && !keys.isEmpty()) {
					admin.delete(keys);
				}
				connections.destroy();
			}
		}

	}

	/** Each thread's own random key sequence. */
	@State(Scope.Thread)
	public static class Keys {

		private static final AtomicInteger threads = new AtomicInteger();

		private final String[] sequence = FlagData.get().keySequence(200 + threads.incrementAndGet());

		private int next;

		String next() {
			return this.sequence[this.next++ & (FlagData.SEQUENCE_LENGTH - 1)];
		}

	}

	/** One read from Redis, decoded. */
	@Benchmark
	public @Nullable ItemDescriptor get(Store store, Keys keys) throws Exception {
		String key = keys.next();
		PersistentDataStoreWrapper wrapper = store.wrapper;
		if (wrapper != null) {
			return wrapper.get(store.kind, key);
		}
		RedisPersistentDataStore redis = store.store;
		SerializedItemDescriptor stored;
		if (store.impl.equals("bareAsync")) {
			CompletionStage<@Nullable SerializedItemDescriptor> read = redis.getAsync(store.kind, key);
			stored = read.toCompletableFuture().get(5, TimeUnit.SECONDS);
		}
		else {
			stored = redis.get(store.kind, key);
		}
		return (stored != null) ? store.kind.deserialize(stored.serializedItem()) : null;
	}

	/** The Redis store without its {@code NonBlockingReads}: the wrapper runs its blocking reads on the pool. */
	private static final class BlockingView implements PersistentDataStore {

		private final RedisPersistentDataStore delegate;

		BlockingView(RedisPersistentDataStore delegate) {
			this.delegate = delegate;
		}

		@Override
		public void init(FullDataSet<SerializedItemDescriptor> allData) {
			this.delegate.init(allData);
		}

		@Override
		public @Nullable SerializedItemDescriptor get(DataKind kind, String key) {
			return this.delegate.get(kind, key);
		}

		@Override
		public KeyedItems<SerializedItemDescriptor> getAll(DataKind kind) {
			return this.delegate.getAll(kind);
		}

		@Override
		public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
			return this.delegate.upsert(kind, key, item);
		}

		@Override
		public boolean isInitialized() {
			return this.delegate.isInitialized();
		}

		@Override
		public boolean isStoreAvailable() {
			return this.delegate.isStoreAvailable();
		}

		@Override
		public void close() {
			this.delegate.close();
		}

		@Override
		public void setUpdateSink(@Nullable DataStoreUpdateSink sink) {
			this.delegate.setUpdateSink(sink);
		}

	}

}
