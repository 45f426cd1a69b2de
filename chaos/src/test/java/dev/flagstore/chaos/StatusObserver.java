package dev.flagstore.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;
import dev.flagstore.status.DataStoreStatusProvider;

import static org.awaitility.Awaitility.await;

/**
 * Three listeners on one status provider — a plain one, a slow one and one that throws after recording — that
 * record every status change they are given. At the end they must all hold the same changes, in the same order
 * (the throwing and the slow one must not lose or reorder anything, nor hold back the plain one).
 */
final class StatusObserver {

	private final DataStoreStatusProvider provider;

	private final DataStoreStatus initial;

	private final Recorder plain = new Recorder("plain", 0, false);

	private final Recorder slow = new Recorder("slow", TimeUnit.MILLISECONDS.toNanos(3), false);

	private final Recorder throwing = new Recorder("throwing", 0, true);

	StatusObserver(DataStoreStatusProvider provider) {
		this.provider = provider;
		this.initial = provider.getStatus();
		provider.addStatusListener(this.plain);
		provider.addStatusListener(this.slow);
		provider.addStatusListener(this.throwing);
	}

	DataStoreStatus initial() {
		return this.initial;
	}

	/** The changes the plain listener saw so far. */
	List<DataStoreStatus> changes() {
		return this.plain.snapshot();
	}

	/**
	 * Waits (at most {@code timeout}) until every listener has caught up with the provider's current status.
	 * @return whether they did
	 */
	boolean awaitDelivered(Duration timeout) {
		try {
			await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
				DataStoreStatus now = this.provider.getStatus();
				for (Recorder recorder : List.of(this.plain, this.slow, this.throwing)) {
					List<DataStoreStatus> seen = recorder.snapshot();
					DataStoreStatus last = seen.isEmpty() ? this.initial : seen.get(seen.size() - 1);
					if (!last.isSameStateAs(now)) {
						return false;
					}
				}
				return this.plain.size() == this.slow.size() && this.slow.size() == this.throwing.size();
			});
			return true;
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			return false;
		}
	}

	/**
	 * Checks what the listeners saw: the same changes in the same order, each a real change of state, {@code since}
	 * never going backwards, no unavailable status with {@code refreshNeeded}, the last one the current status.
	 * @return the problems found, empty if none
	 */
	List<String> check() {
		List<String> problems = new ArrayList<>();
		List<DataStoreStatus> reference = this.plain.snapshot();
		for (Recorder other : List.of(this.slow, this.throwing)) {
			List<DataStoreStatus> seen = other.snapshot();
			if (seen.size() != reference.size()) {
				problems.add(other.name + " listener saw " + seen.size() + " changes, plain saw " + reference.size());
				continue;
			}
			for (int i = 0; i < seen.size(); i++) {
				if (seen.get(i) != reference.get(i)) {
					problems.add(other.name + " listener: change #" + i + " differs (" + seen.get(i) + " vs "
							+ reference.get(i) + ")");
					break;
				}
			}
		}
		DataStoreStatus previous = this.initial;
		for (int i = 0; i < reference.size(); i++) {
			DataStoreStatus status = reference.get(i);
			if (status.isSameStateAs(previous)) {
				problems.add("change #" + i + " is no change: " + previous + " -> " + status);
			}
			if (status.getSince().isBefore(previous.getSince())) {
				problems.add("change #" + i + " goes back in time: " + previous + " -> " + status);
			}
			if (!status.isAvailable() && status.isRefreshNeeded()) {
				problems.add("change #" + i + " is unavailable with refreshNeeded: " + status);
			}
			previous = status;
		}
		if (!previous.isSameStateAs(this.provider.getStatus())) {
			problems.add("last change delivered " + previous + " but the status is " + this.provider.getStatus());
		}
		return problems;
	}

	void detach() {
		this.provider.removeStatusListener(this.plain);
		this.provider.removeStatusListener(this.slow);
		this.provider.removeStatusListener(this.throwing);
	}

	private static final class Recorder implements DataStoreStatusListener {

		private final String name;

		private final long workNanos;

		private final boolean fails;

		private final List<DataStoreStatus> seen = new ArrayList<>();

		Recorder(String name, long workNanos, boolean fails) {
			this.name = name;
			this.workNanos = workNanos;
			this.fails = fails;
		}

		@Override
		public void dataStoreStatusChanged(DataStoreStatus newStatus) {
			synchronized (this.seen) {
				this.seen.add(newStatus);
			}
			if (this.workNanos > 0) {
				// Simulated slow listener work, not synchronisation.
				LockSupport.parkNanos(this.workNanos);
			}
			if (this.fails) {
				throw new IllegalStateException("chaos: a listener that always throws");
			}
		}

		List<DataStoreStatus> snapshot() {
			synchronized (this.seen) {
				return List.copyOf(this.seen);
			}
		}

		int size() {
			synchronized (this.seen) {
				return this.seen.size();
			}
		}

		@Override
		public String toString() {
			return "chaos-" + this.name + "-listener";
		}

	}

}
