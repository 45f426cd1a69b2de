package dev.flagstore.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.flagstore.changes.FlagChange;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The flag tracker's review (issue 14, first slice): a write whose store call timed out after the store applied it,
 * and the listener threads a change starts.
 */
class ChangeTrackerTimedOutWriteTests {

	/** Applies the write, then answers only after the caller's deadline (a slow reply, a lost response). */
	static final class SlowReplyStore extends TestPersistentStore {

		volatile boolean slowReply;

		final CountDownLatch released = new CountDownLatch(1);

		@Override
		public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
			boolean applied = super.upsert(kind, key, item);
			if (this.slowReply) {
				try {
					this.released.await(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return applied;
		}

	}

	/**
	 * docs/changes.md: "the final version of every item is always reported". A write the store applied but whose
	 * reply came after the deadline throws at the caller and fires nothing, although readers (cache.mode none:
	 * every read asks the store) see the new version at once. Fails on current code: no event for v2, ever.
	 */
	@Test
	@Disabled("Known defect, open in issue 14 (the change feeds' reconciliation will check writes whose outcome is "
			+ "unknown): a write the store applied after its deadline is never reported (docs/changes.md says so)")
	void aWriteAppliedButTimedOutIsVisibleToReadersAndShouldBeReported() {
		SlowReplyStore core = new SlowReplyStore();
		try (PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.cacheTtl(Duration.ZERO)
			.operationTimeout(Duration.ofMillis(200))
			.build()) {
			RecordingChanges changes = new RecordingChanges();
			store.getFlagTracker().addListener(changes);
			store.init(TestData.dataSet(TestData.flag("k", 1)));
			await().atMost(Duration.ofSeconds(5)).until(() -> changes.seen().contains("features/k@1"));

			core.slowReply = true;
			assertThatExceptionOfType(DataStoreException.class)
				.isThrownBy(() -> store.upsert(TestData.FEATURES, "k", TestData.flag("k", 2)));
			core.slowReply = false;
			core.released.countDown();
			await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
				.until(() -> store.get(TestData.FEATURES, "k").version() == 2);
			// Readers see version 2 now: so should the listeners, eventually.
			await().atMost(Duration.ofSeconds(2)).untilAsserted(
					() -> assertThat(changes.seen()).as("every final version is reported").contains("features/k@2"));
		}
	}

	/**
	 * Checked, sound enough: each value-change listener is a subscription of its own on the unbounded listener
	 * pool and every change is handed to every subscription, but with quick evaluators the threads are reused: 400
	 * value listeners, one change: 17 threads measured on 2 cores. Kept as a bound.
	 */
	@Test
	void oneChangeShouldNotStartAThreadPerValueListener() throws Exception {
		InMemoryDataStore store = new InMemoryDataStore();
		try {
			int watches = 400;
			List<String> keys = new ArrayList<>();
			for (int i = 0; i < watches; i++) {
				keys.add("k" + i);
			}
			for (String key : keys) {
				store.getFlagTracker().addValueChangeListener(TestData.FEATURES, key,
						(item) -> (item != null) ? item.version() : null, (change) -> {
						});
			}
			CountDownLatch told = new CountDownLatch(1);
			store.getFlagTracker().addValueChangeListener(TestData.FEATURES, "k0",
					(item) -> (item != null) ? item.version() : null, (change) -> told.countDown());
			store.upsert(TestData.FEATURES, "k0", TestData.flag("k0", 1));
			assertThat(told.await(5, TimeUnit.SECONDS)).isTrue();
			Thread.sleep(200);
			long threads = Thread.getAllStackTraces().keySet().stream()
				.filter(t -> t.getName().startsWith("flagstore-change-listener"))
				.count();
			System.out.println("[review3] change-listener threads after one change with " + watches
					+ " value listeners: " + threads);
			assertThat(threads).as("threads started for one change").isLessThanOrEqualTo(64);
		}
		finally {
			store.close();
		}
	}

	/**
	 * Sound (checked): concurrent writers of one key through the wrapper, with a value listener: the value
	 * listener's successive values never go back and it ends on the final value; every event's version is at least
	 * the last reported.
	 */
	@org.junit.jupiter.api.RepeatedTest(20)
	void valueListenersAndEventsUnderRacingWritersShouldNeverGoBack() throws Exception {
		TestPersistentStore core = new TestPersistentStore();
		try (PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core).build()) {
			store.init(TestData.dataSet(TestData.flag("k", 0)));
			List<Integer> values = new java.util.concurrent.CopyOnWriteArrayList<>();
			store.getFlagTracker().addValueChangeListener(TestData.FEATURES, "k",
					(item) -> (item != null) ? item.version() : -1, (change) -> values.add(change.newValue()));
			RecordingChanges changes = new RecordingChanges();
			store.getFlagTracker().addListener(changes);
			int threads = 8;
			int perThread = 50;
			CountDownLatch start = new CountDownLatch(1);
			List<Thread> writers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int offset = t;
				Thread writer = new Thread(() -> {
					try {
						start.await();
					}
					catch (InterruptedException ex) {
						return;
					}
					for (int i = 1; i <= perThread; i++) {
						store.upsert(TestData.FEATURES, "k", TestData.flag("k", i * threads + offset));
					}
				});
				writer.start();
				writers.add(writer);
			}
			start.countDown();
			for (Thread writer : writers) {
				writer.join();
			}
			int last = perThread * threads + threads - 1;
			await().atMost(Duration.ofSeconds(5)).until(() -> !values.isEmpty() && values.get(values.size() - 1) == last);
			await().atMost(Duration.ofSeconds(5)).until(() -> changes.received.stream().anyMatch(c -> c.version() == last));
			assertThat(values).isSorted();
			assertThat(changes.received.stream().map(FlagChange::version).toList()).isSorted();
		}
	}

}
