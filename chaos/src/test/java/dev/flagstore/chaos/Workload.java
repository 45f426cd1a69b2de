package dev.flagstore.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import dev.flagstore.store.CacheMode;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.DataStoreException;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;

/**
 * The application load of a scenario: several threads doing mixed reads ({@code get}, now and then {@code getAll})
 * and versioned upserts against one or more {@link DataStore}s (application instances sharing one database),
 * bounded in operation count and time. Versions come from one counter per key, shared by all threads and
 * instances, so every write carries a version no other write has.
 *
 * <p>Checked on every operation: a reader never sees a key's version go backwards (per thread, across
 * {@code get} and {@code getAll}); a {@code get} never throws when {@code readsMustNotThrow} (every key is cached
 * from {@code init}). Recorded for the end: the highest version attempted and acknowledged per key.
 */
final class Workload {

	/** How the load looks. */
	record Settings(int threads, int keys, double writeRatio, long maxOps, boolean partitionedWrites,
			boolean readsMustNotThrow) {
	}

	static final int MAX_VIOLATIONS = 200;

	private final DataKind kind;

	private final List<DataStore> instances;

	private final List<CacheMode> modes;

	private final Settings settings;

	private final AtomicIntegerArray nextVersion;

	private final AtomicIntegerArray maxAcknowledged;

	private final List<Thread> threads = new ArrayList<>();

	private final AtomicLong ops = new AtomicLong();

	private final AtomicLong reads = new AtomicLong();

	private final AtomicLong readFailures = new AtomicLong();

	private final AtomicLong getAllFailures = new AtomicLong();

	private final AtomicLong writes = new AtomicLong();

	private final AtomicLong writeFailures = new AtomicLong();

	private final AtomicLong rejected = new AtomicLong();

	private final AtomicLong monotonicChecks = new AtomicLong();

	private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

	private final Consumer<Throwable> thrown;

	private volatile boolean stopping;

	private volatile long deadlineNanos;

	Workload(DataKind kind, List<DataStore> instances, List<CacheMode> modes, Settings settings,
			Consumer<Throwable> thrown) {
		this.kind = kind;
		this.instances = instances;
		this.modes = modes;
		this.settings = settings;
		this.nextVersion = new AtomicIntegerArray(settings.keys());
		this.maxAcknowledged = new AtomicIntegerArray(settings.keys());
		this.thrown = thrown;
	}

	static String key(int index) {
		return "flag-" + index;
	}

	static ItemDescriptor item(int version, String writer) {
		return new ItemDescriptor(version, Map.of("version", version, "value", "v" + version, "writer", writer));
	}

	/** Every key at version 1: what each instance's {@code init} writes before the load starts. */
	FullDataSet<ItemDescriptor> initialData() {
		Map<String, ItemDescriptor> items = new LinkedHashMap<>();
		for (int i = 0; i < this.settings.keys(); i++) {
			items.put(key(i), item(1, "init"));
			this.nextVersion.accumulateAndGet(i, 1, Math::max);
			this.maxAcknowledged.accumulateAndGet(i, 1, Math::max);
		}
		return new FullDataSet<>(Map.of(this.kind, new KeyedItems<>(items)));
	}

