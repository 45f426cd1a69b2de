package dev.flagstore.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import dev.flagstore.status.DataStoreUpdateSink;
import org.jspecify.annotations.Nullable;

/**
 * A thread-safe in-memory {@link PersistentDataStore} for tests that can be told to fail, hang or recover, and
 * counts its calls.
 */
class TestPersistentStore implements PersistentDataStore {

	enum Mode {
		OK, FAIL, HANG
	}

	private final Map<DataKind, Map<String, SerializedItemDescriptor>> data = new LinkedHashMap<>();

	private volatile boolean initialized;

	volatile Mode mode = Mode.OK;

	/** When set, only this operation fails (others work): e.g. "isInitialized" or "init". */
	volatile @Nullable String failOnly;

	private volatile CountDownLatch hangLatch = new CountDownLatch(1);

	// tag::update-sink-field[]
	volatile @Nullable DataStoreUpdateSink sink;
	// end::update-sink-field[]

	private volatile @Nullable RuntimeException failure;

	final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

	final AtomicInteger closeCount = new AtomicInteger();

	int calls(String operation) {
		AtomicInteger count = this.calls.get(operation);
		return (count != null) ? count.get() : 0;
	}

	void fail() {
		this.failure = null;
		this.mode = Mode.FAIL;
	}

	/** Fails every call with {@code failure} (the same exception each time). */
	void failWith(RuntimeException failure) {
		this.failure = failure;
		this.mode = Mode.FAIL;
	}

	void hang() {
		this.hangLatch = new CountDownLatch(1);
		this.mode = Mode.HANG;
	}

	void recover() {
		this.mode = Mode.OK;
		this.failOnly = null;
		this.hangLatch.countDown();
	}

	/** Loses all data, like a flushed Redis. */
	synchronized void wipe() {
		this.data.clear();
		this.initialized = false;
	}

	/** Writes an item directly, as another process would. */
	synchronized void put(DataKind kind, String key, SerializedItemDescriptor item) {
		this.data.computeIfAbsent(kind, k -> new LinkedHashMap<>()).put(key, item);
	}

	synchronized @Nullable SerializedItemDescriptor stored(DataKind kind, String key) {
		Map<String, SerializedItemDescriptor> items = this.data.get(kind);
		return (items != null) ? items.get(key) : null;
	}

	private void enter(String operation) {
		this.calls.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
		String only = this.failOnly;
		if (only != null) {
			if (only.equals(operation)) {
				throw new IllegalStateException("simulated failure of " + operation);
			}
			return;
		}
		switch (this.mode) {
			case FAIL -> {
				RuntimeException chosen = this.failure;
				throw (chosen != null) ? chosen
						: new IllegalStateException("simulated outage (password=hunter2 at redis://user:hunter2@db:6379)");
			}
			case HANG -> {
				try {
					this.hangLatch.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("interrupted while hanging", ex);
				}
			}
			case OK -> {
			}
		}
	}

	@Override
	public void init(FullDataSet<SerializedItemDescriptor> allData) {
		enter("init");
		synchronized (this) {
			this.data.clear();
			allData.data().forEach((kind, items) -> this.data.put(kind, new LinkedHashMap<>(items.items())));
			this.initialized = true;
		}
	}

	@Override
	public @Nullable SerializedItemDescriptor get(DataKind kind, String key) {
		enter("get");
		return stored(kind, key);
	}

	@Override
	public KeyedItems<SerializedItemDescriptor> getAll(DataKind kind) {
		enter("getAll");
		synchronized (this) {
			Map<String, SerializedItemDescriptor> items = this.data.get(kind);
			return new KeyedItems<>((items != null) ? items : Map.of());
		}
	}

	@Override
	public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
		enter("upsert");
		synchronized (this) {
			Map<String, SerializedItemDescriptor> items = this.data.computeIfAbsent(kind, k -> new LinkedHashMap<>());
			SerializedItemDescriptor old = items.get(key);
			if (old != null && old.version() >= item.version()) {
				return false;
			}
			items.put(key, item);
			return true;
		}
	}

	@Override
	public boolean isInitialized() {
		enter("isInitialized");
		return this.initialized;
	}

	@Override
	public boolean isStoreAvailable() {
		this.calls.computeIfAbsent("isStoreAvailable", k -> new AtomicInteger()).incrementAndGet();
		if (this.mode == Mode.HANG) {
			try {
				this.hangLatch.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return this.mode == Mode.OK;
	}

	@Override
	public void close() {
		this.closeCount.incrementAndGet();
	}

	// tag::set-update-sink[]
	@Override
	public void setUpdateSink(@Nullable DataStoreUpdateSink sink) {
		this.sink = sink;
	}
	// end::set-update-sink[]

}
