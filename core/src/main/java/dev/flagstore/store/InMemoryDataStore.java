package dev.flagstore.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.flagstore.changes.FlagChange.Origin;
import dev.flagstore.changes.FlagTracker;
import dev.flagstore.internal.ChangeTracker;
import dev.flagstore.status.DataStoreStatusProvider;
import org.jspecify.annotations.Nullable;

/**
 * A {@link DataStore} in this process's memory: the default when no persistent store is configured.
 *
 * <p>Reads are lock-free; writes are serialized by one lock. {@link #getAll} returns items in the order their
 * keys were first stored. Status monitoring is disabled: the status is always available.
 *
 * <p>Every applied write, and every item an {@code init} adds, removes or changes, is reported to the
 * {@link #getFlagTracker() flag tracker}'s listeners, on {@code flagstore-change-listener} threads (started only
 * when there is something to deliver) that {@link #close()} stops.
 */
public final class InMemoryDataStore implements DataStore {

	private final DataStoreStatusProvider statusProvider = new FixedStatusProvider();

	private final Object writeLock = new Object();

	/** Replaced as a whole by {@link #init}; the inner maps are changed only under {@link #writeLock}. */
	private volatile Map<DataKind, Map<String, ItemDescriptor>> data = new ConcurrentHashMap<>();

	private volatile boolean initialized;

	/** The change events; written to under {@link #writeLock}, flushed after it. */
	private final ChangeTracker changes;

	/** The listener threads, when this store made them. */
	private final @Nullable ThreadPoolExecutor listenerPool;

	/**
	 * Creates an empty, uninitialized store.
	 */
	public InMemoryDataStore() {
		this(null);
	}

	/**
	 * Creates an empty, uninitialized store whose change listeners run on {@code listenerExecutor} (for tests); one
	 * of its own when {@code null}.
	 */
	InMemoryDataStore(@Nullable Executor listenerExecutor) {
		this.listenerPool = (listenerExecutor == null) ? new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30,
				TimeUnit.SECONDS, new SynchronousQueue<>(), new NamedThreadFactory("flagstore-change-listener")) : null;
		this.changes = new ChangeTracker((listenerExecutor != null) ? listenerExecutor
				: Objects.requireNonNull(this.listenerPool), this::get);
	}

	@Override
	public void init(FullDataSet<ItemDescriptor> allData) {
		Objects.requireNonNull(allData, "allData");
		Map<DataKind, Map<String, ItemDescriptor>> fresh = new ConcurrentHashMap<>();
		allData.data().forEach((kind, items) -> fresh.put(kind, newKindMap(items.items())));
		synchronized (this.writeLock) {
			// The old data is at hand: the diff costs no I/O (and is skipped while nobody listens).
			Map<DataKind, Map<String, ItemDescriptor>> old = this.data;
			this.data = fresh;
			this.initialized = true;
			this.changes.replaced(allData, old, Origin.LOCAL);
		}
		this.changes.flush();
	}

	@Override
	public @Nullable ItemDescriptor get(DataKind kind, String key) {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(key, "key");
		Map<String, ItemDescriptor> items = this.data.get(kind);
		return (items != null) ? items.get(key) : null;
	}

	@Override
	public KeyedItems<ItemDescriptor> getAll(DataKind kind) {
		Objects.requireNonNull(kind, "kind");
		Map<String, ItemDescriptor> items = this.data.get(kind);
		if (items == null) {
			return KeyedItems.empty();
		}
		if (items instanceof OrderedItems ordered) {
			KeyedItems<ItemDescriptor> snapshot = ordered.snapshot;
			if (snapshot != null) {
				return snapshot;
			}
		}
		synchronized (this.writeLock) {
			KeyedItems<ItemDescriptor> snapshot = new KeyedItems<>(items);
			if (items instanceof OrderedItems ordered) {
				// Reused until the next write to this kind: reads of all items far outnumber writes.
				ordered.snapshot = snapshot;
			}
			return snapshot;
		}
	}

	@Override
	public boolean upsert(DataKind kind, String key, ItemDescriptor item) {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(item, "item");
		synchronized (this.writeLock) {
			Map<String, ItemDescriptor> items = this.data.computeIfAbsent(kind, k -> newKindMap(Map.of()));
			ItemDescriptor old = items.get(key);
			if (old != null && old.version() >= item.version()) {
				return false;
			}
			items.put(key, item);
			// Under the lock: events take the order of the writes (and readers already see this one).
			this.changes.written(kind, key, item, Origin.LOCAL);
		}
		this.changes.flush();
		return true;
	}

	@Override
	public boolean isInitialized() {
		return this.initialized;
	}

	@Override
	public boolean isStatusMonitoringEnabled() {
		return false;
	}

	@Override
	public DataStoreStatusProvider getStatusProvider() {
		return this.statusProvider;
	}

	@Override
	public FlagTracker getFlagTracker() {
		return this.changes;
	}

	/**
	 * Stops change delivery (nothing is delivered after it) and the listener threads, waiting up to 2 s for a
	 * listener still running. Idempotent. The data stays readable and writable; writes fire nothing any more.
	 */
	@Override
	public void close() {
		this.changes.close();
		ThreadPoolExecutor pool = this.listenerPool;
		if (pool == null || pool.isShutdown()) {
			return;
		}
		pool.shutdownNow();
		if (pool.getThreadFactory() instanceof NamedThreadFactory factory && factory.made(Thread.currentThread())) {
			// close() from a change listener: its thread ends once it returns.
			return;
		}
		try {
			pool.awaitTermination(2, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A map that keeps insertion order for {@link #getAll} and is safe to read without the lock: a
	 * {@link LinkedHashMap} is not, so reads go through a concurrent view kept in step with it.
	 */
	private static Map<String, ItemDescriptor> newKindMap(Map<String, ItemDescriptor> items) {
		return new OrderedItems(items);
	}

	/**
	 * Insertion-ordered items: writes (under the store's lock) go to both maps; {@link #get} reads the concurrent
	 * one without locking; iteration (under the lock) follows the ordered one.
	 */
	private static final class OrderedItems extends java.util.AbstractMap<String, ItemDescriptor> {

		private final ConcurrentHashMap<String, ItemDescriptor> lookup = new ConcurrentHashMap<>();

		private final LinkedHashMap<String, ItemDescriptor> ordered = new LinkedHashMap<>();

		/** The immutable copy {@link #getAll} hands out; cleared by every write (under the store's lock). */
		volatile @Nullable KeyedItems<ItemDescriptor> snapshot;

		OrderedItems(Map<String, ItemDescriptor> items) {
			items.forEach(this::put);
		}

		@Override
		public @Nullable ItemDescriptor get(Object key) {
			return this.lookup.get(key);
		}

		@Override
		public @Nullable ItemDescriptor put(String key, ItemDescriptor value) {
			this.snapshot = null;
			this.ordered.put(key, value);
			return this.lookup.put(key, value);
		}

		@Override
		public java.util.Set<Entry<String, ItemDescriptor>> entrySet() {
			return this.ordered.entrySet();
		}

	}

	/**
	 * Describes this store: {@code {"type": "in-memory"}}.
	 * @return the description
	 */
	@Override
	public Map<String, Object> describeConfiguration() {
		return Map.of("type", "in-memory");
	}

}