	void start(Duration maxDuration) {
		this.deadlineNanos = System.nanoTime() + maxDuration.toNanos();
		for (int t = 0; t < this.settings.threads(); t++) {
			int index = t;
			Thread thread = new Thread(() -> run(index), "chaos-workload-" + t);
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
				this.violations.add(thread.getName() + " did not stop within 60 s (an application thread hung)");
			}
		}
	}

	private void run(int threadIndex) {
		int instanceIndex = threadIndex % this.instances.size();
		DataStore store = this.instances.get(instanceIndex);
		boolean forever = this.modes.get(instanceIndex) == CacheMode.FOREVER;
		String writer = "instance-" + instanceIndex + "/thread-" + threadIndex;
		// Highest version seen per key: through get, through getAll, and through either.
		int[][] lastSeen = new int[3][this.settings.keys()];
		ThreadLocalRandom random = ThreadLocalRandom.current();
		while (!this.stopping && System.nanoTime() - this.deadlineNanos < 0
				&& this.ops.incrementAndGet() <= this.settings.maxOps()) {
			int key = random.nextInt(this.settings.keys());
			double dice = random.nextDouble();
			if (dice < this.settings.writeRatio()) {
				if (this.settings.partitionedWrites()) {
					int owned = this.settings.keys() / this.settings.threads();
					key = threadIndex + this.settings.threads() * random.nextInt(Math.max(1, owned));
					if (key >= this.settings.keys()) {
						key = threadIndex;
					}
				}
				write(store, key, writer);
			}
			else if (dice > 0.98) {
				readAll(store, lastSeen, forever);
			}
			else {
				read(store, key, lastSeen);
			}
			// Pacing the load (about 1000 operations per second per thread on a shared 2-core machine).
			LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(1000));
		}
	}

	private void write(DataStore store, int key, String writer) {
		int version = this.nextVersion.incrementAndGet(key);
		this.writes.incrementAndGet();
		try {
			if (store.upsert(this.kind, key(key), item(version, writer))) {
				this.maxAcknowledged.accumulateAndGet(key, version, Math::max);
			}
			else {
				this.rejected.incrementAndGet();
			}
		}
		catch (DataStoreException ex) {
			this.writeFailures.incrementAndGet();
			this.thrown.accept(ex);
		}
		catch (RuntimeException ex) {
			violation("upsert of " + key(key) + " failed with " + ex + " (not a DataStoreException)");
			this.thrown.accept(ex);
		}
	}

	private void read(DataStore store, int key, int[][] lastSeen) {
		this.reads.incrementAndGet();
		try {
			ItemDescriptor item = store.get(this.kind, key(key));
			if (item == null) {
				violation("get(" + key(key) + ") answered null (absent) for a key that init wrote");
				return;
			}
			seen(key, item.version(), lastSeen, "get");
		}
		catch (RuntimeException ex) {
			this.readFailures.incrementAndGet();
			this.thrown.accept(ex);
			if (this.settings.readsMustNotThrow() || !(ex instanceof DataStoreException)) {
				violation("get(" + key(key) + ") threw although the cache holds it: " + ex);
			}
		}
	}

	private void readAll(DataStore store, int[][] lastSeen, boolean forever) {
		this.reads.incrementAndGet();
		try {
			KeyedItems<ItemDescriptor> all = store.getAll(this.kind);
			for (int key = 0; key < this.settings.keys(); key++) {
				ItemDescriptor item = all.items().get(key(key));
				if (item != null) {
					seen(key, item.version(), lastSeen, "getAll");
				}
			}
		}
		catch (RuntimeException ex) {
			this.getAllFailures.incrementAndGet();
			this.thrown.accept(ex);
			// Only FOREVER keeps getAll cached through writes; with TTL a write invalidates it (docs/status.md).
			if ((forever && this.settings.readsMustNotThrow()) || !(ex instanceof DataStoreException)) {
				violation("getAll threw although the FOREVER cache holds the kind: " + ex);
			}
		}
	}

	/**
	 * A version must never be lower than one this thread saw before through the same operation ("went back"), nor
	 * lower than one it saw through the other read operation ("went back across").
	 */
	private void seen(int key, int version, int[][] lastSeen, String operation) {
		this.monotonicChecks.incrementAndGet();
		int same = operation.equals("get") ? 0 : 1;
		int other = 1 - same;
		if (version < lastSeen[same][key]) {
			violation(operation + "(" + key(key) + ") went back from version " + lastSeen[same][key] + " to "
					+ version);
		}
		else if (version < lastSeen[other][key]) {
			violation(operation + "(" + key(key) + ") went back across views: " + ((other == 0) ? "get" : "getAll")
					+ " had shown version " + lastSeen[other][key] + ", now " + version);
		}
		lastSeen[same][key] = Math.max(lastSeen[same][key], version);
		lastSeen[2][key] = Math.max(lastSeen[2][key], version);
	}

	private void violation(String text) {
		if (this.violations.size() < MAX_VIOLATIONS) {
			this.violations.add(Thread.currentThread().getName() + ": " + text);
		}
	}

	int keys() {
		return this.settings.keys();
	}

	int maxAttempted(int key) {
		return this.nextVersion.get(key);
	}

	int maxAcknowledged(int key) {
		return this.maxAcknowledged.get(key);
	}

	long operations() {
		return this.reads.get() + this.writes.get();
	}

	long reads() {
		return this.reads.get();
	}

	long readFailures() {
		return this.readFailures.get();
	}

	long getAllFailures() {
		return this.getAllFailures.get();
	}

	long writes() {
		return this.writes.get();
	}

	long writeFailures() {
		return this.writeFailures.get();
	}

	long rejected() {
		return this.rejected.get();
	}

	long monotonicChecks() {
		return this.monotonicChecks.get();
	}

	List<String> violations() {
		return List.copyOf(this.violations);
	}

}
