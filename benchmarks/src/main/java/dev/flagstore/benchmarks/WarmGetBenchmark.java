package dev.flagstore.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.launchdarkly.sdk.server.subsystems.DataStore;
import dev.flagstore.store.CacheMode;
import dev.flagstore.store.InMemoryDataStore;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.PersistentDataStoreWrapper;
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

/**
 * Workload 1: a read of one flag by a random key, every flag already cached ({@link #get}, a hit), and a read of a
 * key no store holds whose absence is already cached ({@link #getMiss}, a cached miss: the store is not called, which
 * the tear-down checks). Compares our wrapper (TTL and FOREVER) with {@link InMemoryDataStore}, a bare
 * {@link ConcurrentHashMap} (the floor) and LaunchDarkly's wrapper over an equivalent store (the reference).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class WarmGetBenchmark {

	/** The stores under test, one per fork. */
	@State(Scope.Benchmark)
	public static class Store {

		/** Which store reads. */
		@Param({ "flagstoreTtl", "flagstoreForever", "inMemoryDataStore", "launchDarklyInMemory", "concurrentHashMap",
				"launchDarklyTtl", "launchDarklyForever" })
		public String impl = "";

		private @Nullable AutoCloseable resource;

		Function<String, @Nullable Object> reader = key -> null;

		/** Store calls of {@code get} so far, for the wrappers; checked by the tear-down. */
		private java.util.function.LongSupplier storeGets = () -> 0;

		private long storeGetsWhenWarm;

		/**
		 * Builds and fills the store, then reads every flag and every missing key once so the cache is warm (holds
		 * the items and the misses).
		 */
		@Setup
		public void setUp() {
			FlagData data = FlagData.get();
			switch (this.impl) {
				case "flagstoreTtl", "flagstoreForever" -> {
					MapPersistentStore core = new MapPersistentStore();
					PersistentDataStoreWrapper wrapper = Stores.wrapper(core,
							this.impl.equals("flagstoreTtl") ? CacheMode.TTL : CacheMode.FOREVER, Duration.ofSeconds(2));
					this.resource = wrapper;
					this.storeGets = core.gets::sum;
					this.reader = key -> wrapper.get(FlagData.FEATURES, key);
				}
				case "inMemoryDataStore" -> {
					InMemoryDataStore store = new InMemoryDataStore();
					store.init(data.toFullDataSet());
					this.reader = key -> store.get(FlagData.FEATURES, key);
				}
				case "concurrentHashMap" -> {
					Map<String, ItemDescriptor> map = new ConcurrentHashMap<>(
							data.toFullDataSet().data().get(FlagData.FEATURES).items());
					this.reader = map::get;
				}
				case "launchDarklyInMemory" -> {
					DataStore store = LdStores.inMemory();
					this.resource = store;
					this.reader = key -> store.get(LdStores.FEATURES, key);
				}
				case "launchDarklyTtl", "launchDarklyForever" -> {
					LdMapPersistentStore core = new LdMapPersistentStore();
					DataStore store = LdStores.persistent(core,
							this.impl.equals("launchDarklyTtl") ? Stores.WARM_TTL : null);
					this.resource = store;
					this.storeGets = core.gets::sum;
					this.reader = key -> store.get(LdStores.FEATURES, key);
				}
				default -> throw new IllegalArgumentException("unknown impl: " + this.impl);
			}
			for (String key : data.keys()) {
				if (this.reader.apply(key) == null) {
					throw new IllegalStateException(this.impl + " does not hold " + key);
				}
			}
			for (String key : data.missingKeys()) {
				if (this.reader.apply(key) != null) {
					throw new IllegalStateException(this.impl + " holds " + key);
				}
			}
			this.storeGetsWhenWarm = this.storeGets.getAsLong();
		}

		/** Checks that no read reached the store (everything was cached), then closes the store. */
		@TearDown
		public void tearDown() throws Exception {
			long calls = this.storeGets.getAsLong() - this.storeGetsWhenWarm;
			if (calls != 0) {
				throw new IllegalStateException(this.impl + ": " + calls + " reads reached the store; the cache was "
						+ "not warm");
			}
			if (this.resource != null) {
				this.resource.close();
			}
		}

	}

	/** Each thread's own random key sequence. */
	@State(Scope.Thread)
	public static class Keys {

		private static final AtomicInteger threads = new AtomicInteger();

		private final int thread = threads.incrementAndGet();

		private final String[] sequence = FlagData.get().keySequence(this.thread);

		private final String[] missing = FlagData.get().missingKeySequence(this.thread);

		private int next;

		String next() {
			return this.sequence[this.next++ & (FlagData.SEQUENCE_LENGTH - 1)];
		}

		String nextMissing() {
			return this.missing[this.next++ & (FlagData.SEQUENCE_LENGTH - 1)];
		}

	}

	/** One warm read (a cache hit). */
	@Benchmark
	public @Nullable Object get(Store store, Keys keys) {
		return store.reader.apply(keys.next());
	}

	/** One read of an absent key whose absence is cached (a cached miss). */
	@Benchmark
	public @Nullable Object getMiss(Store store, Keys keys) {
		return store.reader.apply(keys.nextMissing());
	}

}
