package dev.flagstore.benchmarks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.launchdarkly.sdk.server.subsystems.DataStore;
import dev.flagstore.store.CacheMode;
import dev.flagstore.store.InMemoryDataStore;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
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
 * Workload 3: all {@value FlagData#ITEM_COUNT} flags of a kind. Cached (our wrapper in TTL and FOREVER mode,
 * LaunchDarkly's wrapper), in memory ({@link InMemoryDataStore}), and uncached: our wrapper with
 * {@link CacheMode#NONE} against the bare store plus decoding every item (the status-tracking cost on a bulk read).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class GetAllBenchmark {

	/** The store under test, one per fork. */
	@State(Scope.Benchmark)
	public static class Store {

		/** Which store reads. */
		@Param({ "flagstoreTtl", "flagstoreForever", "inMemoryDataStore", "launchDarklyInMemory", "launchDarklyTtl",
				"launchDarklyForever", "flagstoreUncached", "bareStore" })
		public String impl = "";

		private @Nullable AutoCloseable resource;

		Supplier<Object> reader = () -> "";

		/** Builds, fills and reads the store once. */
		@Setup
		public void setUp() {
			switch (this.impl) {
				case "flagstoreTtl", "flagstoreForever", "flagstoreUncached" -> {
					CacheMode mode = switch (this.impl) {
						case "flagstoreTtl" -> CacheMode.TTL;
						case "flagstoreForever" -> CacheMode.FOREVER;
						default -> CacheMode.NONE;
					};
					PersistentDataStoreWrapper wrapper = Stores.wrapper(new MapPersistentStore(), mode,
							Duration.ofSeconds(2));
					this.resource = wrapper;
					this.reader = () -> wrapper.getAll(FlagData.FEATURES);
				}
				case "bareStore" -> {
					MapPersistentStore core = new MapPersistentStore();
					Stores.fill(core);
					this.reader = () -> {
						Map<String, ItemDescriptor> items = new LinkedHashMap<>();
						core.getAll(FlagData.FEATURES).items()
							.forEach((key, item) -> items.put(key, FlagData.FEATURES.deserialize(item.serializedItem())));
						return new KeyedItems<>(items);
					};
				}
				case "inMemoryDataStore" -> {
					InMemoryDataStore store = new InMemoryDataStore();
					store.init(FlagData.get().toFullDataSet());
					this.reader = () -> store.getAll(FlagData.FEATURES);
				}
				case "launchDarklyInMemory" -> {
					DataStore store = LdStores.inMemory();
					this.resource = store;
					this.reader = () -> store.getAll(LdStores.FEATURES);
				}
				case "launchDarklyTtl", "launchDarklyForever" -> {
					DataStore store = LdStores.persistent(new LdMapPersistentStore(),
							this.impl.equals("launchDarklyTtl") ? Stores.WARM_TTL : null);
					this.resource = store;
					this.reader = () -> store.getAll(LdStores.FEATURES);
				}
				default -> throw new IllegalArgumentException("unknown impl: " + this.impl);
			}
			this.reader.get();
		}

		/** Closes the store. */
		@TearDown
		public void tearDown() throws Exception {
			if (this.resource != null) {
				this.resource.close();
			}
		}

	}

	/** One read of all flags. */
	@Benchmark
	public Object getAll(Store store) {
		return store.reader.get();
	}

}
