package dev.flagstore.store;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Ticker;
import org.jspecify.annotations.Nullable;

/**
 * The wrappers' time source when no ticker was injected: a {@code volatile} read of {@link System#nanoTime()} as of
 * the last tick, every 10 ms. Cache TTLs are seconds; reading the clock itself on every cache hit cost more than the
 * rest of the hit.
 *
 * <p>One ticking thread ({@code flagstore-clock}) serves every wrapper of the process: the first
 * {@link #acquire()} starts it and the last {@link #release()} (from a wrapper's {@code close()}) stops it.
 */
final class CoarseTicker implements Ticker {

	private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private static final Object lock = new Object();

	/** Guarded by {@link #lock}. */
	private static @Nullable CoarseTicker shared;

	/** Guarded by {@link #lock}. */
	private static int users;

	private final ScheduledThreadPoolExecutor clock;

	private volatile long now = System.nanoTime();

	private CoarseTicker() {
		this.clock = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("flagstore-clock"));
		this.clock.scheduleAtFixedRate(() -> this.now = System.nanoTime(), TICK_NANOS, TICK_NANOS,
				TimeUnit.NANOSECONDS);
	}

	/** The shared ticker, started if no wrapper uses it yet; pair with {@link #release()}. */
	static CoarseTicker acquire() {
		synchronized (lock) {
			CoarseTicker ticker = shared;
			if (ticker == null) {
				ticker = new CoarseTicker();
				shared = ticker;
			}
			users++;
			return ticker;
		}
	}

	/** One user less; the last one stops the ticking thread. */
	void release() {
		synchronized (lock) {
			if (shared != this) {
				return;
			}
			if (--users == 0) {
				shared = null;
				this.clock.shutdownNow();
			}
		}
	}

	@Override
	public long read() {
		return this.now;
	}

}
