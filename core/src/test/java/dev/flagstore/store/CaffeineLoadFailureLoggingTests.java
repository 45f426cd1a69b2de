package dev.flagstore.store;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Review finding: every failed cache load is logged by Caffeine (LocalAsyncCache.handleCompletion) at WARNING with
 * the whole, unsanitized exception chain: one WARN with a stack trace per failed read, credentials included, against
 * "log each transition once at WARN with the sanitized cause, not every failed call".
 */
class CaffeineLoadFailureLoggingTests {

	@Test
	void failedReadsShouldNotEachLogAWarningWithTheRawCause() {
		List<LogRecord> records = new CopyOnWriteArrayList<>();
		Handler handler = new Handler() {
			@Override
			public void publish(LogRecord record) {
				if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
					records.add(record);
				}
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}
		};
		Logger caffeine = Logger.getLogger("com.github.benmanes.caffeine.cache.LocalAsyncCache");
		caffeine.addHandler(handler);
		TestPersistentStore core = new TestPersistentStore();
		try (PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.cacheMode(CacheMode.TTL)
			.heartbeatInterval(Duration.ZERO)
			.build()) {
			core.fail();
			for (int i = 0; i < 20; i++) {
				String key = "k" + i;
				assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.get(FEATURES, key));
			}
		}
		finally {
			caffeine.removeHandler(handler);
		}
		assertThat(records).as("WARNING records logged by Caffeine for 20 failed reads of one outage").isEmpty();
	}

	static String chain(Throwable error) {
		StringBuilder text = new StringBuilder();
		for (Throwable t = error; t != null; t = t.getCause()) {
			text.append(t).append('\n');
		}
		return text.toString();
	}

}
