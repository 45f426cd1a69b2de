package dev.flagstore.sample;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import dev.flagstore.spring.DataStoreStatusChangedEvent;
import dev.flagstore.status.DataStoreStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Logs every store status change and keeps the last 50 for the status page.
 */
@Component
public class StatusHistory {

	private static final Logger logger = LoggerFactory.getLogger(StatusHistory.class);

	private static final int LIMIT = 50;

	/** Newest first; guarded by {@code this}. */
	private final Deque<DataStoreStatus> changes = new ArrayDeque<>();

	/** Logs and records a status change. */
	// tag::log-status-change[]
	@EventListener
	public void onStatusChanged(DataStoreStatusChangedEvent event) {
		DataStoreStatus status = event.getStatus();
		if (status.isAvailable()) {
			logger.info("Flag store is available (refreshNeeded={})", status.isRefreshNeeded());
		}
		else {
			logger.warn("Flag store is unavailable: {}", status.getLastError());
		}
		// end::log-status-change[]
		synchronized (this) {
			this.changes.addFirst(status);
			while (this.changes.size() > LIMIT) {
				this.changes.removeLast();
			}
		}
	}

	/**
	 * The recorded changes, newest first.
	 * @return a copy of the history
	 */
	public synchronized List<DataStoreStatus> changes() {
		return new ArrayList<>(this.changes);
	}

}
