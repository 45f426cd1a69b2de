package dev.flagstore.source;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * The seed's status rules, on a clock the test moves, with listeners run on the reporting thread so that what was
 * published is known when {@code updateStatus} returns.
 */
class FlagSourceStatusRulesTests {

	private final TestClock clock = new TestClock(false);

	private final SourceStatusMachine machine = new SourceStatusMachine(this.clock, Runnable::run);

	private final List<FlagSourceStatus> published = new CopyOnWriteArrayList<>();

	{
		this.machine.addStatusListener(this.published::add);
	}

	private FlagSourceErrorInfo error(FlagSourceErrorKind kind, String message) {
		return FlagSourceErrorInfo.of(kind, message, this.clock.instant());
	}

	@Test
	void shouldStartInitializingSinceCreationWithoutError() {
		FlagSourceStatus status = this.machine.getStatus();
		assertThat(status.getState()).isEqualTo(FlagSourceState.INITIALIZING);
		assertThat(status.getStateSince()).isEqualTo(this.clock.instant());
		assertThat(status.getLastError()).isNull();
		assertThat(this.published).isEmpty();
	}

	@Test
	void shouldStayInitializingWhenInterruptedIsReportedBeforeTheFirstValid() {
		Instant since = this.machine.getStatus().getStateSince();
		this.clock.advance(Duration.ofSeconds(5));
		FlagSourceErrorInfo error = error(FlagSourceErrorKind.NETWORK_ERROR, "connection refused");
		this.machine.update(FlagSourceState.INTERRUPTED, error);
		FlagSourceStatus status = this.machine.getStatus();
		assertThat(status.getState()).isEqualTo(FlagSourceState.INITIALIZING);
		assertThat(status.getStateSince()).isEqualTo(since);
		assertThat(status.getLastError()).isEqualTo(error);
		// The error is news: published, with the state unchanged.
		assertThat(this.published).containsExactly(status);
	}

	@Test
	void shouldReportInterruptedAfterValidWithANewSince() {
		this.clock.advance(Duration.ofSeconds(1));
		this.machine.update(FlagSourceState.VALID, null);
		Instant validSince = this.clock.instant();
		this.clock.advance(Duration.ofSeconds(1));
		this.machine.update(FlagSourceState.INTERRUPTED, error(FlagSourceErrorKind.ERROR_RESPONSE, "503"));
		assertThat(this.published).extracting(FlagSourceStatus::getState)
			.containsExactly(FlagSourceState.VALID, FlagSourceState.INTERRUPTED);
		assertThat(this.published.get(0).getStateSince()).isEqualTo(validSince);
		assertThat(this.published.get(1).getStateSince()).isEqualTo(this.clock.instant());
	}

	@Test
	void shouldKeepTheSinceOfAStateReportedAgainWithANewError() {
		this.machine.update(FlagSourceState.VALID, null);
		this.machine.update(FlagSourceState.INTERRUPTED, error(FlagSourceErrorKind.NETWORK_ERROR, "first"));
		Instant since = this.machine.getStatus().getStateSince();
		this.clock.advance(Duration.ofSeconds(30));
		FlagSourceErrorInfo second = error(FlagSourceErrorKind.NETWORK_ERROR, "second");
		this.machine.update(FlagSourceState.INTERRUPTED, second);
		assertThat(this.machine.getStatus().getStateSince()).isEqualTo(since);
		assertThat(this.machine.getStatus().getLastError()).isEqualTo(second);
		assertThat(this.published).hasSize(3);
	}

	@Test
	void shouldNotPublishAnUpdateThatChangesNeitherStateNorError() {
		FlagSourceErrorInfo error = error(FlagSourceErrorKind.INVALID_DATA, "bad");
		this.machine.update(FlagSourceState.VALID, error);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.machine.update(FlagSourceState.VALID, null)).isFalse();
		assertThat(this.machine.update(FlagSourceState.VALID, error)).isFalse();
		// An equal error (same kind, code, message and time) is no news either.
		assertThat(this.machine.update(FlagSourceState.VALID,
				new FlagSourceErrorInfo(error.kind(), 0, error.message(), error.time())))
			.isFalse();
		assertThat(this.published).hasSize(1);
	}

	@Test
	void shouldKeepTheLastErrorAfterRecovery() {
		this.machine.update(FlagSourceState.VALID, null);
		FlagSourceErrorInfo error = error(FlagSourceErrorKind.NETWORK_ERROR, "reset");
		this.machine.update(FlagSourceState.INTERRUPTED, error);
		this.machine.update(FlagSourceState.VALID, null);
		assertThat(this.machine.getStatus().getState()).isEqualTo(FlagSourceState.VALID);
		assertThat(this.machine.getStatus().getLastError()).isEqualTo(error);
	}

	@Test
	void shouldIgnoreEverythingAfterOff() {
		this.machine.update(FlagSourceState.VALID, null);
		FlagSourceErrorInfo unauthorized = new FlagSourceErrorInfo(FlagSourceErrorKind.ERROR_RESPONSE, 401,
				"unauthorized", this.clock.instant());
		this.machine.update(FlagSourceState.OFF, unauthorized);
		FlagSourceStatus off = this.machine.getStatus();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.machine.update(FlagSourceState.VALID, null)).isFalse();
		assertThat(this.machine.update(FlagSourceState.INTERRUPTED, error(FlagSourceErrorKind.UNKNOWN, "x")))
			.isFalse();
		assertThat(this.machine.recordStoreError("upsert failed")).isFalse();
		this.machine.off();
		assertThat(this.machine.getStatus()).isSameAs(off);
		assertThat(this.published).extracting(FlagSourceStatus::getState)
			.containsExactly(FlagSourceState.VALID, FlagSourceState.OFF);
	}

	@Test
	void shouldGoFromInitializingStraightToOff() {
		this.machine.update(FlagSourceState.OFF, null);
		assertThat(this.machine.getStatus().getState()).isEqualTo(FlagSourceState.OFF);
	}

	@Test
	void shouldRecordAStoreErrorWithoutChangingTheState() {
		this.machine.update(FlagSourceState.VALID, null);
		Instant since = this.machine.getStatus().getStateSince();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.machine.recordStoreError("init failed")).isTrue();
		FlagSourceStatus status = this.machine.getStatus();
		assertThat(status.getState()).isEqualTo(FlagSourceState.VALID);
		assertThat(status.getStateSince()).isEqualTo(since);
		assertThat(status.getLastError().kind()).isEqualTo(FlagSourceErrorKind.STORE_ERROR);
		assertThat(status.getLastError().message()).isEqualTo("init failed");
		assertThat(status.getLastError().time()).isEqualTo(this.clock.instant());
	}

	@Test
	void shouldRefuseANullState() {
		assertThatNullPointerException().isThrownBy(() -> this.machine.update(null, null));
	}

}
