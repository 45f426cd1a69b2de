package dev.flagstore.source;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;
import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.InMemoryDataStore;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory {@link DataStore} whose writes can be made to throw, with a status the test pushes to its listeners
 * on the pushing thread (as a store's listener thread would call them).
 */
final class TestDataStore implements DataStore {

	private final InMemoryDataStore delegate = new InMemoryDataStore();

	final TestStatus status = new TestStatus();

	volatile @Nullable RuntimeException failure;

	final AtomicInteger inits = new AtomicInteger();

	final AtomicInteger closes = new AtomicInteger();

	private void check() {
		RuntimeException failure = this.failure;
		if (failure != null) {
			throw failure;
		}
	}

	@Override
	public void init(FullDataSet<ItemDescriptor> allData) {
		check();
		this.delegate.init(allData);
		this.inits.incrementAndGet();
	}

	@Override
	public @Nullable ItemDescriptor get(DataKind kind, String key) {
		return this.delegate.get(kind, key);
	}

	@Override
	public KeyedItems<ItemDescriptor> getAll(DataKind kind) {
		return this.delegate.getAll(kind);
	}

	@Override
	public boolean upsert(DataKind kind, String key, ItemDescriptor item) {
		check();
		return this.delegate.upsert(kind, key, item);
	}

	@Override
	public boolean isInitialized() {
		return this.delegate.isInitialized();
	}

	@Override
	public boolean isStatusMonitoringEnabled() {
		return true;
	}

	@Override
	public DataStoreStatusProvider getStatusProvider() {
		return this.status;
	}

	@Override
	public void close() {
		this.closes.incrementAndGet();
	}

	static final class TestStatus implements DataStoreStatusProvider {

		private volatile DataStoreStatus status = DataStoreStatus.available(java.time.Instant.EPOCH);

		final List<DataStoreStatusListener> listeners = new CopyOnWriteArrayList<>();

		void push(DataStoreStatus newStatus) {
			this.status = newStatus;
			this.listeners.forEach((listener) -> listener.dataStoreStatusChanged(newStatus));
		}

		@Override
		public DataStoreStatus getStatus() {
			return this.status;
		}

		@Override
		public boolean isStatusMonitoringEnabled() {
			return true;
		}

		@Override
		public void addStatusListener(DataStoreStatusListener listener) {
			this.listeners.add(listener);
		}

		@Override
		public void removeStatusListener(DataStoreStatusListener listener) {
			this.listeners.remove(listener);
		}

	}

}
