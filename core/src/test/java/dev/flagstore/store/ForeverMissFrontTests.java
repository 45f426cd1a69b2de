package dev.flagstore.store;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.dataSet;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * FOREVER answers a cached miss of a kind it holds from a front of the item cache (no Caffeine lookup): the front
 * must expire with the miss TTL, lose to writes and inits, count as a hit, and not grow without bound.
 */
class ForeverMissFrontTests {

	private final FakeTicker ticker = new FakeTicker();

	private final TestPersistentStore core = new TestPersistentStore();

	private final PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(this.core)
		.cacheMode(CacheMode.FOREVER)
		.cacheTtl(Duration.ofSeconds(15))
		.heartbeatInterval(Duration.ZERO)
		.ticker(this.ticker)
		.build();

	@AfterEach
	void close() {
		this.store.close();
	}

	private static SerializedItemDescriptor stored(String key, int version) {
		return new SerializedItemDescriptor(version, false, FEATURES.serialize(flag(key, version)));
	}

	private ForeverCache cache() throws ReflectiveOperationException {
		Field field = PersistentDataStoreWrapper.class.getDeclaredField("cache");
		field.setAccessible(true);
		return (ForeverCache) field.get(this.store);
	}

	@Test
	void aCachedMissShouldBeAnsweredWithoutTheStoreAndCountAsAHit() throws Exception {
		this.store.init(dataSet(flag("a", 1)));
		assertThat(this.store.get(FEATURES, "x")).isNull();
		int gets = this.core.calls("get");
		long hits = this.store.getCaches().get("items").stats().hitCount();
		for (int i = 0; i < 10; i++) {
			assertThat(this.store.get(FEATURES, "x")).isNull();
		}
		assertThat(this.core.calls("get")).isEqualTo(gets);
		assertThat(this.store.getCaches().get("items").stats().hitCount()).isEqualTo(hits + 10);
		assertThat(cache().cachedMisses()).isEqualTo(1);
	}

	@Test
	void aMissShouldExpireWithTheMissTtlAndFindWhatAnotherProcessWrote() {
		this.store.init(dataSet(flag("a", 1)));
		assertThat(this.store.get(FEATURES, "x")).isNull();
		this.core.put(FEATURES, "x", stored("x", 4));
		this.ticker.advance(Duration.ofSeconds(14));
		assertThat(this.store.get(FEATURES, "x")).as("still a cached miss").isNull();
		this.ticker.advance(Duration.ofSeconds(2));
		assertThat(this.store.get(FEATURES, "x")).isEqualTo(flag("x", 4));
		assertThat(this.store.getAll(FEATURES).items()).containsKeys("a", "x");
	}

	@Test
	void aWriteOfAMissingKeyShouldBeReadAtOnce() {
		this.store.init(dataSet(flag("a", 1)));
		assertThat(this.store.get(FEATURES, "x")).isNull();
		this.store.upsert(FEATURES, "x", flag("x", 2));
		assertThat(this.store.get(FEATURES, "x")).isEqualTo(flag("x", 2));
		this.store.delete(FEATURES, "x", 3);
		assertThat(this.store.get(FEATURES, "x")).isEqualTo(ItemDescriptor.deleted(3));
	}

	@Test
	void anInitShouldDropTheMisses() throws Exception {
		this.store.init(dataSet(flag("a", 1)));
		assertThat(this.store.get(FEATURES, "x")).isNull();
		this.store.init(dataSet(flag("x", 1)));
		assertThat(cache().cachedMisses()).isZero();
		assertThat(this.store.get(FEATURES, "x")).isEqualTo(flag("x", 1));
	}

	@Test
	void expiredMissesShouldBeSweptSoTheFrontStaysBounded() throws Exception {
		this.store.init(dataSet(flag("a", 1)));
		for (int round = 0; round < 10; round++) {
			for (int i = 0; i < 1_000; i++) {
				assertThat(this.store.get(FEATURES, "missing-" + round + "-" + i)).isNull();
			}
			this.ticker.advance(Duration.ofSeconds(16));
		}
		// 10,000 distinct misses, each expired before the next 1,000: at most about twice the live ones remain.
		assertThat(cache().cachedMisses()).isLessThanOrEqualTo(4_000);
	}

	@Test
	void aKindWithoutASnapshotShouldNotUseTheFront() throws Exception {
		this.core.init(new FullDataSet<>(Map.of()));
		assertThat(this.store.get(FEATURES, "x")).isNull();
		assertThat(cache().cachedMisses()).isZero();
		this.core.put(FEATURES, "x", stored("x", 1));
		this.ticker.advance(Duration.ofSeconds(16));
		assertThat(this.store.get(FEATURES, "x")).isEqualTo(flag("x", 1));
	}

}
