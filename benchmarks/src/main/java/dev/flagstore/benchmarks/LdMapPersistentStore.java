package dev.flagstore.benchmarks;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.launchdarkly.sdk.server.subsystems.DataStoreTypes.DataKind;
import com.launchdarkly.sdk.server.subsystems.DataStoreTypes.FullDataSet;
import com.launchdarkly.sdk.server.subsystems.DataStoreTypes.KeyedItems;
import com.launchdarkly.sdk.server.subsystems.DataStoreTypes.SerializedItemDescriptor;
import com.launchdarkly.sdk.server.subsystems.PersistentDataStore;
import org.jspecify.annotations.Nullable;

/**
 * LaunchDarkly's {@link PersistentDataStore} over concurrent maps: the same store as {@link MapPersistentStore},
 * written against the SDK's public persistent-store API, so that LaunchDarkly's wrapper can be measured over it.
 */
final class LdMapPersistentStore implements PersistentDataStore {

	private final Map<DataKind, Map<String, SerializedItemDescriptor>> data = new ConcurrentHashMap<>();

	private volatile boolean initialized;

	/** Calls of {@code get}: the miss benchmarks check that a cached miss does not reach the store. */
	final java.util.concurrent.atomic.LongAdder gets = new java.util.concurrent.atomic.LongAdder();

	@Override
	public void init(FullDataSet<SerializedItemDescriptor> allData) {
		this.data.clear();
		for (Map.Entry<DataKind, KeyedItems<SerializedItemDescriptor>> kind : allData.getData()) {
			Map<String, SerializedItemDescriptor> items = new ConcurrentHashMap<>();
			for (Map.Entry<String, SerializedItemDescriptor> item : kind.getValue().getItems()) {
				items.put(item.getKey(), item.getValue());
			}
			this.data.put(kind.getKey(), items);
		}
		this.initialized = true;
	}

	@Override
	public @Nullable SerializedItemDescriptor get(DataKind kind, String key) {
		this.gets.increment();
		Map<String, SerializedItemDescriptor> items = this.data.get(kind);
		return (items != null) ? items.get(key) : null;
	}

	@Override
	public KeyedItems<SerializedItemDescriptor> getAll(DataKind kind) {
		Map<String, SerializedItemDescriptor> items = this.data.get(kind);
		List<Map.Entry<String, SerializedItemDescriptor>> copy = new ArrayList<>();
		if (items != null) {
			items.forEach((key, item) -> copy.add(new SimpleImmutableEntry<>(key, item)));
		}
		return new KeyedItems<>(copy);
	}

	@Override
	public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
		Map<String, SerializedItemDescriptor> items = this.data.computeIfAbsent(kind, k -> new ConcurrentHashMap<>());
		boolean[] applied = new boolean[1];
		items.compute(key, (k, old) -> {
			if (old != null && old.getVersion() >= item.getVersion()) {
				return old;
			}
			applied[0] = true;
			return item;
		});
		return applied[0];
	}

	@Override
	public boolean isInitialized() {
		return this.initialized;
	}

	@Override
	public boolean isStoreAvailable() {
		return true;
	}

	@Override
	public void close() {
		// Nothing to release.
	}

}
