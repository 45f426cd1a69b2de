package dev.flagstore.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.flagstore.status.DataStoreStatus;
import org.junit.jupiter.api.RepeatedTest;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many threads doing versioned upserts and reads while the store flaps. Repeated, so that races show up.
 */
class WrapperConcurrencyTests {

	private static final int KEYS = 20;

	private static final int THREADS = 8;

	@RepeatedTest(5)
	void infiniteCacheShouldLoseNoWriteAndNeverGoBackwards() throws Exception {
		TestPersistentStore core = new TestPersistentStore();
		Map<String, Integer> highestWritten = run(core, CacheMode.FOREVER);
		// Nothing lost: the store holds exactly the highest version written to each key.
		for (Map.Entry<String, Integer> entry : highestWritten.entrySet()) {
			assertThat(core.stored(FEATURES, entry.getKey()).version()).as(entry.getKey()).isEqualTo(entry.getValue());
		}
	}

	@RepeatedTest(5)
	void ttlCacheShouldNeverGoBackwardsAndAskForARefresh() throws Exception {
		TestPersistentStore core = new TestPersistentStore();
		run(core, CacheMode.TTL);
	}

	@RepeatedTest(3)
	void infiniteCacheGetAndGetAllShouldNeverDisagreeBackwards() throws Exception {
		TestPersistentStore core = new TestPersistentStore();
		try (PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.cacheMode(CacheMode.FOREVER)
			.heartbeatInterval(Duration.ZERO)
			.build()) {
			store.init(TestData.dataSet(flag("k", 1)));
			AtomicBoolean stop = new AtomicBoolean();
			ExecutorService pool = Executors.newFixedThreadPool(2);
			try {
				Future<?> writer = pool.submit(() -> {
					for (int version = 2; version < 20_000 && !stop.get(); version++) {
						store.upsert(FEATURES, "k", flag("k", version));
					}
					stop.set(true);
				});
				Future<?> reader = pool.submit(() -> {
					int seen = 0;
					while (!stop.get()) {
						int throughGet = store.get(FEATURES, "k").version();
						assertThat(throughGet).as("get after a view showed %d", seen).isGreaterThanOrEqualTo(seen);
						int throughGetAll = store.getAll(FEATURES).items().get("k").version();
						assertThat(throughGetAll).as("getAll after get showed %d", throughGet)
							.isGreaterThanOrEqualTo(throughGet);
						seen = throughGetAll;
					}
				});
				writer.get(60, TimeUnit.SECONDS);
				reader.get(60, TimeUnit.SECONDS);
			}
			finally {
				stop.set(true);
				pool.shutdownNow();
			}
		}
	}

