package dev.flagstore.store;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter;
import com.github.benmanes.caffeine.cache.stats.StatsCounter;
import org.jspecify.annotations.Nullable;

/**
 * One Caffeine {@link AsyncCache} of {@link Stamped generation-stamped} values, loaded through the store calls:
 * no store I/O ever runs inside one of Caffeine's computations (a load's future goes into the cache, the call runs
 * on the store-call executor and the reader waits for it with the deadline), and concurrent misses of one key
 * share one load.
 *
 * <p>Hits are looked up without Caffeine's loading path (a quiet lookup: no allocation, no read recorded) and counted
 * in the cache's statistics by hand; misses, loads and load failures are counted by Caffeine.
 * @param <K> the key type
 * @param <V> the value type
 */
final class StampedCache<K, V> {

	private final AsyncCache<K, Stamped<V>> cache;

	private final ConcurrentMap<K, CompletableFuture<Stamped<V>>> map;

	/** The cache's policy view, for quiet lookups of loaded values ({@link #getIfCurrent}). */
	private final Policy<K, Stamped<V>> quiet;

	private final StatsCounter stats;

	private final CacheGeneration generation;

	private final Ticker ticker;

	/** Whether this cache keeps {@link #published} (a cache of a handful of keys: {@link #published}). */
	private final boolean publishing;

	/**
	 * With {@link #publishing}: the loaded values as of the last change, in an immutable map that a read looks up
	 * without Caffeine. Every change of a mapping made here, and the completion of every future put in the map,
	 * publishes the map again: under the cache's monitor, from the mappings as they are then, so the last
	 * publication has what the map holds after the last change. The only change that bypasses this class, Caffeine
	 * dropping a failed load, removes nothing published: a failed load never is.
	 */
	private volatile Map<K, Stamped<V>> published = Map.of();

	private StampedCache(AsyncCache<K, Stamped<V>> cache, StatsCounter stats, CacheGeneration generation,
			Ticker ticker, boolean publishing) {
		this.cache = cache;
		this.map = cache.asMap();
		this.quiet = cache.synchronous().policy();
		this.stats = stats;
		this.generation = generation;
		this.ticker = ticker;
		this.publishing = publishing;
	}

	/**
	 * Builds the cache from a Caffeine builder that has its expiry set (or none).
	 * @param caffeine the builder, with expiry and ticker
	 */
	static <K, V> StampedCache<K, V> build(Caffeine<Object, Object> caffeine, CacheGeneration generation,
			Ticker ticker) {
		return build(caffeine, generation, ticker, false);
	}

	/**
	 * Builds a cache that also publishes its loaded values for {@link #peekPublished}: for a cache of a handful of
	 * keys (one per kind), with no expiry and no size bound, read far more often than it changes.
	 */
	static <K, V> StampedCache<K, V> buildPublished(CacheGeneration generation, Ticker ticker) {
		return build(Caffeine.newBuilder(), generation, ticker, true);
	}

	private static <K, V> StampedCache<K, V> build(Caffeine<Object, Object> caffeine, CacheGeneration generation,
			Ticker ticker, boolean publishing) {
		StatsCounter stats = new ConcurrentStatsCounter();
		// Maintenance runs on the caller (amortized) rather than as a task on the common pool.
		AsyncCache<K, Stamped<V>> cache = caffeine.recordStats(() -> stats).executor(Runnable::run).buildAsync();
		return new StampedCache<>(cache, stats, generation, ticker, publishing);
	}

	/**
	 * The hot path of a {@link #buildPublished published} cache: the value loaded for {@code key} as of the last
	 * change, if it is of the current generation, counting nothing; else {@code null} (then read the cache:
	 * {@link #getIfCurrent}, {@link #get}). A change is published before the method that made it returns, so a
	 * thread reads its own writes; another thread may still read the value just replaced, as if it had read a
	 * moment earlier. A load in flight is not published (nor is the value it replaces): its answer is, once it
	 * completes.
	 */
	@Nullable Stamped<V> peekPublished(K key) {
		Stamped<V> stamped = this.published.get(key);
		return (stamped == null || stamped.generation != this.generation.current()) ? null : stamped;
	}

	/**
	 * Like {@link #peekPublished}, and where nothing is published for {@code key} but the cache holds a loaded value
	 * of the current generation (a load that just completed, its publication not yet run): publishes first, then
	 * answers from the publication. A value read from the map outside the monitor could be newer than a publication
	 * in progress (one that read the map before the last change), which would then take a reader back.
	 */
	@Nullable Stamped<V> peekPublishedOrCurrent(K key) {
		Stamped<V> stamped = peekPublished(key);
		if (stamped != null || !this.publishing || peekIfCurrent(key) == null) {
			return stamped;
		}
		changed();
		return peekPublished(key);
	}

