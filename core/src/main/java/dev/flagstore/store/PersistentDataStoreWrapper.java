package dev.flagstore.store;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.flagstore.status.DataStoreStatusProvider;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DataStore} over a user's {@link PersistentDataStore}: it caches items (Caffeine), turns store failures
 * into status changes, polls an unavailable store until it answers, and tells listeners.
 *
 * <p>Every store call runs with the operation timeout as deadline, so a hung store becomes an outage rather than a
 * hung application. Reads are answered from the cache where it can; a read the cache cannot answer throws
 * {@link DataStoreException} while the store fails (never "absent"). Writes that fail throw, even when the
 * {@link CacheMode#FOREVER} cache keeps them to write back on recovery. See {@code docs/status.md} for the full
 * state machine. Thread-safe; build it with {@link #builder(PersistentDataStore)} and {@link #close()} it when done.
 */
public final class PersistentDataStoreWrapper implements DataStore {

	private static final Logger logger = LoggerFactory.getLogger(PersistentDataStoreWrapper.class);

	private final PersistentDataStore core;

	private final CacheMode cacheMode;

	private final long cacheTtlNanos;

	private final long heartbeatNanos;

	private final StoreCallExecutor calls;

	private final StatusMonitor status;

	private final @Nullable LoadingCache<ItemKey, Optional<ItemDescriptor>> itemCache;

	private final @Nullable LoadingCache<DataKind, KeyedItems<ItemDescriptor>> allCache;

	private final Ticker ticker;

	/**
	 * Upserts share it; {@code init} and the write-back on recovery take it exclusively, so a write-back's
	 * snapshot of the cache can never overwrite an upsert that reached the store after the snapshot was taken.
	 */
	private final ReentrantReadWriteLock writeLock = new ReentrantReadWriteLock();

	/** Once the store said it is initialized, it stays so without asking again. */
	private volatile boolean initializedSeen;

	/** Until when a "not initialized" answer is cached (System.nanoTime). */
	private volatile long notInitializedUntilNanos = System.nanoTime();

	/** Whether this instance's {@code init} reached the store: a later "not initialized" means the data was lost. */
	private volatile boolean initializedByThisInstance;

	/** FOREVER mode: whether {@code init} ran here, so the cache holds a complete data set to write back. */
	private volatile boolean cacheHoldsFullDataSet;

	/** System.nanoTime of the last successful store call: the heartbeat probes only when the store was idle. */
	private volatile long lastSuccessNanos = System.nanoTime();

	private final AtomicBoolean closed = new AtomicBoolean();

	private PersistentDataStoreWrapper(Builder builder) {
		this.core = builder.core;
		this.cacheMode = (builder.cacheMode == CacheMode.TTL && builder.cacheTtl.isZero()) ? CacheMode.NONE
				: builder.cacheMode;
		this.cacheTtlNanos = builder.cacheTtl.toNanos();
		this.heartbeatNanos = builder.heartbeatInterval.toNanos();
		this.calls = new StoreCallExecutor(builder.operationTimeout);
		if (builder.ticker == Ticker.systemTicker()) {
			// A TTL of seconds needs no nanosecond clock on every cache hit (System.nanoTime costs ~25 ns).
			this.ticker = new CoarseTicker();
		}
		else {
			this.ticker = builder.ticker;
		}
		this.status = new StatusMonitor(builder.clock, builder.pollInterval, builder.heartbeatInterval, this::poll,
				this::heartbeat);
		if (this.cacheMode == CacheMode.NONE) {
			this.itemCache = null;
			this.allCache = null;
		}
		else {
			StaleValuesPolicy policy = (this.cacheMode == CacheMode.TTL) ? builder.staleValuesPolicy
					: StaleValuesPolicy.EVICT;
			this.itemCache = newCache(builder, policy, true).build(new ItemLoader());
			this.allCache = newCache(builder, policy, false).build(new AllItemsLoader());
		}
		if (this.ticker instanceof CoarseTicker coarse) {
			this.status.scheduleAtFixedRate(coarse::advance, TimeUnit.MILLISECONDS.toNanos(10));
		}
		this.core.setUpdateSink(this.status);
	}

	/**
	 * Starts building a wrapper around {@code persistentStore}.
	 * @param persistentStore the store to wrap; it is closed by {@link #close()}
	 * @return a builder with the defaults (TTL 15 s, EVICT, poll 500 ms, heartbeat 10 s, timeout 2 s)
	 */
	public static Builder builder(PersistentDataStore persistentStore) {
		return new Builder(persistentStore);
	}

	private Caffeine<Object, Object> newCache(Builder builder, StaleValuesPolicy policy, boolean itemCache) {
		Caffeine<Object, Object> caffeine = Caffeine.newBuilder().recordStats().ticker(this.ticker);
		if (policy != StaleValuesPolicy.EVICT) {
			// TTL with a refresh policy: items are never dropped, only reloaded; misses still go after the TTL.
			// REFRESH reloads on the reading thread (the refreshed value is returned); REFRESH_ASYNC in the pool.
			caffeine.expireAfter(new MissExpiry())
				.refreshAfterWrite(builder.cacheTtl)
				.executor((policy == StaleValuesPolicy.REFRESH) ? Runnable::run : this.calls.asyncExecutor());
		}
		else if (this.cacheMode == CacheMode.TTL) {
			// Items and misses alike live for the TTL: a fixed expiry, cheaper on reads than a variable one.
			// Maintenance runs on the caller (amortized), not as a task on the common pool.
			caffeine.expireAfterWrite(builder.cacheTtl).executor(Runnable::run);
		}
		else if (itemCache) {
			// FOREVER items stay; a miss goes after the TTL, since another instance may write the key.
			caffeine.expireAfter(new MissExpiry());
		}
		// FOREVER all-items entries never expire and hold no misses: no expiry at all keeps Caffeine on its fastest
		// read path, which get() takes for every item of an initialized data set.
		return caffeine;
	}

	@Override
	public void init(FullDataSet<ItemDescriptor> allData) {
		Objects.requireNonNull(allData, "allData");
		ensureOpen();
		FullDataSet<SerializedItemDescriptor> serialized = serialize(allData);
		this.writeLock.writeLock().lock();
		try {
			try {
				storeCall("init", () -> {
					this.core.init(serialized);
					return null;
				});
			}
			catch (DataStoreException ex) {
				// FOREVER: the cache becomes the truth and is written back on recovery. Otherwise the warm cache
				// is kept as it was, so reads keep being answered during the outage.
				if (this.cacheMode == CacheMode.FOREVER) {
					replaceCachedData(allData);
					this.cacheHoldsFullDataSet = true;
				}
				throw ex;
			}
			replaceCachedData(allData);
			this.cacheHoldsFullDataSet = (this.cacheMode == CacheMode.FOREVER);
			this.initializedSeen = true;
			this.initializedByThisInstance = true;
			this.status.recordInitialized();
		}
		finally {
			this.writeLock.writeLock().unlock();
		}
	}

	@Override
	public @Nullable ItemDescriptor get(DataKind kind, String key) {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(key, "key");
		ensureOpen();
		LoadingCache<ItemKey, Optional<ItemDescriptor>> cache = this.itemCache;
		LoadingCache<DataKind, KeyedItems<ItemDescriptor>> all = this.allCache;
		if (cache == null || all == null) {
			return loadItem(kind, key).orElse(null);
		}
		if (this.cacheMode != CacheMode.FOREVER) {
			return cache.get(new ItemKey(kind, key)).orElse(null);
		}
		// FOREVER: where the all-items cache holds the kind, get() and getAll() read the same snapshot, so they
		// never disagree about an item. Keys it lacks go through the item cache (a miss is kept for the TTL: another
		// instance may write the key), and what is found there joins the snapshot.
		KeyedItems<ItemDescriptor> snapshot = all.asMap().get(kind);
		ItemDescriptor item = (snapshot != null) ? snapshot.items().get(key) : null;
		if (item != null) {
			return item;
		}
		item = cache.get(new ItemKey(kind, key)).orElse(null);
		if (item != null && snapshot != null) {
			ItemDescriptor found = item;
			item = all.asMap().computeIfPresent(kind, (k, old) -> withItem(old, key, found)).items().get(key);
		}
		return item;
	}

	@Override
	public KeyedItems<ItemDescriptor> getAll(DataKind kind) {
		Objects.requireNonNull(kind, "kind");
		ensureOpen();
		LoadingCache<DataKind, KeyedItems<ItemDescriptor>> cache = this.allCache;
		return (cache != null) ? cache.get(kind) : loadAll(kind);
	}

	@Override
	public boolean upsert(DataKind kind, String key, ItemDescriptor item) {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(item, "item");
		ensureOpen();
		SerializedItemDescriptor serialized = serialize(kind, item);
		this.writeLock.readLock().lock();
		try {
			boolean applied;
			try {
				applied = storeCall("upsert", () -> this.core.upsert(kind, key, serialized));
			}
			catch (DataStoreException ex) {
				if (this.cacheMode == CacheMode.FOREVER) {
					cacheVersioned(kind, key, item);
				}
				throw ex;
			}
			if (applied) {
				cacheVersioned(kind, key, item);
			}
			else if (this.itemCache != null) {
				// The store holds this or a newer version: let the cache take the store's item.
				takeStoreItem(kind, key);
			}
			return applied;
		}
		finally {
			this.writeLock.readLock().unlock();
		}
	}

	@Override
	public boolean isInitialized() {
		ensureOpen();
		if (this.initializedSeen) {
			return true;
		}
		if (this.cacheMode != CacheMode.NONE && System.nanoTime() - this.notInitializedUntilNanos < 0) {
			return false;
		}
		boolean initialized;
		try {
			initialized = storeCall("isInitialized", this.core::isInitialized);
		}
		catch (DataStoreException ex) {
			// The failure is reported through the status; "initialized" cannot be claimed.
			return false;
		}
		if (initialized) {
			this.initializedSeen = true;
		}
		else {
			this.notInitializedUntilNanos = System.nanoTime() + this.cacheTtlNanos;
		}
		return initialized;
	}

	@Override
	public boolean isStatusMonitoringEnabled() {
		return true;
	}

	@Override
	public DataStoreStatusProvider getStatusProvider() {
		return this.status;
	}

	/**
	 * The caches, by name ({@code items}, {@code all-items}), for metrics such as Micrometer's
	 * {@code CaffeineCacheMetrics}. Empty with {@link CacheMode#NONE}. Read them; do not write to them.
	 * @return the caches, never {@code null}
	 */
	public Map<String, Cache<?, ?>> getCaches() {
		Map<String, Cache<?, ?>> caches = new LinkedHashMap<>();
		if (this.itemCache != null && this.allCache != null) {
			caches.put("items", this.itemCache);
			caches.put("all-items", this.allCache);
		}
		return caches;
	}

	/**
	 * The cache mode in effect ({@link CacheMode#NONE} when a zero TTL was configured).
	 * @return the cache mode
	 */
	public CacheMode getCacheMode() {
		return this.cacheMode;
	}

	/**
	 * Stops polling, the heartbeat and listener delivery, and closes the persistent store exactly once. Idempotent;
	 * store calls after it throw {@link IllegalStateException}.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.status.close();
		this.calls.shutdown();
		try {
			this.core.close();
		}
		catch (RuntimeException ex) {
			logger.warn("Closing the persistent data store failed", ex);
		}
		try {
			if (!this.status.awaitTermination(2, TimeUnit.SECONDS) || !this.calls.awaitTermination(2, TimeUnit.SECONDS)) {
				logger.warn("Some flagstore threads did not stop within 2 s of close()");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void ensureOpen() {
		if (this.closed.get()) {
			throw new IllegalStateException("The data store is closed");
		}
	}

	/**
	 * Runs one store call with the deadline; a failure marks the store unavailable before it is rethrown.
	 */
	private <T> T storeCall(String operation, Callable<T> call) {
		long started = System.nanoTime();
		try {
			T result = this.calls.call(operation, call);
			this.lastSuccessNanos = System.nanoTime();
			return result;
		}
		catch (DataStoreException ex) {
			this.status.recordFailure(ex, started);
			throw ex;
		}
	}

	private Optional<ItemDescriptor> loadItem(DataKind kind, String key) {
		SerializedItemDescriptor stored = storeCall("get(" + kind.getName() + ")", () -> this.core.get(kind, key));
		return (stored != null) ? Optional.of(deserialize(kind, key, stored)) : Optional.empty();
	}

	private KeyedItems<ItemDescriptor> loadAll(DataKind kind) {
		KeyedItems<SerializedItemDescriptor> stored = storeCall("getAll(" + kind.getName() + ")",
				() -> this.core.getAll(kind));
		if (stored == null) {
			throw new MalformedItemException(kind.getName(), "*",
					"PersistentDataStore.getAll returned null (it must return an empty KeyedItems)", null);
		}
		Map<String, ItemDescriptor> items = new LinkedHashMap<>();
		stored.items().forEach((key, item) -> items.put(key, deserialize(kind, key, item)));
		LoadingCache<ItemKey, Optional<ItemDescriptor>> itemCache = this.itemCache;
		if (itemCache != null) {
			// A reader who saw an item here must not see an older version of it from get(): raise the entries the
			// item cache holds (a write that reached the store but failed on its way back left them behind).
			items.forEach((key, item) -> itemCache.asMap().computeIfPresent(new ItemKey(kind, key),
					(k, old) -> newer(old, item)));
		}
		return new KeyedItems<>(items);
	}

	private void takeStoreItem(DataKind kind, String key) {
		try {
			loadItem(kind, key).ifPresent(item -> cacheVersioned(kind, key, item));
		}
		catch (DataStoreException ex) {
			// Already reported; the upsert itself succeeded. The cache keeps what it has: dropping the entry
			// would let a slower, staler write-path read of this key fill the empty slot with an older version.
		}
	}

	/** Puts an item in the caches unless they already hold the same or a newer version. */
	private void cacheVersioned(DataKind kind, String key, ItemDescriptor item) {
		LoadingCache<ItemKey, Optional<ItemDescriptor>> items = this.itemCache;
		LoadingCache<DataKind, KeyedItems<ItemDescriptor>> all = this.allCache;
		if (items == null || all == null) {
			return;
		}
		ItemKey itemKey = new ItemKey(kind, key);
		if (this.cacheMode == CacheMode.FOREVER) {
			// The cache is the truth: it takes every write, newest version first. The all-items cache is what a
			// write-back sends: keep it complete, and create the kind if the data set that init cached lacked it.
			items.asMap().merge(itemKey, Optional.of(item), (old, candidate) -> newer(old, item));
			if (this.cacheHoldsFullDataSet) {
				all.asMap().compute(kind, (k, old) -> withItem((old != null) ? old : KeyedItems.empty(), key, item));
			}
			else {
				all.asMap().computeIfPresent(kind, (k, old) -> withItem(old, key, item));
			}
		}
		else {
			// TTL. The all-items entry goes first, so that a reader who sees the new item from get() finds no older
			// getAll() cached. Then only an entry the item cache holds is refreshed: a write path's item may be stale
			// by the time it gets here (another writer's newer item may have come and gone from the cache
			// meanwhile), so it must not fill an empty slot; the next read loads the key under the cache's own lock.
			all.invalidate(kind);
			items.asMap().computeIfPresent(itemKey, (k, old) -> newer(old, item));
		}
	}

	private static Optional<ItemDescriptor> newer(Optional<ItemDescriptor> cached, ItemDescriptor item) {
		return (cached.isPresent() && cached.get().version() >= item.version()) ? cached : Optional.of(item);
	}

	private static KeyedItems<ItemDescriptor> withItem(KeyedItems<ItemDescriptor> items, String key,
			ItemDescriptor item) {
		ItemDescriptor old = items.items().get(key);
		if (old != null && old.version() >= item.version()) {
			return items;
		}
		Map<String, ItemDescriptor> copy = new LinkedHashMap<>(items.items());
		copy.put(key, item);
		return new KeyedItems<>(copy);
	}

	private void replaceCachedData(FullDataSet<ItemDescriptor> allData) {
		LoadingCache<ItemKey, Optional<ItemDescriptor>> items = this.itemCache;
		LoadingCache<DataKind, KeyedItems<ItemDescriptor>> all = this.allCache;
		if (items == null || all == null) {
			return;
		}
		items.invalidateAll();
		all.invalidateAll();
		allData.data().forEach((kind, kindItems) -> {
			kindItems.items().forEach((key, item) -> items.put(new ItemKey(kind, key), Optional.of(item)));
			all.put(kind, kindItems);
		});
	}

	/** Poller (status thread, while unavailable): probe, then recover or stay down. */
	private void poll() {
		// A store call started from here on that fails (on any thread) means the store failed while this recovery
		// was under way. Calls caught in the outage that fail late do not count.
		long pollStart = System.nanoTime();
		if (probe() != null) {
			return;
		}
		if (this.cacheMode == CacheMode.FOREVER && this.cacheHoldsFullDataSet) {
			if (writeBack()) {
				this.status.recordRecovery(false, pollStart);
			}
		}
		else {
			this.status.recordRecovery(true, pollStart);
		}
	}

	/**
	 * Heartbeat (status thread, while available): probes an idle store, and checks that the data this instance
	 * wrote is still there.
	 */
	private void heartbeat() {
		if (!this.status.isAvailable()) {
			return;
		}
		if (System.nanoTime() - this.lastSuccessNanos >= this.heartbeatNanos) {
			DataStoreException failure = probe();
			if (failure != null) {
				this.status.recordFailure(new DataStoreException("heartbeat probe failed", failure));
				return;
			}
		}
		if (!this.initializedByThisInstance) {
			return;
		}
		boolean initialized;
		try {
			initialized = storeCall("isInitialized", this.core::isInitialized);
		}
		catch (DataStoreException ex) {
			return;
		}
		if (!initialized) {
			if (this.cacheMode == CacheMode.FOREVER && this.cacheHoldsFullDataSet) {
				logger.warn("Persistent data store lost its data (flushed or dropped?); writing the cache back");
				writeBack();
			}
			else {
				this.status.recordDataLost();
			}
		}
	}

	/**
	 * {@link PersistentDataStore#isStoreAvailable()} within the deadline.
	 * @return {@code null} if the store answered, else why not
	 */
	private @Nullable DataStoreException probe() {
		try {
			return this.calls.call("isStoreAvailable", this.core::isStoreAvailable) ? null
					: new DataStoreException("isStoreAvailable() answered false");
		}
		catch (DataStoreException ex) {
			return ex;
		}
		catch (RuntimeException ex) {
			return new DataStoreException("isStoreAvailable() could not run", ex);
		}
	}

	/**
	 * FOREVER mode: writes the cached data set back to the store. All or nothing: on failure the status stays (or
	 * becomes) unavailable and the poller tries again.
	 *
	 * <p>If the store still holds data, each cached item goes back with a versioned upsert: an item that another
	 * instance sharing the store wrote with a newer version meanwhile is kept (and this cache takes it), and nothing
	 * another instance wrote is deleted. Only a store that lost its data (flushed, dropped, never initialized) is
	 * given the cached data set as a whole with {@code init}.
	 */
	private boolean writeBack() {
		LoadingCache<DataKind, KeyedItems<ItemDescriptor>> all = Objects.requireNonNull(this.allCache);
		List<ItemKey> rejected = new ArrayList<>();
		this.writeLock.writeLock().lock();
		try {
			Map<DataKind, KeyedItems<ItemDescriptor>> snapshot = new LinkedHashMap<>(all.asMap());
			if (storeCall("isInitialized (before write-back)", this.core::isInitialized)) {
				for (Map.Entry<DataKind, KeyedItems<ItemDescriptor>> kindItems : snapshot.entrySet()) {
					DataKind kind = kindItems.getKey();
					for (Map.Entry<String, ItemDescriptor> item : kindItems.getValue().items().entrySet()) {
						SerializedItemDescriptor serialized = serialize(kind, item.getValue());
						if (!storeCall("upsert (write-back of cached data)",
								() -> this.core.upsert(kind, item.getKey(), serialized))) {
							rejected.add(new ItemKey(kind, item.getKey()));
						}
					}
				}
			}
			else {
				FullDataSet<SerializedItemDescriptor> data = serialize(new FullDataSet<>(snapshot));
				storeCall("init (write-back of cached data)", () -> {
					this.core.init(data);
					return null;
				});
			}
			this.initializedSeen = true;
			this.initializedByThisInstance = true;
		}
		catch (DataStoreException ex) {
			logger.debug("Write-back of cached data failed; will retry", ex);
			return false;
		}
		finally {
			this.writeLock.writeLock().unlock();
		}
		// The store kept a newer version of these (another instance wrote it): the cache takes the store's item.
		rejected.forEach(key -> takeStoreItem(key.kind(), key.key()));
		return true;
	}

	private static FullDataSet<SerializedItemDescriptor> serialize(FullDataSet<ItemDescriptor> allData) {
		Map<DataKind, KeyedItems<SerializedItemDescriptor>> data = new LinkedHashMap<>();
		allData.data().forEach((kind, items) -> {
			Map<String, SerializedItemDescriptor> serialized = new LinkedHashMap<>();
			items.items().forEach((key, item) -> serialized.put(key, serialize(kind, item)));
			data.put(kind, new KeyedItems<>(serialized));
		});
		return new FullDataSet<>(data);
	}

	private static SerializedItemDescriptor serialize(DataKind kind, ItemDescriptor item) {
		return new SerializedItemDescriptor(item.version(), item.isDeleted(), kind.serialize(item));
	}

	/**
	 * Decodes what the store answered. Version and deletion come from the descriptor, or from the string when the
	 * store answers {@code version == 0 && !deleted} (a store that keeps only the string).
	 */
	static ItemDescriptor deserialize(DataKind kind, String key, SerializedItemDescriptor stored) {
		if (stored.deleted()) {
			return ItemDescriptor.deleted(stored.version());
		}
		String text = stored.serializedItem();
		if (text == null) {
			throw new MalformedItemException(kind.getName(), key,
					"the store returned no serialized item for a live item (version " + stored.version() + ")", null);
		}
		ItemDescriptor decoded;
		try {
			decoded = kind.deserialize(text);
		}
		catch (RuntimeException ex) {
			throw new MalformedItemException(kind.getName(), key, ErrorDescriptions.sanitize(ex.getMessage()), ex);
		}
		if (stored.version() == 0 || stored.version() == decoded.version()) {
			return decoded;
		}
		return decoded.isDeleted() ? ItemDescriptor.deleted(stored.version())
				: new ItemDescriptor(stored.version(), decoded.item());
	}

	/**
	 * Cache key of one item. A final class rather than a record: a precomputed hash and an {@code equals} that the
	 * JIT inlines on the read path (see docs/performance.md).
	 */
	private static final class ItemKey {

		private final DataKind kind;

		private final String key;

		private final int hash;

		ItemKey(DataKind kind, String key) {
			this.kind = kind;
			this.key = key;
			this.hash = 31 * kind.hashCode() + key.hashCode();
		}

		DataKind kind() {
			return this.kind;
		}

		String key() {
			return this.key;
		}

		@Override
		public boolean equals(Object obj) {
			return this == obj || (obj instanceof ItemKey other && this.hash == other.hash && this.key.equals(other.key)
					&& this.kind.equals(other.kind));
		}

		@Override
		public int hashCode() {
			return this.hash;
		}

	}

	/**
	 * Items never expire; a miss lives for the TTL. For the FOREVER item cache, and for the refresh policies
	 * (which reload items instead of dropping them).
	 */
	private final class MissExpiry implements Expiry<Object, Object> {

		@Override
		public long expireAfterCreate(Object key, Object value, long currentTime) {
			boolean miss = value instanceof Optional<?> optional && optional.isEmpty();
			return miss ? PersistentDataStoreWrapper.this.cacheTtlNanos : Long.MAX_VALUE;
		}

		@Override
		public long expireAfterUpdate(Object key, Object value, long currentTime, long currentDuration) {
			return expireAfterCreate(key, value, currentTime);
		}

		@Override
		public long expireAfterRead(Object key, Object value, long currentTime, long currentDuration) {
			return currentDuration;
		}

	}

	private final class ItemLoader implements CacheLoader<ItemKey, Optional<ItemDescriptor>> {

		@Override
		public Optional<ItemDescriptor> load(ItemKey key) {
			return loadItem(key.kind(), key.key());
		}

		@Override
		public Optional<ItemDescriptor> reload(ItemKey key, Optional<ItemDescriptor> oldValue) {
			return reloadOrKeep(() -> load(key), oldValue);
		}

	}

	private final class AllItemsLoader implements CacheLoader<DataKind, KeyedItems<ItemDescriptor>> {

		@Override
		public KeyedItems<ItemDescriptor> load(DataKind kind) {
			return PersistentDataStoreWrapper.this.loadAll(kind);
		}

		@Override
		public KeyedItems<ItemDescriptor> reload(DataKind kind, KeyedItems<ItemDescriptor> oldValue) {
			return reloadOrKeep(() -> load(kind), oldValue);
		}

	}

	/**
	 * REFRESH / REFRESH_ASYNC: a stale value is reloaded; if the store fails, the failure is reported (by
	 * {@link #storeCall}) and the old value is kept. While the store is known to be down, the old value is kept
	 * without a call: the poller is probing, and a reader should not wait on a dead store.
	 */
	private <V> V reloadOrKeep(java.util.function.Supplier<V> reload, V oldValue) {
		if (!this.status.isAvailable()) {
			return oldValue;
		}
		try {
			return reload.get();
		}
		catch (MalformedItemException ex) {
			throw ex;
		}
		catch (DataStoreException ex) {
			return oldValue;
		}
	}

	/**
	 * Builds a {@link PersistentDataStoreWrapper}. Each setter validates its value at once; settings that do not
	 * apply to the chosen cache mode are ignored.
	 */
	public static final class Builder {

		private final PersistentDataStore core;

		private CacheMode cacheMode = CacheMode.TTL;

		private Duration cacheTtl = Duration.ofSeconds(15);

		private StaleValuesPolicy staleValuesPolicy = StaleValuesPolicy.EVICT;

		private Duration pollInterval = Duration.ofMillis(500);

		private Duration heartbeatInterval = Duration.ofSeconds(10);

		private Duration operationTimeout = Duration.ofSeconds(2);

		private Clock clock = Clock.systemUTC();

		private Ticker ticker = Ticker.systemTicker();

		private Builder(PersistentDataStore core) {
			this.core = Objects.requireNonNull(core, "persistentStore");
		}

		/**
		 * How items are cached.
		 * @param cacheMode the mode (default {@link CacheMode#TTL})
		 * @return this builder
		 */
		public Builder cacheMode(CacheMode cacheMode) {
			this.cacheMode = Objects.requireNonNull(cacheMode, "cacheMode");
			return this;
		}

		/**
		 * How long items are cached in TTL mode, and misses in every mode. Zero in TTL mode means no cache.
		 * @param cacheTtl the TTL (default 15 s); not negative
		 * @return this builder
		 */
		public Builder cacheTtl(Duration cacheTtl) {
			this.cacheTtl = requireNotNegative(cacheTtl, "cacheTtl");
			return this;
		}

		/**
		 * What happens to an item whose TTL passed (TTL mode only).
		 * @param staleValuesPolicy the policy (default {@link StaleValuesPolicy#EVICT})
		 * @return this builder
		 */
		public Builder staleValuesPolicy(StaleValuesPolicy staleValuesPolicy) {
			this.staleValuesPolicy = Objects.requireNonNull(staleValuesPolicy, "staleValuesPolicy");
			return this;
		}

		/**
		 * How often an unavailable store is probed with {@link PersistentDataStore#isStoreAvailable()}.
		 * @param pollInterval the interval (default 500 ms); positive
		 * @return this builder
		 */
		public Builder pollInterval(Duration pollInterval) {
			requireNotNegative(pollInterval, "pollInterval");
			if (pollInterval.isZero()) {
				throw new IllegalArgumentException("pollInterval must be positive: " + pollInterval);
			}
			this.pollInterval = pollInterval;
			return this;
		}

		/**
		 * How often an idle, available store is probed, so an outage is seen without traffic.
		 * @param heartbeatInterval the interval (default 10 s); {@link Duration#ZERO} disables it
		 * @return this builder
		 */
		public Builder heartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = requireNotNegative(heartbeatInterval, "heartbeatInterval");
			return this;
		}

		/**
		 * The deadline of one store call, {@code isStoreAvailable()} included; past it the call fails and counts
		 * as an outage.
		 * @param operationTimeout the deadline (default 2 s); {@link Duration#ZERO} runs calls on the caller's
		 * thread without a deadline
		 * @return this builder
		 */
		public Builder operationTimeout(Duration operationTimeout) {
			this.operationTimeout = requireNotNegative(operationTimeout, "operationTimeout");
			return this;
		}

		/**
		 * The clock that stamps {@link dev.flagstore.status.DataStoreStatus#getSince()}.
		 * @param clock the clock (default UTC system clock)
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock");
			return this;
		}

		/** Time source of the cache's expiry, for tests that drive time. */
		Builder ticker(Ticker ticker) {
			this.ticker = Objects.requireNonNull(ticker, "ticker");
			return this;
		}

		/**
		 * Builds the wrapper and calls {@link PersistentDataStore#setUpdateSink} on the store. Starts the heartbeat.
		 * @return the wrapper
		 */
		public PersistentDataStoreWrapper build() {
			return new PersistentDataStoreWrapper(this);
		}

		private static Duration requireNotNegative(Duration duration, String name) {
			Objects.requireNonNull(duration, name);
			if (duration.isNegative()) {
				throw new IllegalArgumentException(name + " must not be negative: " + duration);
			}
			return duration;
		}

	}

}
