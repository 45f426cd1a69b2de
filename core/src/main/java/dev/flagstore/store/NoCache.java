package dev.flagstore.store;

import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import dev.flagstore.store.StoreCalls.Lane;
import org.jspecify.annotations.Nullable;

/** {@link CacheMode#NONE}: every read is a store call. */
final class NoCache implements DataCache {

	private final StoreAccess store;

	NoCache(StoreAccess store) {
		this.store = store;
	}

	@Override
	public @Nullable ItemDescriptor get(DataKind kind, String key) {
		return this.store.getItem(kind, key).orElse(null);
	}

	@Override
	public KeyedItems<ItemDescriptor> getAll(DataKind kind) {
		return this.store.getAll(kind, Lane.APPLICATION, StoreOperation.GET_ALL);
	}

	@Override
	public void replace(FullDataSet<ItemDescriptor> data) {
	}

	@Override
	public void written(DataKind kind, String key, ItemDescriptor item) {
	}

	@Override
	public void rejected(DataKind kind, String key) {
	}

	@Override
	public void invalidate(DataKind kind, String key) {
	}

	@Override
	public Map<String, Cache<?, ?>> caches() {
		return Map.of();
	}

}
