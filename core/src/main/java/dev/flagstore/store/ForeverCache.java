package dev.flagstore.store;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BinaryOperator;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.flagstore.store.StoreCalls.Lane;
import org.jspecify.annotations.Nullable;

/**
 * {@link CacheMode#FOREVER}: the cache is the truth. Each kind's item list (the <em>snapshot</em>) never expires and
 * is what both {@code get} and {@code getAll} read, so they never disagree; keys a snapshot lacks go through the
 * item cache, whose misses live for the TTL (another instance may write the key) and whose finds join the
 * snapshot. Failed writes are kept too, for the write-back on recovery ({@link WriteBackRecovery}).
 */
final class ForeverCache implements DataCache {

	/** Merges the items of {@code candidate} into {@code old}, each keeping its higher version. */
	private static final BinaryOperator<KeyedItems<ItemDescriptor>> WITH_ITEMS = (old, candidate) -> {
		Map<String, ItemDescriptor> copy = null;
		for (Map.Entry<String, ItemDescriptor> entry : candidate.items().entrySet()) {
			ItemDescriptor existing = old.items().get(entry.getKey());
			if (existing == null || existing.version() < entry.getValue().version()) {
				if (copy == null) {
					copy = new LinkedHashMap<>(old.items());
				}
				copy.put(entry.getKey(), entry.getValue());
			}
		}
		return (copy != null) ? new KeyedItems<>(copy) : old;
	};

	private final StoreAccess store;

	private final Ticker ticker;

	private final CacheGeneration generation = new CacheGeneration();

	private final StampedCache<ItemKey, Optional<ItemDescriptor>> items;

	private final StampedCache<DataKind, KeyedItems<ItemDescriptor>> all;

	private final long missTtlNanos;

	/**
	 * The cached misses of the kinds that have a snapshot, looked up before the item cache so that a miss costs no
	 * Caffeine lookup: per kind, key &rarr; when the miss expires ({@link #ticker} time). A front of the item cache's
	 * misses, never the only record of one: an entry is only read when the kind's snapshot lacks the key (so a write,
	 * which joins the snapshot, wins over it), dropped when it has expired or an {@code init} replaced the data set,
	 * and swept when a kind's map has doubled since its last sweep. Copy-on-write: kinds are few.
	 */
	private volatile Map<DataKind, Misses> misses = Map.of();

	/**
	 * Whether the snapshots hold a complete data set (an {@code init} ran here, whether or not it reached the
	 * store): only then is there something to write back. Written under the exclusive write lock.
	 */
	private volatile boolean holdsFullDataSet;

	/**
	 * Whether the data set was replaced by an {@code init} that did not reach the store: the write-back must then
	 * also remove what the store holds beyond it. Written under the exclusive write lock.
	 */
	private volatile boolean replacementPending;

	/**
	 * While a replacement is pending: every kind the cache knew before it (and the new data set's), so that the
	 * write-back can also empty the kinds the new data set lacks. Written under the exclusive write lock.
	 */
	private volatile java.util.Set<DataKind> replacedKinds = java.util.Set.of();

	/** How many writes failed and were kept for the write-back: one that comes in during a write-back voids it. */
	private final java.util.concurrent.atomic.AtomicLong failedWrites = new java.util.concurrent.atomic.AtomicLong();

	ForeverCache(StoreAccess store, Duration missTtl, Ticker ticker) {
		this.store = store;
		this.ticker = ticker;
		this.missTtlNanos = missTtl.toNanos();
		// A miss the item cache lets expire leaves the front with it (else the front would keep expired entries
		// until its next sweep, which only new misses trigger).
		this.items = StampedCache.build(Caffeine.newBuilder()
			.ticker(ticker)
			.expireAfter(new MissExpiry(missTtl.toNanos()))
			.evictionListener(this::itemEvicted), this.generation, ticker);
		// One value per kind, read by every get(): published, so that a hit does not go through Caffeine.
		this.all = StampedCache.buildPublished(this.generation, ticker);
	}

