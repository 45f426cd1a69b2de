package dev.flagstore.source;

/**
 * Receives flag source status changes.
 *
 * <p>Delivered as data store status changes are: on a worker thread, never on the source's thread; each listener
 * gets the changes in the order they happened; a slow or throwing listener delays or breaks no other listener.
 */
@FunctionalInterface
public interface FlagSourceStatusListener {

	/**
	 * Called when the state or the last error changed.
	 * @param newStatus the new status
	 */
	void flagSourceStatusChanged(FlagSourceStatus newStatus);

}
