package dev.flagstore.store;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Ticker;

/** A clock that tests move by hand. */
final class FakeTicker implements Ticker {

	private final AtomicLong nanos = new AtomicLong();

	@Override
	public long read() {
		return this.nanos.get();
	}

	void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

	/** Moves to {@code target} unless time is already past it. */
	void advanceTo(long target) {
		this.nanos.accumulateAndGet(target, (now, t) -> (t - now > 0) ? t : now);
	}

}