	@Override
	public @Nullable ItemDescriptor get(DataKind kind, String key) {
		// An item read counts in the items cache (docs/status.md), whether the snapshot or the item cache answers
		// it; the all-items cache counts getAll() calls.
		// Not published yet (a load completing, or the kind not cached): published from the cache first, if it holds it.
		Stamped<KeyedItems<ItemDescriptor>> snapshot = this.all.peekPublishedOrCurrent(kind);
		if (snapshot != null) {
			ItemDescriptor item = snapshot.value.items().get(key);
			if (item != null) {
				this.items.recordHit();
				return item;
			}
		}
		if (this.replacementPending) {
			// The data set of an init the store has not taken yet is the truth: what it lacks is absent, whatever
			// the store still holds.
			return null;
		}
		if (snapshot != null) {
			Misses kindMisses = this.misses.get(kind);
			if (kindMisses != null && kindMisses.isCached(key, this.ticker.read())) {
				this.items.recordHit();
				return null;
			}
		}
		// A key the snapshot lacks: what the item cache holds (a cached miss, most often) is a hit, looked up without
		// allocating; only what it lacks is loaded.
		Stamped<Optional<ItemDescriptor>> cached = this.items.getIfCurrent(ItemKey.Lookup.of(kind, key));
		long stamp;
		Optional<ItemDescriptor> found;
		if (cached != null) {
			stamp = cached.generation;
			found = cached.value;
		}
		else {
			stamp = this.generation.forLoad();
			found = this.items.get(new ItemKey(kind, key), () -> this.store.loadItem(kind, key), this.store.calls(),
					StoreOperation.GET, kind);
		}
		if (snapshot != null) {
			if (found.isPresent()) {
				// What the store had joins the snapshot, so that getAll() answers it too.
				this.all.merge(kind, single(key, found.get()), WITH_ITEMS, true, true, stamp);
			}
			else {
				// The item cache's own miss (its generation and load time), if it still holds one.
				Stamped<Optional<ItemDescriptor>> miss = (cached != null) ? cached
						: this.items.peekIfCurrent(ItemKey.Lookup.of(kind, key));
				if (miss != null && miss.value.isEmpty()) {
					rememberMiss(kind, key, miss);
				}
			}
		}
		return found.orElse(null);
	}

	/**
	 * Puts the item cache's miss in front of it, unless an init replaced its generation or the item cache no longer
	 * holds it: checked after the put, and every change of an item's mapping drops the front's entry after it
	 * ({@link #forgetMiss}), so either this check sees the change or the change removes the entry.
	 */
	private void rememberMiss(DataKind kind, String key, Stamped<Optional<ItemDescriptor>> miss) {
		long stamp = miss.generation;
		if (stamp == CacheGeneration.NONE || this.generation.current() != stamp) {
			return;
		}
		long expiresAt = miss.loadedAt + this.missTtlNanos;
		Misses kindMisses = this.misses.get(kind);
		if (kindMisses == null) {
			synchronized (this) {
				kindMisses = this.misses.get(kind);
				if (kindMisses == null) {
					kindMisses = new Misses();
					Map<DataKind, Misses> copy = new java.util.HashMap<>(this.misses);
					copy.put(kind, kindMisses);
					this.misses = Map.copyOf(copy);
				}
			}
		}
		kindMisses.put(key, expiresAt, this.ticker.read());
		if (this.generation.current() != stamp || this.items.peekIfCurrent(ItemKey.Lookup.of(kind, key)) != miss) {
			// An init began meanwhile (its clearing may have run before the put), or the item changed.
			kindMisses.remove(key, expiresAt);
		}
	}

	/** The item cache evicted an entry (an expired miss): its front entry goes too, if it is that miss's. */
	private void itemEvicted(@Nullable Object key, @Nullable Object value,
			com.github.benmanes.caffeine.cache.RemovalCause cause) {
		Object stamped = (value instanceof CompletableFuture<?> future) ? future.getNow(null) : value;
		if (key instanceof ItemKey itemKey && stamped instanceof Stamped<?> miss
				&& miss.value instanceof Optional<?> found && found.isEmpty()) {
			Misses kindMisses = this.misses.get(itemKey.kind());
			if (kindMisses != null) {
				kindMisses.remove(itemKey.key(), miss.loadedAt + this.missTtlNanos);
			}
		}
	}

