package dev.flagstore.store;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The caches' time source when no ticker was injected: a {@code volatile} read of {@link System#nanoTime()} as of
 * the last {@link #advance()}, which the status scheduler calls every 10 ms. Cache TTLs are seconds; reading the
 * clock itself on every hit cost more than the rest of the hit.
 */
final class CoarseTicker implements Ticker {

	private volatile long now = System.nanoTime();

	/** Catches up with the clock; called periodically by one thread. */
	void advance() {
		this.now = System.nanoTime();
	}

	@Override
	public long read() {
		return this.now;
	}

}
