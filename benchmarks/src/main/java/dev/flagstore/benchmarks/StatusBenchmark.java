package dev.flagstore.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;
import dev.flagstore.status.DataStoreUpdateSink;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStoreException;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.PersistentDataStoreWrapper;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload 4: the status machinery, as latency percentiles (sample mode), over a store that can be told to fail.
 * The wrapper uses the defaults (TTL cache, 2 s operation deadline, 10 s heartbeat) except the poll interval.
 *
 * <ul>
 * <li>{@code failureToListener}: from the start of a failing {@code upsert} to the moment a listener has been
 * called with the unavailable status (the failing call and its deadline hand-off included);</li>
 * <li>{@code storeAnswersToRecovered}: from the moment the store answers again to {@code getStatus()} reading
 * available; bounded by the poll interval, since the store is probed every {@code pollIntervalMillis}. The store
 * comes back at a random point of the poll period;</li>
 * <li>{@code changeToListener}: from a status change (pushed through the store's {@link DataStoreUpdateSink},
 * which changes the status synchronously) to the listener call: the dispatch latency alone.</li>
 * </ul>
 * Waiting is a spin on a volatile field, so the wake-up of the measuring thread adds nothing.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Threads(1)
public class StatusBenchmark {

	private static final long WAIT_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(10);

	/** A wrapper over a failing-on-demand store, with a listener that notes each status it is given. */
	@State(Scope.Benchmark)
	public static class Monitored {

		/** How often the wrapper probes an unavailable store. */
		@Param({ "100" })
		public int pollIntervalMillis;

		final MapPersistentStore core = new MapPersistentStore();

		final Listener listener = new Listener();

		@Nullable PersistentDataStoreWrapper wrapper;

		private final FullDataSet<ItemDescriptor> data = smallDataSet();

		private int version = 1;

		/** Builds, fills and listens. */
		@Setup(Level.Trial)
		public void setUp() {
			PersistentDataStoreWrapper built = PersistentDataStoreWrapper.builder(this.core)
				.pollInterval(Duration.ofMillis(this.pollIntervalMillis))
				.build();
			built.init(this.data);
			built.getStatusProvider().addStatusListener(this.listener);
			this.wrapper = built;
		}

		/** Closes the wrapper. */
		@TearDown(Level.Trial)
		public void tearDown() {
			wrapper().close();
		}

		PersistentDataStoreWrapper wrapper() {
			PersistentDataStoreWrapper built = this.wrapper;
			if (built == null) {
				throw new IllegalStateException("not set up");
			}
			return built;
		}

		/** Makes the store fail and runs one write that fails; returns once a listener was told. */
		void failAndAwaitListener() {
			long calls = this.listener.calls;
			this.core.failing = true;
			try {
				wrapper().upsert(FlagData.FEATURES, "status-flag", new ItemDescriptor(++this.version, Map.of()));
				throw new IllegalStateException("the store was told to fail, but the upsert succeeded");
			}
			catch (DataStoreException expected) {
				// The failure is the point.
			}
			this.listener.await(calls, false);
		}

		/** Store back, {@code init} (which clears the outage at once), listener told. */
		void restoreAndAwaitListener() {
			long calls = this.listener.calls;
			this.core.failing = false;
			if (!wrapper().getStatusProvider().getStatus().isAvailable()) {
				wrapper().init(this.data);
				this.listener.await(calls, true);
			}
		}

		private static FullDataSet<ItemDescriptor> smallDataSet() {
			Map<String, ItemDescriptor> items = new LinkedHashMap<>();
			FlagData.get().json().entrySet().stream().limit(10)
				.forEach(entry -> items.put(entry.getKey(), FlagData.FEATURES.deserialize(entry.getValue())));
			Map<DataKind, KeyedItems<ItemDescriptor>> data = new LinkedHashMap<>();
			data.put(FlagData.FEATURES, new KeyedItems<>(items));
			return new FullDataSet<>(data);
		}

	}

	/** Notes the last status and how many calls there were. */
	static final class Listener implements DataStoreStatusListener {

		volatile @Nullable DataStoreStatus last;

		volatile long calls;

		@Override
		public void dataStoreStatusChanged(DataStoreStatus newStatus) {
			this.last = newStatus;
			this.calls++; // one delivery thread at a time per listener
		}

		/** Spins until a call after {@code callsBefore} delivered a status with the given availability. */
		void await(long callsBefore, boolean available) {
			long deadline = System.nanoTime() + WAIT_LIMIT_NANOS;
			while (true) {
				DataStoreStatus status = this.last;
				if (this.calls > callsBefore && status != null && status.isAvailable() == available) {
					return;
				}
				if (System.nanoTime() - deadline > 0) {
					throw new IllegalStateException("no listener call with available=" + available + " in 10 s");
				}
				Thread.onSpinWait();
			}
		}

	}

	/** {@code failureToListener}: each sample starts available and is restored afterwards (not timed). */
	@State(Scope.Thread)
	public static class FailureCycle {

		/** Back to available, untimed. */
		@TearDown(Level.Invocation)
		public void restore(Monitored monitored) {
			monitored.restoreAndAwaitListener();
		}

	}

	/** {@code storeAnswersToRecovered}: each sample starts in an outage, at a random point of the poll period. */
	@State(Scope.Thread)
	public static class OutageCycle {

		/** Into an outage, untimed; then a random part of a poll period passes. */
		@Setup(Level.Invocation)
		public void fail(Monitored monitored) throws InterruptedException {
			monitored.failAndAwaitListener();
			Thread.sleep(ThreadLocalRandom.current().nextInt(monitored.pollIntervalMillis));
		}

		/** Waits for the listener to hear of the recovery, untimed, so the next outage starts clean. */
		@TearDown(Level.Invocation)
		public void settle(Monitored monitored) {
			Listener listener = monitored.listener;
			long deadline = System.nanoTime() + WAIT_LIMIT_NANOS;
			while (listener.last == null || !listener.last.isAvailable()) {
				if (System.nanoTime() - deadline > 0) {
					throw new IllegalStateException("the listener never heard of the recovery");
				}
				Thread.onSpinWait();
			}
		}

	}

	/** A failing store call, until a listener has been told the store is unavailable. */
	@Benchmark
	public void failureToListener(Monitored monitored, FailureCycle cycle) {
		monitored.failAndAwaitListener();
	}

	/**
	 * The store answers again, until the status reads available (found by the poller). A sample takes a poll
	 * period, so this one measures longer to get about a hundred samples.
	 */
	@Benchmark
	@Warmup(iterations = 1, time = 2)
	@Measurement(iterations = 2, time = 10)
	public void storeAnswersToRecovered(Monitored monitored, OutageCycle cycle) {
		monitored.core.failing = false;
		long deadline = System.nanoTime() + WAIT_LIMIT_NANOS;
		while (!monitored.wrapper().getStatusProvider().getStatus().isAvailable()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("no recovery within 10 s");
			}
			Thread.onSpinWait();
		}
	}

	/** A status change (pushed through the update sink), until the listener has been called with it. */
	@Benchmark
	public void changeToListener(Monitored monitored) {
		DataStoreUpdateSink sink = monitored.core.sink;
		if (sink == null) {
			throw new IllegalStateException("the wrapper gave the store no update sink");
		}
		boolean available = !monitored.wrapper().getStatusProvider().getStatus().isAvailable();
		long calls = monitored.listener.calls;
		sink.updateStatus(new DataStoreStatus(available, false, Instant.now(), available ? null : "pushed outage"));
		monitored.listener.await(calls, available);
	}

}
