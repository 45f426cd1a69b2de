package dev.flagstore.store;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Review finding: CallTask marks itself decided before recording the failure and completing its future. If recording
 * throws (here: the store's exception throws from getMessage(), which ErrorDescriptions calls), the future is never
 * completed, the timeout was cancelled, and StoreCalls.await's TimeoutException branch calls timeOut() (a no-op, the
 * task is decided) and then join(): the caller waits forever, past any deadline.
 */
class UndecidedCallHangTests {

	/** An exception whose message is computed lazily and throws (a store library's bug). */
	static final class BadMessageException extends RuntimeException {

		@Override
		public String getMessage() {
			throw new IllegalStateException("message unavailable");
		}

	}

	static class BadExceptionStore extends TestPersistentStore {

		@Override
		public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
			throw new BadMessageException();
		}

		@Override
		public SerializedItemDescriptor get(DataKind kind, String key) {
			throw new BadMessageException();
		}

	}

	@Test
	void upsertShouldReturnWithinTheDeadlineWhateverTheStoreThrows() {
		BadExceptionStore core = new BadExceptionStore();
		try (PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.cacheMode(CacheMode.TTL)
			.heartbeatInterval(Duration.ZERO)
			.operationTimeout(Duration.ofMillis(200))
			.build()) {
			assertTimeoutPreemptively(Duration.ofSeconds(3),
					() -> assertThatThrownBy(() -> store.upsert(FEATURES, "a", flag("a", 1)))
						.isInstanceOf(RuntimeException.class),
					"upsert is still waiting 3 s after a 200 ms deadline");
		}
	}

	@Test
	void keyShouldNotStayPoisonedAfterTheStoreRecovers() {
		BadExceptionStore core = new BadExceptionStore() {
			volatile boolean broken = true;

			@Override
			public SerializedItemDescriptor get(DataKind kind, String key) {
				if (this.broken) {
					this.broken = false;
					throw new BadMessageException();
				}
				return null;
			}
		};
		try (PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.cacheMode(CacheMode.TTL)
			.heartbeatInterval(Duration.ZERO)
			.operationTimeout(Duration.ofMillis(200))
			.build()) {
			assertThatThrownBy(() -> store.get(FEATURES, "a")).isInstanceOf(RuntimeException.class);
			// The store answers normally now; the key's cached load never completed.
			assertThat(store.get(FEATURES, "a")).isNull();
		}
	}

}
