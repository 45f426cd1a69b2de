package dev.flagstore.sample;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import dev.flagstore.source.FlagSourceStatus;
import dev.flagstore.spring.DataStoreStatusChangedEvent;
import dev.flagstore.spring.FlagSourceStatusChangedEvent;
import dev.flagstore.status.DataStoreStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Logs every store and flag source status change and keeps the last 50 of each for the status page.
 */
@Component
public class StatusHistory {

	private static final Logger logger = LoggerFactory.getLogger(StatusHistory.class);

	private static final int LIMIT = 50;

	/** Newest first; guarded by {@code this}. */
	private final Deque<DataStoreStatus> changes = new ArrayDeque<>();

	/** Newest first; guarded by {@code this}. */
	private final Deque<FlagSourceStatus> sourceChanges = new ArrayDeque<>();

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

	/** Logs and records a flag source status change. */
	// tag::log-source-status-change[]
	@EventListener
	public void onSourceStatusChanged(FlagSourceStatusChangedEvent event) {
		FlagSourceStatus status = event.getStatus();
		logger.info("Flag source is {} (last error: {})", status.getState(), status.getLastError());
		// end::log-source-status-change[]
		synchronized (this) {
			this.sourceChanges.addFirst(status);
			while (this.sourceChanges.size() > LIMIT) {
				this.sourceChanges.removeLast();
			}
		}
	}

	/**
	 * The recorded flag source changes, newest first.
	 * @return a copy of the history
	 */
	public synchronized List<FlagSourceStatus> sourceChanges() {
		return new ArrayList<>(this.sourceChanges);
	}

	/**
	 * The recorded changes, newest first.
	 * @return a copy of the history
	 */
	public synchronized List<DataStoreStatus> changes() {
		return new ArrayList<>(this.changes);
	}

}
