package dev.flagstore.test;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;
import dev.flagstore.status.DataStoreStatusProvider;

/**
 * A {@link DataStoreStatusProvider} whose status a test sets by hand, to drive what listens to a store's status
 * (a health indicator, metrics, an event bridge) without a store.
 *
 * <p>Monitoring is enabled. {@link #set} replaces the status and tells every listener at once, on the calling
 * thread, in the order they were added, whether or not {@code available} or {@code refreshNeeded} changed (unlike
 * {@link dev.flagstore.store.PersistentDataStoreWrapper}, which tells them on worker threads and only about such
 * changes); a listener that throws stops the ones after it and the exception reaches the caller. A listener added
 * twice is called once. Thread-safe.
 */
public class ManualStatusProvider implements DataStoreStatusProvider {

	private final CopyOnWriteArrayList<DataStoreStatusListener> listeners = new CopyOnWriteArrayList<>();

	private volatile DataStoreStatus status;

	/**
	 * Creates a provider with a first status; no listener is told about it.
	 * @param status the status until {@link #set} is called
	 */
	public ManualStatusProvider(DataStoreStatus status) {
		this.status = Objects.requireNonNull(status, "status");
	}

	/**
	 * Replaces the status and tells the listeners synchronously.
	 * @param status the new status
	 */
	public void set(DataStoreStatus status) {
		Objects.requireNonNull(status, "status");
		this.status = status;
		this.listeners.forEach((listener) -> listener.dataStoreStatusChanged(status));
	}

	/**
	 * Replaces the status without telling the listeners, as if their notifications were still on their way: for
	 * tests of components that read the status and subscribe (a subclass may also override
	 * {@link #addStatusListener} to change the status at that moment).
	 * @param status the new status
	 */
	public void setSilently(DataStoreStatus status) {
		this.status = Objects.requireNonNull(status, "status");
	}

	/**
	 * How many listeners are registered, so that a test can check that a component removes its listener.
	 * @return the number of listeners
	 */
	public int listenerCount() {
		return this.listeners.size();
	}

	@Override
	public DataStoreStatus getStatus() {
		return this.status;
	}

	@Override
	public boolean isStatusMonitoringEnabled() {
		return true;
	}

	@Override
	public void addStatusListener(DataStoreStatusListener listener) {
		Objects.requireNonNull(listener, "listener");
		this.listeners.addIfAbsent(listener);
	}

	@Override
	public void removeStatusListener(DataStoreStatusListener listener) {
		this.listeners.remove(listener);
	}

}
