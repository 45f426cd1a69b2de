package dev.flagstore.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache hit paths that look keys up without allocating ({@link ItemKey.Lookup}): they find what a real key
 * finds, count each hit once, and never serve a value of an older generation.
 */
class CacheHitPathTests {

	private final TestPersistentStore core = new TestPersistentStore();

	private final List<PersistentDataStoreWrapper> wrappers = new ArrayList<>();

	@AfterEach
	void closeWrappers() {
		this.wrappers.forEach(PersistentDataStoreWrapper::close);
	}

	private PersistentDataStoreWrapper wrapper(CacheMode mode) {
		PersistentDataStoreWrapper wrapper = PersistentDataStoreWrapper.builder(this.core)
			.cacheMode(mode)
			.heartbeatInterval(Duration.ZERO)
			.operationTimeout(Duration.ofMillis(500))
			.build();
		this.wrappers.add(wrapper);
		return wrapper;
	}

	@Test
	void lookupKeyShouldEqualAndHashLikeTheItemKey() {
		DataKind other = DataKind.json("segments", Map.class);
		ItemKey key = new ItemKey(FEATURES, "a");
		ItemKey.Lookup lookup = ItemKey.Lookup.of(FEATURES, "a");
		assertThat(lookup.hashCode()).isEqualTo(key.hashCode());
		assertThat(lookup.equals(key)).isTrue();
		assertThat(key.equals(lookup)).isTrue();
		assertThat(ItemKey.Lookup.of(FEATURES, "b").equals(key)).isFalse();
		assertThat(ItemKey.Lookup.of(other, "a").equals(key)).isFalse();
		assertThat(ItemKey.Lookup.of(FEATURES, "a")).as("one per thread").isSameAs(lookup);
	}

	@ParameterizedTest
	@EnumSource(value = CacheMode.class, names = { "TTL", "FOREVER" })
	void cachedMissShouldBeOneHitOfTheItemCacheAndNoStoreCall(CacheMode mode) {
		PersistentDataStoreWrapper store = wrapper(mode);
		store.init(new FullDataSet<>(Map.of(FEATURES, new KeyedItems<>(Map.of("a", flag("a", 1))))));
		assertThat(store.get(FEATURES, "absent")).isNull();
		int calls = this.core.calls("get");
		CacheStats before = store.getCaches().get("items").stats();
		for (int i = 0; i < 3; i++) {
			assertThat(store.get(FEATURES, "absent")).isNull();
		}
		CacheStats after = store.getCaches().get("items").stats();
		assertThat(this.core.calls("get")).as("store calls").isEqualTo(calls);
		assertThat(after.hitCount() - before.hitCount()).as("hits").isEqualTo(3);
		assertThat(after.missCount() - before.missCount()).as("misses").isZero();
	}

	@Test
	void foreverReadShouldCountOneHitOfTheItemsCacheWhicheverAnswersIt() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.FOREVER);
		store.init(new FullDataSet<>(Map.of(FEATURES, new KeyedItems<>(Map.of("a", flag("a", 1))))));
		assertThat(store.get(FEATURES, "absent")).isNull();
		CacheStats items = store.getCaches().get("items").stats();
		CacheStats all = store.getCaches().get("all-items").stats();
		// One read answered by the snapshot, one by the item cache (a cached miss): two item reads, two hits.
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
		assertThat(store.get(FEATURES, "absent")).isNull();
		assertThat(store.getCaches().get("items").stats().hitCount() - items.hitCount()).as("item hits").isEqualTo(2);
		assertThat(store.getCaches().get("all-items").stats().hitCount() - all.hitCount()).as("getAll hits").isZero();
	}

	@Test
	void ttlHitShouldBeOneHitOfTheItemCache() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.TTL);
		store.upsert(FEATURES, "a", flag("a", 1));
		CacheStats before = store.getCaches().get("items").stats();
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
		CacheStats after = store.getCaches().get("items").stats();
		assertThat(after.hitCount() - before.hitCount()).isEqualTo(2);
		assertThat(after.missCount() - before.missCount()).isZero();
		assertThat(this.core.calls("get")).isZero();
	}

	@ParameterizedTest
	@EnumSource(value = CacheMode.class, names = { "TTL", "FOREVER" })
	void cachedMissShouldNotOutliveAnInitThatAddsTheKey(CacheMode mode) {
		PersistentDataStoreWrapper store = wrapper(mode);
		store.init(new FullDataSet<>(Map.of(FEATURES, new KeyedItems<>(Map.of("a", flag("a", 1))))));
		assertThat(store.get(FEATURES, "b")).isNull();
		store.init(new FullDataSet<>(Map.of(FEATURES, new KeyedItems<>(Map.of("b", flag("b", 2))))));
		assertThat(store.get(FEATURES, "b")).isEqualTo(flag("b", 2));
		assertThat(store.get(FEATURES, "a")).as("not in the new data set").isNull();
	}

	@Test
	void foreverItemFoundByALoadShouldJoinTheSnapshot() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.FOREVER);
		store.init(new FullDataSet<>(Map.of(FEATURES, new KeyedItems<>(Map.of("a", flag("a", 1))))));
		// Written by another instance, straight to the store.
		this.core.put(FEATURES, "b", new SerializedItemDescriptor(3, false, FEATURES.serialize(flag("b", 3))));
		assertThat(store.get(FEATURES, "b")).isEqualTo(flag("b", 3));
		assertThat(store.get(FEATURES, "b")).isEqualTo(flag("b", 3));
		assertThat(store.getAll(FEATURES).items()).containsKeys("a", "b");
		assertThat(this.core.calls("get")).isOne();
	}

	@ParameterizedTest
	@EnumSource(value = CacheMode.class, names = { "TTL", "FOREVER" })
	void failedLoadsShouldBeCountedAndNotLoggedOneByOne(CacheMode mode) {
		java.util.logging.Logger caffeine = java.util.logging.Logger
			.getLogger("com.github.benmanes.caffeine.cache.LocalAsyncCache");
		List<java.util.logging.LogRecord> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
		java.util.logging.Handler handler = new java.util.logging.Handler() {
			@Override
			public void publish(java.util.logging.LogRecord record) {
				logged.add(record);
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}
		};
		caffeine.addHandler(handler);
		try {
			PersistentDataStoreWrapper store = wrapper(mode);
			this.core.fail();
			for (int i = 0; i < 3; i++) {
				org.assertj.core.api.Assertions.assertThatExceptionOfType(DataStoreException.class)
					.isThrownBy(() -> store.get(FEATURES, "a"));
			}
			// Caffeine counts a failure in a completion callback that may run after the reader got its exception.
			org.awaitility.Awaitility.await()
				.untilAsserted(() -> assertThat(store.getCaches().get("items").stats().loadFailureCount()).isEqualTo(3));
			assertThat(store.getCaches().get("items").stats().missCount()).isEqualTo(3);
			assertThat(logged).as("Caffeine's per-load warnings").isEmpty();
		}
		finally {
			caffeine.removeHandler(handler);
		}
	}

}
