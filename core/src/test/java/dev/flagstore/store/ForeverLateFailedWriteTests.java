package dev.flagstore.store;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.dataSet;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review finding: with FOREVER, an upsert that started before the recovering poll and fails after the write-back
 * reported recovery is kept in the cache (writeFailed) but its failure is "stale" news for the status machine: the
 * status stays available with refreshNeeded=false, nothing ever writes it back, and the cache (the truth) and the
 * store disagree for good.
 */
class ForeverLateFailedWriteTests {

	/** Upserts of key "u" wait at a gate, then fail (a call caught in the outage). */
	static final class SlowFailingUpsertStore extends TestPersistentStore {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@Override
		public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
			if (key.equals("u")) {
				this.entered.countDown();
				try {
					this.release.await(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				throw new IllegalStateException("connection reset");
			}
			return super.upsert(kind, key, item);
		}

	}

	private final FakeTicker ticker = new FakeTicker();

	private final ManualScheduler scheduler = new ManualScheduler(this.ticker);

	private final SlowFailingUpsertStore core = new SlowFailingUpsertStore();

	private final PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(this.core)
		.cacheMode(CacheMode.FOREVER)
		.heartbeatInterval(Duration.ofSeconds(10))
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
	void failedWriteKeptByTheCacheShouldReachTheStoreOrKeepTheStatusDown() throws Exception {
		this.store.init(dataSet(flag("a", 1)));
		CompletableFuture<Boolean> write = CompletableFuture.supplyAsync(() -> this.store.upsert(FEATURES, "u", flag("u", 1)));
		assertThat(this.core.entered.await(5, TimeUnit.SECONDS)).isTrue();
		// An outage is seen by another call meanwhile.
		this.core.failOnly = "get";
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> this.store.get(FEATURES, "x"));
		this.core.failOnly = null;
		assertThat(this.store.getStatusProvider().getStatus().isAvailable()).isFalse();
		// The poll recovers (write-back of the snapshot, which does not hold u yet).
		this.scheduler.advance(Duration.ofMillis(500));
		assertThat(this.store.getStatusProvider().getStatus().isAvailable()).isTrue();
		// The write caught in the outage fails now; the cache keeps it "to write back on recovery".
		this.core.release.countDown();
		assertThat(write).failsWithin(5, TimeUnit.SECONDS);
		assertThat(this.store.get(FEATURES, "u")).as("the cache keeps the failed write").isEqualTo(flag("u", 1));
		this.scheduler.advance(Duration.ofMinutes(1));
		boolean down = !this.store.getStatusProvider().getStatus().isAvailable()
				|| this.store.getStatusProvider().getStatus().isRefreshNeeded();
		assertThat(down || this.core.stored(FEATURES, "u") != null)
			.as("the store never gets u (%s) yet the status says available, no refresh needed (%s)",
					this.core.stored(FEATURES, "u"), this.store.getStatusProvider().getStatus())
			.isTrue();
	}

}
