package dev.flagstore.store;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.SEGMENTS;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Review finding: with FOREVER, the write-back after a failed init removes only keys of kinds the new data set
 * has. A kind the new data set lacks altogether keeps its old items live in the store, and the cache serves them
 * (getAll of that kind loads the store's old items), although init "replaces everything".
 */
class ForeverFailedInitDroppedKindTests {

	private final FakeTicker ticker = new FakeTicker();

	private final ManualScheduler scheduler = new ManualScheduler(this.ticker);

	private final TestPersistentStore core = new TestPersistentStore();

	private final PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(this.core)
		.cacheMode(CacheMode.FOREVER)
		.heartbeatInterval(Duration.ZERO)
		.pollInterval(Duration.ofMillis(500))
		.ticker(this.ticker)
		.scheduler(this.scheduler)
		.executor(Runnable::run)
		.build();

	@AfterEach
	void close() {
		this.store.close();
	}

	private static FullDataSet<ItemDescriptor> data(Map<DataKind, Map<String, ItemDescriptor>> kinds) {
		Map<DataKind, KeyedItems<ItemDescriptor>> data = new LinkedHashMap<>();
		kinds.forEach((kind, items) -> data.put(kind, new KeyedItems<>(items)));
		return new FullDataSet<>(data);
	}

	@Test
	void writeBackAfterAFailedInitShouldRemoveAKindTheNewDataSetLacks() {
		this.store.init(data(Map.of(FEATURES, Map.of("f", flag("f", 1)), SEGMENTS, Map.of("s", flag("s", 1)))));
		this.core.fail();
		assertThatExceptionOfType(DataStoreException.class)
			.isThrownBy(() -> this.store.init(data(Map.of(FEATURES, Map.of("f", flag("f", 2))))));
		this.core.recover();
		this.scheduler.advance(Duration.ofMillis(500));
		assertThat(this.store.getStatusProvider().getStatus().isAvailable()).isTrue();
		assertThat(this.store.getStatusProvider().getStatus().isRefreshNeeded()).isFalse();
		SerializedItemDescriptor s = this.core.stored(SEGMENTS, "s");
		assertThat(this.store.getAll(SEGMENTS).items().values()).filteredOn(item -> !item.isDeleted())
			.as("segments after recovery (the init that the cache keeps had none)").isEmpty();
		assertThat(s == null || s.deleted()).as("segment s is not live in the store: %s", s).isTrue();
	}

}
