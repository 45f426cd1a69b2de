package dev.flagstore.changes;

/**
 * Told of every change of the store's items ({@link FlagTracker#addListener}).
 *
 * <p>Called on a flagstore worker thread, never on the writing thread and never under a lock; each listener gets
 * the changes of an item in the order they happened, one call at a time; a slow or throwing listener holds back
 * nobody else (a throw is logged).
 */
@FunctionalInterface
public interface FlagChangeListener {

	/**
	 * An item changed.
	 * @param change what changed
	 */
	void onFlagChange(FlagChange change);

}
