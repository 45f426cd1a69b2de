package dev.flagstore.store;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review finding: with FOREVER before any init, an upsert that lands while a getAll of its kind is in flight defers
 * its merge until the load completes. If the load fails, the deferred merge runs before Caffeine's own removal of
 * the failed future (CompletableFuture runs dependents last-registered first), finds the failed future "present" and
 * "replaceable", and installs a one-item snapshot that never expires: getAll answers that item alone from then on,
 * although the store holds more (items missing because the store failed once).
 */
class ForeverPartialSnapshotTests {

	/** The next getAll waits until released, then fails. */
	static final class FailingHeldGetAllStore extends TestPersistentStore {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		volatile boolean holdNext = true;

		@Override
		public KeyedItems<SerializedItemDescriptor> getAll(DataKind kind) {
			if (this.holdNext) {
				this.holdNext = false;
				this.entered.countDown();
				try {
					this.release.await(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				throw new IllegalStateException("connection reset");
			}
			return super.getAll(kind);
		}

	}

	private static SerializedItemDescriptor stored(String key, int version) {
		return new SerializedItemDescriptor(version, false, FEATURES.serialize(flag(key, version)));
	}

	@Test
	void failedGetAllRacingAnUpsertShouldNotLeaveAOneItemSnapshot() throws Exception {
		FailingHeldGetAllStore core = new FailingHeldGetAllStore();
		core.put(FEATURES, "a", stored("a", 1));
		core.put(FEATURES, "b", stored("b", 1));
		try (PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.cacheMode(CacheMode.FOREVER)
			.heartbeatInterval(Duration.ZERO)
			.pollInterval(Duration.ofMillis(20))
			.build()) {
			CompletableFuture<KeyedItems<ItemDescriptor>> reader = CompletableFuture.supplyAsync(() -> store.getAll(FEATURES));
			assertThat(core.entered.await(5, TimeUnit.SECONDS)).isTrue();
			assertThat(store.upsert(FEATURES, "u", flag("u", 1))).isTrue();
			core.release.countDown();
			assertThat(reader).failsWithin(5, TimeUnit.SECONDS);
			org.awaitility.Awaitility.await().until(() -> store.getStatusProvider().getStatus().isAvailable());
			assertThat(store.getAll(FEATURES).items()).as("getAll once the store answers again")
				.containsOnlyKeys("a", "b", "u");
		}
	}

}
