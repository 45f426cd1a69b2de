package dev.flagstore.store;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Ticker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.dataSet;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Review finding: StampedCache.merge stamps the merged value with the generation read when merge() starts and
 * checks nothing inside the compute; callers check "stamp == generation.current()" before calling it (TOCTOU). A
 * reader descheduled inside ForeverCache.get's snapshot merge while an init replaces the data set overwrites the new
 * snapshot with one stamped with the old generation: the new data set's snapshot is no longer current. After a
 * failed init (cache = truth), the write-back then sends nothing for that kind and reports recovery with
 * refreshNeeded=false although the store never got the data set.
 */
class ForeverMergeGenerationTests {

	/** The fake clock, except that the chosen thread stops inside ForeverCache.get -> StampedCache.merge. */
	static final class HookTicker implements Ticker {

		final FakeTicker time;

		volatile Thread target;

		final CountDownLatch held = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		HookTicker(FakeTicker time) {
			this.time = time;
		}

		@Override
		public long read() {
			if (Thread.currentThread() == this.target && inSnapshotMerge()) {
				this.target = null;
				this.held.countDown();
				try {
					this.release.await(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return this.time.read();
		}

		private static boolean inSnapshotMerge() {
			return StackWalker.getInstance().walk(frames -> frames
				.map(frame -> frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1) + "."
						+ frame.getMethodName())
				.toList()).containsAll(java.util.List.of("StampedCache.merge", "ForeverCache.get"));
		}

	}

	private final FakeTicker time = new FakeTicker();

	private final HookTicker ticker = new HookTicker(this.time);

	private final ManualScheduler scheduler = new ManualScheduler(this.time);

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
	void snapshotMergeRacingAFailedInitShouldNotLoseTheNewDataSet() throws Exception {
		this.store.init(dataSet(flag("a", 1)));
		// Another instance wrote x: get(x) misses the snapshot, finds x in the store, merges it into the snapshot.
		this.core.put(FEATURES, "x", new SerializedItemDescriptor(5, false, FEATURES.serialize(flag("x", 5))));
		CompletableFuture<ItemDescriptor> reader = new CompletableFuture<>();
		Thread readerThread = new Thread(() -> reader.complete(this.store.get(FEATURES, "x")));
		this.ticker.target = readerThread;
		readerThread.start();
		assertThat(this.ticker.held.await(5, TimeUnit.SECONDS)).as("reader inside the snapshot merge").isTrue();
		// Meanwhile an init of {a v2} fails: FOREVER keeps it as the truth, to be written back.
		this.core.failOnly = "init";
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> this.store.init(dataSet(flag("a", 2))));
		this.ticker.release.countDown();
		reader.get(5, TimeUnit.SECONDS);
		this.core.failOnly = null;
		this.scheduler.advance(Duration.ofMillis(500));
		assertThat(this.store.getStatusProvider().getStatus().isAvailable()).isTrue();
		assertThat(this.store.getStatusProvider().getStatus().isRefreshNeeded()).isFalse();
		assertThat(this.store.getAll(FEATURES).items().get("a")).as("getAll(a) after recovery").isEqualTo(flag("a", 2));
		assertThat(this.core.stored(FEATURES, "a").version()).as("store's a after the write-back").isEqualTo(2);
	}

}
