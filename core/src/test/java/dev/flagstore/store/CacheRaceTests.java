package dev.flagstore.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.SEGMENTS;
import static dev.flagstore.store.TestData.dataSet;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The caches against writes, inits and recoveries that race them, each race held open deterministically.
 */
class CacheRaceTests {

	private final List<PersistentDataStoreWrapper> wrappers = new ArrayList<>();

	@AfterEach
	void closeWrappers() {
		this.wrappers.forEach(PersistentDataStoreWrapper::close);
	}

	private PersistentDataStoreWrapper wrapper(PersistentDataStore core, CacheMode mode) {
		PersistentDataStoreWrapper wrapper = PersistentDataStoreWrapper.builder(core)
			.cacheMode(mode)
			.pollInterval(Duration.ofMillis(20))
			.heartbeatInterval(Duration.ZERO)
			.operationTimeout(Duration.ofSeconds(2))
			.build();
		this.wrappers.add(wrapper);
		return wrapper;
	}

	private static SerializedItemDescriptor stored(String key, int version) {
		return new SerializedItemDescriptor(version, false, FEATURES.serialize(flag(key, version)));
	}

	/**
	 * Defect 3: with FOREVER, an init racing a load in flight threw NullPointerException to the reader, and the
	 * deleted item came back: get(x) answered an item that getAll and the new data set did not have.
	 */
	@RepeatedTest(3)
	void initRacingALoadInFlightShouldNeitherThrowNorBringTheOldItemBack() throws Exception {
		HeldGetStore core = new HeldGetStore();
		PersistentDataStoreWrapper store = wrapper(core, CacheMode.FOREVER);
		store.init(dataSet(flag("a", 1)));
		core.put(FEATURES, "x", stored("x", 1));
		core.holdNextGet();
		ExecutorService reader = Executors.newSingleThreadExecutor();
		try {
			Future<@Nullable ItemDescriptor> read = reader.submit(() -> store.get(FEATURES, "x"));
			core.awaitHeldGet();
			// The new data set has no features at all.
			Map<DataKind, KeyedItems<ItemDescriptor>> segmentsOnly = new LinkedHashMap<>();
			segmentsOnly.put(SEGMENTS, new KeyedItems<>(Map.of("s", flag("s", 1))));
			store.init(new FullDataSet<>(segmentsOnly));
			core.releaseHeldGet();
			read.get(5, TimeUnit.SECONDS);
		}
		finally {
			reader.shutdownNow();
		}
		assertThat(store.getAll(FEATURES).items()).isEmpty();
		assertThat(store.get(FEATURES, "x")).isNull();
		assertThat(store.getAll(FEATURES).items()).isEmpty();
		assertThat(store.get(SEGMENTS, "s")).isEqualTo(flag("s", 1));
	}

	/** The same race with TTL: the old data set's answer is never served after the init. */
	@Test
	void ttlInitRacingALoadInFlightShouldNotCacheTheOldAnswer() throws Exception {
		HeldGetStore core = new HeldGetStore();
		PersistentDataStoreWrapper store = wrapper(core, CacheMode.TTL);
		core.put(FEATURES, "x", stored("x", 1));
		core.holdNextGet();
		ExecutorService reader = Executors.newSingleThreadExecutor();
		try {
			Future<@Nullable ItemDescriptor> read = reader.submit(() -> store.get(FEATURES, "x"));
			core.awaitHeldGet();
			store.init(dataSet(flag("a", 1)));
			core.releaseHeldGet();
			read.get(5, TimeUnit.SECONDS);
		}
		finally {
			reader.shutdownNow();
		}
		assertThat(store.get(FEATURES, "x")).isNull();
		assertThat(store.getAll(FEATURES).items()).containsOnlyKeys("a");
	}