	/** Publishes the loaded values again after a change (a published cache only). */
	private void changed() {
		if (this.publishing) {
			synchronized (this) {
				Map<K, Stamped<V>> values = new java.util.HashMap<>();
				this.map.forEach((key, future) -> {
					if (future.isDone() && !future.isCompletedExceptionally()) {
						values.put(key, future.join());
					}
				});
				this.published = Map.copyOf(values);
			}
		}
	}

	/** Publishes again when {@code future}, just put in the map, completes (a published cache only). */
	private void changedWhenDone(CompletableFuture<Stamped<V>> future) {
		if (this.publishing) {
			future.whenComplete((value, error) -> changed());
		}
	}

	/** The synchronous view, for statistics and metrics; read it, do not write to it. */
	Cache<K, Stamped<V>> view() {
		return this.cache.synchronous();
	}

	/**
	 * The hot path: the value cached for {@code key} if it is loaded and of the current generation, counted as a
	 * hit; else {@code null} (nothing counted: the caller goes on to {@link #get}).
	 *
	 * <p>The lookup is Caffeine's quiet one: no read is recorded for the eviction policy. Our caches have no size
	 * bound, no refresh-after-write and no expiry that a read changes ({@link MissExpiry#expireAfterRead} keeps the
	 * duration), so a recorded read would change nothing; with a variable expiry it cost a read-buffer entry and a
	 * timer-wheel reschedule per hit. Expired entries still read as absent, and hits are counted here by hand.
	 * @param key the key, or a lookup key equal to it ({@link ItemKey.Lookup}): a lookup keeps no key
	 */
	@Nullable Stamped<V> getIfCurrent(Object key) {
		Stamped<V> stamped = peekIfCurrent(key);
		if (stamped != null) {
			this.stats.recordHits(1);
		}
		return stamped;
	}

	/** Counts a reload that failed (the refresh policies reload outside Caffeine's loading). */
	void recordLoadFailure(long loadNanos) {
		this.stats.recordLoadFailure(loadNanos);
	}

	/**
	 * Like {@link #getIfCurrent}, counting nothing: for a caller that counts a hit ({@link #recordHit()}) only if the
	 * value answers its read.
	 */
	@SuppressWarnings("unchecked")
	@Nullable Stamped<V> peekIfCurrent(Object key) {
		// Null for no mapping, an expired one, a load in flight or a failed load.
		Stamped<V> stamped = this.quiet.getIfPresentQuietly((K) key);
		return (stamped == null || stamped.generation != this.generation.current()) ? null : stamped;
	}

	/** Counts one hit, for a value {@link #peekIfCurrent} found that answered a read. */
	void recordHit() {
		this.stats.recordHits(1);
	}

	/**
	 * The cached value, loading it if absent (or of an older generation): waits for the load, shared with other
	 * readers of the key, within the deadline.
	 * @param loader starts the load (a store call) and returns its future; called outside Caffeine's computations
	 * @return the value read; a value read while an {@code init} replaced the data set is returned but not served
	 * to later readers
	 */
	V get(K key, Supplier<CompletableFuture<V>> loader, StoreCalls calls, StoreOperation operation,
			@Nullable DataKind kind) {
		while (true) {
			long stamp = this.generation.forLoad();
			CompletableFuture<Stamped<V>> mapped = this.map.get(key);
			if (mapped != null && isReplaceable(mapped)) {
				// An earlier failure, or the old data set's answer: drop it (only if still mapped) before Caffeine
				// would count it as a hit.
				this.map.remove(key, mapped);
				changed();
			}
			@SuppressWarnings({ "unchecked", "rawtypes" })
			CompletableFuture<Stamped<V>>[] created = new CompletableFuture[1];
			CompletableFuture<Stamped<V>> future = this.cache.get(key, (k, executor) -> {
				created[0] = new CompletableFuture<>();
				return created[0];
			});
			if (created[0] != null) {
				changedWhenDone(created[0]);
				startLoad(created[0], loader, stamp);
			}
			else if (future.isDone() && (future.isCompletedExceptionally()
					|| this.generation.isOlder(future.join().generation))) {
				// An earlier failure, or the old data set's answer: drop it (only if still mapped), load again.
				this.map.remove(key, future);
				changed();
				continue;
			}
			Stamped<V> stamped;
			try {
				stamped = calls.await(future, operation, kind);
			}
			catch (DataStoreException ex) {
				if (future instanceof Refreshing<V> refreshing) {
					// A reread that did not answer in time: the value it replaced stands.
					this.map.replace(key, future, CompletableFuture.completedFuture(refreshing.old));
					changed();
					return refreshing.old.value;
				}
				if (!future.isDone() && !Thread.currentThread().isInterrupted()) {
					// Timed out waiting for a load that did not complete: no later reader waits for it again.
					this.map.remove(key, future);
					changed();
				}
				throw ex;
			}
			if (this.generation.isOlder(stamped.generation)) {
				this.map.remove(key, future);
			}
			// Answered from the map: what is published must be at least as new before the reader gets it.
			changed();
			return stamped.value;
		}
	}

