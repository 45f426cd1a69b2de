package dev.flagstore.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.DataStoreException;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.SerializedItemDescriptor;

/**
 * Many application threads ("callers") reading keys the cache cannot answer: each caller has keys of its own
 * (so no two callers share a load), and reads either a key it never read before (<i>cold</i>: never in the cache)
 * or one it read at least a TTL ago (<i>expired</i>: its cache entry has expired), and now and then
 * {@code getAll} of a small kind whose list expires too. Every read goes to the store.
 *
 * <p>The wall time of every {@code get} and {@code getAll} is measured around the call and kept per phase of the
 * scenario (before, during and after the outages); a read over the wait bound is a violation, reported with what it
 * was, when it started and how it ended (the whole cause chain). Also checked on every read: no {@code null} for a
 * key the store holds, the item answered is the key's own, {@code getAll} holds every item, and a failure is a
 * {@link DataStoreException}.
 */
final class ColdReaders {

	/** Scenario phases a read starts in. */
	static final int BEFORE = 0;

	static final int DURING = 1;

	static final int AFTER = 2;

	static final String[] PHASES = { "before the outage", "during the blackhole", "after the store is back" };

	private static final int MAX_VIOLATIONS = 50;

	/** Outcomes of a read, counted per phase. */
	private static final int OK = 0;

	private static final int FAILED = 1;

	private static final int REFUSED = 2;

	private static final int OUTCOMES = 3;

	/** How the callers read. */
	record Settings(int callers, int keysPerCaller, int segments, Duration pace, Duration ttl, double getAllRatio) {
	}

	private final DataStore store;

	private final DataKind items;

	private final DataKind segments;

	private final Settings settings;

	private final long boundNanos;

	private final List<Thread> threads = new ArrayList<>();

	private final AtomicLongArray outcomes = new AtomicLongArray(PHASES.length * OUTCOMES);

	private final AtomicLong coldReads = new AtomicLong();

	private final AtomicLong expiredReads = new AtomicLong();

	private final AtomicLong getAlls = new AtomicLong();

	private final AtomicLong overBound = new AtomicLong();

	/** Timed-out reads whose future the deadline (the flagstore-status thread) completed. */
	private final AtomicLong endedByDeadline = new AtomicLong();

	/** Timed-out reads the caller's own safety net ended: the deadline had not fired 20 ms after it was due. */
	private final AtomicLong endedBySafetyNet = new AtomicLong();

	/** A read over the wait bound: what it was, and its window (System.nanoTime) to lay over the stalls. */
	private record SlowRead(String text, long startNanos, long endNanos) {
	}

	/** The operation timeout: where in a slow read's window its deadline was. */
	private final long timeoutNanos;

	private final ConcurrentLinkedQueue<SlowRead> waitViolations = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<String> absent = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<String> wrongItems = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<String> wrongErrors = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<String> hung = new ConcurrentLinkedQueue<>();

