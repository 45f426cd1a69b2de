package dev.flagstore.source;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStoreException;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

/**
 * The runner: the sink's writes and their failures, resync on {@code refreshNeeded}, start and close.
 */
class FlagSourceRunnerTests {

	static final DataKind FEATURES = DataKind.json("features", Map.class);

	private final TestDataStore store = new TestDataStore();

	private final RecordingSource source = new RecordingSource();

	/** Resync tasks, run when the test says. */
	private final Queue<Runnable> resyncTasks = new ArrayDeque<>();

	private final Executor resyncExecutor = this.resyncTasks::add;

	private final FlagSourceRunner runner = FlagSourceRunner.builder(this.store, this.source)
		.clock(new TestClock(true))
		.listenerExecutor(Runnable::run)
		.resyncExecutor(this.resyncExecutor)
		.build();

	private final List<FlagSourceStatus> published = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() {
		this.runner.close();
	}

	private FlagSourceUpdateSink startedSink() {
		this.runner.getStatusProvider().addStatusListener(this.published::add);
		this.runner.start();
		return this.source.sink;
	}

	private static FullDataSet<ItemDescriptor> data(String key, int version) {
		return new FullDataSet<>(Map.of(FEATURES,
				new KeyedItems<>(Map.of(key, new ItemDescriptor(version, Map.of("version", version))))));
	}

	@Test
	void shouldWriteThroughTheStore() {
		FlagSourceUpdateSink sink = startedSink();
		sink.init(data("a", 1));
		assertThat(this.store.isInitialized()).isTrue();
		assertThat(sink.upsert(FEATURES, "b", new ItemDescriptor(2, Map.of()))).isTrue();
		// An older version is accepted by the store (not applied): still true.
		assertThat(sink.upsert(FEATURES, "b", new ItemDescriptor(1, Map.of()))).isTrue();
		assertThat(this.store.get(FEATURES, "b").version()).isEqualTo(2);
		assertThat(sink.delete(FEATURES, "a", 5)).isTrue();
		assertThat(this.store.get(FEATURES, "a").isDeleted()).isTrue();
		assertThat(sink.getDataStoreStatusProvider()).isSameAs(this.store.getStatusProvider());
		assertThat(this.published).isEmpty();
	}

	@Test
	void shouldTurnAStoreFailureIntoAStoreErrorWithTheStateUnchanged() {
		FlagSourceUpdateSink sink = startedSink();
		sink.updateStatus(FlagSourceState.VALID, null);
		this.store.failure = new DataStoreException("upsert(features) failed",
				new IllegalStateException("redis://admin:hunter2@cache:6379 refused, password=hunter2"));
		assertThat(sink.upsert(FEATURES, "a", new ItemDescriptor(1, Map.of()))).isFalse();
		FlagSourceStatus status = this.runner.getStatusProvider().getStatus();
		assertThat(status.getState()).isEqualTo(FlagSourceState.VALID);
		FlagSourceErrorInfo error = status.getLastError();
		assertThat(error.kind()).isEqualTo(FlagSourceErrorKind.STORE_ERROR);
		assertThat(error.statusCode()).isZero();
		assertThat(error.message()).startsWith("upsert features/a failed in the data store: ")
			.contains("IllegalStateException")
			.doesNotContain("hunter2");
		assertThat(this.published).hasSize(2);
	}

	@Test
	void shouldRecordAFailedInitAndADeleteAndAnyRuntimeException() {
		FlagSourceUpdateSink sink = startedSink();
		this.store.failure = new IllegalStateException("not a DataStoreException");
		sink.init(data("a", 1));
		assertThat(this.runner.getStatusProvider().getStatus().getLastError().message())
			.isEqualTo("init failed in the data store: IllegalStateException: not a DataStoreException");
		assertThat(sink.delete(FEATURES, "a", 2)).isFalse();
		assertThat(this.runner.getStatusProvider().getStatus().getLastError().message()).startsWith("delete ");
		// Still initializing: a store error changes no state.
		assertThat(this.runner.getStatusProvider().getStatus().getState()).isEqualTo(FlagSourceState.INITIALIZING);
	}

	@Test
	void shouldStillRefuseNullArguments() {
		FlagSourceUpdateSink sink = startedSink();
		this.store.failure = new IllegalStateException("down");
		assertThatNullPointerException().isThrownBy(() -> sink.init(null));
		assertThatNullPointerException().isThrownBy(() -> sink.upsert(null, "a", ItemDescriptor.deleted(1)));
		assertThatNullPointerException().isThrownBy(() -> sink.upsert(FEATURES, null, ItemDescriptor.deleted(1)));
		assertThatNullPointerException().isThrownBy(() -> sink.upsert(FEATURES, "a", null));
		assertThatNullPointerException().isThrownBy(() -> sink.delete(FEATURES, null, 1));
		assertThatNullPointerException().isThrownBy(() -> sink.updateStatus(null, null));
		assertThat(this.runner.getStatusProvider().getStatus().getLastError()).isNull();
	}

