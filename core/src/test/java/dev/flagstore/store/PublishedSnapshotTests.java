package dev.flagstore.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.dataSet;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * FOREVER's hits read each kind's snapshot as published outside Caffeine ({@link StampedCache#peekPublished}): the
 * publication must follow every change, so that no reader goes back to an older version, a writer reads its own
 * write, and a kind loaded by {@code getAll} is served without the store.
 */
class PublishedSnapshotTests {

	private static final int KEYS = 8;

	private static final int VERSIONS = 400;

	private final List<PersistentDataStoreWrapper> wrappers = new ArrayList<>();

	@AfterEach
	void closeWrappers() {
		this.wrappers.forEach(PersistentDataStoreWrapper::close);
	}

	private PersistentDataStoreWrapper forever(PersistentDataStore core) {
		PersistentDataStoreWrapper wrapper = PersistentDataStoreWrapper.builder(core)
			.cacheMode(CacheMode.FOREVER)
			.heartbeatInterval(Duration.ZERO)
			.build();
		this.wrappers.add(wrapper);
		return wrapper;
	}

	@RepeatedTest(5)
	void readersShouldNeverGoBackAndWritersShouldReadTheirOwnWrites() throws Exception {
		PersistentDataStoreWrapper store = forever(new TestPersistentStore());
		ItemDescriptor[] initial = new ItemDescriptor[KEYS];
		for (int k = 0; k < KEYS; k++) {
			initial[k] = flag("k" + k, 0);
		}
		store.init(dataSet(initial));
		ExecutorService threads = Executors.newFixedThreadPool(KEYS + 4);
		AtomicBoolean writing = new AtomicBoolean(true);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<?>> writers = new ArrayList<>();
			for (int k = 0; k < KEYS; k++) {
				String key = "k" + k;
				writers.add(threads.submit(() -> {
					start.await();
					for (int v = 1; v <= VERSIONS; v++) {
						store.upsert(FEATURES, key, flag(key, v));
						assertThat(store.get(FEATURES, key).version()).as("%s read after its write", key)
							.isGreaterThanOrEqualTo(v);
						assertThat(store.getAll(FEATURES).items().get(key).version())
							.as("%s in getAll after its write", key)
							.isGreaterThanOrEqualTo(v);
					}
					return null;
				}));
			}
			List<Future<?>> readers = new ArrayList<>();
			for (int r = 0; r < 4; r++) {
				boolean viaGetAll = r % 2 == 1;
				readers.add(threads.submit(() -> {
					Map<String, Integer> seen = new HashMap<>();
					start.await();
					do {
						for (int k = 0; k < KEYS; k++) {
							String key = "k" + k;
							int version = viaGetAll ? store.getAll(FEATURES).items().get(key).version()
									: store.get(FEATURES, key).version();
							int before = seen.getOrDefault(key, 0);
							assertThat(version).as("%s went back", key).isGreaterThanOrEqualTo(before);
							seen.put(key, version);
						}
					}
					while (writing.get());
					return null;
				}));
			}
			start.countDown();
			for (Future<?> writer : writers) {
				writer.get(30, TimeUnit.SECONDS);
			}
			writing.set(false);
			for (Future<?> reader : readers) {
				reader.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			writing.set(false);
			threads.shutdownNow();
		}
		for (int k = 0; k < KEYS; k++) {
			assertThat(store.get(FEATURES, "k" + k).version()).isEqualTo(VERSIONS);
			assertThat(store.getAll(FEATURES).items().get("k" + k).version()).isEqualTo(VERSIONS);
		}
	}

	@Test
	void aKindLoadedByGetAllShouldBeServedWithoutTheStore() {
		TestPersistentStore core = new TestPersistentStore();
		core.init(new FullDataSet<>(Map.of(FEATURES, new KeyedItems<>(Map.of("a",
				new SerializedItemDescriptor(3, false, FEATURES.serialize(flag("a", 3))))))));
		PersistentDataStoreWrapper store = forever(core);
		assertThat(store.getAll(FEATURES).items()).containsOnlyKeys("a");
		int gets = core.calls("get");
		int getAlls = core.calls("getAll");
		for (int i = 0; i < 100; i++) {
			assertThat(store.get(FEATURES, "a").version()).isEqualTo(3);
			assertThat(store.getAll(FEATURES).items()).containsOnlyKeys("a");
		}
		assertThat(core.calls("get")).isEqualTo(gets);
		assertThat(core.calls("getAll")).isEqualTo(getAlls);
	}

	@Test
	void anInitShouldReplaceWhatIsPublished() {
		PersistentDataStoreWrapper store = forever(new TestPersistentStore());
		store.init(dataSet(flag("a", 1), flag("b", 1)));
		assertThat(store.get(FEATURES, "a")).isNotNull();
		store.init(dataSet(flag("b", 2)));
		assertThat(store.get(FEATURES, "a")).isNull();
		assertThat(store.get(FEATURES, "b").version()).isEqualTo(2);
		assertThat(store.getAll(FEATURES).items()).containsOnlyKeys("b");
	}

}
