package dev.flagstore.store;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.flagstore.status.DataStoreUpdateSink;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.dataSet;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Races between recovery, failures, caches and other instances that the chaos suite found, each held open
 * deterministically.
 */
class RecoveryRaceTests {

	@Test
	void failureWhileRecoveryIsBeingReportedShouldKeepTheStoreUnavailableAndItsWriteShouldBeWrittenBack()
			throws Exception {
		GatedWriteBackStore core = new GatedWriteBackStore();
		try (PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.cacheMode(CacheMode.FOREVER)
			.pollInterval(Duration.ofMillis(20))
			.heartbeatInterval(Duration.ZERO)
			.build()) {
			store.init(dataSet(flag("a", 1)));
			core.fail();
			assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.upsert(FEATURES, "a", flag("a", 2)));
			CountDownLatch gate = new CountDownLatch(1);
			core.gate = gate;
			core.recover();
			// The poller is writing version 2 back (its probe succeeded); the store fails again meanwhile.
			assertThat(core.held.await(10, TimeUnit.SECONDS)).as("the poller reached the write-back").isTrue();
			core.fail();
			assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.upsert(FEATURES, "a", flag("a", 3)));
			int probes = core.calls("isStoreAvailable");
			gate.countDown();
			// The next poll's probe means the gated poll has finished (and reported its recovery, or not).
			await().until(() -> core.calls("isStoreAvailable") > probes);
			assertThat(store.getStatusProvider().getStatus().isAvailable()).as("the store failed after the probe")
				.isFalse();
			core.recover();
			await().untilAsserted(() -> {
				assertThat(store.getStatusProvider().getStatus().isAvailable()).isTrue();
				assertThat(core.stored(FEATURES, "a").version()).isEqualTo(3);
			});
		}
	}

	/**
	 * A store whose first write-back upsert (on a flagstore thread, once {@link #gate} is set) waits at the gate, and
	 * then succeeds although the store has failed again meanwhile (its call started before the failure).
	 */
	static final class GatedWriteBackStore extends TestPersistentStore {

		volatile @Nullable CountDownLatch gate;

		final CountDownLatch held = new CountDownLatch(1);

		@Override
		public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
			CountDownLatch waitFor = this.gate;
			if (waitFor != null && Thread.currentThread().getName().startsWith("flagstore-")) {
				this.gate = null;
				this.held.countDown();
				try {
					waitFor.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				Mode failing = this.mode;
				this.mode = Mode.OK;
				try {
					return super.upsert(kind, key, item);
				}
				finally {
					this.mode = failing;
				}
			}
			return super.upsert(kind, key, item);
		}

	}

	@Test
	void getShouldNeverShowAnOlderVersionThanGetAllShowed() {
		AppliedThenFailingStore core = new AppliedThenFailingStore();
		try (PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.cacheMode(CacheMode.TTL)
			.cacheTtl(Duration.ofMinutes(10))
			.heartbeatInterval(Duration.ZERO)
			.build()) {
			store.init(dataSet(flag("a", 1)));
			assertThat(store.upsert(FEATURES, "a", flag("a", 2))).isTrue();
			assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 2));
			// Version 3 reaches the store, but the answer is lost on the way back.
			core.failAfterApplying = true;
			assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.upsert(FEATURES, "a", flag("a", 3)));
			core.failAfterApplying = false;
			assertThat(store.getAll(FEATURES).items().get("a").version()).isEqualTo(3);
			assertThat(store.get(FEATURES, "a").version()).isEqualTo(3);
		}
	}

	@Test
	void writeBackShouldNotOverwriteAnotherInstancesNewerWrites() {
		TestPersistentStore database = new TestPersistentStore();
		SwitchableView firstView = new SwitchableView(database);
		try (PersistentDataStoreWrapper first = forever(firstView);
				PersistentDataStoreWrapper second = forever(new SwitchableView(database))) {
			first.init(dataSet(flag("a", 1), flag("b", 1)));
			assertThat(second.upsert(FEATURES, "a", flag("a", 5))).as("acknowledged by the database").isTrue();
			firstView.down = true;
			assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> first.upsert(FEATURES, "b", flag("b", 2)));
			firstView.down = false;
			await().until(() -> first.getStatusProvider().getStatus().isAvailable());
			assertThat(database.stored(FEATURES, "b").version()).as("the first instance's write was written back")
				.isEqualTo(2);
			assertThat(database.stored(FEATURES, "a").version()).as("the second instance's newer write survived")
				.isEqualTo(5);
			assertThat(first.get(FEATURES, "a")).as("and the first instance's cache took it").isEqualTo(flag("a", 5));
		}
	}

	private static PersistentDataStoreWrapper forever(PersistentDataStore store) {
		return PersistentDataStoreWrapper.builder(store)
			.cacheMode(CacheMode.FOREVER)
			.pollInterval(Duration.ofMillis(20))
			.heartbeatInterval(Duration.ZERO)
			.build();
	}

	/** A store whose upsert is applied, then fails as if the connection broke before the answer came back. */
	static final class AppliedThenFailingStore extends TestPersistentStore {

		volatile boolean failAfterApplying;

		@Override
		public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
			boolean applied = super.upsert(kind, key, item);
			if (this.failAfterApplying) {
				throw new IllegalStateException("connection reset after the write was committed");
			}
			return applied;
		}

	}

	/** One instance's connection to a shared store, which can be cut. */
	static final class SwitchableView implements PersistentDataStore {

		private final PersistentDataStore database;

		volatile boolean down;

		SwitchableView(PersistentDataStore database) {
			this.database = database;
		}

		private PersistentDataStore database() {
			if (this.down) {
				throw new IllegalStateException("connection refused");
			}
			return this.database;
		}

		@Override
		public void init(FullDataSet<SerializedItemDescriptor> allData) {
			database().init(allData);
		}

		@Override
		public @Nullable SerializedItemDescriptor get(DataKind kind, String key) {
			return database().get(kind, key);
		}

		@Override
		public KeyedItems<SerializedItemDescriptor> getAll(DataKind kind) {
			return database().getAll(kind);
		}

		@Override
		public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
			return database().upsert(kind, key, item);
		}

		@Override
		public boolean isInitialized() {
			return database().isInitialized();
		}

		@Override
		public boolean isStoreAvailable() {
			return !this.down;
		}

		@Override
		public void close() {
		}

		@Override
		public void setUpdateSink(@Nullable DataStoreUpdateSink sink) {
		}

	}

}
