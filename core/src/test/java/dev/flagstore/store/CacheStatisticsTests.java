package dev.flagstore.store;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.dataSet;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;

/** Review findings (cosmetic, metrics): statistics that are not "real". */
class CacheStatisticsTests {

	@Test
	void failedRefreshShouldCountAsALoadFailure() {
		FakeTicker ticker = new FakeTicker();
		TestPersistentStore core = new TestPersistentStore();
		try (PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.cacheMode(CacheMode.TTL)
			.staleValuesPolicy(StaleValuesPolicy.REFRESH)
			.heartbeatInterval(Duration.ZERO)
			.ticker(ticker)
			.build()) {
			store.upsert(FEATURES, "a", flag("a", 1));
			ticker.advance(Duration.ofSeconds(16));
			core.fail();
			assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
			assertThat(store.getStatusProvider().getStatus().isAvailable()).isFalse();
			assertThat(store.getCaches().get("items").stats().loadFailureCount())
				.as("a reload of a stale item failed against the store").isEqualTo(1);
		}
	}

	@Test
	void foreverItemReadsShouldCountInTheItemsCache() {
		TestPersistentStore core = new TestPersistentStore();
		try (PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.cacheMode(CacheMode.FOREVER)
			.heartbeatInterval(Duration.ZERO)
			.build()) {
			store.init(dataSet(flag("a", 1)));
			for (int i = 0; i < 10; i++) {
				store.get(FEATURES, "a");
			}
			assertThat(store.getCaches().get("all-items").stats().hitCount()).as("all-items hits (no getAll was made)")
				.isZero();
			assertThat(store.getCaches().get("items").stats().hitCount()).as("items hits for 10 get(a)").isEqualTo(10);
		}
	}

}
