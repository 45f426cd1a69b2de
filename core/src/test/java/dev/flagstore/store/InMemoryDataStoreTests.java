package dev.flagstore.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.SEGMENTS;
import static dev.flagstore.store.TestData.dataSet;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class InMemoryDataStoreTests {

	private final InMemoryDataStore store = new InMemoryDataStore();

	@Test
	void shouldStartUninitializedAndEmpty() {
		assertThat(this.store.isInitialized()).isFalse();
		assertThat(this.store.get(FEATURES, "a")).isNull();
		assertThat(this.store.getAll(FEATURES).items()).isEmpty();
	}

	@Test
	void initShouldReplaceEverything() {
		this.store.upsert(SEGMENTS, "s", flag("s", 1));
		this.store.init(dataSet(flag("a", 1), flag("b", 2)));
		assertThat(this.store.isInitialized()).isTrue();
		assertThat(this.store.get(FEATURES, "b")).isEqualTo(flag("b", 2));
		assertThat(this.store.get(SEGMENTS, "s")).isNull();
	}

	@Test
	void upsertShouldApplyOnlyHigherVersions() {
		assertThat(this.store.upsert(FEATURES, "a", flag("a", 2))).isTrue();
		assertThat(this.store.upsert(FEATURES, "a", flag("a", 1))).isFalse();
		assertThat(this.store.upsert(FEATURES, "a", flag("a", 2))).isFalse();
		assertThat(this.store.get(FEATURES, "a")).isEqualTo(flag("a", 2));
		assertThat(this.store.upsert(FEATURES, "a", flag("a", 3))).isTrue();
	}

	@Test
	void deleteShouldLeaveATombstoneThatOlderUpdatesCannotResurrect() {
		this.store.upsert(FEATURES, "a", flag("a", 1));
		assertThat(this.store.delete(FEATURES, "a", 2)).isTrue();
		assertThat(this.store.get(FEATURES, "a")).isEqualTo(ItemDescriptor.deleted(2));
		assertThat(this.store.upsert(FEATURES, "a", flag("a", 1))).isFalse();
		assertThat(this.store.getAll(FEATURES).items()).containsEntry("a", ItemDescriptor.deleted(2));
	}

	@Test
	void getAllShouldKeepInsertionOrder() {
		for (String key : new String[] { "z", "a", "m", "b" }) {
			this.store.upsert(FEATURES, key, flag(key, 1));
		}
		this.store.upsert(FEATURES, "a", flag("a", 2));
		assertThat(this.store.getAll(FEATURES).items().keySet()).containsExactly("z", "a", "m", "b");
	}

	@Test
	void getAllShouldSeeEveryWriteMadeAfterAnEarlierGetAll() {
		this.store.upsert(FEATURES, "a", flag("a", 1));
		KeyedItems<ItemDescriptor> before = this.store.getAll(FEATURES);
		assertThat(this.store.getAll(FEATURES)).isSameAs(before);
		this.store.upsert(FEATURES, "a", flag("a", 2));
		this.store.upsert(FEATURES, "b", flag("b", 1));
		assertThat(this.store.getAll(FEATURES).items()).containsExactly(
				org.assertj.core.api.Assertions.entry("a", flag("a", 2)),
				org.assertj.core.api.Assertions.entry("b", flag("b", 1)));
		assertThat(before.items()).containsOnlyKeys("a");
		this.store.init(dataSet(flag("c", 1)));
		assertThat(this.store.getAll(FEATURES).items()).containsOnlyKeys("c");
	}

	@Test
	void shouldRefuseNulls() {
		assertThatNullPointerException().isThrownBy(() -> this.store.get(null, "a")).withMessage("kind");
		assertThatNullPointerException().isThrownBy(() -> this.store.get(FEATURES, null)).withMessage("key");
		assertThatNullPointerException().isThrownBy(() -> this.store.upsert(FEATURES, "a", null)).withMessage("item");
	}

	@Test
	void statusShouldBeAlwaysAvailableWithoutMonitoring() {
		assertThat(this.store.isStatusMonitoringEnabled()).isFalse();
		assertThat(this.store.getStatusProvider().isStatusMonitoringEnabled()).isFalse();
		assertThat(this.store.getStatusProvider().getStatus().isAvailable()).isTrue();
	}

	@RepeatedTest(5)
	void concurrentUpsertsShouldKeepTheHighestVersion() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				futures.add(pool.submit(() -> {
					int lastSeen = -1;
					for (int i = 0; i < 2_000; i++) {
						int version = ThreadLocalRandom.current().nextInt(1, 500);
						this.store.upsert(FEATURES, "k" + (i % 10), flag("k", version));
						ItemDescriptor seen = this.store.get(FEATURES, "k0");
						if (seen != null) {
							assertThat(seen.version()).isGreaterThanOrEqualTo(lastSeen);
							lastSeen = seen.version();
						}
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.store.getAll(FEATURES).items()).hasSize(10);
	}

}
