package dev.flagstore.store;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.jspecify.annotations.Nullable;

/**
 * Orders the writes of the data set: upserts (and the write-back's per-item upserts) share it, {@code init} (and a
 * write-back by {@code init}) takes it exclusively, so the cache takes writes in the order the store applied them.
 * Held across one store call at most, and waited for only within the caller's deadline: what is left of it is the
 * store call's deadline.
 */
final class DataSetLock {

	private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

	private final long timeoutNanos;

	DataSetLock(long timeoutNanos) {
		this.timeoutNanos = timeoutNanos;
	}

	/**
	 * Takes the shared lock.
	 * @return what is left of the caller's deadline (nanos), for its store call
	 * @throws DataStoreException if the deadline passed first, or the caller was interrupted (flag set again)
	 */
	long lockShared(StoreOperation operation, @Nullable DataKind kind) {
		return acquire(this.lock.readLock(), operation, kind);
	}

	void unlockShared() {
		this.lock.readLock().unlock();
	}

	/** Takes the exclusive lock; see {@link #lockShared}. */
	long lockExclusive(StoreOperation operation, @Nullable DataKind kind) {
		return acquire(this.lock.writeLock(), operation, kind);
	}

	void unlockExclusive() {
		this.lock.writeLock().unlock();
	}

	private long acquire(Lock target, StoreOperation operation, @Nullable DataKind kind) {
		if (this.timeoutNanos == 0) {
			target.lock();
			return Long.MAX_VALUE;
		}
		long start = System.nanoTime();
		try {
			if (!target.tryLock(this.timeoutNanos, TimeUnit.NANOSECONDS)) {
				throw new UnattemptedCallException(StoreCalls.describe(operation, kind) + " timed out after "
						+ TimeUnit.NANOSECONDS.toMillis(this.timeoutNanos) + " ms waiting for a concurrent init");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new UnattemptedCallException(StoreCalls.describe(operation, kind) + " was interrupted: the calling "
					+ "thread's own interrupt (the store's status is unchanged)", ex);
		}
		return this.timeoutNanos - (System.nanoTime() - start);
	}

}
