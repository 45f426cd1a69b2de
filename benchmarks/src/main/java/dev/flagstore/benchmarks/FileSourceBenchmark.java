package dev.flagstore.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import dev.flagstore.source.FileFlagSource;
import dev.flagstore.source.FlagSourceRunner;
import dev.flagstore.source.FlagSourceState;
import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.InMemoryDataStore;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 13, measured: the time from an edit of a flags file (saved by atomic rename, as editors do) to the edited
 * item being readable through the {@link DataStore}, as latency percentiles (p50, p99). {@code watch=true} is the
 * file-system watch, {@code false} the polling fallback alone (poll every 100 ms); {@code debounceMs} is the time
 * a change must stay stable before it is loaded (100 ms is the default). One file of 100 flags, one changed per
 * edit. The benchmark thread parks until the store's {@code init} returns (no spinning: the machine's cores belong
 * to the source's threads), then checks the item.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Threads(1)
public class FileSourceBenchmark {

	private static final DataKind FEATURES = DataKind.json("features", Map.class);

	private static final int FLAGS = 100;

	private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(10);

	/** A flags file fed to an in-memory store by the file source. */
	@State(Scope.Benchmark)
	public static class Source {

		/** Whether the source watches the directory (else: polling alone). */
		@Param({ "true", "false" })
		public boolean watch;

		/** The source's debounce, in milliseconds. */
		@Param({ "0", "100" })
		public int debounceMs;

		private @Nullable Path dir;

		private @Nullable Path file;

		private @Nullable FlagSourceRunner runner;

		final SignallingStore store = new SignallingStore();

		int edit;

		/** Writes the file and starts the source; waits until it is VALID. */
		@Setup
		public void setUp() throws IOException, InterruptedException {
			this.dir = Files.createTempDirectory("flagstore-file-bench");
			this.file = this.dir.resolve("flags.json");
			Files.writeString(this.file, content(0));
			FileFlagSource source = FileFlagSource.builder(List.of(FEATURES))
				.path(this.file)
				.watchFileSystem(this.watch)
				.pollInterval(Duration.ofMillis(100))
				.debounce(Duration.ofMillis(this.debounceMs))
				.build();
			this.runner = FlagSourceRunner.builder(this.store, source).build();
			this.runner.start();
			if (!this.runner.getStatusProvider().waitFor(FlagSourceState.VALID, Duration.ofSeconds(30))) {
				throw new IllegalStateException("the file source did not load: " + this.runner.getStatusProvider()
					.getStatus());
			}
		}

		/** Stops the source and removes the files. */
		@TearDown
		public void tearDown() throws IOException {
			if (this.runner != null) {
				this.runner.close();
			}
			if (this.dir != null) {
				try (Stream<Path> files = Files.list(this.dir)) {
					for (Path path : files.toList()) {
						Files.deleteIfExists(path);
					}
				}
				Files.deleteIfExists(this.dir);
			}
		}

		void save(int n) throws IOException {
			Path temp = this.dir.resolve("flags.json.tmp");
			Files.writeString(temp, content(n));
			Files.move(temp, this.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}

		private static String content(int n) {
			StringBuilder json = new StringBuilder("{\"features\": {");
			for (int i = 0; i < FLAGS; i++) {
				json.append(i == 0 ? "" : ",")
					.append("\"flag-")
					.append(i)
					.append("\": {\"on\": true, \"description\": \"flag number ")
					.append(i)
					.append("\", \"n\": ")
					.append((i == 7) ? n : 0)
					.append("}");
			}
			return json.append("}}").toString();
		}

	}

	/** One edit of flag-7, until the store answers it. */
	@Benchmark
	public Object editToReadable(Source source) throws IOException {
		int n = ++source.edit;
		source.store.waiter = Thread.currentThread();
		source.save(n);
		long deadline = System.nanoTime() + GIVE_UP_NANOS;
		while (true) {
			ItemDescriptor item = source.store.get(FEATURES, "flag-7");
			if (item != null && item.item() instanceof Map<?, ?> map && Integer.valueOf(n).equals(map.get("n"))) {
				return item;
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("edit " + n + " not readable after 10 s");
			}
			// Woken by the store's init; the timeout only bounds a missed wake-up.
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
		}
	}

	/** An in-memory store that wakes the benchmark thread when an {@code init} has been applied. */
	static final class SignallingStore implements DataStore {

		private final InMemoryDataStore delegate = new InMemoryDataStore();

		volatile @Nullable Thread waiter;

		@Override
		public void init(FullDataSet<ItemDescriptor> allData) {
			this.delegate.init(allData);
			Thread thread = this.waiter;
			if (thread != null) {
				LockSupport.unpark(thread);
			}
		}

		@Override
		public @Nullable ItemDescriptor get(DataKind kind, String key) {
			return this.delegate.get(kind, key);
		}

		@Override
		public KeyedItems<ItemDescriptor> getAll(DataKind kind) {
			return this.delegate.getAll(kind);
		}

		@Override
		public boolean upsert(DataKind kind, String key, ItemDescriptor item) {
			return this.delegate.upsert(kind, key, item);
		}

		@Override
		public boolean isInitialized() {
			return this.delegate.isInitialized();
		}

		@Override
		public boolean isStatusMonitoringEnabled() {
			return false;
		}

		@Override
		public DataStoreStatusProvider getStatusProvider() {
			return this.delegate.getStatusProvider();
		}

		@Override
		public void close() {
			this.delegate.close();
		}

	}

}
