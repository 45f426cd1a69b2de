package dev.flagstore.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.flagstore.changes.FlagChange.Origin;
import dev.flagstore.internal.ChangeTracker;
import dev.flagstore.store.StoreCalls.Lane;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's writes: the store call, then what the cache and the status take from its outcome, in the order
 * the store applied them ({@link DataSetLock}).
 *
 * <p>Change events: a write the store applied (and the cache took) is told to the {@link ChangeTracker} while the
 * lock is still held, so events are queued in the order of the writes and after readers can see them; they are
 * handed to the listeners after the lock is released. A write the store rejected or that failed fires nothing,
 * except with {@link CacheMode#FOREVER}, where the cache keeps a failed write for the write-back and readers see
 * it: that one fires (the caller still gets the exception).
 */
final class DataSetWriter {

	private static final Logger logger = LoggerFactory.getLogger(PersistentDataStoreWrapper.class);

	private final StoreAccess store;

	private final DataCache cache;

	private final DataSetLock lock;

	private final StatusMachine status;

	private final InitializedState initialized;

	private final Ticker ticker;

	private final ChangeTracker changes;

	DataSetWriter(StoreAccess store, DataCache cache, DataSetLock lock, StatusMachine status,
			InitializedState initialized, Ticker ticker, ChangeTracker changes) {
		this.store = store;
		this.cache = cache;
		this.lock = lock;
		this.status = status;
		this.initialized = initialized;
		this.ticker = ticker;
		this.changes = changes;
	}

	void init(FullDataSet<ItemDescriptor> allData) {
		long start = this.ticker.read();
		long remaining = this.lock.lockExclusive(StoreOperation.INIT, null);
		try {
			// Read only when someone listens (as LaunchDarkly's DataSourceUpdatesImpl.init does); null if unknown.
			Map<DataKind, Map<String, ItemDescriptor>> old = this.changes.hasListeners() ? readReplaced(allData) : null;
			try {
				this.store.init(allData, Lane.APPLICATION, StoreOperation.INIT, remaining);
			}
			catch (UnattemptedCallException ex) {
				throw ex;
			}
			catch (DataStoreException ex) {
				// FOREVER: the cache becomes the truth and is written back on recovery. Otherwise the warm cache is
				// kept as it was, so reads keep being answered during the outage.
				if (this.cache instanceof ForeverCache forever) {
					forever.replaceFailed(allData);
					this.status.recordFailure(ex, this.ticker.read());
					// Readers now see the new data set: so do the listeners.
					this.changes.replaced(allData, old, Origin.LOCAL);
				}
				throw ex;
			}
			this.cache.replace(allData);
			this.initialized.writtenHere();
			this.status.recordInitialized(start);
			this.changes.replaced(allData, old, Origin.LOCAL);
		}
		finally {
			this.lock.unlockExclusive();
			this.changes.flush();
		}
	}

	/**
	 * What the data set an {@code init} replaces held, for the kinds of the new data set and those written here
	 * before: from the {@link CacheMode#FOREVER} cache where it holds a kind's items, else from the store. Exclusive
	 * lock held, so nothing changes meanwhile.
	 * @return the old items by kind, or {@code null} if the store could not be read (the init goes on: the change
	 * events then cover every item of the new data set)
	 */
	private @Nullable Map<DataKind, Map<String, ItemDescriptor>> readReplaced(FullDataSet<ItemDescriptor> allData) {
		Set<DataKind> kinds = this.changes.knownKinds();
		kinds.addAll(allData.data().keySet());
		Map<DataKind, KeyedItems<ItemDescriptor>> cached = Map.of();
		boolean cacheHoldsAll = false;
		if (this.cache instanceof ForeverCache forever) {
			cached = forever.snapshot();
			// After an init here, a kind without a snapshot has no items (a write would have created it).
			cacheHoldsAll = forever.holdsFullDataSet();
		}
		Map<DataKind, Map<String, ItemDescriptor>> old = new LinkedHashMap<>();
		try {
			for (DataKind kind : kinds) {
				KeyedItems<ItemDescriptor> items = cached.get(kind);
				if (items == null) {
					items = cacheHoldsAll ? KeyedItems.empty()
							: this.store.getAll(kind, Lane.APPLICATION, StoreOperation.READ_BEFORE_INIT);
				}
				old.put(kind, items.items());
			}
		}
		catch (DataStoreException ex) {
			logger.debug("Reading the data an init replaces failed; its change events cover every item", ex);
			return null;
		}
		return old;
	}

	boolean upsert(DataKind kind, String key, ItemDescriptor item) {
		long remaining = this.lock.lockShared(StoreOperation.UPSERT, kind);
		try {
			boolean applied;
			try {
				applied = this.store.upsert(kind, key, item, Lane.APPLICATION, StoreOperation.UPSERT, remaining);
			}
			catch (UnattemptedCallException ex) {
				throw ex;
			}
			catch (DataStoreException ex) {
				if (this.cache instanceof ForeverCache forever) {
					forever.writeFailed(kind, key, item);
					// The cache now holds a write the store does not: a write-back is due, even if the failure was not
					// news for the status (the call started before the store was last seen working). Recorded as of
					// now, after the write was kept, so no recovery whose poll began earlier can be reported.
					this.status.recordFailure(ex, this.ticker.read());
					if (forever.answers(kind, key, item.version())) {
						// Readers here see the kept write (unless the cache held a newer version): an event.
						this.changes.written(kind, key, item, Origin.LOCAL);
					}
				}
				throw ex;
			}
			if (applied) {
				this.cache.written(kind, key, item);
				this.changes.written(kind, key, item, Origin.LOCAL);
			}
			else {
				this.cache.rejected(kind, key);
			}
			return applied;
		}
		finally {
			this.lock.unlockShared();
			this.changes.flush();
		}
	}

	/**
	 * The remote-change hook ({@link PersistentDataStoreWrapper#remoteChange}): reads the item from the store, puts
	 * it in the cache (or drops the cache's entry if the store no longer has it), then queues a {@code REMOTE}
	 * change, under the shared lock so it takes its place among this instance's writes.
	 * @return whether a change was reported (not if this instance already reported this version or a newer one)
	 * @throws DataStoreException if the store could not be read; nothing changed then
	 */
	boolean remoteChange(DataKind kind, String key, int version) {
		this.lock.lockShared(StoreOperation.GET_CHANGED, kind);
		try {
			if (!this.changes.isNewer(kind, key, version)) {
				return false;
			}
			Optional<ItemDescriptor> found = this.store.getItem(kind, key);
			ItemDescriptor now;
			if (found.isPresent()) {
				now = found.get();
				// Merged: a newer version this instance wrote meanwhile stays.
				this.cache.written(kind, key, now);
			}
			else {
				// Gone from the store (another instance's init): reported as a tombstone of the noticed version.
				now = ItemDescriptor.deleted(version);
				if (!(this.cache instanceof ForeverCache forever && forever.isReplacementPending())) {
					this.cache.invalidate(kind, key);
				}
			}
			return this.changes.written(kind, key, now, Origin.REMOTE);
		}
		finally {
			this.lock.unlockShared();
			this.changes.flush();
		}
	}

}
