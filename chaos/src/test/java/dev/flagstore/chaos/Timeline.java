package dev.flagstore.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

import dev.flagstore.status.DataStoreStatus;
import org.jspecify.annotations.Nullable;

/**
 * Compares one instance's status (the changes its listener saw, stamped by the wrapper's clock) with reality (the
 * fault driver's timeline, same clock): where they disagree for longer than the bound after the store changed, the
 * status lied. Also measures detection latency (store went down → status unavailable) and recovery latency (store
 * came back → status available).
 */
final class Timeline {

	private final List<Long> detectionMillis = new ArrayList<>();

	private final List<Long> recoveryMillis = new ArrayList<>();

	private final List<String> problems = new ArrayList<>();

	private int undetectedOutages;

	private int lateDetections;

	private int unrecoveredBeforeNextOutage;

	private long worstMismatchMillis;

	private final Set<Instant> backoffExcused = new HashSet<>();

	private Timeline() {
	}

	List<Long> detectionMillis() {
		return this.detectionMillis;
	}

	List<Long> recoveryMillis() {
		return this.recoveryMillis;
	}

	List<String> problems() {
		return this.problems;
	}

	int undetectedOutages() {
		return this.undetectedOutages;
	}

	/** Outages the status reported only after the store was back (a call caught in the outage failed late). */
	int lateDetections() {
		return this.lateDetections;
	}

	int unrecoveredBeforeNextOutage() {
		return this.unrecoveredBeforeNextOutage;
	}

	/** Recoveries later than the recovery bound alone, within it plus the client's reconnect back-off. */
	int backoffExcused() {
		return this.backoffExcused.size();
	}

	/** The longest stretch during which the status disagreed with reality, in ms, counted from the store's change. */
	long worstMismatchMillis() {
		return this.worstMismatchMillis;
	}

	/**
	 * @param detectionBound how long after the store goes down the status may still say available
	 * @param recoveryBound how long after the store comes back the status may still say unavailable
	 * @param reconnectBackoff what the client's own reconnect back-off adds to {@code recoveryBound}, given how
	 * long the client had been failing when the store came back (since the outage began, or since the status went
	 * unavailable if that was earlier)
	 */
	static Timeline analyze(List<Reality.Change> reality, DataStoreStatus initial, List<DataStoreStatus> changes,
			Instant end, Duration detectionBound, Duration recoveryBound,
			UnaryOperator<Duration> reconnectBackoff) {
		Timeline timeline = new Timeline();
		List<DataStoreStatus> statuses = new ArrayList<>();
		statuses.add(initial);
		statuses.addAll(changes);
		timeline.checkAgreement(reality, statuses, end, detectionBound, recoveryBound, reconnectBackoff);
		timeline.measure(reality, statuses, end, detectionBound);
		return timeline;
	}

	private void checkAgreement(List<Reality.Change> reality, List<DataStoreStatus> statuses, Instant end,
			Duration detectionBound, Duration recoveryBound, UnaryOperator<Duration> reconnectBackoff) {
		TreeSet<Instant> points = new TreeSet<>();
		reality.forEach((change) -> points.add(change.at()));
		statuses.forEach((status) -> points.add(status.getSince()));
		points.add(end);
		Instant[] sorted = points.headSet(end, true).toArray(new Instant[0]);
		@Nullable Instant reportedPeriod = null;
		for (int i = 0; i + 1 < sorted.length; i++) {
			Instant from = sorted[i];
			Instant to = sorted[i + 1];
			Reality.@Nullable Change fact = realityAt(reality, from);
			@Nullable DataStoreStatus said = statusAt(statuses, from);
			if (fact == null || said == null || said.isAvailable() == fact.up()) {
				continue;
			}
			long stale = Duration.between(fact.at(), to).toMillis();
			this.worstMismatchMillis = Math.max(this.worstMismatchMillis, stale);
			// The client has been failing since the outage began, or since the status went unavailable if earlier
			// (the status may have stayed unavailable through short up-times in between).
			Duration failingFor = Duration.ZERO;
			Duration backoff = Duration.ZERO;
			if (fact.up()) {
				Instant failingSince = min(said.getSince(), outageStart(reality, fact));
				failingFor = Duration.between(failingSince, fact.at());
				backoff = reconnectBackoff.apply(failingFor);
			}
			Duration bound = (fact.up() ? recoveryBound : detectionBound).plus(backoff);
			if (fact.up() && stale > recoveryBound.toMillis() && stale <= bound.toMillis()) {
				this.backoffExcused.add(fact.at());
			}
			if (stale > bound.toMillis() && !fact.at().equals(reportedPeriod) && this.problems.size() < 10) {
				reportedPeriod = fact.at();
				this.problems.add("status said " + (said.isAvailable() ? "available" : "unavailable") + " until "
						+ to + ", " + stale + " ms after the store " + (fact.up() ? "came back" : "went down") + " ("
						+ fact.cause() + " at " + fact.at() + "); bound " + bound.toMillis() + " ms"
						+ (backoff.isZero() ? "" : " (" + backoff.toMillis() + " ms of it the client's reconnect "
								+ "back-off after " + failingFor.toMillis() + " ms of failures)"));
			}
		}
	}

