package dev.flagstore.chaos;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the store really was, as the fault driver made it: a timeline of up/down changes, stamped with the same
 * wall clock the wrapper stamps its status with. Thread-safe.
 */
final class Reality {

	/** One change: from {@code at} on, the store is {@code up} (or not), because of {@code cause}. */
	record Change(Instant at, boolean up, String cause) {
	}

	private final List<Change> changes = new ArrayList<>();

	Reality(Instant start) {
		this.changes.add(new Change(start, true, "start"));
	}

	synchronized void down(String cause) {
		add(new Change(Instant.now(), false, cause));
	}

	synchronized void up(String cause) {
		add(new Change(Instant.now(), true, cause));
	}

	private void add(Change change) {
		this.changes.add(change);
		if (ChaosSettings.trace()) {
			System.out.println("TRACE " + change.at() + " store " + (change.up() ? "up" : "down") + ": " + change.cause());
		}
	}

	synchronized boolean isUp() {
		return this.changes.get(this.changes.size() - 1).up();
	}

	synchronized List<Change> changes() {
		return List.copyOf(this.changes);
	}

	/** Number of outages injected. */
	synchronized int outages() {
		return (int) this.changes.stream().filter((change) -> !change.up()).count();
	}

}