	/**
	 * Reads {@code key} from the store again and lets the cache take the answer, without waiting. The read goes
	 * into the cache at once, merged by {@code newer} with the value it holds (its failure leaves that value), so
	 * later readers wait for it and see the store's answer, and a mapping in flight cannot expire. A load already in
	 * flight is left alone and its answer merged when it arrives, if the key is still cached then: a slow read
	 * never fills a slot that emptied while it ran.
	 */
	void reload(K key, Supplier<CompletableFuture<V>> loader, BinaryOperator<V> newer) {
		long stamp = this.generation.forLoad();
		CompletableFuture<Stamped<V>> load = new CompletableFuture<>();
		@SuppressWarnings({ "unchecked", "rawtypes" })
		CompletableFuture<Stamped<V>>[] placed = new CompletableFuture[1];
		this.map.compute(key, (k, existing) -> {
			if (isReplaceable(existing)) {
				placed[0] = load;
			}
			else if (existing.isDone()) {
				Stamped<V> old = existing.join();
				Refreshing<V> refreshing = new Refreshing<>(old);
				load.whenComplete((loaded, error) -> refreshing.complete((error != null) ? old : combine(old, loaded, newer)));
				placed[0] = refreshing;
			}
			else {
				return existing;
			}
			return placed[0];
		});
		if (placed[0] != null) {
			track(key, placed[0]);
			changedWhenDone(placed[0]);
			changed();
		}
		else {
			mergeWhenDone(key, load, newer);
		}
		startLoad(load, loader, stamp);
	}

	/**
	 * What {@link #reload} puts in place of a value it reads again: a load whose answer is merged with the value it
	 * replaces, which it carries, so that a write merged meanwhile, or a reader who gives up on the load, never falls
	 * back below it.
	 */
	static final class Refreshing<V> extends CompletableFuture<Stamped<V>> {

		final Stamped<V> old;

		Refreshing(Stamped<V> old) {
			this.old = old;
		}

	}

	private void startLoad(CompletableFuture<Stamped<V>> target, Supplier<CompletableFuture<V>> loader, long stamp) {
		CompletableFuture<V> load;
		try {
			load = loader.get();
		}
		catch (RuntimeException ex) {
			target.completeExceptionally(new LoadFailure(ex));
			return;
		}
		load.whenComplete((value, error) -> {
			if (error != null) {
				target.completeExceptionally(new LoadFailure(error));
			}
			else {
				target.complete(new Stamped<>(value, stamp, this.ticker.read()));
			}
		});
	}

	/**
	 * A failed load, as the cache's future carries it. Caffeine logs every failed asynchronous load at WARNING with
	 * its stack trace (unsanitized, once per failed read) unless the failure is a {@link CancellationException}: the
	 * status already reports the outage, once, sanitized. Waiters get the store's failure itself (its cause).
	 */
	static final class LoadFailure extends java.util.concurrent.CancellationException {

		private static final long serialVersionUID = 1L;

		LoadFailure(Throwable failure) {
			super("load failed");
			initCause((failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null)
					? failure.getCause() : failure);
		}

		@Override
		public synchronized Throwable fillInStackTrace() {
			// The cause has the stack that matters; the reader gets the cause, never this.
			return this;
		}

	}

