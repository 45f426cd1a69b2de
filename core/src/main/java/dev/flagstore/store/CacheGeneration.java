package dev.flagstore.store;

/**
 * The generation of a cache's data set, changed by every {@code init} (as a seqlock's counter is): even while
 * stable, odd while a replacement is under way. Every cached value carries the generation it was read in; a value
 * of an older generation is never served, so a load that raced an {@code init} can never put the old data set's
 * answer back (Caffeine leaves {@code invalidateAll()} undefined for loads in flight: stamp, don't invalidate).
 * Replacements are serialized by the caller (the wrapper's write lock).
 */
final class CacheGeneration {

	/** Stamp of a load that started during a replacement: never current, so never served from the cache. */
	static final long NONE = -1;

	private volatile long value;

	/** The generation a cached value must carry to be served. */
	long current() {
		return this.value;
	}

	/** The stamp for a load starting now: the current generation, or {@link #NONE} during a replacement. */
	long forLoad() {
		long generation = this.value;
		return ((generation & 1) == 0) ? generation : NONE;
	}

	/**
	 * Starts a replacement: loads starting from now on are not cached until {@link #endReplace()}.
	 * @return the stamp for the replacement's values (current once it ends)
	 */
	long beginReplace() {
		long generation = this.value + 1;
		this.value = generation;
		return generation + 1;
	}

	void endReplace() {
		this.value = this.value + 1;
	}

	/** Whether a value stamped {@code stamp} belongs to a data set older than the current one. */
	boolean isOlder(long stamp) {
		return stamp == NONE || stamp - this.value < 0;
	}

}
