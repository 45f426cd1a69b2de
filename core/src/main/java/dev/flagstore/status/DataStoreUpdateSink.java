package dev.flagstore.status;

/**
 * Lets a persistent store that knows its own health push a status, instead of waiting for a failed call.
 *
 * <p>A pushed status is adopted and published as is: it neither starts nor stops polling, so a store that
 * pushes "unavailable" should also push its recovery. Thread-safe.
 */
@FunctionalInterface
public interface DataStoreUpdateSink {

	/**
	 * Adopts {@code newStatus} as the store's status, publishing it if {@code available} or {@code refreshNeeded}
	 * changed. Ignored once the store is closed.
	 * @param newStatus the status; must not be {@code null}
	 * @throws NullPointerException if {@code newStatus} is {@code null}
	 */
	void updateStatus(DataStoreStatus newStatus);

}
