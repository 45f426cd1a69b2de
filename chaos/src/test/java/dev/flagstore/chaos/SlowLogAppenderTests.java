package dev.flagstore.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStoreException;
import dev.flagstore.store.PersistentDataStoreWrapper;
import dev.flagstore.test.FaultInjectingPersistentDataStore;
import dev.flagstore.test.FaultInjectingPersistentDataStore.Operation;
import dev.flagstore.test.InMemoryPersistentDataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Known bug, found by the default-timeouts scenario (docs/reliability.md, finding 8): every store call that fails
 * under the cache (a timeout, a bulkhead refusal) completes a future of Caffeine's {@code AsyncCache}, which logs it
 * at {@code WARNING} with its stack trace ({@code LocalAsyncCache}: "Exception thrown during asynchronous load"),
 * synchronously, on the thread that completes it: for a bulkhead refusal the caller's own, for a timeout the
 * wrapper's single {@code flagstore-status} thread, which also fires every other deadline, poll and heartbeat. So
 * a read that should fail at once waits for the application's log appender, and a slow appender holds up the
 * deadlines (the interrupt that frees a timed-out call's bulkhead permit) and the polls behind each record. In
 * the scenario: about 330 such warnings a second during a blackhole with 50 callers.
 *
 * <p>Each test installs, on Caffeine's loggers, a handler that takes 3 s per record: an appender that cannot keep
 * up (a console whose reader is slow, a full pipe, a stalled disk or log shipper). Defaults otherwise (2 s
 * deadline, 16 concurrent calls, 500 ms poll), over an in-memory store whose reads hang (interruptibly, as
 * Lettuce's do). They failed until the cache's failed loads stopped reaching Caffeine's logger (they now carry
 * the store's failure in a {@code CancellationException}, which Caffeine does not log) and a deadline ended its
 * call before telling the waiters; they are regression tests now.
 */
class SlowLogAppenderTests {

	private static final DataKind FEATURES = DataKind.json("features", Map.class);

	private static final Duration PER_RECORD = Duration.ofSeconds(3);

	/** JUL keeps loggers weakly: this keeps Caffeine's (and the handler on it) for the test. */
	private final Logger caffeine = Logger.getLogger("com.github.benmanes.caffeine");

	private final SlowHandler slow = new SlowHandler();

	private final FaultInjectingPersistentDataStore store = new FaultInjectingPersistentDataStore(
			new InMemoryPersistentDataStore());

	private final ExecutorService callers = Executors.newFixedThreadPool(16);

	private PersistentDataStoreWrapper wrapper;

	@BeforeEach
	void openWrapper() {
		this.wrapper = PersistentDataStoreWrapper.builder(this.store).build();
	}

	@AfterEach
	void close() throws InterruptedException {
		this.caffeine.removeHandler(this.slow);
		this.store.recover();
		this.callers.shutdownNow();
		this.callers.awaitTermination(10, TimeUnit.SECONDS);
		this.wrapper.close();
	}

	/** The 16 callers of {@link #fillTheBulkhead()} that have had their answer. */
	private final java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(16);

	/** 16 reads of keys the cache has not got, hung in the store: the bulkhead is full. */
	private void fillTheBulkhead() {
		this.store.hang(Operation.GET);
		for (int i = 0; i < 16; i++) {
			String key = "hung-" + i;
			this.callers.execute(() -> {
				try {
					this.wrapper.get(FEATURES, key);
				}
				catch (DataStoreException ex) {
					// Expected once the deadline passes.
				}
				finally {
					this.answered.countDown();
				}
			});
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.store.getHungCallCount() == 16);
	}

	private void slowDownTheLogAppender() {
		this.caffeine.addHandler(this.slow);
		this.caffeine.setUseParentHandlers(false);
	}

	@Test
	void aReadRefusedByTheBulkheadDoesNotWaitForTheLogAppender() {
		fillTheBulkhead();
		slowDownTheLogAppender();
		long start = System.nanoTime();
		DataStoreException refused = null;
		try {
			this.wrapper.get(FEATURES, "one-more");
		}
		catch (DataStoreException ex) {
			refused = ex;
		}
		long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(refused).as("the 17th read is refused").isNotNull();
		assertThat(refused.getMessage()).contains("flagstore.store.max-concurrent-calls");
		// Fails: the refusal waited for Caffeine's WARNING to be written (3 s), past the 2 s deadline + 50 ms.
		assertThat(waitedMillis).as("a refusal is immediate; the caller waited %d ms, %d log records were written "
				+ "on callers' threads %s", waitedMillis, this.slow.records.get(), this.slow.threads())
			.isLessThanOrEqualTo(2050);
	}

	@Test
	void callsPastTheirDeadlineAreInterruptedWhateverTheLogAppender() throws InterruptedException {
		fillTheBulkhead();
		slowDownTheLogAppender();
		// The callers have their DataStoreException 2 s (+ the 20 ms safety net) after they began.
		assertThat(this.answered.await(5, TimeUnit.SECONDS)).as("the 16 callers were answered").isTrue();
		long answeredAt = System.nanoTime();
		// "The timeout completes the call's future and interrupts the thread running it" (StoreCalls), which frees
		// the call's bulkhead permit: within a second of the deadlines, no call should still hang in the store.
		boolean interrupted = awaitNoHungCall(Duration.ofSeconds(1));
		// Fails: the flagstore-status thread writes one 3 s WARNING per timed-out read before it interrupts that
		// call and fires the next deadline, so the bulkhead stays full for 16 x 3 s.
		assertThat(interrupted).as("calls past their deadline still hanging 1 s later: %d of 16 (%d log records "
				+ "written, on %s)", this.store.getHungCallCount(), this.slow.records.get(), this.slow.threads())
			.isTrue();
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answeredAt)).isLessThan(1500);
	}

	private boolean awaitNoHungCall(Duration bound) {
		try {
			await().atMost(bound).pollInterval(Duration.ofMillis(20)).until(() -> this.store.getHungCallCount() == 0);
			return true;
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			return false;
		}
	}

	/** A log handler that takes {@link #PER_RECORD} per record, and remembers which threads logged. */
	private static final class SlowHandler extends Handler {

		final AtomicInteger records = new AtomicInteger();

		private final List<String> threadNames = new ArrayList<>();

		@Override
		public void publish(LogRecord record) {
			if (record.getLevel().intValue() < Level.WARNING.intValue()) {
				return;
			}
			this.records.incrementAndGet();
			synchronized (this.threadNames) {
				if (!this.threadNames.contains(Thread.currentThread().getName())) {
					this.threadNames.add(Thread.currentThread().getName());
				}
			}
			try {
				// The slow appender is the fault being simulated.
				Thread.sleep(PER_RECORD.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		List<String> threads() {
			synchronized (this.threadNames) {
				return List.copyOf(this.threadNames);
			}
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

	}

}
