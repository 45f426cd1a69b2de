package dev.flagstore.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.flagstore.store.StoreCalls.Lane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery with {@link CacheMode#FOREVER}: the cache is the truth, so it is written back to the store before the
 * store is reported available (with {@code refreshNeeded=false}). All or nothing: if any call of the write-back
 * fails, the status stays unavailable and the next poll writes back again. Before any {@code init} ran here the
 * cache holds no complete data set, and recovery reports {@code refreshNeeded=true} instead.
 *
 * <p>A store that still holds data gets each cached item back with a versioned upsert, each holding the shared
 * write lock for that one call only: an item another instance wrote with a newer version meanwhile is kept (and the
 * cache takes it), and the application's writes go on during the write-back. If the data set was replaced by an
 * {@code init} that failed, the store must also lose what the data set no longer has: each such live item gets a
 * tombstone one version above the store's (so a newer write by another instance still wins). A store that lost
 * its data (flushed, dropped) is given the cache with one {@code init}, under the exclusive lock. An {@code init}
 * by the application during the write-back ends it (that {@code init} is the newer truth).
 */
final class WriteBackRecovery implements RecoveryPolicy {

	private static final Logger logger = LoggerFactory.getLogger(PersistentDataStoreWrapper.class);

	private final ForeverCache cache;

	private final StoreAccess store;

	private final DataSetLock lock;

	private final StatusMachine status;

	private final InitializedState initialized;

	WriteBackRecovery(ForeverCache cache, StoreAccess store, DataSetLock lock, StatusMachine status,
			InitializedState initialized) {
		this.cache = cache;
		this.store = store;
		this.lock = lock;
		this.status = status;
		this.initialized = initialized;
	}

	@Override
	public void storeAnswers(long pollStartNanos) {
		if (!this.cache.holdsFullDataSet()) {
			this.status.recordRecovery(pollStartNanos, true);
			return;
		}
		// A write that fails (and is kept) while the write-back runs may have missed its snapshot: then the store
		// does not hold the cached data set yet, and the next poll writes back again.
		long failedWrites = this.cache.failedWrites();
		if (writeBack() && this.cache.failedWrites() == failedWrites) {
			this.status.recordRecovery(pollStartNanos, false);
		}
	}

	@Override
	public void dataLost(long checkStartNanos) {
		if (this.cache.holdsFullDataSet()) {
			logger.warn("Persistent data store lost its data (flushed or dropped?); writing the cache back");
			writeBack();
		}
		else {
			this.status.recordDataLost(checkStartNanos);
		}
	}

	/** @return whether the store now holds the cached data set */
	private boolean writeBack() {
		long generation = this.cache.generation();
		try {
			if (this.store.isInitialized(Lane.BACKGROUND, StoreOperation.WRITE_BACK_CHECK)) {
				if (!upsertAll(generation)) {
					return false;
				}
			}
			else if (!initAll(generation)) {
				return false;
			}
		}
		catch (DataStoreException ex) {
			logger.debug("Write-back of cached data failed; will retry", ex);
			return false;
		}
		this.initialized.writtenHere();
		return true;
	}

	private boolean initAll(long generation) {
		long remaining = this.lock.lockExclusive(StoreOperation.WRITE_BACK_INIT, null);
		try {
			if (this.cache.generation() != generation) {
				return false;
			}
			// Under the exclusive lock, no upsert lands between this snapshot and the init.
			this.store.init(new FullDataSet<>(this.cache.snapshot()), Lane.BACKGROUND, StoreOperation.WRITE_BACK_INIT,
					remaining);
			this.cache.writtenBack();
			return true;
		}
		finally {
			this.lock.unlockExclusive();
		}
	}

	private boolean upsertAll(long generation) {
		Map<DataKind, KeyedItems<ItemDescriptor>> snapshot = this.cache.snapshot();
		List<Write> writes = new ArrayList<>();
		snapshot.forEach((kind, items) -> items.items().forEach((key, item) -> writes.add(new Write(kind, key, item))));
		if (this.cache.isReplacementPending()) {
			// Every kind known before the failed init, and the new data set's: what the store holds beyond the
			// data set gets a tombstone (a kind the new data set lacks loses all its items).
			for (DataKind kind : this.cache.replacedKinds()) {
				KeyedItems<ItemDescriptor> kept = snapshot.getOrDefault(kind, KeyedItems.empty());
				KeyedItems<ItemDescriptor> stored = this.store.getAll(kind, Lane.BACKGROUND,
						StoreOperation.WRITE_BACK_READ);
				stored.items().forEach((key, item) -> {
					if (!item.isDeleted() && !kept.items().containsKey(key)) {
						writes.add(new Write(kind, key, ItemDescriptor.deleted(item.version() + 1)));
					}
				});
			}
		}
		for (Write write : writes) {
			long remaining = this.lock.lockShared(StoreOperation.WRITE_BACK_UPSERT, write.kind());
			try {
				if (this.cache.generation() != generation) {
					return false;
				}
				if (this.store.upsert(write.kind(), write.key(), write.item(), Lane.BACKGROUND,
						StoreOperation.WRITE_BACK_UPSERT, remaining)) {
					this.cache.written(write.kind(), write.key(), write.item());
				}
				else {
					// The store kept a newer version (another instance wrote it): the cache takes the store's item.
					this.cache.rejected(write.kind(), write.key());
				}
			}
			finally {
				this.lock.unlockShared();
			}
		}
		// Only if no init replaced the data set meanwhile (an init that failed after the last write would otherwise
		// lose its pending removal).
		long remaining = this.lock.lockShared(StoreOperation.WRITE_BACK_UPSERT, null);
		try {
			if (this.cache.generation() != generation) {
				return false;
			}
			this.cache.writtenBack();
			return true;
		}
		finally {
			this.lock.unlockShared();
		}
	}

	private record Write(DataKind kind, String key, ItemDescriptor item) {
	}

}