	/** Wall times per phase, merged from the callers when they stop. */
	private final List<List<long[]>> waits = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());

	private volatile int phase = BEFORE;

	private volatile boolean stopping;

	ColdReaders(DataStore store, DataKind items, DataKind segments, Settings settings, Duration operationTimeout,
			Duration waitBound) {
		this.store = store;
		this.items = items;
		this.segments = segments;
		this.settings = settings;
		this.timeoutNanos = operationTimeout.toNanos();
		this.boundNanos = waitBound.toNanos();
	}

	static String key(int caller, int index) {
		return "flag-" + caller + "-" + index;
	}

	static String segment(int index) {
		return "segment-" + index;
	}

	/** Every key of every caller and every segment, at version 1, each item naming its own key. */
	static FullDataSet<SerializedItemDescriptor> data(Settings settings, DataKind items, DataKind segments) {
		Map<String, SerializedItemDescriptor> keyed = new LinkedHashMap<>();
		for (int caller = 0; caller < settings.callers(); caller++) {
			for (int index = 0; index < settings.keysPerCaller(); index++) {
				String key = key(caller, index);
				keyed.put(key, serialized(items, key));
			}
		}
		Map<String, SerializedItemDescriptor> segmentItems = new LinkedHashMap<>();
		for (int index = 0; index < settings.segments(); index++) {
			segmentItems.put(segment(index), serialized(segments, segment(index)));
		}
		Map<DataKind, KeyedItems<SerializedItemDescriptor>> data = new LinkedHashMap<>();
		data.put(items, new KeyedItems<>(keyed));
		data.put(segments, new KeyedItems<>(segmentItems));
		return new FullDataSet<>(data);
	}

	private static SerializedItemDescriptor serialized(DataKind kind, String key) {
		ItemDescriptor item = new ItemDescriptor(1, Map.of("version", 1, "key", key));
		return new SerializedItemDescriptor(1, false, kind.serialize(item));
	}

	void phase(int phase) {
		this.phase = phase;
	}

	void start() {
		for (int caller = 0; caller < this.settings.callers(); caller++) {
			int index = caller;
			Thread thread = new Thread(() -> run(index), "chaos-caller-" + caller);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	void stop() throws InterruptedException {
		this.stopping = true;
		for (Thread thread : this.threads) {
			thread.join(TimeUnit.SECONDS.toMillis(60));
			if (thread.isAlive()) {
				this.hung.add(thread.getName() + " did not stop within 60 s (an application thread hung)");
			}
		}
	}

	/** A key this caller read (and the cache loaded), and when the read ended. */
	private record Read(int index, long endedNanos) {
	}

	private void run(int caller) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long ttlNanos = this.settings.ttl().toNanos() + TimeUnit.MILLISECONDS.toNanos(200);
		long paceNanos = this.settings.pace().toNanos();
		ArrayDeque<Read> readBefore = new ArrayDeque<>();
		LongList[] mine = { new LongList(), new LongList(), new LongList() };
		int nextCold = 0;
		try {
			while (!this.stopping) {
				double dice = random.nextDouble();
				long now = System.nanoTime();
				Read due = readBefore.peekFirst();
				boolean expiredReady = due != null && now - due.endedNanos() >= ttlNanos;
				boolean coldLeft = nextCold < this.settings.keysPerCaller();
				if (dice < this.settings.getAllRatio()) {
					readAll(mine);
				}
				else if (coldLeft && (!expiredReady || dice < 0.5 + this.settings.getAllRatio() / 2)) {
					int index = nextCold++;
					this.coldReads.incrementAndGet();
					if (read(caller, index, "cold", mine)) {
						readBefore.addLast(new Read(index, System.nanoTime()));
					}
				}
				else if (expiredReady) {
					readBefore.pollFirst();
					this.expiredReads.incrementAndGet();
					if (read(caller, due.index(), "expired", mine)) {
						readBefore.addLast(new Read(due.index(), System.nanoTime()));
					}
				}
				// Pacing each caller (about ten reads a second), jittered so the callers do not move in step.
				LockSupport.parkNanos(paceNanos / 2 + random.nextLong(paceNanos));
			}
		}
		finally {
			synchronized (this.waits) {
				for (int p = 0; p < PHASES.length; p++) {
					this.waits.get(p).add(mine[p].toArray());
				}
			}
		}
	}

	/** One {@code get}; answers whether it succeeded. */
	private boolean read(int caller, int index, String what, LongList[] mine) {
		String key = key(caller, index);
		int phaseAtStart = this.phase;
		Instant startedAt = Instant.now();
		long start = System.nanoTime();
		ItemDescriptor item = null;
		RuntimeException failure = null;
		try {
			item = this.store.get(this.items, key);
		}
		catch (RuntimeException ex) {
			failure = ex;
		}
		long waited = System.nanoTime() - start;
		mine[phaseAtStart].add(waited);
		String op = "get(" + key + ") [" + what + "]";
		boolean ok = finish(op, phaseAtStart, startedAt, start, waited, failure);
		if (ok) {
			if (item == null) {
				add(this.absent, op + " answered null (absent) for a key the store holds; started " + startedAt);
				return false;
			}
			if (!(item.item() instanceof Map<?, ?> map) || !key.equals(map.get("key"))) {
				add(this.wrongItems, op + " answered another key's item: " + item + "; started " + startedAt);
			}
		}
		return ok;
	}

	private void readAll(LongList[] mine) {
		int phaseAtStart = this.phase;
		Instant startedAt = Instant.now();
		this.getAlls.incrementAndGet();
		long start = System.nanoTime();
		KeyedItems<ItemDescriptor> all = null;
		RuntimeException failure = null;
		try {
			all = this.store.getAll(this.segments);
		}
		catch (RuntimeException ex) {
			failure = ex;
		}
		long waited = System.nanoTime() - start;
		mine[phaseAtStart].add(waited);
		String op = "getAll(" + this.segments.getName() + ")";
		if (finish(op, phaseAtStart, startedAt, start, waited, failure) && all != null) {
			if (all.items().size() != this.settings.segments()) {
				add(this.absent, op + " answered " + all.items().size() + " of the " + this.settings.segments()
						+ " items the store holds; started " + startedAt);
			}
			all.items().forEach((key, item) -> {
				if (!(item.item() instanceof Map<?, ?> map) || !key.equals(map.get("key"))) {
					add(this.wrongItems, op + " answered another key's item for " + key + ": " + item);
				}
			});
		}
	}

	/** Counts the outcome and checks the wait; answers whether the read succeeded. */
	private boolean finish(String op, int phaseAtStart, Instant startedAt, long startNanos, long waited,
			RuntimeException failure) {
		int outcome = OK;
		if (failure != null) {
			boolean refused = failure.getMessage() != null
					&& failure.getMessage().contains("flagstore.store.max-concurrent-calls");
			outcome = refused ? REFUSED : FAILED;
			if (!refused && failure.getMessage() != null && failure.getMessage().contains("timed out after")) {
				(endedBySafetyNet(failure) ? this.endedBySafetyNet : this.endedByDeadline).incrementAndGet();
			}
			if (!(failure instanceof DataStoreException)) {
				add(this.wrongErrors, op + " failed with " + failure + " (not a DataStoreException)"
						+ ScenarioRun.causeChain(failure));
			}
			if (ChaosSettings.trace()) {
				System.out.println("TRACE " + startedAt + " " + Thread.currentThread().getName() + " " + op
						+ " waited " + ScenarioResult.millis(waited) + " ms and threw" + ScenarioRun.causeChain(failure));
			}
		}
		this.outcomes.incrementAndGet(phaseAtStart * OUTCOMES + outcome);
		if (waited > this.boundNanos) {
			this.overBound.incrementAndGet();
			String text = Thread.currentThread().getName() + ": " + op + " " + PHASES[phaseAtStart] + ", started "
					+ startedAt + ", waited " + ScenarioResult.millis(waited) + " ms (bound "
					+ TimeUnit.NANOSECONDS.toMillis(this.boundNanos) + " ms), "
					+ ((failure == null) ? "succeeded" : "threw" + ScenarioRun.causeChain(failure) + " at "
							+ topFrames(failure)) + "; load average " + StallMonitor.loadAverage();
			if (this.waitViolations.size() < MAX_VIOLATIONS) {
				this.waitViolations.add(new SlowRead(text, startNanos, startNanos + waited));
				System.out.println("WAIT OVER BOUND " + text);
			}
		}
		return failure == null;
	}

	/**
	 * Whether a timeout reached the caller through its own safety net ({@code StoreCalls.await} makes the
	 * exception when the call's future is still not done 20 ms past the deadline) rather than through the future
	 * the deadline completed ({@code StoreCalls.join} makes a fresh one for each waiter).
	 */
	private static boolean endedBySafetyNet(Throwable error) {
		for (StackTraceElement frame : error.getStackTrace()) {
			if (frame.getClassName().equals("dev.flagstore.store.StoreCalls")) {
				return frame.getMethodName().equals("await");
			}
		}
		return false;
	}

	/** Where the exception was made: its first frames in flagstore's code. */
	private static String topFrames(Throwable error) {
		StringBuilder frames = new StringBuilder();
		int shown = 0;
		for (StackTraceElement frame : error.getStackTrace()) {
			if (frame.getClassName().startsWith("dev.flagstore.store.") && shown < 3) {
				frames.append((shown > 0) ? " < " : "").append(frame.getClassName().replace("dev.flagstore.store.", ""))
					.append('.').append(frame.getMethodName()).append(':').append(frame.getLineNumber());
				shown++;
			}
		}
		return frames.toString();
	}

	private static boolean add(ConcurrentLinkedQueue<String> queue, String text) {
		if (queue.size() < MAX_VIOLATIONS) {
			queue.add(Thread.currentThread().getName() + ": " + text);
			return true;
		}
		return false;
	}

	/** Sorted wall times (ns) of the reads that started in {@code phase}, or of all reads for {@code -1}. */
	long[] waits(int phase) {
		synchronized (this.waits) {
			List<long[]> parts = new ArrayList<>();
			for (int p = 0; p < PHASES.length; p++) {
				if (phase < 0 || p == phase) {
					parts.addAll(this.waits.get(p));
				}
			}
			long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
			Arrays.sort(all);
			return all;
		}
	}

	long ok(int phase) {
		return this.outcomes.get(phase * OUTCOMES + OK);
	}

	long failed(int phase) {
		return this.outcomes.get(phase * OUTCOMES + FAILED);
	}

	long refused(int phase) {
		return this.outcomes.get(phase * OUTCOMES + REFUSED);
	}

	long reads() {
		long total = 0;
		for (int i = 0; i < this.outcomes.length(); i++) {
			total += this.outcomes.get(i);
		}
		return total;
	}

	long coldReads() {
		return this.coldReads.get();
	}

	long expiredReads() {
		return this.expiredReads.get();
	}

	long getAlls() {
		return this.getAlls.get();
	}

	long endedByDeadline() {
		return this.endedByDeadline.get();
	}

	long endedBySafetyNet() {
		return this.endedBySafetyNet.get();
	}

	long overBound() {
		return this.overBound.get();
	}

	/** The reads over the bound (the first few), each with the stalls of the JVM or machine during its wait. */
	List<String> waitViolations(StallMonitor stalls) {
		List<String> texts = new ArrayList<>();
		for (SlowRead read : this.waitViolations) {
			texts.add(read.text() + "; stalls during the wait: " + stalls.during(read.startNanos(),
					read.startNanos() + this.timeoutNanos, read.endNanos()));
		}
		return texts;
	}

	List<String> absent() {
		return List.copyOf(this.absent);
	}

	List<String> wrongItems() {
		return List.copyOf(this.wrongItems);
	}

	List<String> wrongErrors() {
		return List.copyOf(this.wrongErrors);
	}

	List<String> hung() {
		return List.copyOf(this.hung);
	}

	/** A growable list of longs, for one caller's wall times. */
	private static final class LongList {

		private long[] values = new long[256];

		private int size;

		void add(long value) {
			if (this.size == this.values.length) {
				this.values = Arrays.copyOf(this.values, this.size * 2);
			}
			this.values[this.size++] = value;
		}

		long[] toArray() {
			return Arrays.copyOf(this.values, this.size);
		}

	}

}
