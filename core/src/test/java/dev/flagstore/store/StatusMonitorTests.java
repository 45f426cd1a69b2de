package dev.flagstore.store;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state machine alone, driven by hand (no polling, no heartbeat).
 */
class StatusMonitorTests {

	private final StatusMonitor monitor = new StatusMonitor(Clock.systemUTC(), Duration.ofHours(1), Duration.ZERO,
			() -> {
			}, () -> {
			});

	@AfterEach
	void close() {
		this.monitor.close();
	}

	@Test
	void lateFailureOfACallCaughtInTheOutageShouldNotCancelRecovery() {
		long callStart = System.nanoTime();
		this.monitor.recordFailure(new DataStoreException("refused"), callStart);
		assertThat(this.monitor.isAvailable()).isFalse();
		long pollStart = System.nanoTime();
		// A call that started during the outage fails only now (its timeout ran out after the store came back).
		this.monitor.recordFailure(new DataStoreException("timed out"), callStart);
		this.monitor.recordRecovery(true, pollStart);
		assertThat(this.monitor.isAvailable()).isTrue();
		assertThat(this.monitor.getStatus().isRefreshNeeded()).isTrue();
	}

	@Test
	void failureOfACallStartedDuringTheRecoveryShouldCancelIt() {
		this.monitor.recordFailure(new DataStoreException("refused"), System.nanoTime());
		long pollStart = System.nanoTime();
		this.monitor.recordFailure(new DataStoreException("refused again"), System.nanoTime());
		this.monitor.recordRecovery(false, pollStart);
		assertThat(this.monitor.isAvailable()).isFalse();
		this.monitor.recordRecovery(false, System.nanoTime());
		assertThat(this.monitor.isAvailable()).isTrue();
	}

	@Test
	void lastErrorShouldBeTheFailureThatMadeTheStoreUnavailable() {
		this.monitor.recordFailure(new DataStoreException("first"), System.nanoTime());
		this.monitor.recordFailure(new DataStoreException("second"), System.nanoTime());
		assertThat(this.monitor.getStatus().getLastError()).isEqualTo("first");
		this.monitor.recordRecovery(true, System.nanoTime());
		assertThat(this.monitor.getStatus().getLastError()).as("kept after recovery").isEqualTo("first");
	}

}
