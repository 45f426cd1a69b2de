package dev.flagstore.source;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.store.CacheMode;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.PersistentDataStoreWrapper;
import dev.flagstore.store.SerializedItemDescriptor;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With the real {@link PersistentDataStoreWrapper}: an outage ends with {@code refreshNeeded=true}, the runner asks
 * the source to resync, the source's {@code init} clears {@code refreshNeeded}, and the store holds the data again.
 */
class RefreshNeededResyncTests {

	private static final DataKind FEATURES = DataKind.json("features", Map.class);

	@Test
	void aResyncInitShouldClearRefreshNeeded() {
		SwitchableStore persistent = new SwitchableStore();
		try (PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(persistent)
			.cacheMode(CacheMode.NONE)
			.pollInterval(Duration.ofMillis(20))
			.heartbeatInterval(Duration.ZERO)
			.build()) {
			ResendingSource source = new ResendingSource();
			try (FlagSourceRunner runner = FlagSourceRunner.builder(store, source).build()) {
				runner.start();
				assertThat(runner.getStatusProvider().getStatus().getState()).isEqualTo(FlagSourceState.VALID);
				assertThat(persistent.items).containsKey("flag");

				persistent.down = true;
				assertThat(source.sink.upsert(FEATURES, "other", new ItemDescriptor(1, Map.of("version", 1))))
					.isFalse();
				assertThat(store.getStatusProvider().getStatus().isAvailable()).isFalse();
				assertThat(runner.getStatusProvider().getStatus().getLastError().kind())
					.isEqualTo(FlagSourceErrorKind.STORE_ERROR);
				// The store lost its data during the outage (a restarted Redis without persistence).
				persistent.items.clear();
				persistent.initialized = false;
				persistent.down = false;

				await().atMost(10, TimeUnit.SECONDS).until(() -> source.inits.get() == 2);
				await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
					DataStoreStatus status = store.getStatusProvider().getStatus();
					assertThat(status.isAvailable()).isTrue();
					assertThat(status.isRefreshNeeded()).isFalse();
				});
				assertThat(persistent.items).containsKey("flag");
				assertThat(runner.getStatusProvider().getStatus().getState()).isEqualTo(FlagSourceState.VALID);
			}
		}
	}

	/** Sends one flag on start and again on every resync. */
	private static final class ResendingSource implements FlagSource {

		final AtomicInteger inits = new AtomicInteger();

		volatile FlagSourceUpdateSink sink;

		@Override
		public void start(FlagSourceUpdateSink sink) {
			this.sink = sink;
			send();
			sink.updateStatus(FlagSourceState.VALID, null);
		}

		@Override
		public void resync() {
			send();
		}

		private void send() {
			Map<String, ItemDescriptor> items = new LinkedHashMap<>();
			items.put("flag", new ItemDescriptor(1, Map.of("version", 1)));
			this.sink.init(new FullDataSet<>(Map.of(FEATURES, new KeyedItems<>(items))));
			this.inits.incrementAndGet();
		}

		@Override
		public void close() {
		}

	}

	/** One kind in memory; fails every call while {@code down}. */
	private static final class SwitchableStore implements PersistentDataStore {

		final Map<String, SerializedItemDescriptor> items = new ConcurrentHashMap<>();

		volatile boolean initialized;

		volatile boolean down;

		private void check() {
			if (this.down) {
				throw new IllegalStateException("store down");
			}
		}

		@Override
		public void init(FullDataSet<SerializedItemDescriptor> allData) {
			check();
			this.items.clear();
			allData.data().values().forEach((kind) -> this.items.putAll(kind.items()));
			this.initialized = true;
		}

		@Override
		public @Nullable SerializedItemDescriptor get(DataKind kind, String key) {
			check();
			return this.items.get(key);
		}

		@Override
		public KeyedItems<SerializedItemDescriptor> getAll(DataKind kind) {
			check();
			return new KeyedItems<>(this.items);
		}

		@Override
		public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
			check();
			SerializedItemDescriptor old = this.items.get(key);
			if (old != null && old.version() >= item.version()) {
				return false;
			}
			this.items.put(key, item);
			return true;
		}

		@Override
		public boolean isInitialized() {
			check();
			return this.initialized;
		}

		@Override
		public boolean isStoreAvailable() {
			return !this.down;
		}

		@Override
		public void close() {
		}

	}

}
