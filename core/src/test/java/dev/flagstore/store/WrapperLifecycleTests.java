package dev.flagstore.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Defect 12: what close() stops, in which order, and the threads wrappers share. */
class WrapperLifecycleTests {

	@Test
	void closeShouldCloseTheStoreOnlyAfterItsCallsHaveEnded() throws Exception {
		AtomicBoolean callEndedBeforeClose = new AtomicBoolean();
		CountDownLatch callEnded = new CountDownLatch(1);
		TestPersistentStore core = new TestPersistentStore() {
			@Override
			public SerializedItemDescriptor get(DataKind kind, String key) {
				try {
					return super.get(kind, key);
				}
				finally {
					callEnded.countDown();
				}
			}

			@Override
			public void close() {
				callEndedBeforeClose.set(callEnded.getCount() == 0);
				super.close();
			}
		};
		PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.heartbeatInterval(Duration.ZERO)
			.operationTimeout(Duration.ofSeconds(30))
			.build();
		core.hang();
		Thread reader = new Thread(() -> {
			try {
				store.get(FEATURES, "a");
			}
			catch (RuntimeException expected) {
			}
		});
		reader.start();
		await().until(() -> core.calls("get") == 1);
		store.close();
		assertThat(callEndedBeforeClose).as("the hung call was ended before the store was closed").isTrue();
		reader.join(5_000);
		assertThat(reader.isAlive()).isFalse();
	}

	@Test
	void closeShouldWaitAtMostTwoSecondsInAllForACallThatIgnoresInterrupts() {
		StoreCallTests.UninterruptibleStore core = new StoreCallTests.UninterruptibleStore(Duration.ofSeconds(6));
		PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.heartbeatInterval(Duration.ZERO)
			.operationTimeout(Duration.ofMillis(50))
			.build();
		new Thread(() -> {
			try {
				store.get(FEATURES, "a");
			}
			catch (RuntimeException expected) {
			}
		}).start();
		await().until(() -> core.inFlight.get() == 1);
		long start = System.nanoTime();
		store.close();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_900));
		assertThat(core.closeCount).hasValue(1);
	}

	@Test
	void wrappersShouldShareOneCacheClockThreadThatStopsWithTheLast() {
		List<PersistentDataStoreWrapper> wrappers = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			wrappers.add(PersistentDataStoreWrapper.builder(new TestPersistentStore())
				.heartbeatInterval(Duration.ZERO)
				.build());
		}
		assertThat(threads("flagstore-clock")).isOne();
		wrappers.forEach(PersistentDataStoreWrapper::close);
		await().atMost(Duration.ofSeconds(5)).until(() -> threads("flagstore-clock") == 0);
	}

	@Test
	void closeShouldLeaveNoThreadOfItsOwn() {
		PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(new TestPersistentStore()).build();
		store.upsert(FEATURES, "a", TestData.flag("a", 1));
		store.close();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> threads("flagstore-store-call") + threads("flagstore-status") + threads("flagstore-clock") == 0);
	}

	@Test
	void injectedExecutorAndSchedulerShouldNotBeShutDown() throws Exception {
		java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor();
		try {
			PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(new TestPersistentStore())
				.executor(executor)
				.heartbeatInterval(Duration.ZERO)
				.build();
			store.upsert(FEATURES, "a", TestData.flag("a", 1));
			store.close();
			assertThat(executor.submit(() -> "still running").get(5, TimeUnit.SECONDS)).isEqualTo("still running");
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static long threads(String prefix) {
		return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
	}

}