	@Test
	void shouldAskForAResyncOffTheStoreListenerThreadWhenRefreshIsNeeded() {
		startedSink();
		this.store.status.push(new DataStoreStatus(false, false, Instant.EPOCH, "down"));
		assertThat(this.resyncTasks).isEmpty();
		this.store.status.push(new DataStoreStatus(true, true, Instant.EPOCH, "down"));
		// Nothing ran on the pushing (listener) thread: the resync is a task of the resync executor.
		assertThat(this.source.resyncs).hasValue(0);
		assertThat(this.resyncTasks).hasSize(1);
		// A second request while one is pending joins it.
		this.store.status.push(new DataStoreStatus(true, true, Instant.EPOCH, "down"));
		assertThat(this.resyncTasks).hasSize(1);
		this.resyncTasks.poll().run();
		assertThat(this.source.resyncs).hasValue(1);
		this.store.status.push(new DataStoreStatus(true, true, Instant.EPOCH, "down"));
		assertThat(this.resyncTasks).hasSize(1);
	}

	@Test
	void shouldSurviveAResyncThatThrows() {
		FlagSource throwing = new RecordingSource() {
			@Override
			public void resync() {
				super.resync();
				throw new IllegalStateException("resync failed");
			}
		};
		Queue<Runnable> tasks = new ArrayDeque<>();
		try (FlagSourceRunner other = FlagSourceRunner.builder(this.store, throwing)
			.listenerExecutor(Runnable::run)
			.resyncExecutor(tasks::add)
			.build()) {
			other.start();
			this.store.status.push(new DataStoreStatus(true, true, Instant.EPOCH, null));
			tasks.poll().run();
			this.store.status.push(new DataStoreStatus(true, true, Instant.EPOCH, null));
			tasks.poll().run();
			assertThat(((RecordingSource) throwing).resyncs).hasValue(2);
			assertThat(other.getStatusProvider().getStatus().getState()).isEqualTo(FlagSourceState.INITIALIZING);
		}
	}

	@Test
	void shouldStartTheSourceOnceAndNotAfterClose() {
		this.runner.start();
		this.runner.start();
		assertThat(this.source.calls).containsExactly("start");
		this.runner.close();
		assertThatIllegalStateException().isThrownBy(this.runner::start);
	}

	@Test
	void shouldTurnOffAndRethrowWhenTheSourceFailsToStart() {
		FlagSource failing = new RecordingSource() {
			@Override
			public void start(FlagSourceUpdateSink sink) {
				throw new IllegalArgumentException("no such file, token=abc");
			}
		};
		try (FlagSourceRunner other = FlagSourceRunner.builder(this.store, failing).build()) {
			org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(other::start);
			FlagSourceStatus status = other.getStatusProvider().getStatus();
			assertThat(status.getState()).isEqualTo(FlagSourceState.OFF);
			assertThat(status.getLastError().kind()).isEqualTo(FlagSourceErrorKind.UNKNOWN);
			assertThat(status.getLastError().message()).contains("no such file").doesNotContain("abc");
			assertThat(this.store.status.listeners).isEmpty();
		}
	}

	@Test
	void closeShouldCloseTheSourceFirstThenTurnOffOnceAndLeaveTheStoreOpen() {
		this.source.watched = this.runner.getStatusProvider();
		FlagSourceUpdateSink sink = startedSink();
		sink.updateStatus(FlagSourceState.VALID, null);
		this.runner.close();
		this.runner.close();
		assertThat(this.source.closes).hasValue(1);
		assertThat(this.source.stateAtClose).isEqualTo(FlagSourceState.VALID);
		assertThat(this.runner.getStatusProvider().getStatus().getState()).isEqualTo(FlagSourceState.OFF);
		assertThat(this.published).extracting(FlagSourceStatus::getState)
			.containsExactly(FlagSourceState.VALID, FlagSourceState.OFF);
		assertThat(this.store.closes).hasValue(0);
		assertThat(this.store.status.listeners).isEmpty();
	}

	@Test
	void shouldWriteNothingAfterClose() {
		FlagSourceUpdateSink sink = startedSink();
		this.runner.close();
		sink.init(data("a", 1));
		assertThat(sink.upsert(FEATURES, "a", new ItemDescriptor(1, Map.of()))).isFalse();
		assertThat(sink.delete(FEATURES, "a", 1)).isFalse();
		assertThat(this.store.inits).hasValue(0);
		assertThat(this.store.get(FEATURES, "a")).isNull();
		// No resync is asked of a closed source.
		this.store.status.push(new DataStoreStatus(true, true, Instant.EPOCH, null));
		assertThat(this.resyncTasks).isEmpty();
	}

	@Test
	void ownThreadsShouldDeliverOffAndStopOnClose() throws Exception {
		RecordingSource own = new RecordingSource();
		FlagSourceRunner other = FlagSourceRunner.builder(this.store, own).build();
		List<String> deliveries = new CopyOnWriteArrayList<>();
		other.getStatusProvider()
			.addStatusListener((status) -> deliveries.add(status.getState() + " on " + Thread.currentThread().getName()));
		other.start();
		own.sink.updateStatus(FlagSourceState.VALID, null);
		this.store.status.push(new DataStoreStatus(true, true, Instant.EPOCH, null));
		await().atMost(10, TimeUnit.SECONDS).until(() -> own.resyncs.get() == 1);
		assertThat(own.calls).anyMatch((call) -> call.startsWith("resync on flagstore-source-resync-"));
		other.close();
		// OFF is delivered before close() returns, on a listener thread of the runner's own.
		assertThat(deliveries).hasSize(2).allMatch((d) -> d.contains(" on flagstore-source-status-listener-"));
		assertThat(deliveries.get(1)).startsWith("OFF");
		await().atMost(10, TimeUnit.SECONDS).until(() -> Thread.getAllStackTraces()
			.keySet()
			.stream()
			.noneMatch((thread) -> thread.isAlive() && thread.getName().startsWith("flagstore-source-")));
	}

}
