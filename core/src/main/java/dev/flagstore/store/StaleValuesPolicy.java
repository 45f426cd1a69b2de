package dev.flagstore.store;

/**
 * What {@link PersistentDataStoreWrapper} does with an item whose TTL has passed ({@link CacheMode#TTL} only).
 */
public enum StaleValuesPolicy {

	/**
	 * The item is dropped; the next read waits for the store.
	 */
	EVICT,

	/**
	 * The next read reloads the item on the reading thread and returns the new value; if the reload fails, it
	 * returns the old value and reports the failure.
	 */
	REFRESH,

	/**
	 * The next read returns the old value at once and reloads it in the background; a failed reload is reported.
	 */
	REFRESH_ASYNC

}