	/** Drops the front's entry for a key whose item-cache mapping was just changed (a write, a reread). */
	private void forgetMiss(DataKind kind, String key) {
		Misses kindMisses = this.misses.get(kind);
		if (kindMisses != null) {
			kindMisses.expiries.remove(key);
		}
	}

	/** One kind's cached misses: key &rarr; when the miss expires. */
	private static final class Misses {

		private final java.util.concurrent.ConcurrentHashMap<String, Long> expiries = new java.util.concurrent.ConcurrentHashMap<>();

		/** The size past which the next put sweeps the expired entries. */
		private volatile int sweepAt = 64;

		boolean isCached(String key, long now) {
			Long expiresAt = this.expiries.get(key);
			return expiresAt != null && now - expiresAt < 0;
		}

		void put(String key, long expiresAt, long now) {
			this.expiries.put(key, expiresAt);
			if (this.expiries.size() > this.sweepAt) {
				// Removes each expired entry only if it is still the one seen (values().removeIf does).
				this.expiries.values().removeIf(expiry -> now - expiry >= 0);
				this.sweepAt = Math.max(64, 2 * this.expiries.size());
			}
		}

		void remove(String key, long expiresAt) {
			this.expiries.remove(key, expiresAt);
		}

		int size() {
			return this.expiries.size();
		}

	}

	@Override
	public KeyedItems<ItemDescriptor> getAll(DataKind kind) {
		// Not published yet (a load completing, or the kind not cached): published from the cache first, if it holds it.
		Stamped<KeyedItems<ItemDescriptor>> snapshot = this.all.peekPublishedOrCurrent(kind);
		if (snapshot != null) {
			this.all.recordHit();
			return snapshot.value;
		}
		if (this.replacementPending) {
			return KeyedItems.empty();
		}
		return this.all.get(kind, () -> this.store.loadAll(kind, Lane.APPLICATION, StoreOperation.GET_ALL),
				this.store.calls(), StoreOperation.GET_ALL, kind);
	}

	@Override
	public void replace(FullDataSet<ItemDescriptor> data) {
		replace(data, false);
	}

	/**
	 * An {@code init} failed: the cache holds its data set all the same, and the write-back on recovery makes the
	 * store hold exactly it (exclusive lock held).
	 */
	void replaceFailed(FullDataSet<ItemDescriptor> data) {
		replace(data, true);
	}

	private void replace(FullDataSet<ItemDescriptor> data, boolean pending) {
		java.util.Set<DataKind> kinds = new java.util.LinkedHashSet<>();
		if (pending) {
			if (this.replacementPending) {
				kinds.addAll(this.replacedKinds);
			}
			kinds.addAll(snapshot().keySet());
			kinds.addAll(data.data().keySet());
		}
		long stamp = this.generation.beginReplace();
		try {
			synchronized (this) {
				// Under rememberMiss's monitor: its copy-on-write must not put back what this drops.
				this.misses = Map.of();
			}
			this.items.clear();
			this.all.clear();
			long now = this.ticker.read();
			data.data().forEach((kind, kindItems) -> {
				this.all.putStamped(kind, new Stamped<>(kindItems, stamp, now));
				kindItems.items().forEach((key, item) -> this.items.putStamped(new ItemKey(kind, key),
						new Stamped<>(Optional.of(item), stamp, now)));
			});
			this.holdsFullDataSet = true;
			this.replacedKinds = java.util.Set.copyOf(kinds);
			this.replacementPending = pending;
		}
		finally {
			this.generation.endReplace();
		}
	}

	@Override
	public void written(DataKind kind, String key, ItemDescriptor item) {
		long current = this.generation.current();
		this.items.merge(new ItemKey(kind, key), Optional.of(item), NEWER_ITEM, false, false, current);
		forgetMiss(kind, key);
		// The snapshot is what a write-back sends: keep it complete, and create the kind if the data set lacked it.
		this.all.merge(kind, single(key, item), WITH_ITEMS, !this.holdsFullDataSet, true, current);
	}

