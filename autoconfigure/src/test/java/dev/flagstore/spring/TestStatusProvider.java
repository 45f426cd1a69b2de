package dev.flagstore.spring;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;
import dev.flagstore.status.DataStoreStatusProvider;

/**
 * A status provider that tests set by hand; {@link #set} tells the listeners synchronously.
 */
public class TestStatusProvider implements DataStoreStatusProvider {

	private final List<DataStoreStatusListener> listeners = new CopyOnWriteArrayList<>();

	private volatile DataStoreStatus status;

	public TestStatusProvider(DataStoreStatus status) {
		this.status = status;
	}

	public void set(DataStoreStatus status) {
		this.status = status;
		this.listeners.forEach((listener) -> listener.dataStoreStatusChanged(status));
	}

	/** Changes the status without telling the listeners, as if their notifications were still on their way. */
	public void setSilently(DataStoreStatus status) {
		this.status = status;
	}

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
		if (!this.listeners.contains(listener)) {
			this.listeners.add(listener);
		}
	}

	@Override
	public void removeStatusListener(DataStoreStatusListener listener) {
		this.listeners.remove(listener);
	}

}
