package dev.flagstore.store;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.flagstore.store.StoreCalls.Lane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.flagstore.store.TestData.FEATURES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Review of 1b87774 ({@code CallTask.run} releases its permit before answering its caller): every way a call ends
 * gives its permit back exactly once, and before the caller is answered when the store call returned.
 */
class StoreCallPermitTests {

	private static final int PERMITS = 2;

	private final FakeTicker ticker = new FakeTicker();

	private final ManualScheduler scheduler = new ManualScheduler(this.ticker);

	/** Tasks handed to the executor, run by the test. */
	private final List<Runnable> queued = new ArrayList<>();

	private final AtomicInteger recorded = new AtomicInteger();

	private volatile boolean recorderThrows;

	private StoreCalls calls(Duration timeout) {
		return new StoreCalls(timeout, PERMITS, this.queued::add, this.scheduler, this.ticker, (error, start) -> {
			this.recorded.incrementAndGet();
			if (this.recorderThrows) {
				throw new IllegalStateException("recorder failed");
			}
		});
	}

	private static int available(StoreCalls calls) throws ReflectiveOperationException {
		Field field = StoreCalls.class.getDeclaredField("applicationPermits");
		field.setAccessible(true);
		return ((Semaphore) field.get(calls)).availablePermits();
	}

	private void runQueued() {
		List<Runnable> tasks = new ArrayList<>(this.queued);
		this.queued.clear();
		for (Runnable task : tasks) {
			try {
				task.run();
			}
			catch (RuntimeException | Error ex) {
				// what a pool thread would see
			}
		}
	}

	@Test
	void aSuccessfulCallShouldGiveItsPermitBackBeforeItsCallerIsAnswered() throws Exception {
		StoreCalls calls = calls(Duration.ofSeconds(1));
		CompletableFuture<String> future = calls.submit(StoreOperation.GET, FEATURES, Lane.APPLICATION, () -> "ok");
		int[] whenAnswered = { -1 };
		future.whenComplete((value, error) -> {
			try {
				whenAnswered[0] = available(calls);
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThat(available(calls)).isEqualTo(PERMITS - 1);
		runQueued();
		assertThat(future.join()).isEqualTo("ok");
		assertThat(whenAnswered[0]).isEqualTo(PERMITS);
		assertThat(available(calls)).isEqualTo(PERMITS);
	}

	@ParameterizedTest
	@ValueSource(strings = { "exception", "error", "exception+recorder", "error+recorder" })
	void aFailedCallShouldGiveItsPermitBackExactlyOnce(String how) throws Exception {
		this.recorderThrows = how.endsWith("+recorder");
		StoreCalls calls = calls(Duration.ofSeconds(1));
		CompletableFuture<String> future = calls.submit(StoreOperation.GET, FEATURES, Lane.APPLICATION, () -> {
			if (how.startsWith("error")) {
				throw new AssertionError("store threw an Error");
			}
			throw new IllegalStateException("store failed");
		});
		runQueued();
		assertThat(future).isCompletedExceptionally();
		assertThat(available(calls)).isEqualTo(PERMITS);
	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void anInlineCallWhoseFailureRecorderThrowsShouldGiveItsPermitBackOnce(boolean recorderThrows) throws Exception {
		this.recorderThrows = recorderThrows;
		StoreCalls calls = calls(Duration.ZERO);
		assertThatThrownBy(() -> calls.call(StoreOperation.GET, FEATURES, Lane.APPLICATION, () -> {
			throw new IllegalStateException("store failed");
		})).isInstanceOf(RuntimeException.class);
		assertThat(available(calls)).isEqualTo(PERMITS);
	}

	@Test
	void aCallTimedOutWhileQueuedShouldGiveItsPermitBackWhenItIsDequeued() throws Exception {
		StoreCalls calls = calls(Duration.ofSeconds(1));
		AtomicInteger ran = new AtomicInteger();
		CompletableFuture<String> future = calls.submit(StoreOperation.GET, FEATURES, Lane.APPLICATION, () -> {
			ran.incrementAndGet();
			return "late";
		});
		this.scheduler.advance(Duration.ofSeconds(2));
		assertThat(future).isCompletedExceptionally();
		assertThat(available(calls)).as("held by the queued task").isEqualTo(PERMITS - 1);
		runQueued();
		assertThat(ran).hasValue(0);
		assertThat(available(calls)).isEqualTo(PERMITS);
	}

	@Test
	void aCallTimedOutWhileRunningShouldGiveItsPermitBackOnceWhenTheStoreReturns() throws Exception {
		StoreCalls calls = calls(Duration.ofSeconds(1));
		CompletableFuture<String> future = calls.submit(StoreOperation.GET, FEATURES, Lane.APPLICATION, () -> {
			// The deadline passes while the store call runs (the store ignores the interrupt).
			this.scheduler.advance(Duration.ofSeconds(2));
			Thread.interrupted();
			return "late";
		});
		runQueued();
		assertThat(future).isCompletedExceptionally();
		assertThat(available(calls)).isEqualTo(PERMITS);
	}

	@Test
	void anAbandonedQueuedCallShouldGiveItsPermitBackOnce() throws Exception {
		StoreCalls calls = calls(Duration.ofSeconds(1));
		CompletableFuture<String> future = calls.submit(StoreOperation.GET, FEATURES, Lane.APPLICATION, () -> "never");
		new ArrayList<>(this.queued).forEach(StoreCalls::abandon);
		assertThat(future).isCompletedExceptionally();
		assertThat(available(calls)).isEqualTo(PERMITS);
		// Had a pool thread taken it anyway, it returns at once (isDone) and its finally releases again: not
		// reachable with shutdownNow (it drains only tasks no thread took), checked here to pin it.
	}

	@Test
	void nonBlockingCallsShouldGiveTheirPermitBackOnce() throws Exception {
		StoreCalls calls = calls(Duration.ofSeconds(1));
		// start() throws
		assertThat(calls.<String>submitNonBlocking(StoreOperation.GET, FEATURES, Lane.APPLICATION, () -> {
			throw new IllegalStateException("start failed");
		})).isCompletedExceptionally();
		assertThat(available(calls)).isEqualTo(PERMITS);
		// the store's future fails after the deadline decided the call
		CompletableFuture<String> request = new CompletableFuture<>();
		CompletableFuture<String> call = calls.submitNonBlocking(StoreOperation.GET, FEATURES, Lane.APPLICATION,
				() -> request);
		this.scheduler.advance(Duration.ofSeconds(2));
		assertThat(call).isCompletedExceptionally();
		// abort() cancelled the request, which completes it: permit back
		assertThat(available(calls)).isEqualTo(PERMITS);
		request.completeExceptionally(new IllegalStateException("late"));
		assertThat(available(calls)).isEqualTo(PERMITS);
		TimeUnit.MILLISECONDS.sleep(1);
	}

}
