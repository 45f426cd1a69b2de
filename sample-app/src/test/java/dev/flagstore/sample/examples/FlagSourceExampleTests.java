package dev.flagstore.sample.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.flagstore.sample.Flag;
import dev.flagstore.source.FileFlagSource;
import dev.flagstore.source.FlagSource;
import dev.flagstore.source.FlagSourceErrorInfo;
import dev.flagstore.source.FlagSourceErrorKind;
import dev.flagstore.source.FlagSourceRunner;
import dev.flagstore.source.FlagSourceState;
import dev.flagstore.source.FlagSourceUpdateSink;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.InMemoryDataStore;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/flag-source.md's examples: a flag source of your own, and the file source without Spring. In a package of its
 * own, so that it compiles against the public API only.
 */
class FlagSourceExampleTests {

	@TempDir
	Path dir;

	// tag::custom-source[]
	/** Polls a supplier of the full data set (your service, a vendor SDK, a queue's snapshot) every few seconds. */
	static final class SupplierFlagSource implements FlagSource {

		private final Supplier<FullDataSet<ItemDescriptor>> fetch;

		private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread t = new Thread(task, "my-flag-source");
			t.setDaemon(true);
			return t;
		});

		private volatile FlagSourceUpdateSink sink;

		SupplierFlagSource(Supplier<FullDataSet<ItemDescriptor>> fetch) {
			this.fetch = fetch;
		}

		@Override
		public void start(FlagSourceUpdateSink sink) {
			this.sink = sink;
			// Return at once: the work runs on the source's own thread.
			this.thread.scheduleWithFixedDelay(this::poll, 0, 5, TimeUnit.SECONDS);
		}

		private void poll() {
			try {
				this.sink.init(this.fetch.get());        // a store failure is reported for you, never thrown
				this.sink.updateStatus(FlagSourceState.VALID, null);
			}
			catch (RuntimeException ex) {               // the fetch failed: keep the last data, say why
				this.sink.updateStatus(FlagSourceState.INTERRUPTED,
						FlagSourceErrorInfo.of(FlagSourceErrorKind.NETWORK_ERROR, ex.getMessage(), Instant.now()));
			}
		}

		@Override
		public void resync() {
			this.thread.execute(this::poll);              // the store lost writes: send everything again, soon
		}

		@Override
		public void close() {
			this.thread.shutdownNow();
		}

	}
	// end::custom-source[]

	@Test
	void customSourceShouldFeedTheStore() throws InterruptedException {
		Flag flag = new Flag("dark-mode", 1, true, null);
		FullDataSet<ItemDescriptor> data = new FullDataSet<>(
				Map.of(Flag.KIND, new KeyedItems<>(Map.of("dark-mode", new ItemDescriptor(1, flag)))));
		DataStore store = new InMemoryDataStore();
		try (FlagSourceRunner runner = FlagSourceRunner.builder(store, new SupplierFlagSource(() -> data)).build()) {
			runner.start();
			assertThat(runner.getStatusProvider().waitFor(FlagSourceState.VALID, Duration.ofSeconds(10))).isTrue();
			assertThat(store.get(Flag.KIND, "dark-mode").item()).isEqualTo(flag);
		}
	}

	@Test
	void fileSourceWithoutSpringShouldFeedTheStore() throws Exception {
		Path flagsFile = this.dir.resolve("flags.json");
		Files.writeString(flagsFile, "{\"features\": {\"dark-mode\": {\"on\": true}}}");
		DataStore store = new InMemoryDataStore();
		// tag::file-source-without-spring[]
		FileFlagSource source = FileFlagSource.builder(List.of(Flag.KIND))   // the kinds the files may hold
			.path(flagsFile)                                                 // watched; add more to merge them
			.pollInterval(Duration.ofSeconds(1))                             // fallback check besides file events
			.build();
		FlagSourceRunner runner = FlagSourceRunner.builder(store, source).build();
		runner.start();
		runner.getStatusProvider().waitFor(FlagSourceState.VALID, Duration.ofSeconds(10));
		// end::file-source-without-spring[]
		try (runner) {
			assertThat(runner.getStatusProvider().getStatus().getState()).isEqualTo(FlagSourceState.VALID);
			assertThat(((Flag) store.get(Flag.KIND, "dark-mode").item()).on()).isTrue();
		}
	}

}
