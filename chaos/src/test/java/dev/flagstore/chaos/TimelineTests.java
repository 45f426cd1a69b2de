package dev.flagstore.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

import dev.flagstore.status.DataStoreStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status-versus-reality check the scenarios rely on: a recovery later than the bound is a violation, and a
 * client's reconnect back-off widens the bound only by what it can really add for the outage at hand.
 */
class TimelineTests {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	private static final Duration DETECTION = Duration.ofMillis(2000);

	private static final Duration RECOVERY = Duration.ofMillis(2200);

	private static final UnaryOperator<Duration> NO_BACKOFF = (failingFor) -> Duration.ZERO;

	@Test
	void recoveryWithinTheBoundHolds() {
		Timeline timeline = analyze(1000, 3000, 3000 + 2100, NO_BACKOFF);
		assertThat(timeline.problems()).isEmpty();
		assertThat(timeline.recoveryMillis()).containsExactly(2100L);
		assertThat(timeline.detectionMillis()).containsExactly(5L);
	}

	@Test
	void recoveryPastTheBoundIsAViolation() {
		Timeline timeline = analyze(1000, 3000, 3000 + 2300, NO_BACKOFF);
		assertThat(timeline.problems()).singleElement()
			.asString()
			.contains("2300 ms after the store came back")
			.contains("bound 2200 ms");
	}

	@Test
	void reconnectBackoffWidensTheBoundByAtMostTheTimeUnavailable() {
		// Failing from 1000 (the outage) to 3000: HikariCP's sleep in progress is at most 2010 ms.
		Timeline excused = analyze(1000, 3000, 3000 + 2200 + 2000, PostgresBackend::hikariBackoff);
		assertThat(excused.problems()).isEmpty();
		assertThat(excused.backoffExcused()).isOne();
		assertThat(analyze(1000, 3000, 3000 + 2000, PostgresBackend::hikariBackoff).backoffExcused()).isZero();
		assertThat(analyze(1000, 3000, 3000 + 2200 + 2100, PostgresBackend::hikariBackoff).problems()).singleElement()
			.asString()
			.contains("bound 4210 ms (2010 ms of it the client's reconnect back-off after 2000 ms of failures)");
	}

	@Test
	void reconnectBackoffIsCappedAtFiveSeconds() {
		// Unavailable for 20 s: HikariCP sleeps 5 s at most.
		assertThat(analyze(1000, 21_000, 21_000 + 2200 + 4900, PostgresBackend::hikariBackoff).problems()).isEmpty();
		assertThat(analyze(1000, 21_000, 21_000 + 2200 + 5100, PostgresBackend::hikariBackoff).problems()).singleElement()
			.asString()
			.contains("bound 7200 ms");
	}

	@Test
	void reconnectBackoffCountsFromTheStatusWhenItStayedUnavailableThroughShortUpTimes() {
		// Down 1000-2000, up 2000-2500 (the pool still backing off), down 2500-4000, then up for good.
		List<Reality.Change> reality = List.of(new Reality.Change(T0, true, "start"),
				new Reality.Change(at(1000), false, "refused"), new Reality.Change(at(2000), true, "refusal ended"),
				new Reality.Change(at(2500), false, "refused"), new Reality.Change(at(4000), true, "refusal ended"));
		List<DataStoreStatus> changes = List.of(new DataStoreStatus(false, false, at(1005), "refused"),
				new DataStoreStatus(true, true, at(4000 + 2200 + 2900), "refused"));
		Timeline timeline = Timeline.analyze(reality, DataStoreStatus.available(T0), changes, at(12_000), DETECTION,
				RECOVERY, PostgresBackend::hikariBackoff);
		// Failing since 1005 (the status), not 2500 (the last outage): up to 3005 ms of back-off.
		assertThat(timeline.problems()).isEmpty();
		assertThat(timeline.backoffExcused()).isOne();
	}

	@Test
	void reconnectBackoffNeverExcusesALateDetection() {
		Timeline timeline = analyze(1000, 21_000, 21_100, PostgresBackend::hikariBackoff, 1000 + 2500);
		assertThat(timeline.problems()).singleElement().asString().contains("after the store went down");
	}

	/** Store down at {@code downAt}, back at {@code upAt}; status unavailable 5 ms after going down. */
	private static Timeline analyze(long downAt, long upAt, long recoveredAt, UnaryOperator<Duration> backoff) {
		return analyze(downAt, upAt, recoveredAt, backoff, downAt + 5);
	}

	private static Timeline analyze(long downAt, long upAt, long recoveredAt, UnaryOperator<Duration> backoff,
			long detectedAt) {
		List<Reality.Change> reality = List.of(new Reality.Change(T0, true, "start"),
				new Reality.Change(at(downAt), false, "connections refused (proxy)"),
				new Reality.Change(at(upAt), true, "refusal ended"));
		DataStoreStatus initial = DataStoreStatus.available(T0);
		List<DataStoreStatus> changes = List.of(new DataStoreStatus(false, false, at(detectedAt), "refused"),
				new DataStoreStatus(true, true, at(recoveredAt), "refused"));
		return Timeline.analyze(reality, initial, changes, at(recoveredAt + 1000), DETECTION, RECOVERY, backoff);
	}

	private static Instant at(long millis) {
		return T0.plusMillis(millis);
	}

}
