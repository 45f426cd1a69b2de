package dev.flagstore.source;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link FlagSourceStatusProvider#waitFor}: answers at once when it can, wakes on the change it waits for (no
 * polling: a waiter parked for minutes returns as soon as another thread reports), gives up early on OFF, and
 * honours interrupts.
 */
class WaitForTests {

	private static final Duration LONG = Duration.ofMinutes(5);

	private final SourceStatusMachine machine = new SourceStatusMachine(new TestClock(true), Runnable::run);

	private final ExecutorService waiters = Executors.newCachedThreadPool();

	@AfterEach
	void stopWaiters() throws InterruptedException {
		this.waiters.shutdownNow();
		assertThat(this.waiters.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void shouldAnswerAtOnceWhenAlreadyInTheState() throws InterruptedException {
		assertThat(this.machine.waitFor(FlagSourceState.INITIALIZING, Duration.ZERO)).isTrue();
		this.machine.update(FlagSourceState.VALID, null);
		assertThat(this.machine.waitFor(FlagSourceState.VALID, LONG)).isTrue();
	}

	@Test
	void shouldNotWaitForAZeroOrNegativeTimeout() throws InterruptedException {
		assertThat(this.machine.waitFor(FlagSourceState.VALID, Duration.ZERO)).isFalse();
		assertThat(this.machine.waitFor(FlagSourceState.VALID, Duration.ofSeconds(-1))).isFalse();
	}

	@Test
	void shouldGiveUpAfterTheTimeout() throws InterruptedException {
		long start = System.nanoTime();
		assertThat(this.machine.waitFor(FlagSourceState.VALID, Duration.ofMillis(50))).isFalse();
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
	}

	@RepeatedTest(5)
	void shouldWakeWhenAnotherThreadReportsTheState() throws Exception {
		CountDownLatch waiting = new CountDownLatch(1);
		Future<Boolean> result = this.waiters.submit(() -> {
			waiting.countDown();
			return this.machine.waitFor(FlagSourceState.VALID, LONG);
		});
		waiting.await();
		// A report of another state does not end the wait.
		this.machine.update(FlagSourceState.INITIALIZING, FlagSourceErrorInfo.of(FlagSourceErrorKind.UNKNOWN, "x",
				java.time.Instant.EPOCH));
		this.machine.update(FlagSourceState.VALID, null);
		assertThat(result.get(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void shouldReturnFalseEarlyWhenTheSourceTurnsOff() throws Exception {
		CompletableFuture<Boolean> result = CompletableFuture.supplyAsync(() -> {
			try {
				return this.machine.waitFor(FlagSourceState.VALID, LONG);
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		}, this.waiters);
		await().until(() -> this.machine.hasWaiters());
		this.machine.off();
		assertThat(result.get(10, TimeUnit.SECONDS)).isFalse();
		assertThat(this.machine.waitFor(FlagSourceState.VALID, LONG)).isFalse();
		assertThat(this.machine.waitFor(FlagSourceState.OFF, Duration.ZERO)).isTrue();
	}

	@Test
	void shouldThrowOnInterruptAndClearTheFlag() throws Exception {
		AtomicReference<Thread> waiter = new AtomicReference<>();
		AtomicReference<Boolean> flagAfter = new AtomicReference<>();
		Future<?> result = this.waiters.submit(() -> {
			waiter.set(Thread.currentThread());
			try {
				this.machine.waitFor(FlagSourceState.VALID, LONG);
				return "returned";
			}
			catch (InterruptedException ex) {
				flagAfter.set(Thread.currentThread().isInterrupted());
				return "interrupted";
			}
		});
		await().until(() -> this.machine.hasWaiters());
		waiter.get().interrupt();
		assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("interrupted");
		assertThat(flagAfter.get()).isFalse();
	}

	@Test
	void shouldThrowWhenInterruptedBeforeWaiting() {
		Thread.currentThread().interrupt();
		try {
			assertThatExceptionOfType(InterruptedException.class)
				.isThrownBy(() -> this.machine.waitFor(FlagSourceState.VALID, LONG));
		}
		finally {
			Thread.interrupted();
		}
	}

}
