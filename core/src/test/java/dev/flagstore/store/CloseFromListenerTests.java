package dev.flagstore.store;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Review finding: close() called on a flagstore thread (a status listener that shuts the store down on an outage,
 * or any interrupted thread) interrupts itself with shutdownNow(); awaitTermination then throws at once, the wait
 * for calls in flight is skipped and the persistent store is closed under a running call.
 */
class CloseFromListenerTests {

	@Test
	void closeFromAListenerShouldStillCloseTheStoreOnlyAfterItsCallsHaveEnded() throws Exception {
		CountDownLatch slowEntered = new CountDownLatch(1);
		CountDownLatch slowEnded = new CountDownLatch(1);
		AtomicBoolean callEndedBeforeClose = new AtomicBoolean();
		CountDownLatch closed = new CountDownLatch(1);
		TestPersistentStore core = new TestPersistentStore() {
			@Override
			public @Nullable SerializedItemDescriptor get(DataKind kind, String key) {
				if (key.equals("bad")) {
					throw new IllegalStateException("connection refused");
				}
				slowEntered.countDown();
				long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
				while (System.nanoTime() - end < 0) {
					Thread.onSpinWait(); // a driver call that ignores interrupts
				}
				slowEnded.countDown();
				return null;
			}

			@Override
			public void close() {
				callEndedBeforeClose.set(slowEnded.getCount() == 0);
				closed.countDown();
			}
		};
		PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.cacheMode(CacheMode.NONE)
			.heartbeatInterval(Duration.ZERO)
			.operationTimeout(Duration.ofSeconds(5))
			.build();
		store.getStatusProvider().addStatusListener(status -> {
			if (!status.isAvailable()) {
				store.close();
			}
		});
		Thread reader = new Thread(() -> {
			try {
				store.get(FEATURES, "slow");
			}
			catch (RuntimeException expected) {
			}
		});
		reader.start();
		assertThat(slowEntered.await(5, TimeUnit.SECONDS)).isTrue();
		assertThatThrownBy(() -> store.get(FEATURES, "bad")).isInstanceOf(DataStoreException.class);
		assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(callEndedBeforeClose).as("the call in flight had ended when the store was closed").isTrue();
		reader.join(5_000);
		await().until(() -> slowEnded.getCount() == 0);
	}

}
