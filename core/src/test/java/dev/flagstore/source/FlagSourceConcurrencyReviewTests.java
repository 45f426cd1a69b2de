package dev.flagstore.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import dev.flagstore.store.CacheMode;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.InMemoryDataStore;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.PersistentDataStoreWrapper;
import dev.flagstore.store.SerializedItemDescriptor;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Concurrency review 2 of the flag source: reproductions of the defects found, and checks of what was found sound.
 * Each test says whether it fails on the reviewed code (5aa3cee).
 */
class FlagSourceConcurrencyReviewTests {

	private static final DataKind FEATURES = DataKind.json("features", Map.class);

	@TempDir
	Path dir;

	private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

	@AfterEach
	void closeAll() throws Exception {
		Thread.interrupted();
		for (AutoCloseable closeable : this.toClose) {
			closeable.close();
		}
	}

	private static String flags(boolean on) {
		return "{\"features\": {\"f1\": {\"version\": 1, \"on\": " + on + "}}}";
	}

	private static void write(Path file, String text) throws IOException {
		Files.writeString(file, text, StandardCharsets.UTF_8);
	}

	// ------------------------------------------------------------------------------------------------------------
	// D1: close() from an interrupted thread drops OFF for the listeners (FAILS on the reviewed code).
	// awaitListeners(): awaitZero throws InterruptedException at once, then closeBroadcaster() clears what is queued.

	@Test
	void closeFromAnInterruptedThreadShouldStillDeliverOffToASlowListener() throws Exception {
		List<FlagSourceState> seen = slowListenerScenario(true);
		assertThat(seen).as("states the listener was told").endsWith(FlagSourceState.OFF);
	}

	/** Control: the same listener, closed from a thread that is not interrupted: passes. */
	@Test
	void closeShouldDeliverOffToASlowListener() throws Exception {
		List<FlagSourceState> seen = slowListenerScenario(false);
		assertThat(seen).endsWith(FlagSourceState.OFF);
	}

