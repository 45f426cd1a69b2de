package dev.flagstore.status;

/**
 * Tells whether a data store works, now and as it changes.
 *
 * <p>Implementations are thread-safe; {@link #getStatus()} never does store I/O and never blocks.
 */
public interface DataStoreStatusProvider {

	/**
	 * The current status. Reads unavailable as soon as a failing store call has returned to its caller.
	 * @return the current status, never {@code null}
	 */
	DataStoreStatus getStatus();

	/**
	 * Whether the store reports status changes at all: {@code true} for persistent stores, {@code false} for the
	 * in-memory store, whose status is always available and never changes.
	 * @return whether status monitoring is enabled
	 */
	boolean isStatusMonitoringEnabled();

	/**
	 * Subscribes a listener to status changes. Adding the same listener twice has no further effect.
	 * @param listener the listener
	 * @throws NullPointerException if {@code listener} is {@code null}
	 */
	void addStatusListener(DataStoreStatusListener listener);

	/**
	 * Unsubscribes a listener; changes already queued for it may still be delivered. Unknown listeners are ignored.
	 * @param listener the listener
	 */
	void removeStatusListener(DataStoreStatusListener listener);

}
