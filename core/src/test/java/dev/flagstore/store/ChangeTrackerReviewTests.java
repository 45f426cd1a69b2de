package dev.flagstore.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.flagstore.changes.FlagChange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The flag tracker's review (issue 14, first slice): the listener threads a change starts, and values and events
 * under racing writers.
 */
class ChangeTrackerReviewTests {

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
