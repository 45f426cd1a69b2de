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
 * Review finding: with FOREVER, an acknowledged upsert is merged into an in-flight getAll only after that load ends,
 * but a reader who joins the in-flight load after the upsert returned gets the load's raw (older) answer: its own
 * write is missing from getAll although get() already answers it.
 */
class ForeverGetAllInFlightTests {

	/** A store whose next getAll reads its answer, then waits until released. */
	static final class HeldGetAllStore extends TestPersistentStore {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		volatile boolean holdNext = true;

		@Override
		public KeyedItems<SerializedItemDescriptor> getAll(DataKind kind) {
			KeyedItems<SerializedItemDescriptor> answer = super.getAll(kind);
			if (this.holdNext) {
				this.holdNext = false;
				this.entered.countDown();
				try {
					this.release.await(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return answer;
		}

	}

	@Test
	void getAllAfterAnAcknowledgedUpsertShouldContainIt() throws Exception {
		HeldGetAllStore core = new HeldGetAllStore();
		core.put(FEATURES, "a", new SerializedItemDescriptor(1, false, FEATURES.serialize(flag("a", 1))));
		try (PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.cacheMode(CacheMode.FOREVER)
			.heartbeatInterval(Duration.ZERO)
			.operationTimeout(Duration.ofSeconds(2))
			.build()) {
			// Another reader's getAll is in flight (it has read the store: a at version 1).
			CompletableFuture<KeyedItems<ItemDescriptor>> other = CompletableFuture.supplyAsync(() -> store.getAll(FEATURES));
			assertThat(core.entered.await(5, TimeUnit.SECONDS)).isTrue();
			// This thread writes version 2 and the store acknowledges it.
			assertThat(store.upsert(FEATURES, "a", flag("a", 2))).isTrue();
			assertThat(store.get(FEATURES, "a").version()).as("get after the upsert").isEqualTo(2);
			// Release the held load once this thread is parked waiting for it (it joined the load in flight).
			Thread me = Thread.currentThread();
			Thread releaser = new Thread(() -> {
				org.awaitility.Awaitility.await().until(() -> me.getState() == Thread.State.TIMED_WAITING);
				core.release.countDown();
			});
			releaser.start();
			KeyedItems<ItemDescriptor> mine = store.getAll(FEATURES);
			assertThat(other.get(5, TimeUnit.SECONDS).items().get("a").version()).isEqualTo(1); // concurrent: fine
			assertThat(mine.items().get("a").version())
				.as("getAll that began after the upsert returned (get already answered 2)").isEqualTo(2);
		}
	}

}
