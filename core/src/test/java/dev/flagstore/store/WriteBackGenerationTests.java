package dev.flagstore.store;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A failed init that replaces the data set while a write-back runs stays pending: the write-back (here one with
 * nothing to write) must not clear the newer data set's pending removals, so the next one tombstones what the
 * store holds beyond it.
 */
class WriteBackGenerationTests {

	static final class GatedGetAllStore extends TestPersistentStore {

		final CountDownLatch entered = new CountDownLatch(1);

		volatile CountDownLatch release;

		@Override
		public KeyedItems<SerializedItemDescriptor> getAll(DataKind kind) {
			KeyedItems<SerializedItemDescriptor> result = super.getAll(kind);
			CountDownLatch gate = this.release;
			if (gate != null) {
				this.release = null;
				this.entered.countDown();
				try {
					gate.await(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return result;
		}

	}

	private final FakeTicker ticker = new FakeTicker();

	private final ManualScheduler scheduler = new ManualScheduler(this.ticker);

	private final GatedGetAllStore core = new GatedGetAllStore();

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

	private static FullDataSet<ItemDescriptor> emptyFeatures() {
		return new FullDataSet<>(Map.of(FEATURES, KeyedItems.empty()));
	}

	@RepeatedTest(20)
	void failedInitDuringWriteBackStaysPending() throws Exception {
		this.store.init(emptyFeatures());
		this.core.fail();
		assertThatThrownBy(() -> this.store.init(emptyFeatures()));
		assertThat(this.store.getStatusProvider().getStatus().isAvailable()).isFalse();
		this.core.recover();
		CountDownLatch release = new CountDownLatch(1);
		this.core.release = release;
		Thread poller = new Thread(() -> this.scheduler.advance(Duration.ofMillis(500)), "poller");
		poller.start();
		// The write-back has read the store's features (nothing live beyond the empty data set).
		assertThat(this.core.entered.await(5, TimeUnit.SECONDS)).isTrue();
		// Another instance writes z; then this instance's init of an empty data set fails (kept, pending).
		this.core.put(FEATURES, "z", StoreAccess.serialize(FEATURES, flag("z", 1)));
		this.core.failOnly = "init";
		assertThatThrownBy(() -> this.store.init(emptyFeatures()));
		this.core.failOnly = null;
		assertThat(this.store.get(FEATURES, "z")).as("pending replacement answers only from its data set").isNull();
		release.countDown();
		poller.join(5000);
		this.scheduler.advance(Duration.ofMinutes(1));
		assertThat(this.store.getStatusProvider().getStatus().isAvailable()).isTrue();
		SerializedItemDescriptor stored = this.core.stored(FEATURES, "z");
		ItemDescriptor read = this.store.get(FEATURES, "z");
		assertThat(read == null || read.isDeleted()).as("z is not in the data set of the last init: %s", read).isTrue();
		assertThat(stored == null || stored.deleted()).as("write-back tombstones z, store has %s", stored).isTrue();
	}

}