	private List<FlagSourceState> slowListenerScenario(boolean interrupted) throws Exception {
		RecordingSource source = new RecordingSource();
		FlagSourceRunner runner = FlagSourceRunner.builder(new InMemoryDataStore(), source).build();
		this.toClose.add(runner);
		List<FlagSourceState> seen = new CopyOnWriteArrayList<>();
		CountDownLatch inListener = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		runner.getStatusProvider().addStatusListener((status) -> {
			if (status.getState() == FlagSourceState.VALID) {
				inListener.countDown();
				// Slow, and deaf to the pool's shutdownNow interrupt (as much listener code is).
				boolean done = false;
				while (!done) {
					try {
						done = release.await(10, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						// ignored
					}
				}
			}
			seen.add(status.getState());
		});
		runner.start();
		source.sink.updateStatus(FlagSourceState.VALID, null);
		assertThat(inListener.await(5, TimeUnit.SECONDS)).isTrue();
		// The listener finishes 300 ms into close(), well within its 2 s wait.
		Thread releaser = new Thread(() -> {
			sleep(300);
			release.countDown();
		});
		releaser.start();
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		try {
			runner.close();
		}
		finally {
			Thread.interrupted();
		}
		releaser.join();
		sleep(500);
		return seen;
	}

	// ------------------------------------------------------------------------------------------------------------
	// D2: close() racing a status update on the source's thread can lose OFF (FAILS intermittently).
	// The source thread holds Broadcaster.flushing while it copies its event to the subscriptions; close()'s
	// off() enqueues OFF, its flush() finds the flag taken and returns; awaitListeners() sees no task in flight
	// (the source thread has not scheduled the drains yet) and closeBroadcaster() drops everything.

	@RepeatedTest(30)
	void offShouldReachEveryListenerWhenCloseRacesAnUpdate() throws Exception {
		RecordingSource source = new RecordingSource();
		FlagSourceRunner runner = FlagSourceRunner.builder(new InMemoryDataStore(), source).build();
		int listeners = 400;
		AtomicInteger offs = new AtomicInteger();
		for (int i = 0; i < listeners; i++) {
			runner.getStatusProvider().addStatusListener((status) -> {
				if (status.getState() == FlagSourceState.OFF) {
					offs.incrementAndGet();
				}
			});
		}
		runner.start();
		CyclicBarrier go = new CyclicBarrier(2);
		Thread sourceThread = new Thread(() -> {
			meet(go);
			source.sink.updateStatus(FlagSourceState.VALID, null);
		});
		sourceThread.start();
		meet(go);
		// Let the source thread get into its flush (copying one event to 400 queues).
		long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(java.util.concurrent.ThreadLocalRandom.current()
			.nextInt(0, 200));
		while (System.nanoTime() < until) {
			Thread.onSpinWait();
		}
		runner.close();
		sourceThread.join();
		sleep(200);
		assertThat(offs.get()).as("listeners told OFF").isEqualTo(listeners);
	}

	// ------------------------------------------------------------------------------------------------------------
	// D3: FileFlagSource: a resync asked while a change is pending is lost when the file goes back to the
	// content already handled before the debounce ends (FAILS on the reviewed code). resyncOwed is only served
	// by handle(); the "same as handled" branch clears pending and never looks at it.

	@Test
	void aResyncAskedWhileAChangeIsPendingShouldBeServedEvenIfTheChangeIsReverted() throws Exception {
		Path file = this.dir.resolve("flags.json");
		write(file, flags(true));
		RecordingSink sink = new RecordingSink();
		FileFlagSource source = FileFlagSource.builder(List.of(FEATURES))
			.path(file)
			.watchFileSystem(false)
			.pollInterval(Duration.ofMillis(20))
			.debounce(Duration.ofSeconds(3))
			.build();
		this.toClose.add(source::close);
		source.start(sink);
		sink.awaitInits(1);
		write(file, flags(false));
		sleep(300); // the loader has seen the change: it is pending (3 s debounce)
		source.resync(); // the store reported refreshNeeded
		sleep(300); // the loader has taken the resync: resyncOwed
		write(file, flags(true)); // the edit is undone (an editor's undo, a git checkout) within the debounce
		// The store asked for the data again: it must get it, the file is valid and unchanged since the last load.
		await().atMost(Duration.ofSeconds(6)).untilAsserted(() -> assertThat(sink.inits).hasSize(2));
	}

	/** Control: without the revert the pending load serves the resync (passes). */
	@Test
	void aResyncAskedWhileAChangeIsPendingIsServedByTheLoadThatEndsIt() throws Exception {
		Path file = this.dir.resolve("flags.json");
		write(file, flags(true));
		RecordingSink sink = new RecordingSink();
		FileFlagSource source = FileFlagSource.builder(List.of(FEATURES))
			.path(file)
			.watchFileSystem(false)
			.pollInterval(Duration.ofMillis(20))
			.debounce(Duration.ofSeconds(1))
			.build();
		this.toClose.add(source::close);
		source.start(sink);
		sink.awaitInits(1);
		write(file, flags(false));
		sleep(300);
		source.resync();
		await().atMost(Duration.ofSeconds(6)).untilAsserted(() -> assertThat(sink.inits).hasSize(2));
	}

	// ------------------------------------------------------------------------------------------------------------
	// Sound: a store outage during the file source's init is repaired by refreshNeeded -> resync, with the real
	// PersistentDataStoreWrapper (TTL mode): the store ends with the file's data (PASSES).

	@Test
	void anOutageDuringAFileInitShouldBeRepairedByTheResync() throws Exception {
		Path file = this.dir.resolve("flags.json");
		write(file, flags(true));
		GateStore persistent = new GateStore();
		PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(persistent)
			.cacheMode(CacheMode.TTL)
			.pollInterval(Duration.ofMillis(20))
			.heartbeatInterval(Duration.ZERO)
			.build();
		FlagSourceRunner runner = FlagSourceRunner.builder(store, fileSource(file)).build();
		this.toClose.add(store);
		this.toClose.add(runner);
		runner.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> "true".equals(persistent.on()));
		persistent.down = true;
		write(file, flags(false));
		await().atMost(Duration.ofSeconds(10)).until(() -> isStoreError(runner));
		assertThat(runner.getStatusProvider().getStatus().getState()).isEqualTo(FlagSourceState.VALID);
		persistent.down = false;
		await().atMost(Duration.ofSeconds(10)).until(() -> "false".equals(persistent.on()));
		await().atMost(Duration.ofSeconds(10)).until(() -> !store.getStatusProvider().getStatus().isRefreshNeeded());
	}

	// ------------------------------------------------------------------------------------------------------------
	// D4: an init the store refuses without an outage (bulkhead full: UnattemptedCallException, "changes no
	// status") is never retried: the source says VALID, the store keeps the old data until the file changes again
	// (HTTP: until the server's data changes; a 304 or the same body skips the init) (FAILS on the reviewed code).

