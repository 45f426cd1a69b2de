package dev.flagstore.store;

/**
 * How {@link PersistentDataStoreWrapper} caches what it reads from and writes to the persistent store.
 */
public enum CacheMode {

	/**
	 * Items are cached for the cache TTL (default 15 s), then read again from the store.
	 */
	TTL,

	/**
	 * Items never expire. The cache is the truth: updates made during an outage are kept and written back to
	 * the store when it recovers. Misses are still cached only for the TTL.
	 */
	FOREVER,

	/**
	 * No cache: every call goes to the store.
	 */
	NONE

}
