package dev.flagstore.store;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.flagstore.store.StoreCalls.Lane;

/**
 * What the wrapper knows of the store's {@code isInitialized()}: once it answered {@code true} it stays so without
 * asking again; a {@code false} is cached for the miss TTL (none without a cache). Also whether this instance wrote
 * a full data set, so that a later "not initialized" means the data was lost.
 */
final class InitializedState {

	private final StoreAccess store;

	private final Ticker ticker;

	private final long missNanos;

	private volatile boolean seen;

	/** Until when (ticker) a "not initialized" answer is believed without asking. */
	private volatile long notInitializedUntil;

	private volatile boolean writtenHere;

	InitializedState(StoreAccess store, Ticker ticker, long missNanos) {
		this.store = store;
		this.ticker = ticker;
		this.missNanos = missNanos;
		this.notInitializedUntil = ticker.read();
	}

	boolean isInitialized() {
		if (this.seen) {
			return true;
		}
		if (this.missNanos > 0 && this.ticker.read() - this.notInitializedUntil < 0) {
			return false;
		}
		boolean initialized;
		try {
			initialized = this.store.isInitialized(Lane.APPLICATION, StoreOperation.IS_INITIALIZED);
		}
		catch (DataStoreException ex) {
			// The failure is reported through the status; "initialized" cannot be claimed.
			return false;
		}
		if (initialized) {
			this.seen = true;
		}
		else {
			this.notInitializedUntil = this.ticker.read() + this.missNanos;
		}
		return initialized;
	}

	/** A full data set from this instance reached the store. */
	void writtenHere() {
		this.seen = true;
		this.writtenHere = true;
	}

	boolean isWrittenHere() {
		return this.writtenHere;
	}

}
