package dev.flagstore.store;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.flagstore.store.StoreCalls.Lane;
import org.jspecify.annotations.Nullable;

/**
 * {@link CacheMode#TTL}: items, misses and each kind's item list are cached for the TTL. With
 * {@link StaleValuesPolicy#EVICT} they are dropped then; with the refresh policies they are reloaded on the next
 * read (on the reading thread, or in the background) and the old value is kept while the store fails.
 *
 * <p>A reader who saw an item in {@code getAll} never sees an older one from {@code get}: a kind's list raises the
 * items the item cache holds, and a write drops the kind's list before it raises its item.
 */
final class TtlCache implements DataCache {

	private final StoreAccess store;

	private final StatusMachine status;

	private final StaleValuesPolicy policy;

	private final long ttlNanos;

	private final Ticker ticker;

	private final CacheGeneration generation = new CacheGeneration();

	private final StampedCache<ItemKey, Optional<ItemDescriptor>> items;

	private final StampedCache<DataKind, KeyedItems<ItemDescriptor>> all;

	TtlCache(StoreAccess store, StatusMachine status, Duration ttl, StaleValuesPolicy policy, Ticker ticker) {
		this.store = store;
		this.status = status;
		this.policy = policy;
		this.ttlNanos = ttl.toNanos();
		this.ticker = ticker;
		this.items = StampedCache.build(caffeine(), this.generation, ticker);
		this.all = StampedCache.build(caffeine(), this.generation, ticker);
	}

	private Caffeine<Object, Object> caffeine() {
		Caffeine<Object, Object> caffeine = Caffeine.newBuilder().ticker(this.ticker);
		// EVICT: items and misses alike live for the TTL (a fixed expiry, cheaper on reads than a variable one).
		// Refresh policies: items stay and are reloaded; misses still go after the TTL.
		return (this.policy == StaleValuesPolicy.EVICT) ? caffeine.expireAfterWrite(Duration.ofNanos(this.ttlNanos))
				: caffeine.expireAfter(new MissExpiry(this.ttlNanos));
	}

	@Override
	public @Nullable ItemDescriptor get(DataKind kind, String key) {
		// A hit (an item or a cached miss) allocates nothing: looked up with the thread's lookup key.
		Stamped<Optional<ItemDescriptor>> cached = this.items.getIfCurrent(ItemKey.Lookup.of(kind, key));
		if (cached != null && !isStale(cached)) {
			return cached.value.orElse(null);
		}
		ItemKey itemKey = new ItemKey(kind, key);
		Optional<ItemDescriptor> item = (cached == null)
				? this.items.get(itemKey, () -> this.store.loadItem(kind, key), this.store.calls(), StoreOperation.GET,
						kind)
				: refresh(this.items, itemKey, cached, () -> this.store.loadItem(kind, key), StoreOperation.GET, kind);
		return item.orElse(null);
	}

	@Override
	public KeyedItems<ItemDescriptor> getAll(DataKind kind) {
		Stamped<KeyedItems<ItemDescriptor>> cached = this.all.getIfCurrent(kind);
		if (cached == null) {
			return this.all.get(kind, () -> loadAll(kind), this.store.calls(), StoreOperation.GET_ALL, kind);
		}
		return isStale(cached) ? refresh(this.all, kind, cached, () -> loadAll(kind), StoreOperation.GET_ALL, kind)
				: cached.value;
	}

	private CompletableFuture<KeyedItems<ItemDescriptor>> loadAll(DataKind kind) {
		long stamp = this.generation.forLoad();
		return this.store.loadAll(kind, Lane.APPLICATION, StoreOperation.GET_ALL).thenApply(loaded -> {
			// A reader who saw an item here must not see an older version of it from get(): raise the items the
			// item cache holds (a write that reached the store but failed on its way back left them behind).
			loaded.items().forEach((key, item) -> this.items.merge(new ItemKey(kind, key), Optional.of(item),
					NEWER_ITEM, true, false, stamp));
			return loaded;
		});
	}

	private boolean isStale(Stamped<?> cached) {
		return this.policy != StaleValuesPolicy.EVICT && this.ticker.read() - cached.loadedAt >= this.ttlNanos;
	}

	/**
	 * A stale value under a refresh policy: reload it once (readers share the reload), and answer the new value
	 * (REFRESH, waiting within the deadline) or the old one at once (REFRESH_ASYNC). A failed reload is reported
	 * through the status by the store call and the old value is kept; while the store is known to be down, the old
	 * value is kept without a call (the poller is probing).
	 */
	private <K, V> V refresh(StampedCache<K, V> cache, K key, Stamped<V> stale, Supplier<CompletableFuture<V>> loader,
			StoreOperation operation, DataKind kind) {
		if (!this.status.isAvailable()) {
			return stale.value;
		}
		CompletableFuture<Stamped<V>> mine = new CompletableFuture<>();
		CompletableFuture<Stamped<V>> refresh = stale.claimRefresh(mine);
		if (refresh == mine) {
			CompletableFuture<Stamped<V>> mapped = cache.future(key);
			CompletableFuture<V> load;
			try {
				load = loader.get();
			}
			catch (RuntimeException ex) {
				mine.complete(stale);
				return stale.value;
			}
			long started = this.ticker.read();
			load.whenComplete((value, error) -> {
				if (error != null) {
					cache.recordLoadFailure(this.ticker.read() - started);
					mine.complete(stale);
					return;
				}
				Stamped<V> fresh = new Stamped<>(value, stale.generation, this.ticker.read());
				if (mapped != null) {
					cache.replace(key, mapped, fresh);
				}
				mine.complete(fresh);
			});
		}
		if (this.policy == StaleValuesPolicy.REFRESH_ASYNC) {
			return stale.value;
		}
		try {
			return this.store.calls().await(refresh, operation, kind).value;
		}
		catch (DataStoreException ex) {
			// Only the caller's interrupt gets here (a failed reload completes with the old value): its flag is set.
			return stale.value;
		}
	}

	@Override
	public void replace(FullDataSet<ItemDescriptor> data) {
		long stamp = this.generation.beginReplace();
		try {
			this.items.clear();
			this.all.clear();
			long now = this.ticker.read();
			data.data().forEach((kind, kindItems) -> {
				this.all.putStamped(kind, new Stamped<>(kindItems, stamp, now));
				kindItems.items().forEach((key, item) -> this.items.putStamped(new ItemKey(kind, key),
						new Stamped<>(Optional.of(item), stamp, now)));
			});
		}
		finally {
			this.generation.endReplace();
		}
	}

	@Override
	public void written(DataKind kind, String key, ItemDescriptor item) {
		// The kind's list goes first, so that a reader who sees the new item from get() finds no older list cached.
		this.all.invalidate(kind);
		this.items.merge(new ItemKey(kind, key), Optional.of(item), NEWER_ITEM, false, false,
				this.generation.current());
	}

	@Override
	public void rejected(DataKind kind, String key) {
		this.all.invalidate(kind);
		this.items.reload(new ItemKey(kind, key), () -> this.store.loadItem(kind, key), NEWER_ITEM);
	}

	@Override
	public void invalidate(DataKind kind, String key) {
		// As written() does: the kind's list first, so no reader finds the old item in it after the item is gone.
		this.all.invalidate(kind);
		this.items.invalidate(new ItemKey(kind, key));
	}

	@Override
	public Map<String, Cache<?, ?>> caches() {
		Map<String, Cache<?, ?>> caches = new LinkedHashMap<>();
		caches.put("items", this.items.view());
		caches.put("all-items", this.all.view());
		return caches;
	}

}