	@Test
	void anInitRefusedByTheBulkheadShouldNotLeaveTheStoreStaleForever() throws Exception {
		Path file = this.dir.resolve("flags.json");
		write(file, flags(true));
		GateStore persistent = new GateStore();
		PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(persistent)
			.cacheMode(CacheMode.NONE)
			.maxConcurrentCalls(1)
			.operationTimeout(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(20))
			.heartbeatInterval(Duration.ZERO)
			.build();
		FlagSourceRunner runner = FlagSourceRunner.builder(store, fileSource(file)).build();
		this.toClose.add(store);
		this.toClose.add(runner);
		runner.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> "true".equals(persistent.on()));

		// An application read holds the only permit for a moment (a slow store under load).
		persistent.blockGets = new CountDownLatch(1);
		Thread reader = new Thread(() -> store.get(FEATURES, "other"));
		reader.start();
		assertThat(persistent.inGet.await(5, TimeUnit.SECONDS)).isTrue();
		write(file, flags(false));
		await().atMost(Duration.ofSeconds(10)).until(() -> isStoreError(runner));
		persistent.blockGets.countDown();
		reader.join();

		assertThat(store.getStatusProvider().getStatus().isAvailable()).isTrue();
		assertThat(runner.getStatusProvider().getStatus().getState()).isEqualTo(FlagSourceState.VALID);
		// The store must end up with the file's data without another edit.
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(persistent.on()).isEqualTo("false"));
	}

	// ------------------------------------------------------------------------------------------------------------
	// Sound: every thread of a runner over a file source ends by the time close() returns (PASSES).

	@Test
	void runnerOverAFileSourceShouldLeaveNoThreadBehind() throws Exception {
		Path file = this.dir.resolve("flags.json");
		write(file, flags(true));
		Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
		for (int i = 0; i < 3; i++) {
			FlagSourceRunner runner = FlagSourceRunner.builder(new InMemoryDataStore(), fileSource(file)).build();
			runner.getStatusProvider().addStatusListener((status) -> {
			});
			runner.start();
			assertThat(runner.getStatusProvider().waitFor(FlagSourceState.VALID, Duration.ofSeconds(10))).isTrue();
			runner.getUpdateSink().updateStatus(FlagSourceState.INTERRUPTED, null);
			runner.close();
		}
		// FileSystemWatchService (JDK) and flagstore-* threads must be gone; pool threads may take a moment to
		// leave after shutdownNow, so allow a short grace.
		await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(newThreads(before)).isEmpty());
	}

	/**
	 * D1b: FileFlagSource.close() from an interrupted thread returns at once, while its loader is still inside the
	 * sink's init; the loader then reports VALID after close() returned (FAILS on the reviewed code: "nothing is
	 * written after it returns" does not hold). The runner hides the write (its sink refuses after close) but not
	 * the thread: it outlives close().
	 */
	@Test
	void fileSourceClosedFromAnInterruptedThreadShouldNotCallTheSinkAfterClose() throws Exception {
		Path file = this.dir.resolve("flags.json");
		write(file, flags(true));
		RecordingSink sink = new RecordingSink();
		FileFlagSource source = fileSource(file);
		source.start(sink);
		sink.awaitInits(1);
		CountDownLatch inInit = new CountDownLatch(1);
		CountDownLatch releaseInit = new CountDownLatch(1);
		sink.onInit = () -> {
			inInit.countDown();
			awaitUninterruptibly(releaseInit);
		};
		write(file, flags(false));
		assertThat(inInit.await(10, TimeUnit.SECONDS)).isTrue();
		// The store call ends 300 ms into close() (well within its 5 s join).
		Thread releaser = new Thread(() -> {
			sleep(300);
			releaseInit.countDown();
		});
		releaser.start();
		Thread.currentThread().interrupt();
		try {
			source.close();
		}
		finally {
			Thread.interrupted();
		}
		int callsAtClose = sink.calls.size();
		boolean loaderAlive = Thread.getAllStackTraces().keySet().stream()
			.anyMatch((thread) -> thread.isAlive() && thread.getName().equals("flagstore-file-source"));
		releaser.join();
		sleep(300);
		assertThat(loaderAlive).as("loader alive when close() returned").isFalse();
		assertThat(sink.calls.subList(callsAtClose, sink.calls.size())).as("sink calls after close()").isEmpty();
	}

	private static Set<String> newThreads(Set<Thread> before) {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> !before.contains(thread) && thread.isAlive())
			.map(Thread::getName)
			.filter((name) -> !name.startsWith("awaitility"))
			.collect(Collectors.toSet());
	}

	// ------------------------------------------------------------------------------------------------------------
	// Observation: waitFor can miss a transient state (INTERRUPTED then VALID before the waiter re-takes the
	// lock) (PASSES: documents the behaviour; LaunchDarkly's waitFor has the same property).

	@Test
	void waitForMayMissATransientState() throws Exception {
		RecordingSource source = new RecordingSource();
		FlagSourceRunner runner = FlagSourceRunner.builder(new InMemoryDataStore(), source).build();
		this.toClose.add(runner);
		runner.start();
		source.sink.updateStatus(FlagSourceState.VALID, null);
		SourceStatusMachine machine = (SourceStatusMachine) runner.getStatusProvider();
		java.util.concurrent.atomic.AtomicReference<Boolean> result = new java.util.concurrent.atomic.AtomicReference<>();
		Thread waiter = new Thread(() -> {
			try {
				result.set(machine.waitFor(FlagSourceState.INTERRUPTED, Duration.ofMillis(500)));
			}
			catch (InterruptedException ex) {
				result.set(null);
			}
		});
		// Hold the clock's lock? Not needed: the two transitions are made under the machine's lock back to back
		// by a thread that wins the lock before the waiter's wake-up re-acquires it.
		waiter.start();
		await().until(machine::hasWaiters);
		java.util.concurrent.locks.ReentrantLock lock = lockOf(machine);
		lock.lock();
		try {
			source.sink.updateStatus(FlagSourceState.INTERRUPTED, null);
			source.sink.updateStatus(FlagSourceState.VALID, null);
		}
		finally {
			lock.unlock();
		}
		waiter.join();
		assertThat(result.get()).as("waitFor(INTERRUPTED) after INTERRUPTED came and went").isFalse();
	}

	private static java.util.concurrent.locks.ReentrantLock lockOf(SourceStatusMachine machine) throws Exception {
		java.lang.reflect.Field field = SourceStatusMachine.class.getDeclaredField("lock");
		field.setAccessible(true);
		return (java.util.concurrent.locks.ReentrantLock) field.get(machine);
	}

	// ------------------------------------------------------------------------------------------------------------

	private static FileFlagSource fileSource(Path file) {
		return FileFlagSource.builder(List.of(FEATURES))
			.path(file)
			.pollInterval(Duration.ofMillis(20))
			.debounce(Duration.ofMillis(30))
			.build();
	}

	private static boolean isStoreError(FlagSourceRunner runner) {
		FlagSourceErrorInfo error = runner.getStatusProvider().getStatus().getLastError();
		return error != null && error.kind() == FlagSourceErrorKind.STORE_ERROR;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void meet(CyclicBarrier barrier) {
		try {
			barrier.await(5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void awaitUninterruptibly(CountDownLatch latch) {
		boolean interrupted = false;
		while (true) {
			try {
				latch.await();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	/** One kind in memory; fails while {@code down}; {@code get} can be made to block. */
	static final class GateStore implements PersistentDataStore {

		final Map<String, SerializedItemDescriptor> items = new ConcurrentHashMap<>();

		volatile boolean initialized;

		volatile boolean down;

		volatile @Nullable CountDownLatch blockGets;

		final CountDownLatch inGet = new CountDownLatch(1);

		@Nullable String on() {
			SerializedItemDescriptor item = this.items.get("f1");
			if (item == null || item.serializedItem() == null) {
				return null;
			}
			String json = item.serializedItem();
			return json.contains("\"on\":true") || json.contains("\"on\": true") ? "true"
					: json.contains("\"on\":false") || json.contains("\"on\": false") ? "false" : json;
		}

		private void check() {
			if (this.down) {
				throw new IllegalStateException("store down");
			}
		}

		@Override
		public void init(FullDataSet<SerializedItemDescriptor> allData) {
			check();
			this.items.clear();
			allData.data().values().forEach((kind) -> this.items.putAll(kind.items()));
			this.initialized = true;
		}

		@Override
		public @Nullable SerializedItemDescriptor get(DataKind kind, String key) {
			check();
			CountDownLatch block = this.blockGets;
			if (block != null) {
				this.inGet.countDown();
				awaitUninterruptibly(block);
			}
			return this.items.get(key);
		}

		@Override
		public KeyedItems<SerializedItemDescriptor> getAll(DataKind kind) {
			check();
			return new KeyedItems<>(this.items);
		}

		@Override
		public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
			check();
			this.items.put(key, item);
			return true;
		}

		@Override
		public boolean isInitialized() {
			check();
			return this.initialized;
		}

		@Override
		public boolean isStoreAvailable() {
			return !this.down;
		}

		@Override
		public void close() {
		}

	}

}
