package dev.flagstore.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.SerializedItemDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PersistentDataStore} in memory that a test can make fail ({@link #fail()}) and recover
 * ({@link #recover()}). While failing, every call throws and {@link #isStoreAvailable()} answers {@code false}.
 */
public class ControllablePersistentDataStore implements PersistentDataStore {

	private final Map<DataKind, Map<String, SerializedItemDescriptor>> data = new ConcurrentHashMap<>();

	private final AtomicInteger closeCount = new AtomicInteger();

	private volatile boolean failing;

	/** While not null, reads block on it: a hung store. */
	private volatile @Nullable CountDownLatch hang;

	private volatile boolean initialized;

	public void fail() {
		this.failing = true;
	}

	public void recover() {
		this.failing = false;
		CountDownLatch latch = this.hang;
		this.hang = null;
		if (latch != null) {
			latch.countDown();
		}
	}

	/**
	 * Makes {@link #get} block (a hung store) until {@link #recover()}.
	 */
	public void hang() {
		this.hang = new CountDownLatch(1);
	}

	public int getCloseCount() {
		return this.closeCount.get();
	}

	private void check() {
		if (this.failing) {
			throw new IllegalStateException("store is down (test)");
		}
	}

	@Override
	public synchronized void init(FullDataSet<SerializedItemDescriptor> allData) {
		check();
		this.data.clear();
		allData.data().forEach((kind, items) -> this.data.put(kind, new LinkedHashMap<>(items.items())));
		this.initialized = true;
	}

	@Override
	public @Nullable SerializedItemDescriptor get(DataKind kind, String key) {
		CountDownLatch latch = this.hang;
		if (latch != null) {
			try {
				latch.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted while hanging (test)", ex);
			}
		}
		check();
		Map<String, SerializedItemDescriptor> items = this.data.get(kind);
		return (items != null) ? items.get(key) : null;
	}

	@Override
	public synchronized KeyedItems<SerializedItemDescriptor> getAll(DataKind kind) {
		check();
		Map<String, SerializedItemDescriptor> items = this.data.get(kind);
		return new KeyedItems<>((items != null) ? items : Map.of());
	}

	@Override
	public synchronized boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
		check();
		Map<String, SerializedItemDescriptor> items = this.data.computeIfAbsent(kind, (k) -> new LinkedHashMap<>());
		SerializedItemDescriptor old = items.get(key);
		if (old != null && old.version() >= item.version()) {
			return false;
		}
		items.put(key, item);
		return true;
	}

	@Override
	public boolean isInitialized() {
		check();
		return this.initialized;
	}

	@Override
	public boolean isStoreAvailable() {
		return !this.failing;
	}

	@Override
	public void close() {
		this.closeCount.incrementAndGet();
	}

}
