package dev.flagstore.store;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status state machine on fake time: evidence rules, polling chains, and transitions racing each other.
 */
class StatusMachineTests {

	private final FakeTicker ticker = new FakeTicker();

	private final ManualScheduler scheduler = new ManualScheduler(this.ticker);

	private final RecordingListener listener = new RecordingListener();

	private final StatusMachine machine = new StatusMachine(Clock.systemUTC(), this.ticker, this.scheduler,
			Runnable::run, Runnable::run, Duration.ofMillis(500));

	private int polls;

	StatusMachineTests() {
		this.machine.start(() -> this.polls++, () -> TimeUnit.SECONDS.toNanos(10), 0);
		this.machine.addStatusListener(this.listener);
	}

	@AfterEach
	void close() {
		this.machine.close();
	}

	private long tick() {
		this.ticker.advance(Duration.ofMillis(1));
		return this.ticker.read();
	}

	@Test
	void lateFailureOfACallCaughtInTheOutageShouldNotCancelRecovery() {
		long callStart = tick();
		this.machine.recordFailure(new DataStoreException("refused"), callStart);
		assertThat(this.machine.isAvailable()).isFalse();
		long pollStart = tick();
		// A call that started during the outage fails only now (its timeout ran out after the store came back).
		this.machine.recordFailure(new DataStoreException("timed out"), callStart);
		assertThat(this.machine.recordRecovery(pollStart, true)).isTrue();
		assertThat(this.machine.getStatus().isAvailable()).isTrue();
		assertThat(this.machine.getStatus().isRefreshNeeded()).isTrue();
		// ... nor make the store unavailable again once it recovered.
		this.machine.recordFailure(new DataStoreException("timed out"), callStart);
		assertThat(this.machine.isAvailable()).isTrue();
	}

	@Test
	void failureOfACallStartedDuringTheRecoveryShouldCancelIt() {
		this.machine.recordFailure(new DataStoreException("refused"), tick());
		long pollStart = tick();
		this.machine.recordFailure(new DataStoreException("refused again"), tick());
		assertThat(this.machine.recordRecovery(pollStart, false)).isFalse();
		assertThat(this.machine.isAvailable()).isFalse();
		assertThat(this.machine.recordRecovery(tick(), false)).isTrue();
		assertThat(this.machine.isAvailable()).isTrue();
	}

	@Test
	void lastErrorShouldBeTheFailureThatMadeTheStoreUnavailable() {
		this.machine.recordFailure(new DataStoreException("first"), tick());
		this.machine.recordFailure(new DataStoreException("second"), tick());
		assertThat(this.machine.getStatus().getLastError()).isEqualTo("first");
		this.machine.recordRecovery(tick(), true);
		assertThat(this.machine.getStatus().getLastError()).as("kept after recovery").isEqualTo("first");
	}

	/** Defect 4: an init that began before another call failed does not prove the store is back. */
	@Test
	void initThatStartedBeforeAFailureShouldNotEndTheOutage() {
		long initStart = tick();
		this.machine.recordFailure(new DataStoreException("get failed"), tick());
		this.machine.recordInitialized(initStart);
		assertThat(this.machine.isAvailable()).isFalse();
		assertThat(this.machine.state().polling()).as("still polling").isTrue();
		this.machine.recordInitialized(tick());
		assertThat(this.machine.isAvailable()).isTrue();
		assertThat(this.machine.getStatus().isRefreshNeeded()).isFalse();
		assertThat(this.machine.state().polling()).isFalse();
	}

	@Test
	void pollShouldRunEveryPollIntervalWhileUnavailableAndStopOnRecovery() {
		this.machine.recordFailure(new DataStoreException("refused"), tick());
		this.scheduler.advance(Duration.ofMillis(499));
		assertThat(this.polls).isZero();
		this.scheduler.advance(Duration.ofMillis(1));
		assertThat(this.polls).isOne();
		this.scheduler.advance(Duration.ofMillis(1000));
		assertThat(this.polls).isEqualTo(3);
		this.machine.recordRecovery(tick(), true);
		this.scheduler.advance(Duration.ofSeconds(10));
		assertThat(this.polls).isEqualTo(3);
		assertThat(this.scheduler.pending()).isZero();
	}

	@Test
	void newOutageAfterARecoveryShouldRunOnePollChainOnly() {
		this.machine.recordFailure(new DataStoreException("refused"), tick());
		this.machine.recordRecovery(tick(), true);
		this.machine.recordFailure(new DataStoreException("refused"), tick());
		// The first chain's task is still scheduled, but it belongs to an ended epoch.
		this.scheduler.advance(Duration.ofMillis(500));
		assertThat(this.polls).isOne();
		this.scheduler.advance(Duration.ofMillis(500));
		assertThat(this.polls).isEqualTo(2);
	}

	@Test
	void dataLostShouldNotBeBelievedAfterANewerInit() {
		long checkStart = tick();
		this.machine.recordInitialized(tick());
		this.machine.recordDataLost(checkStart);
		assertThat(this.machine.getStatus().isRefreshNeeded()).isFalse();
		this.machine.recordDataLost(tick());
		assertThat(this.machine.getStatus().isRefreshNeeded()).isTrue();
		assertThat(this.listener.states()).containsExactly("up+refresh");
	}

	@Test
	void nothingShouldBePublishedOrPolledAfterClose() {
		this.machine.close();
		this.machine.recordFailure(new DataStoreException("refused"), tick());
		this.scheduler.advance(Duration.ofSeconds(5));
		assertThat(this.machine.isAvailable()).isTrue();
		assertThat(this.polls).isZero();
		assertThat(this.listener.received).isEmpty();
	}

	/**
	 * Defect 8: a failure of a call that started after the poll began, recorded while that poll reports recovery,
	 * is never lost: whichever comes first, the machine ends unavailable and polling, and listeners saw the last
	 * change.
	 */
	@RepeatedTest(200)
	void failureRacingARecoveryShouldNeverBeLost() throws Exception {
		StatusMachine raced = new StatusMachine(Clock.systemUTC(), this.ticker, this.scheduler, Runnable::run,
				Runnable::run, Duration.ofMillis(500));
		RecordingListener seen = new RecordingListener();
		raced.addStatusListener(seen);
		raced.start(() -> {
		}, () -> 0, 0);
		raced.recordFailure(new DataStoreException("refused"), tick());
		long pollStart = tick();
		long failedCallStart = tick();
		CyclicBarrier start = new CyclicBarrier(2);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			Future<?> recovery = threads.submit(() -> {
				start.await();
				return raced.recordRecovery(pollStart, true);
			});
			Future<?> failure = threads.submit(() -> {
				start.await();
				raced.recordFailure(new DataStoreException("refused again"), failedCallStart);
				return null;
			});
			recovery.get(5, TimeUnit.SECONDS);
			failure.get(5, TimeUnit.SECONDS);
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(raced.isAvailable()).isFalse();
		assertThat(raced.state().polling()).isTrue();
		assertThat(seen.states()).last().isEqualTo("down");
		raced.close();
	}

}