	/**
	 * Defect 5: the FOREVER write-back held the exclusive lock across one upsert per item, so an application upsert
	 * waited for the whole write-back (about 1.9 s with a 200 ms deadline).
	 */
	@Test
	void applicationUpsertShouldNotWaitForTheWriteBack() throws Exception {
		SlowWriteBackStore core = new SlowWriteBackStore();
		PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.cacheMode(CacheMode.FOREVER)
			.pollInterval(Duration.ofMillis(20))
			.heartbeatInterval(Duration.ZERO)
			.operationTimeout(Duration.ofMillis(200))
			.build();
		this.wrappers.add(store);
		ItemDescriptor[] items = new ItemDescriptor[40];
		for (int i = 0; i < items.length; i++) {
			items[i] = flag("k" + i, 1);
		}
		store.init(dataSet(items));
		core.fail();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.upsert(FEATURES, "k0", flag("k0", 2)));
		core.slowWriteBack = true;
		core.recover();
		await().until(() -> core.writeBackUpserts.get() >= 3);
		long start = System.nanoTime();
		assertThat(store.upsert(FEATURES, "app", flag("app", 1))).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("upsert during the write-back")
			.isLessThan(Duration.ofMillis(200));
		assertThat(store.getStatusProvider().getStatus().isAvailable()).as("write-back still under way").isFalse();
		await().atMost(Duration.ofSeconds(10)).until(() -> store.getStatusProvider().getStatus().isAvailable());
		assertThat(core.stored(FEATURES, "k0").version()).isEqualTo(2);
		assertThat(core.stored(FEATURES, "app").version()).isEqualTo(1);
	}

	/**
	 * Defect 9: after an upsert the store rejected as older, the cache takes the store's newer item, also when the
	 * key was not cached, and reads it once.
	 */
	@Test
	void rejectedUpsertShouldCacheTheStoresNewerItemEvenIfTheKeyWasNotCached() {
		TestPersistentStore core = new TestPersistentStore();
		PersistentDataStoreWrapper store = wrapper(core, CacheMode.TTL);
		core.put(FEATURES, "a", stored("a", 7));
		assertThat(store.upsert(FEATURES, "a", flag("a", 3))).isFalse();
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 7));
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 7));
		assertThat(core.calls("get")).as("one read of the store's item, kept").isOne();
	}

	/**
	 * Defect 10: with TTL, a successful write is cached even when the key was not cached before, so a key written a
	 * moment before an outage can be read during it.
	 */
	@Test
	void keyWrittenJustBeforeAnOutageShouldBeReadableDuringIt() {
		TestPersistentStore core = new TestPersistentStore();
		PersistentDataStoreWrapper store = wrapper(core, CacheMode.TTL);
		assertThat(store.upsert(FEATURES, "a", flag("a", 1))).isTrue();
		core.fail();
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
		assertThat(core.calls("get")).isZero();
	}

	/**
	 * Defect 11: FOREVER, init {k1, k2}; outage; init {k2} fails; recovery. The write-back must leave the store
	 * holding exactly the cached data set, removals included: k1 is not live in the store, and reading it does not
	 * bring it back.
	 */
	@Test
	void writeBackAfterAFailedInitShouldRemoveWhatTheNewDataSetLacks() {
		TestPersistentStore core = new TestPersistentStore();
		PersistentDataStoreWrapper store = wrapper(core, CacheMode.FOREVER);
		store.init(dataSet(flag("k1", 1), flag("k2", 1)));
		core.fail();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.init(dataSet(flag("k2", 2))));
		assertThat(store.getAll(FEATURES).items()).containsOnlyKeys("k2");
		core.recover();
		await().until(() -> store.getStatusProvider().getStatus().isAvailable());
		assertThat(store.getStatusProvider().getStatus().isRefreshNeeded()).isFalse();
		assertThat(core.stored(FEATURES, "k2").version()).isEqualTo(2);
		SerializedItemDescriptor k1 = core.stored(FEATURES, "k1");
		assertThat(k1 == null || k1.deleted()).as("k1 is not live in the store: %s", k1).isTrue();
		ItemDescriptor read = store.get(FEATURES, "k1");
		assertThat(read == null || read.isDeleted()).isTrue();
		assertThat(store.getAll(FEATURES).items().values()).filteredOn(item -> !item.isDeleted())
			.containsExactly(flag("k2", 2));
	}

	/** A removal is not forced over another instance's newer write of the key. */
	@Test
	void writeBackAfterAFailedInitShouldKeepANewerWriteOfARemovedKey() {
		TestPersistentStore core = new TestPersistentStore();
		RecoveryRaceTests.SwitchableView view = new RecoveryRaceTests.SwitchableView(core);
		PersistentDataStoreWrapper store = wrapper(view, CacheMode.FOREVER);
		store.init(dataSet(flag("k1", 1), flag("k2", 1)));
		view.down = true;
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.init(dataSet(flag("k2", 2))));
		// Another instance writes k1 version 5 meanwhile: after the failed init, as the store sees it.
		core.put(FEATURES, "k1", stored("k1", 5));
		view.down = false;
		await().until(() -> store.getStatusProvider().getStatus().isAvailable());
		assertThat(core.stored(FEATURES, "k1").deleted()).isTrue();
		assertThat(core.stored(FEATURES, "k1").version()).as("a tombstone above the store's version").isEqualTo(6);
	}

	/** A store whose next get reads its answer, then waits until released (a slow read). */
	static class HeldGetStore extends TestPersistentStore {

		private volatile CountDownLatch held = new CountDownLatch(0);

		private volatile CountDownLatch entered = new CountDownLatch(1);

		private volatile boolean holdNext;

		void holdNextGet() {
			this.held = new CountDownLatch(1);
			this.entered = new CountDownLatch(1);
			this.holdNext = true;
		}

		void awaitHeldGet() throws InterruptedException {
			assertThat(this.entered.await(5, TimeUnit.SECONDS)).isTrue();
		}

		void releaseHeldGet() {
			this.held.countDown();
		}

		@Override
		public @Nullable SerializedItemDescriptor get(DataKind kind, String key) {
			SerializedItemDescriptor answer = super.get(kind, key);
			if (this.holdNext) {
				this.holdNext = false;
				this.entered.countDown();
				try {
					this.held.await(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return answer;
		}

	}

	/** Write-back upserts (on flagstore's threads) take 50 ms each once {@link #slowWriteBack} is set. */
	static final class SlowWriteBackStore extends TestPersistentStore {

		volatile boolean slowWriteBack;

		final java.util.concurrent.atomic.AtomicInteger writeBackUpserts = new java.util.concurrent.atomic.AtomicInteger();

		@Override
		public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
			if (this.slowWriteBack && key.startsWith("k")) {
				this.writeBackUpserts.incrementAndGet();
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return super.upsert(kind, key, item);
		}

	}

}
