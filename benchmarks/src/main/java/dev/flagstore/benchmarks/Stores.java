package dev.flagstore.benchmarks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.flagstore.store.CacheMode;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.PersistentDataStoreWrapper;
import dev.flagstore.store.SerializedItemDescriptor;

/**
 * Builds our wrappers for the benchmarks: the documented defaults except where a benchmark says otherwise.
 */
final class Stores {

	/**
	 * Cache time of the TTL-mode read benchmarks: long enough that no entry expires during a trial, so the reads
	 * measure the warm cache (with the TTL expiry bookkeeping) rather than reloads.
	 */
	static final Duration WARM_TTL = Duration.ofMinutes(10);

	private Stores() {
	}

	/** Fills {@code core} directly, as another process would: no wrapper, no threads. */
	static void fill(MapPersistentStore core) {
		Map<String, SerializedItemDescriptor> items = new LinkedHashMap<>();
		FlagData.get().json().forEach((key, json) -> items.put(key, new SerializedItemDescriptor(1, false, json)));
		Map<DataKind, KeyedItems<SerializedItemDescriptor>> data = new LinkedHashMap<>();
		data.put(FlagData.FEATURES, new KeyedItems<>(items));
		core.init(new FullDataSet<>(data));
	}

	/** An initialized wrapper over {@code core}, with default status settings. */
	static PersistentDataStoreWrapper wrapper(MapPersistentStore core, CacheMode mode, Duration operationTimeout) {
		return wrapper((PersistentDataStore) core, mode, operationTimeout);
	}

	/** An initialized wrapper over any store, with default status settings. */
	static PersistentDataStoreWrapper wrapper(PersistentDataStore core, CacheMode mode, Duration operationTimeout) {
		PersistentDataStoreWrapper wrapper = PersistentDataStoreWrapper.builder(core)
			.cacheMode(mode)
			.cacheTtl(WARM_TTL)
			.operationTimeout(operationTimeout)
			.build();
		wrapper.init(FlagData.get().toFullDataSet());
		return wrapper;
	}

}