	/** An upsert failed: the cache keeps it, to be written back on recovery. */
	void writeFailed(DataKind kind, String key, ItemDescriptor item) {
		written(kind, key, item);
		this.failedWrites.incrementAndGet();
	}

	/** A count that changes whenever a failed write is kept for the write-back. */
	long failedWrites() {
		return this.failedWrites.get();
	}

	/** While a replacement is pending, every kind the write-back must make the store agree on. */
	java.util.Set<DataKind> replacedKinds() {
		return this.replacedKinds;
	}

	@Override
	public void rejected(DataKind kind, String key) {
		long stamp = this.generation.forLoad();
		CompletableFuture<Optional<ItemDescriptor>> load = this.store.loadItem(kind, key);
		this.items.reload(new ItemKey(kind, key), () -> load, NEWER_ITEM);
		// Later readers share the reread (docs/status.md), rather than the front's old miss.
		forgetMiss(kind, key);
		load.thenAccept(found -> {
			if (found.isPresent()) {
				this.all.merge(kind, single(key, found.get()), WITH_ITEMS, true, true, stamp);
			}
		});
	}

	/**
	 * The store no longer holds the item (the remote-change hook): it leaves the kind's snapshot and the item
	 * cache, so the next read asks the store. Not used while a replacement is pending (the cache is the truth then).
	 */
	@Override
	public void invalidate(DataKind kind, String key) {
		long current = this.generation.current();
		this.all.merge(kind, single(key, ItemDescriptor.deleted(0)), WITHOUT_KEYS, true, true, current);
		this.items.invalidate(new ItemKey(kind, key));
	}

	/** Removes the keys of {@code candidate} from {@code old}. */
	private static final BinaryOperator<KeyedItems<ItemDescriptor>> WITHOUT_KEYS = (old, candidate) -> {
		if (candidate.items().keySet().stream().noneMatch(old.items()::containsKey)) {
			return old;
		}
		Map<String, ItemDescriptor> copy = new LinkedHashMap<>(old.items());
		copy.keySet().removeAll(candidate.items().keySet());
		return new KeyedItems<>(copy);
	};

	/**
	 * Whether a read of the key would now answer exactly {@code version}, looked up without loading or counting:
	 * a failed write is reported as a change only if the cache took it (it keeps a newer version it holds).
	 */
	boolean answers(DataKind kind, String key, int version) {
		Stamped<KeyedItems<ItemDescriptor>> snapshot = this.all.peekIfCurrent(kind);
		ItemDescriptor item = (snapshot != null) ? snapshot.value.items().get(key) : null;
		if (item == null) {
			Stamped<Optional<ItemDescriptor>> cached = this.items.peekIfCurrent(new ItemKey(kind, key));
			item = (cached != null) ? cached.value.orElse(null) : null;
		}
		return item != null && item.version() == version;
	}

	/** How many misses the front holds, expired or not (for tests). */
	int cachedMisses() {
		return this.misses.values().stream().mapToInt(Misses::size).sum();
	}

	boolean holdsFullDataSet() {
		return this.holdsFullDataSet;
	}

	boolean isReplacementPending() {
		return this.replacementPending;
	}

	/** The write-back reached the store (exclusive or shared lock held, generation unchanged). */
	void writtenBack() {
		this.replacementPending = false;
		this.replacedKinds = java.util.Set.of();
	}

	long generation() {
		return this.generation.current();
	}

	/** The snapshots of the current generation: what a write-back sends. */
	Map<DataKind, KeyedItems<ItemDescriptor>> snapshot() {
		return this.all.currentValues();
	}

	@Override
	public Map<String, Cache<?, ?>> caches() {
		Map<String, Cache<?, ?>> caches = new LinkedHashMap<>();
		caches.put("items", this.items.view());
		caches.put("all-items", this.all.view());
		return caches;
	}

	private static KeyedItems<ItemDescriptor> single(String key, ItemDescriptor item) {
		return new KeyedItems<>(Map.of(key, item));
	}

}