	private void measure(List<Reality.Change> reality, List<DataStoreStatus> statuses, Instant end,
			Duration detectionBound) {
		for (int i = 0; i < reality.size(); i++) {
			Reality.Change change = reality.get(i);
			Instant next = (i + 1 < reality.size()) ? reality.get(i + 1).at() : end;
			@Nullable DataStoreStatus atChange = statusAt(statuses, change.at());
			if (atChange == null || change.cause().equals("start")) {
				continue;
			}
			if (!change.up()) {
				if (!atChange.isAvailable()) {
					continue;
				}
				@Nullable DataStoreStatus detected = firstAfter(statuses, change.at(), next, false);
				if (detected != null) {
					this.detectionMillis.add(Duration.between(change.at(), detected.getSince()).toMillis());
				}
				else if (firstAfter(statuses, next, next.plus(detectionBound), false) != null) {
					this.lateDetections++;
				}
				else {
					this.undetectedOutages++;
				}
			}
			else {
				// Down at the change, or a call caught in the outage fails just after it: recovery counts from here.
				Instant lateFailureLimit = change.at().plus(detectionBound);
				@Nullable DataStoreStatus down = atChange.isAvailable()
						? firstAfter(statuses, change.at(), min(next, lateFailureLimit), false) : atChange;
				if (down == null) {
					continue;
				}
				@Nullable DataStoreStatus recovered = firstAfter(statuses, max(change.at(), down.getSince()), next, true);
				if (recovered != null) {
					this.recoveryMillis.add(Duration.between(change.at(), recovered.getSince()).toMillis());
				}
				else {
					this.unrecoveredBeforeNextOutage++;
				}
			}
		}
	}

	/** When the outage that {@code up} ends began: the first change to down since the last change to up. */
	private static Instant outageStart(List<Reality.Change> reality, Reality.Change up) {
		@Nullable Instant start = null;
		for (Reality.Change change : reality) {
			if (!change.at().isBefore(up.at())) {
				break;
			}
			if (change.up()) {
				start = null;
			}
			else if (start == null) {
				start = change.at();
			}
		}
		return (start != null) ? start : up.at();
	}

	private static Reality.@Nullable Change realityAt(List<Reality.Change> reality, Instant at) {
		Reality.@Nullable Change found = null;
		for (Reality.Change change : reality) {
			if (change.at().isAfter(at)) {
				break;
			}
			found = change;
		}
		return found;
	}

	private static @Nullable DataStoreStatus statusAt(List<DataStoreStatus> statuses, Instant at) {
		@Nullable DataStoreStatus found = null;
		for (DataStoreStatus status : statuses) {
			if (status.getSince().isAfter(at)) {
				break;
			}
			found = status;
		}
		return (found != null) ? found : statuses.get(0);
	}

	private static @Nullable DataStoreStatus firstAfter(List<DataStoreStatus> statuses, Instant from, Instant before,
			boolean available) {
		for (int i = 1; i < statuses.size(); i++) {
			DataStoreStatus status = statuses.get(i);
			if (!status.getSince().isBefore(from) && status.getSince().isBefore(before)
					&& status.isAvailable() == available) {
				return status;
			}
		}
		return null;
	}

	private static Instant min(Instant a, Instant b) {
		return a.isBefore(b) ? a : b;
	}

	private static Instant max(Instant a, Instant b) {
		return a.isAfter(b) ? a : b;
	}

}
