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
 * Workload 1: a read of one flag by a random key, every flag already cached. Compares our wrapper (TTL and FOREVER)
 * with {@link InMemoryDataStore}, a bare {@link ConcurrentHashMap} (the floor) and LaunchDarkly's wrapper over an
 * equivalent store (the reference).
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

		/** Builds and fills the store, then reads every flag once so the cache is warm. */
		@Setup
		public void setUp() {
			FlagData data = FlagData.get();
			switch (this.impl) {
				case "flagstoreTtl", "flagstoreForever" -> {
					PersistentDataStoreWrapper wrapper = Stores.wrapper(new MapPersistentStore(),
							this.impl.equals("flagstoreTtl") ? CacheMode.TTL : CacheMode.FOREVER, Duration.ofSeconds(2));
					this.resource = wrapper;
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
					DataStore store = LdStores.persistent(new LdMapPersistentStore(),
							this.impl.equals("launchDarklyTtl") ? Stores.WARM_TTL : null);
					this.resource = store;
					this.reader = key -> store.get(LdStores.FEATURES, key);
				}
				default -> throw new IllegalArgumentException("unknown impl: " + this.impl);
			}
			for (String key : data.keys()) {
				if (this.reader.apply(key) == null) {
					throw new IllegalStateException(this.impl + " does not hold " + key);
				}
			}
		}

		/** Closes the store. */
		@TearDown
		public void tearDown() throws Exception {
			if (this.resource != null) {
				this.resource.close();
			}
		}

	}

	/** Each thread's own random key sequence. */
	@State(Scope.Thread)
	public static class Keys {

		private static final AtomicInteger threads = new AtomicInteger();

		private final String[] sequence = FlagData.get().keySequence(threads.incrementAndGet());

		private int next;

		String next() {
			return this.sequence[this.next++ & (FlagData.SEQUENCE_LENGTH - 1)];
		}

	}

	/** One warm read. */
	@Benchmark
	public @Nullable Object get(Store store, Keys keys) {
		return store.reader.apply(keys.next());
	}

}
