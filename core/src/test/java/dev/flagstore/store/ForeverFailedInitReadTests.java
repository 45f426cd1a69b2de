package dev.flagstore.store;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.dataSet;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Review finding: with FOREVER, after an init that failed, a read of a key the new data set removed goes to the store
 * (which still has it), answers it, and merges it into the snapshot; the write-back then neither removes it from the
 * store nor from the cache.
 */
class ForeverFailedInitReadTests {

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

	@Test
	void readOfAKeyAFailedInitRemovedShouldNotBringItBackThroughTheWriteBack() {
		this.store.init(dataSet(flag("k1", 1), flag("k2", 1)));
		// Only init fails (e.g. it timed out on a big data set); reads still reach the store.
		this.core.failOnly = "init";
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> this.store.init(dataSet(flag("k2", 2))));
		assertThat(this.store.getAll(FEATURES).items()).containsOnlyKeys("k2");
		ItemDescriptor duringOutage = this.store.get(FEATURES, "k1");
		this.core.failOnly = null;
		this.scheduler.advance(Duration.ofMillis(500));
		assertThat(this.store.getStatusProvider().getStatus().isAvailable()).isTrue();
		assertThat(this.store.getStatusProvider().getStatus().isRefreshNeeded()).isFalse();
		SerializedItemDescriptor k1 = this.core.stored(FEATURES, "k1");
		assertThat(this.store.getAll(FEATURES).items().values()).filteredOn(item -> !item.isDeleted())
			.as("getAll after recovery").containsExactly(flag("k2", 2));
		assertThat(k1 == null || k1.deleted()).as("k1 is not live in the store after the write-back: %s", k1).isTrue();
		assertThat(duringOutage == null || duringOutage.isDeleted())
			.as("get(k1) while the cache held the new data set answered %s", duringOutage).isTrue();
	}

}
