package dev.flagstore.spring.endpoint;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.flagstore.source.FlagSourceErrorInfo;
import dev.flagstore.source.FlagSourceStatus;
import dev.flagstore.source.FlagSourceStatusListener;
import dev.flagstore.source.FlagSourceStatusProvider;
import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;
import dev.flagstore.status.DataStoreStatusProvider;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

/**
 * The last status transitions of the data store and of the flag source, with their times, for the
 * {@code flagstore} endpoint. Subscribes to the status providers when created (recording the status it finds as
 * the first entry) and unsubscribes when destroyed. Keeps the last {@value #CAPACITY} of each. Thread-safe.
 */
public class StatusTransitions implements DisposableBean {

	/** How many transitions are kept per component. */
	public static final int CAPACITY = 20;

	private final Clock clock;

	private final DataStoreStatusProvider storeStatus;

	private final @Nullable FlagSourceStatusProvider sourceStatus;

	private final Deque<Map<String, Object>> store = new ArrayDeque<>();

	private final Deque<Map<String, Object>> source = new ArrayDeque<>();

	private final DataStoreStatusListener storeListener = this::storeChanged;

	private final FlagSourceStatusListener sourceListener = this::sourceChanged;

	/**
	 * Starts recording.
	 * @param storeStatus the data store's status
	 * @param sourceStatus the flag source's status, or {@code null} if there is no source
	 * @param clock when a transition was seen (the statuses carry when their state began)
	 */
	public StatusTransitions(DataStoreStatusProvider storeStatus, @Nullable FlagSourceStatusProvider sourceStatus,
			Clock clock) {
		this.storeStatus = storeStatus;
		this.sourceStatus = sourceStatus;
		this.clock = clock;
		// Subscribed first, so no change is missed; the status read then is recorded only if no change arrived
		// meanwhile (a change delivered by then is newer than the subscription, and any later one comes too).
		storeStatus.addStatusListener(this.storeListener);
		addInitial(this.store, describe(storeStatus.getStatus()));
		if (sourceStatus != null) {
			sourceStatus.addStatusListener(this.sourceListener);
			addInitial(this.source, describe(sourceStatus.getStatus()));
		}
	}

	/**
	 * The data store's transitions, oldest first.
	 * @return a copy
	 */
	public synchronized List<Map<String, Object>> store() {
		return new ArrayList<>(this.store);
	}

	/**
	 * The flag source's transitions, oldest first; empty without a source.
	 * @return a copy
	 */
	public synchronized List<Map<String, Object>> source() {
		return new ArrayList<>(this.source);
	}

	private void storeChanged(DataStoreStatus status) {
		add(this.store, seen(describe(status)));
	}

	private void sourceChanged(FlagSourceStatus status) {
		add(this.source, seen(describe(status)));
	}

	/** A transition: when it was seen, then the status. */
	private Map<String, Object> seen(Map<String, Object> status) {
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("seen", this.clock.instant().toString());
		entry.putAll(status);
		return entry;
	}

	private synchronized void addInitial(Deque<Map<String, Object>> transitions, Map<String, Object> status) {
		if (transitions.isEmpty()) {
			transitions.addLast(seen(status));
		}
	}

	private synchronized void add(Deque<Map<String, Object>> transitions, Map<String, Object> entry) {
		// The first entry is the status found at start-up; a listener may deliver that same state again.
		Map<String, Object> last = transitions.peekLast();
		if (last != null && sameState(last, entry)) {
			return;
		}
		transitions.addLast(entry);
		while (transitions.size() > CAPACITY) {
			transitions.removeFirst();
		}
	}

	private static boolean sameState(Map<String, Object> a, Map<String, Object> b) {
		Map<String, Object> left = new LinkedHashMap<>(a);
		Map<String, Object> right = new LinkedHashMap<>(b);
		left.remove("seen");
		right.remove("seen");
		return left.equals(right);
	}

	/**
	 * A data store status as the endpoint shows it.
	 * @param status the status
	 * @return {@code available}, {@code refreshNeeded}, {@code since} and, if any, {@code lastError}
	 */
	static Map<String, Object> describe(DataStoreStatus status) {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("available", status.isAvailable());
		description.put("refreshNeeded", status.isRefreshNeeded());
		description.put("since", status.getSince().toString());
		if (status.getLastError() != null) {
			description.put("lastError", status.getLastError());
		}
		return description;
	}

	/**
	 * A flag source status as the endpoint shows it.
	 * @param status the status
	 * @return {@code state}, {@code since} and, if any, {@code lastError} (kind, status code, message, time)
	 */
	static Map<String, Object> describe(FlagSourceStatus status) {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("state", status.getState().name());
		description.put("since", status.getStateSince().toString());
		FlagSourceErrorInfo error = status.getLastError();
		if (error != null) {
			Map<String, Object> lastError = new LinkedHashMap<>();
			lastError.put("kind", error.kind().name());
			if (error.statusCode() != 0) {
				lastError.put("statusCode", error.statusCode());
			}
			if (error.message() != null) {
				lastError.put("message", error.message());
			}
			lastError.put("time", error.time().toString());
			description.put("lastError", lastError);
		}
		return description;
	}

	/** Stops recording. */
	@Override
	public void destroy() {
		this.storeStatus.removeStatusListener(this.storeListener);
		if (this.sourceStatus != null) {
			this.sourceStatus.removeStatusListener(this.sourceListener);
		}
	}

}
