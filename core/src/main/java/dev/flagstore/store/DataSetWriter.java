package dev.flagstore.store;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.flagstore.store.StoreCalls.Lane;

/**
 * The application's writes: the store call, then what the cache and the status take from its outcome, in the order
 * the store applied them ({@link DataSetLock}).
 */
final class DataSetWriter {

	private final StoreAccess store;

	private final DataCache cache;

	private final DataSetLock lock;

	private final StatusMachine status;

	private final InitializedState initialized;

	private final Ticker ticker;

	DataSetWriter(StoreAccess store, DataCache cache, DataSetLock lock, StatusMachine status,
			InitializedState initialized, Ticker ticker) {
		this.store = store;
		this.cache = cache;
		this.lock = lock;
		this.status = status;
		this.initialized = initialized;
		this.ticker = ticker;
	}

	void init(FullDataSet<ItemDescriptor> allData) {
		long start = this.ticker.read();
		long remaining = this.lock.lockExclusive(StoreOperation.INIT, null);
		try {
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
				}
				throw ex;
			}
			this.cache.replace(allData);
			this.initialized.writtenHere();
			this.status.recordInitialized(start);
		}
		finally {
			this.lock.unlockExclusive();
		}
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
				}
				throw ex;
			}
			if (applied) {
				this.cache.written(kind, key, item);
			}
			else {
				this.cache.rejected(kind, key);
			}
			return applied;
		}
		finally {
			this.lock.unlockShared();
		}
	}

}
