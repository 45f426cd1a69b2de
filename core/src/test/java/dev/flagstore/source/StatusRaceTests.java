package dev.flagstore.source;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.flagstore.store.ItemDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many threads report at once: every listener sees the same sequence, in the order the transitions were made, and
 * that sequence obeys the rules; the final state reaches everybody; store errors never undo a reported state.
 */
class StatusRaceTests {

	private static final int THREADS = 8;

	private static final int UPDATES = 300;

	private static final FlagSourceState[] REPORTABLE = { FlagSourceState.INITIALIZING, FlagSourceState.VALID,
			FlagSourceState.INTERRUPTED };

	private final ExecutorService reporters = Executors.newFixedThreadPool(THREADS);

	private final ExecutorService listenerPool = Executors.newCachedThreadPool();

	@AfterEach
	void stop() throws InterruptedException {
		this.reporters.shutdownNow();
		this.listenerPool.shutdownNow();
		assertThat(this.reporters.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@RepeatedTest(10)
	void listenersShouldSeeOneRuleAbidingSequenceEndingInOff() throws Exception {
		TestDataStore store = new TestDataStore();
		RecordingSource source = new RecordingSource();
		FlagSourceRunner runner = FlagSourceRunner.builder(store, source)
			.clock(new TestClock(true))
			.listenerExecutor(this.listenerPool)
			.resyncExecutor(Runnable::run)
			.build();
		List<FlagSourceStatus> first = new CopyOnWriteArrayList<>();
		List<FlagSourceStatus> second = new CopyOnWriteArrayList<>();
		runner.getStatusProvider().addStatusListener(first::add);
		runner.getStatusProvider().addStatusListener((status) -> {
			// A slow listener: the other one, and the reporters, do not wait for it.
			Thread.onSpinWait();
			second.add(status);
		});
		runner.start();
		FlagSourceUpdateSink sink = source.sink;
		store.failure = new IllegalStateException("store down");
		CountDownLatch go = new CountDownLatch(1);
		List<Future<?>> done = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			int thread = t;
			done.add(this.reporters.submit(() -> {
				go.await();
				ThreadLocalRandom random = ThreadLocalRandom.current();
				for (int i = 0; i < UPDATES; i++) {
					if (random.nextInt(10) == 0) {
						sink.upsert(FlagSourceRunnerTests.FEATURES, "k", new ItemDescriptor(1, Map.of()));
					}
					else {
						FlagSourceState state = REPORTABLE[random.nextInt(REPORTABLE.length)];
						FlagSourceErrorInfo error = random.nextBoolean() ? null
								: FlagSourceErrorInfo.of(FlagSourceErrorKind.NETWORK_ERROR, thread + "-" + (i % 3),
										Instant.EPOCH);
						sink.updateStatus(state, error);
					}
				}
				return null;
			}));
		}
		go.countDown();
		for (Future<?> future : done) {
			future.get(30, TimeUnit.SECONDS);
		}
		FlagSourceStatus beforeClose = runner.getStatusProvider().getStatus();
		runner.close();
		FlagSourceStatus last = runner.getStatusProvider().getStatus();
		assertThat(last.getState()).isEqualTo(FlagSourceState.OFF);
		assertThat(last.getLastError()).isEqualTo(beforeClose.getLastError());
		await().atMost(10, TimeUnit.SECONDS).until(() -> !first.isEmpty() && first.get(first.size() - 1) == last
				&& !second.isEmpty() && second.get(second.size() - 1) == last);
		assertThat(second).containsExactlyElementsOf(first);
		assertRules(first);
	}

	@RepeatedTest(10)
	void storeErrorsShouldNeverUndoAReportedState() throws Exception {
		TestDataStore store = new TestDataStore();
		RecordingSource source = new RecordingSource();
		FlagSourceRunner runner = FlagSourceRunner.builder(store, source)
			.listenerExecutor(Runnable::run)
			.resyncExecutor(Runnable::run)
			.build();
		runner.start();
		FlagSourceUpdateSink sink = source.sink;
		sink.updateStatus(FlagSourceState.VALID, null);
		store.failure = new IllegalStateException("store down");
		CountDownLatch go = new CountDownLatch(1);
		List<Future<?>> writers = new ArrayList<>();
		for (int t = 0; t < THREADS - 1; t++) {
			writers.add(this.reporters.submit(() -> {
				go.await();
				for (int i = 0; i < UPDATES; i++) {
					sink.upsert(FlagSourceRunnerTests.FEATURES, "k", new ItemDescriptor(i, Map.of()));
				}
				return null;
			}));
		}
		Future<?> reporter = this.reporters.submit(() -> {
			go.await();
			for (int i = 0; i < UPDATES; i++) {
				sink.updateStatus((i % 2 == 0) ? FlagSourceState.INTERRUPTED : FlagSourceState.VALID, null);
			}
			return null;
		});
		go.countDown();
		reporter.get(30, TimeUnit.SECONDS);
		for (Future<?> writer : writers) {
			writer.get(30, TimeUnit.SECONDS);
		}
		// The last state reported (VALID, for i = UPDATES - 1) stands, with a store error recorded.
		FlagSourceStatus status = runner.getStatusProvider().getStatus();
		assertThat(status.getState()).isEqualTo(FlagSourceState.VALID);
		assertThat(status.getLastError().kind()).isEqualTo(FlagSourceErrorKind.STORE_ERROR);
		runner.close();
	}

	static void assertRules(List<FlagSourceStatus> sequence) {
		FlagSourceStatus previous = null;
		for (int i = 0; i < sequence.size(); i++) {
			FlagSourceStatus status = sequence.get(i);
			if (previous == null) {
				previous = status;
				continue;
			}
			String where = "change " + i + ": " + previous + " -> " + status;
			assertThat(previous.getState()).as(where).isNotEqualTo(FlagSourceState.OFF);
			assertThat(status.getState() == previous.getState()
					&& java.util.Objects.equals(status.getLastError(), previous.getLastError()))
				.as(where + " is no change")
				.isFalse();
			if (previous.getState() == FlagSourceState.INITIALIZING) {
				assertThat(status.getState()).as(where).isNotEqualTo(FlagSourceState.INTERRUPTED);
			}
			if (status.getState() == previous.getState()) {
				assertThat(status.getStateSince()).as(where).isEqualTo(previous.getStateSince());
			}
			else {
				assertThat(status.getStateSince()).as(where).isAfter(previous.getStateSince());
			}
			previous = status;
		}
		assertThat(sequence.get(sequence.size() - 1).getState()).isEqualTo(FlagSourceState.OFF);
	}

}
