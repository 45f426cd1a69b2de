package dev.flagstore.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import org.jspecify.annotations.Nullable;

/**
 * A cached value with the {@link CacheGeneration generation} it was read in and when it was read (ticker nanos,
 * for the refresh policies).
 * @param <V> the value type
 */
final class Stamped<V> {

	final V value;

	final long generation;

	final long loadedAt;

	@SuppressWarnings("rawtypes")
	private static final AtomicReferenceFieldUpdater<Stamped, CompletableFuture> REFRESH = AtomicReferenceFieldUpdater
		.newUpdater(Stamped.class, CompletableFuture.class, "refresh");

	/** The refresh of this value in flight or done, if one was started (refresh policies only). */
	private volatile @Nullable CompletableFuture<Stamped<V>> refresh;

	Stamped(V value, long generation, long loadedAt) {
		this.value = value;
		this.generation = generation;
		this.loadedAt = loadedAt;
	}

	/**
	 * The refresh to wait for: one in flight, or {@code candidate} if this call claimed the refresh (no refresh was
	 * running), in which case the caller must start it and complete {@code candidate}.
	 */
	@SuppressWarnings("unchecked")
	CompletableFuture<Stamped<V>> claimRefresh(CompletableFuture<Stamped<V>> candidate) {
		while (true) {
			CompletableFuture<Stamped<V>> running = this.refresh;
			if (running != null && !running.isDone()) {
				return running;
			}
			if (REFRESH.compareAndSet(this, running, candidate)) {
				return candidate;
			}
		}
	}

}
