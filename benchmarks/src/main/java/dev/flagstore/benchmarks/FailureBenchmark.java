package dev.flagstore.benchmarks;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.flagstore.status.DataStoreUpdateSink;
import dev.flagstore.store.CacheMode;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStoreException;
import dev.flagstore.store.FullDataSet;
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

/**
 * Workload 6: what a read costs the caller when it cannot be answered.
 *
 * <ul>
 * <li>{@link #bulkheadRejection}: the bulkhead is full (one permit, held by a store call that does not return), so
 * an uncached read fails at once without reaching the store;</li>
 * <li>{@link #outageMiss}: the store is down and fails every call at once (it throws); a read the TTL cache does
 * not hold reaches it and fails (status already unavailable). {@code pool}: default 2 s deadline, the call runs on
 * the store-call pool; {@code inline}: no deadline, on the caller's thread; {@code nonBlocking}: the store's
 * {@code NonBlockingReads} answer a failed future at once.</li>
 * </ul>
 * Each returns the {@link DataStoreException} the caller gets (both build one, with its stack trace).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class FailureBenchmark {

	/** A wrapper whose only store-call permit is held by a call that hangs until the tear-down. */
	@State(Scope.Benchmark)
	public static class FullBulkhead {

		private final CountDownLatch release = new CountDownLatch(1);

		@Nullable PersistentDataStoreWrapper wrapper;

		@Nullable Thread holder;

		/** Builds the wrapper and starts the call that holds the permit. */
		@Setup
		public void setUp() throws InterruptedException {
			CountDownLatch entered = new CountDownLatch(1);
			MapPersistentStore map = new MapPersistentStore();
			PersistentDataStore hanging = new HangingStore(map, entered, this.release);
			// No deadline worth the name: the holding call must not time out (that would be an outage).
			PersistentDataStoreWrapper built = PersistentDataStoreWrapper.builder(hanging)
				.cacheMode(CacheMode.NONE)
				.maxConcurrentCalls(1)
				.operationTimeout(Duration.ofHours(1))
				.heartbeatInterval(Duration.ZERO)
				.build();
			this.wrapper = built;
			Thread thread = new Thread(() -> {
				try {
					built.get(FlagData.FEATURES, "hold");
				}
				catch (RuntimeException ex) {
					// Released by the tear-down.
				}
			}, "bulkhead-holder");
			thread.setDaemon(true);
			thread.start();
			this.holder = thread;
			if (!entered.await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("the holding call did not start");
			}
		}

		/** Lets the holding call return, then closes the wrapper. */
		@TearDown
		public void tearDown() throws InterruptedException {
			this.release.countDown();
			if (this.holder != null) {
				this.holder.join(5_000);
			}
			if (this.wrapper != null) {
				this.wrapper.close();
			}
		}

	}

	/** A wrapper over a store that fails every call at once. */
	@State(Scope.Benchmark)
	public static class Outage {

		/** How the failing call runs. */
		@Param({ "pool", "inline", "nonBlocking" })
		public String call = "";

		@Nullable PersistentDataStoreWrapper wrapper;

		/** Builds the wrapper, then takes the store down and makes the outage known. */
		@Setup
		public void setUp() {
			MapPersistentStore map = new MapPersistentStore();
			PersistentDataStore core = this.call.equals("nonBlocking") ? new NonBlockingMapPersistentStore(map) : map;
			PersistentDataStoreWrapper built = PersistentDataStoreWrapper.builder(core)
				.cacheMode(CacheMode.TTL)
				.cacheTtl(Stores.WARM_TTL)
				.operationTimeout(this.call.equals("inline") ? Duration.ZERO : Duration.ofSeconds(2))
				.heartbeatInterval(Duration.ZERO)
				.build();
			built.init(FlagData.get().toFullDataSet());
			map.failing = true;
			try {
				built.get(FlagData.FEATURES, "not-cached");
			}
			catch (DataStoreException expected) {
				// The outage is known from here on.
			}
			if (built.getStatusProvider().getStatus().isAvailable()) {
				throw new IllegalStateException("the store should be unavailable");
			}
			this.wrapper = built;
		}

		/** Closes the wrapper. */
		@TearDown
		public void tearDown() {
			if (this.wrapper != null) {
				this.wrapper.close();
			}
		}

	}

	/** An uncached read refused by the full bulkhead. */
	@Benchmark
	public Object bulkheadRejection(FullBulkhead state) {
		try {
			return String.valueOf(state.wrapper.get(FlagData.FEATURES, "a"));
		}
		catch (DataStoreException refused) {
			return refused;
		}
	}

	/** A read of a key the cache does not hold, while the store fails every call at once. */
	@Benchmark
	public Object outageMiss(Outage state) {
		try {
			return String.valueOf(state.wrapper.get(FlagData.FEATURES, "not-cached"));
		}
		catch (DataStoreException failed) {
			return failed;
		}
	}

	/** Blocks {@code get("hold")} until released; everything else goes to the map. */
	private static final class HangingStore implements PersistentDataStore {

		private final MapPersistentStore delegate;

		private final CountDownLatch entered;

		private final CountDownLatch release;

		HangingStore(MapPersistentStore delegate, CountDownLatch entered, CountDownLatch release) {
			this.delegate = delegate;
			this.entered = entered;
			this.release = release;
		}

		@Override
		public @Nullable SerializedItemDescriptor get(DataKind kind, String key) {
			if (key.equals("hold")) {
				this.entered.countDown();
				try {
					this.release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return this.delegate.get(kind, key);
		}

		@Override
		public void init(FullDataSet<SerializedItemDescriptor> allData) {
			this.delegate.init(allData);
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
			return true;
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
