package dev.flagstore.status;

/**
 * Receives data store status changes.
 *
 * <p>Called on a worker thread, never on the thread whose store call failed. Each listener gets the changes
 * in the order they happened; a slow or throwing listener delays or breaks no other listener.
 */
@FunctionalInterface
public interface DataStoreStatusListener {

	/**
	 * Called when {@code available} or {@code refreshNeeded} changed.
	 * @param newStatus the new status
	 */
	void dataStoreStatusChanged(DataStoreStatus newStatus);

}
