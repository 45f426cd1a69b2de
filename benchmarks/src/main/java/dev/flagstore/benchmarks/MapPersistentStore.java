package dev.flagstore.benchmarks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.flagstore.status.DataStoreUpdateSink;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.SerializedItemDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * Our {@link PersistentDataStore} over concurrent maps, with no I/O: the cheapest store there can be, so that what
 * the wrapper adds is all that differs. It can be told to fail ({@link #failing}) and keeps the update sink the
 * wrapper gives it, for the status benchmarks. The same shape as {@link LdMapPersistentStore}.
 */
final class MapPersistentStore implements PersistentDataStore {

	private final Map<DataKind, Map<String, SerializedItemDescriptor>> data = new ConcurrentHashMap<>();

	private volatile boolean initialized;

	/** Calls of {@code get}: the miss benchmarks check that a cached miss does not reach the store. */
	final java.util.concurrent.atomic.LongAdder gets = new java.util.concurrent.atomic.LongAdder();

	/** While {@code true}, every store call except {@link #isStoreAvailable()} throws and that answers false. */
	volatile boolean failing;

	volatile @Nullable DataStoreUpdateSink sink;

	private void check() {
		if (this.failing) {
			throw new IllegalStateException("simulated outage");
		}
	}

	@Override
	public void init(FullDataSet<SerializedItemDescriptor> allData) {
		check();
		this.data.clear();
		allData.data().forEach((kind, items) -> this.data.put(kind, new ConcurrentHashMap<>(items.items())));
		this.initialized = true;
	}

	@Override
	public @Nullable SerializedItemDescriptor get(DataKind kind, String key) {
		this.gets.increment();
		check();
		Map<String, SerializedItemDescriptor> items = this.data.get(kind);
		return (items != null) ? items.get(key) : null;
	}

	@Override
	public KeyedItems<SerializedItemDescriptor> getAll(DataKind kind) {
		check();
		Map<String, SerializedItemDescriptor> items = this.data.get(kind);
		return (items != null) ? new KeyedItems<>(items) : KeyedItems.empty();
	}

	@Override
	public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
		check();
		Map<String, SerializedItemDescriptor> items = this.data.computeIfAbsent(kind, k -> new ConcurrentHashMap<>());
		boolean[] applied = new boolean[1];
		items.compute(key, (k, old) -> {
			if (old != null && old.version() >= item.version()) {
				return old;
			}
			applied[0] = true;
			return item;
		});
		return applied[0];
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
		// Nothing to release.
	}

	@Override
	public void setUpdateSink(@Nullable DataStoreUpdateSink sink) {
		this.sink = sink;
	}

}
