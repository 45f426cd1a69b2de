package dev.flagstore.store;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Review finding: the "caller's own interrupt" check (isCallersInterrupt) runs only when the operation timeout is
 * zero. With an injected executor that runs the call on the caller's thread (Runnable::run, a direct executor, as
 * the project's own fake-time tests use), a caller's interrupt makes the store call throw and it is recorded as an
 * outage.
 */
class InlineExecutorInterruptTests {

	@Test
	void callersInterruptShouldChangeNoStatusWithAnInlineExecutor() {
		TestPersistentStore core = new TestPersistentStore();
		try (PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.cacheMode(CacheMode.NONE)
			.heartbeatInterval(Duration.ZERO)
			.executor(Runnable::run)
			.build()) {
			core.hang(); // a store call that blocks (interruptibly) until the store answers
			Thread.currentThread().interrupt();
			try {
				assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.get(FEATURES, "a"));
				assertThat(Thread.currentThread().isInterrupted()).as("interrupt flag restored").isTrue();
			}
			finally {
				Thread.interrupted();
				core.recover();
			}
			assertThat(store.getStatusProvider().getStatus().isAvailable()).as("status after the caller's own interrupt")
				.isTrue();
		}
	}

}