	/**
	 * Puts {@code value} for {@code key} (an item the store now holds), merged by {@code newer} with the value of
	 * the current generation the cache holds, as one atomic step on the key. Nothing changes if the data set is no
	 * longer generation {@code stamp} (an {@code init} replaced it since the value was read). Where a load is in
	 * flight, neither a reader nor the writer waits: a whole value goes in at once and the load's answer is merged
	 * when it arrives (if the key is still cached then); a fragment is merged into the load's answer, and readers
	 * who join from now on get the merged value. So the cache never goes back to an older version.
	 * @param onlyIfPresent leave the key absent if it is absent (or its load fails)
	 * @param partial {@code value} is a fragment of what the key maps to (one item of a kind's items): it never
	 * replaces a value or a load, it is merged into them
	 * @param stamp the generation {@code value} belongs to
	 */
	void merge(K key, V value, BinaryOperator<V> newer, boolean onlyIfPresent, boolean partial, long stamp) {
		if (stamp == CacheGeneration.NONE) {
			return;
		}
		Stamped<V> fresh = new Stamped<>(value, stamp, this.ticker.read());
		@SuppressWarnings({ "unchecked", "rawtypes" })
		CompletableFuture<Stamped<V>>[] tracked = new CompletableFuture[2];
		java.util.function.BiFunction<K, CompletableFuture<Stamped<V>>, CompletableFuture<Stamped<V>>> remap = (k,
				existing) -> {
			if (this.generation.current() != stamp) {
				return existing;
			}
			if (existing == null || isReplaceable(existing)) {
				// A fragment only creates the key where a complete value is not to be had (onlyIfPresent false).
				return (onlyIfPresent && partial) ? existing : CompletableFuture.completedFuture(fresh);
			}
			if (!existing.isDone()) {
				if (partial) {
					CompletableFuture<Stamped<V>> derived = existing.handle((loaded, error) -> {
						if (error == null && !this.generation.isOlder(loaded.generation)) {
							return combine(loaded, fresh, newer);
						}
						if (error != null && onlyIfPresent) {
							throw new java.util.concurrent.CompletionException(error);
						}
						return fresh;
					});
					tracked[0] = derived;
					return derived;
				}
				tracked[1] = existing;
				// A value being read again is still known: the write merges with it, not only with the reread.
				return CompletableFuture.completedFuture((existing instanceof Refreshing<V> refreshing
						&& !this.generation.isOlder(refreshing.old.generation)) ? combine(refreshing.old, fresh, newer)
								: fresh);
			}
			Stamped<V> merged = combine(existing.join(), fresh, newer);
			return (merged == existing.join()) ? existing : CompletableFuture.completedFuture(merged);
		};
		if (onlyIfPresent) {
			this.map.computeIfPresent(key, remap);
		}
		else {
			this.map.compute(key, remap);
		}
		changed();
		if (tracked[0] != null) {
			track(key, tracked[0]);
			changedWhenDone(tracked[0]);
		}
		if (tracked[1] != null) {
			mergeWhenDone(key, tracked[1], newer);
		}
	}

	/** When {@code load} completes, merges its answer into what the cache holds for {@code key}, if anything. */
	private void mergeWhenDone(K key, CompletableFuture<Stamped<V>> load, BinaryOperator<V> newer) {
		load.thenAccept(loaded -> {
			if (!this.generation.isOlder(loaded.generation)) {
				this.map.computeIfPresent(key, (k, existing) -> {
					if (!existing.isDone() || existing.isCompletedExceptionally()
							|| this.generation.isOlder(existing.join().generation)) {
						return existing;
					}
					Stamped<V> merged = combine(existing.join(), loaded, newer);
					return (merged == existing.join()) ? existing : CompletableFuture.completedFuture(merged);
				});
				changed();
			}
		});
	}

	/** Whether a mapping can be overwritten as if absent: none, a failed load, or an older generation's value. */
	private boolean isReplaceable(@Nullable CompletableFuture<Stamped<V>> existing) {
		return existing == null || (existing.isDone() && (existing.isCompletedExceptionally()
				|| this.generation.isOlder(existing.join().generation)));
	}

	/**
	 * A future put through the map view while incomplete: Caffeine computes its expiry only once it is written
	 * complete, and removes it only if it failed when Caffeine's own loading made it. Do both when it completes.
	 */
	private void track(K key, CompletableFuture<Stamped<V>> future) {
		if (!future.isDone()) {
			future.whenComplete((value, error) -> {
				if (error != null) {
					this.map.remove(key, future);
				}
				else {
					this.map.replace(key, future, future);
				}
				changed();
			});
		}
	}

	/** Puts a value already stamped (by a replacement in progress). */
	void putStamped(K key, Stamped<V> value) {
		this.map.put(key, CompletableFuture.completedFuture(value));
		changed();
	}

	/**
	 * Replaces a value read in a refresh, if the cache still holds the value it refreshes.
	 */
	void replace(K key, CompletableFuture<Stamped<V>> old, Stamped<V> value) {
		this.map.replace(key, old, CompletableFuture.completedFuture(value));
		changed();
	}

	@Nullable CompletableFuture<Stamped<V>> future(K key) {
		return this.map.get(key);
	}

	void invalidate(K key) {
		this.map.remove(key);
		changed();
	}

	void clear() {
		this.map.clear();
		changed();
	}

	/** The loaded values of the current generation, in no particular order. */
	Map<K, V> currentValues() {
		Map<K, V> values = new java.util.LinkedHashMap<>();
		long current = this.generation.current();
		this.map.forEach((key, future) -> {
			if (future.isDone() && !future.isCompletedExceptionally() && future.join().generation == current) {
				values.put(key, future.join().value);
			}
		});
		return values;
	}

	/** {@code old} itself when it wins (so the caller can keep its mapping), else a new value. */
	private static <V> Stamped<V> combine(Stamped<V> old, Stamped<V> incoming, BinaryOperator<V> newer) {
		V merged = newer.apply(old.value, incoming.value);
		return (merged == old.value) ? old : new Stamped<>(merged, incoming.generation, incoming.loadedAt);
	}

}
