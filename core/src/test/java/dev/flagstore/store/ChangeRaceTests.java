package dev.flagstore.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.RepeatedTest;

import static dev.flagstore.store.FlagTrackerTests.FLAGS;
import static dev.flagstore.store.FlagTrackerTests.SEGMENTS;
import static dev.flagstore.store.FlagTrackerTests.flag;
import static dev.flagstore.store.FlagTrackerTests.segment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many writers, one listener: 8 threads upsert increasing versions of 4 overlapping flags and of a segment that a
 * fifth flag depends on, racing each other to the store (some writes are rejected, some arrive out of order).
 * Checked at the end: per key the events never go backwards, the final version of every key has an event, the
 * dependent flag fired exactly once per segment event, and a listener reading the item never saw an older version
 * than its event's.
 */
class ChangeRaceTests {

	private static final int THREADS = 8;

	private static final int WRITES_PER_THREAD = 300;

	private static final List<String> KEYS = List.of("k0", "k1", "k2", "k3");

	@RepeatedTest(4)
	void wrapperShouldReportRacingWritesInOrderPerKey() throws Exception {
		try (PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(new TestPersistentStore())
			.cacheMode(CacheMode.TTL)
			.heartbeatInterval(Duration.ZERO)
			.build()) {
			race(store, () -> store);
		}
	}

	@RepeatedTest(4)
	void foreverWrapperShouldReportRacingWritesInOrderPerKey() throws Exception {
		try (PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(new TestPersistentStore())
			.cacheMode(CacheMode.FOREVER)
			.heartbeatInterval(Duration.ZERO)
			.build()) {
			race(store, () -> store);
		}
	}

	@RepeatedTest(4)
	void inMemoryStoreShouldReportRacingWritesInOrderPerKey() throws Exception {
		try (InMemoryDataStore store = new InMemoryDataStore()) {
			race(store, () -> store);
		}
	}

	private void race(DataStore store, Supplier<DataStore> reader) throws Exception {
		store.init(FlagTrackerTests.data(Map.of("dependent", flag("dependent", 1, "s")),
				Map.of("s", segment("s", 1))));
		Map<String, List<Integer>> events = new ConcurrentHashMap<>();
		List<String> problems = new CopyOnWriteArrayList<>();
		AtomicInteger delivered = new AtomicInteger();
		store.getFlagTracker().addListener(change -> {
			events.computeIfAbsent(change.key(), k -> new CopyOnWriteArrayList<>()).add(change.version());
			ItemDescriptor now = reader.get().get(change.kind(), change.key());
			if (now == null || now.version() < change.version()) {
				problems.add("read " + now + " after " + change);
			}
			delivered.incrementAndGet();
		});
		Map<String, AtomicInteger> versions = new ConcurrentHashMap<>();
		KEYS.forEach(key -> versions.put(key, new AtomicInteger()));
		versions.put("s", new AtomicInteger(1));
		List<String> writable = new ArrayList<>(KEYS);
		writable.add("s");
		CyclicBarrier start = new CyclicBarrier(THREADS);
		ExecutorService writers = Executors.newFixedThreadPool(THREADS);
		AtomicInteger applied = new AtomicInteger();
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int thread = 0; thread < THREADS; thread++) {
				int offset = thread;
				done.add(writers.submit(() -> {
					start.await();
					for (int i = 0; i < WRITES_PER_THREAD; i++) {
						String key = writable.get((i + offset) % writable.size());
						int version = versions.get(key).incrementAndGet();
						boolean ok = key.equals("s") ? store.upsert(SEGMENTS, key, segment(key, version))
								: store.upsert(FLAGS, key, flag(key, version));
						if (ok) {
							applied.incrementAndGet();
						}
					}
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			writers.shutdownNow();
		}
		int total = THREADS * WRITES_PER_THREAD;
		// Settled: every key's last event is its final version (the dependent flag: one per segment event).
		await().atMost(Duration.ofSeconds(20)).until(() -> writable.stream().allMatch(key -> {
			List<Integer> seen = events.get(key);
			return seen != null && seen.get(seen.size() - 1) == store.get(key.equals("s") ? SEGMENTS : FLAGS, key)
				.version();
		}) && events.getOrDefault("dependent", List.of()).size() == events.get("s").size());
		assertThat(problems).isEmpty();
		for (String key : writable) {
			List<Integer> seen = events.get(key);
			assertThat(seen).as("events of %s never go backwards", key).isSorted().doesNotHaveDuplicates();
			assertThat(seen.get(seen.size() - 1)).as("final version of %s", key).isEqualTo(versions.get(key).get());
		}
		assertThat(events.get("dependent")).as("the dependent flag keeps its version").containsOnly(1);
		assertThat(applied.get()).isLessThanOrEqualTo(total);
		int changes = writable.stream().mapToInt(key -> events.get(key).size()).sum();
		assertThat(changes).as("one event at most per applied write").isLessThanOrEqualTo(applied.get());
		assertThat(delivered.get()).isEqualTo(changes + events.get("dependent").size());
	}


}
