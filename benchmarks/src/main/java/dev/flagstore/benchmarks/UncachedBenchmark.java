package dev.flagstore.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.flagstore.store.CacheMode;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.ItemDescriptor;
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

/**
 * Workload 2: reads and writes that reach the store ({@link CacheMode#NONE}), through our wrapper and straight to
 * the same store. The difference is what the wrapper's failure handling and status tracking cost per call. Both
 * sides decode (get) or encode (upsert) the item with the same codec, since an application without the wrapper
 * has to do that too.
 *
 * <p>{@code flagstore} uses the default 2 s operation deadline (each call runs on the store-call pool);
 * {@code flagstoreNoDeadline} sets {@code operationTimeout(Duration.ZERO)} (the call runs on the caller's thread),
 * which isolates the cost of the deadline from that of the status tracking; {@code flagstoreNonBlocking} gives the
 * same store {@link dev.flagstore.store.NonBlockingReads} that answer at once, so that a read starts on the caller's
 * thread with the default deadline and no hand-off (writes still run on the pool);
 * {@code flagstoreNonBlockingNoDeadline} is that without the deadline, which isolates what scheduling and cancelling
 * the deadline of each call costs.
 *
 * <p>{@code codec=raw} (not in the default run: {@code -p codec=raw}) stores the JSON string as the item, with no
 * parsing, so that the wrapper's own cost per call shows in nanoseconds rather than next to the JSON codec's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class UncachedBenchmark {

	/** The store, and the wrapper around it unless {@code bareStore}. */
	@State(Scope.Benchmark)
	public static class Store {

		/** Who handles the call. */
		@Param({ "flagstore", "flagstoreNoDeadline", "flagstoreNonBlocking", "flagstoreNonBlockingNoDeadline",
				"bareStore" })
		public String impl = "";

		/** {@code json}: items decoded by {@link FlagData#FEATURES}; {@code raw}: the stored string is the item. */
		@Param({ "json" })
		public String codec = "";

		DataKind kind = FlagData.FEATURES;

		final MapPersistentStore core = new MapPersistentStore();

		@Nullable PersistentDataStoreWrapper wrapper;

		/** Shared so that concurrent upserts of one key keep going up; the bare path pays for it too. */
		final AtomicInteger version = new AtomicInteger(1);

		/** Fills the store (through the wrapper, or directly for the bare store). */
		@Setup
		public void setUp() {
			if (this.codec.equals("raw")) {
				// Same name, so the same kind for the store; no parsing either way.
				this.kind = DataKind.of(FlagData.FEATURES.getName(),
						item -> item.isDeleted() ? "{\"deleted\":true}" : (String) Objects.requireNonNull(item.item()),
						json -> new ItemDescriptor(1, json));
			}
			switch (this.impl) {
				case "flagstore" -> this.wrapper = Stores.wrapper(this.core, CacheMode.NONE, Duration.ofSeconds(2));
				case "flagstoreNoDeadline" -> this.wrapper = Stores.wrapper(this.core, CacheMode.NONE, Duration.ZERO);
				case "flagstoreNonBlocking" -> this.wrapper = Stores.wrapper(new NonBlockingMapPersistentStore(this.core),
						CacheMode.NONE, Duration.ofSeconds(2));
				case "flagstoreNonBlockingNoDeadline" -> this.wrapper = Stores
					.wrapper(new NonBlockingMapPersistentStore(this.core), CacheMode.NONE, Duration.ZERO);
				case "bareStore" -> Stores.fill(this.core);
				default -> throw new IllegalArgumentException("unknown impl: " + this.impl);
			}
		}

		/** Closes the wrapper. */
		@TearDown
		public void tearDown() {
			if (this.wrapper != null) {
				this.wrapper.close();
			}
		}

	}

	/** Each thread's own random key sequence and decoded items to write. */
	@State(Scope.Thread)
	public static class Keys {

		private static final AtomicInteger threads = new AtomicInteger();

		private final String[] sequence = FlagData.get().keySequence(100 + threads.incrementAndGet());

		private final List<Object> items = FlagData.get().toFullDataSet().data().get(FlagData.FEATURES).items()
			.values().stream().map(ItemDescriptor::item).toList();

		private int next;

		String next() {
			return this.sequence[this.next++ & (FlagData.SEQUENCE_LENGTH - 1)];
		}

		private final List<String> json = List.copyOf(FlagData.get().json().values());

		Object item(Store store) {
			int index = this.next % this.items.size();
			return store.codec.equals("raw") ? this.json.get(index) : this.items.get(index);
		}

	}

	/** One read from the store, decoded. */
	@Benchmark
	public @Nullable ItemDescriptor get(Store store, Keys keys) {
		String key = keys.next();
		PersistentDataStoreWrapper wrapper = store.wrapper;
		if (wrapper != null) {
			return wrapper.get(store.kind, key);
		}
		SerializedItemDescriptor stored = store.core.get(store.kind, key);
		return (stored != null) ? store.kind.deserialize(stored.serializedItem()) : null;
	}

	/** One versioned write to the store, encoded. */
	@Benchmark
	public boolean upsert(Store store, Keys keys) {
		String key = keys.next();
		ItemDescriptor item = new ItemDescriptor(store.version.incrementAndGet(), keys.item(store));
		PersistentDataStoreWrapper wrapper = store.wrapper;
		if (wrapper != null) {
			return wrapper.upsert(store.kind, key, item);
		}
		return store.core.upsert(store.kind, key,
				new SerializedItemDescriptor(item.version(), false, store.kind.serialize(item)));
	}

}
