package dev.flagstore.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;

/** Records the statuses it receives and the threads it received them on. */
class RecordingListener implements DataStoreStatusListener {

	final List<DataStoreStatus> received = new CopyOnWriteArrayList<>();

	final List<Thread> threads = new CopyOnWriteArrayList<>();

	@Override
	public void dataStoreStatusChanged(DataStoreStatus newStatus) {
		this.threads.add(Thread.currentThread());
		this.received.add(newStatus);
	}

	/** The (available, refreshNeeded) pairs received, as "up", "up+refresh" or "down". */
	List<String> states() {
		return this.received.stream()
			.map(s -> s.isAvailable() ? (s.isRefreshNeeded() ? "up+refresh" : "up") : "down")
			.toList();
	}

}