	/**
	 * Runs the workload and checks the invariants that hold in every mode; returns the highest version each key
	 * was written with.
	 */
	private Map<String, Integer> run(TestPersistentStore core, CacheMode mode) throws Exception {
		PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.cacheMode(mode)
			.pollInterval(Duration.ofMillis(5))
			.heartbeatInterval(Duration.ofMillis(20))
			.operationTimeout(Duration.ofSeconds(1))
			.build();
		Map<String, Integer> highestWritten;
		try {
			highestWritten = runWorkload(core, store, mode);
		}
		finally {
			store.close();
		}
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(PersistentDataStoreWrapperTests.flagstoreThreads()).isEmpty());
		return highestWritten;
	}

	private Map<String, Integer> runWorkload(TestPersistentStore core, PersistentDataStoreWrapper store, CacheMode mode)
			throws Exception {
		List<RecordingListener> listeners = List.of(new RecordingListener(), new RecordingListener(),
				new RecordingListener());
		listeners.forEach(store.getStatusProvider()::addStatusListener);
		CountDownLatch slowGate = new CountDownLatch(1);
		RecordingListener slow = new RecordingListener() {
			@Override
			public void dataStoreStatusChanged(DataStoreStatus newStatus) {
				try {
					slowGate.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				super.dataStoreStatusChanged(newStatus);
			}
		};
		store.getStatusProvider().addStatusListener(slow);
		store.getStatusProvider().addStatusListener(status -> {
			throw new IllegalStateException("a broken listener");
		});

		Map<String, ItemDescriptor> initial = new HashMap<>();
		for (int i = 0; i < KEYS; i++) {
			initial.put("k" + i, flag("k" + i, 1));
		}
		store.init(new FullDataSet<>(Map.of(FEATURES, new KeyedItems<>(initial))));

		Map<String, Integer> highestWritten = new ConcurrentHashMap<>();
		java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
		initial.keySet().forEach(key -> highestWritten.put(key, 1));
		AtomicBoolean stop = new AtomicBoolean();
		ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
		List<Future<?>> workers = new ArrayList<>();
		try {
			workers.add(pool.submit(() -> {
				// The store flaps: down and up every few milliseconds.
				while (!stop.get()) {
					core.fail();
					pause(ThreadLocalRandom.current().nextInt(1, 8));
					core.recover();
					pause(ThreadLocalRandom.current().nextInt(1, 8));
				}
				return null;
			}));
			for (int t = 0; t < THREADS; t++) {
				workers.add(pool.submit(() -> {
					ThreadLocalRandom random = ThreadLocalRandom.current();
					Map<String, Integer> lastSeen = new HashMap<>();
					for (int i = 0; i < 1_000; i++) {
						String key = "k" + random.nextInt(KEYS);
						if (random.nextBoolean()) {
							int version = random.nextInt(2, 10_000);
							highestWritten.merge(key, version, Math::max);
							try {
								store.upsert(FEATURES, key, flag(key, version));
							}
							catch (DataStoreException expected) {
								// The store is down; FOREVER keeps the write for write-back.
								failures.incrementAndGet();
							}
						}
						else {
							try {
								ItemDescriptor seen = store.get(FEATURES, key);
								assertThat(seen).as("a cached key is never answered as absent").isNotNull();
								Integer before = lastSeen.put(key, seen.version());
								if (before != null) {
									assertThat(seen.version()).as("version of %s went backwards; store has %s", key, core.stored(FEATURES, key))
										.isGreaterThanOrEqualTo(before);
								}
							}
							catch (DataStoreException expected) {
								// Only when the cache could not answer.
							}
						}
					}
					return null;
				}));
			}
			for (Future<?> worker : workers.subList(1, workers.size())) {
				worker.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			stop.set(true);
			pool.shutdown();
			assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		}
		core.recover();
		await().atMost(Duration.ofSeconds(10)).until(() -> store.getStatusProvider().getStatus().isAvailable());
		DataStoreStatus last = store.getStatusProvider().getStatus();
		if (mode != CacheMode.FOREVER && listeners.get(0).received.stream().anyMatch(s -> !s.isAvailable())) {
			assertThat(last.isRefreshNeeded()).as("refreshNeeded after an outage without FOREVER").isTrue();
		}

		// Every listener saw the same changes, in the order they happened, ending in the current state.
		slowGate.countDown();
		for (RecordingListener listener : List.of(listeners.get(0), listeners.get(1), listeners.get(2), slow)) {
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(listener.received).hasSameSizeAs(listeners.get(0).received);
				if (!listener.received.isEmpty()) {
					assertThat(listener.received.get(listener.received.size() - 1).isSameStateAs(last))
						.as("last received %s, current %s", listener.received.get(listener.received.size() - 1), last)
						.isTrue();
				}
			});
		}
		List<DataStoreStatus> reference = listeners.get(0).received;
		assertThat(failures).as("the store failed during the run").hasPositiveValue();
		assertThat(reference).as("outages were published").isNotEmpty();
		assertThat(reference.get(0).isAvailable()).isFalse();
		for (RecordingListener listener : List.of(listeners.get(1), listeners.get(2), slow)) {
			assertThat(listener.received).isEqualTo(reference);
		}
		for (int i = 1; i < reference.size(); i++) {
			assertThat(reference.get(i).isSameStateAs(reference.get(i - 1))).as("consecutive duplicates").isFalse();
			assertThat(reference.get(i).getSince()).isAfterOrEqualTo(reference.get(i - 1).getSince());
		}
		return highestWritten;
	}

	private static void pause(int millis) {
		try {
			// The sleep is the thing under test here: it paces the outage, it does not wait for a condition.
			TimeUnit.MILLISECONDS.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
