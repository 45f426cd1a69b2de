package dev.flagstore.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import dev.flagstore.spring.health.FlagstoreHealthIndicator;
import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.status.DataStoreUpdateSink;
import dev.flagstore.store.CacheMode;
import dev.flagstore.store.PersistentDataStoreWrapper;
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
import org.springframework.boot.health.contributor.Health;

/**
 * Workload 5: {@link FlagstoreHealthIndicator#health()} over a wrapper's status provider, as latency percentiles,
 * with the status available and unavailable (then the details carry {@code lastError}). {@code getStatus} is the
 * status read alone, for scale.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Threads(1)
public class HealthBenchmark {

	/** The indicator over a live wrapper. */
	@State(Scope.Benchmark)
	public static class Indicator {

		/** The status the indicator reports. */
		@Param({ "available", "unavailable" })
		public String status = "";

		private @Nullable PersistentDataStoreWrapper wrapper;

		@Nullable DataStoreStatusProvider provider;

		@Nullable FlagstoreHealthIndicator indicator;

		/** Builds the wrapper and, for {@code unavailable}, pushes an outage through the store's update sink. */
		@Setup
		public void setUp() {
			MapPersistentStore core = new MapPersistentStore();
			PersistentDataStoreWrapper built = Stores.wrapper(core, CacheMode.TTL, Duration.ofSeconds(2));
			DataStoreUpdateSink sink = core.sink;
			if (this.status.equals("unavailable") && sink != null) {
				sink.updateStatus(new DataStoreStatus(false, false, Instant.now(),
						"RedisConnectionFailureException: Unable to connect to localhost:6379"));
			}
			this.wrapper = built;
			this.provider = built.getStatusProvider();
			this.indicator = new FlagstoreHealthIndicator(built.getStatusProvider());
			if (this.provider.getStatus().isAvailable() != this.status.equals("available")) {
				throw new IllegalStateException("status is not " + this.status);
			}
		}

		/** Closes the wrapper. */
		@TearDown
		public void tearDown() {
			if (this.wrapper != null) {
				this.wrapper.close();
			}
		}

	}

	/** One health probe. */
	@Benchmark
	public @Nullable Health health(Indicator indicator) {
		FlagstoreHealthIndicator health = indicator.indicator;
		return (health != null) ? health.health() : null;
	}

	/** The status read the probe starts with. */
	@Benchmark
	public @Nullable DataStoreStatus getStatus(Indicator indicator) {
		DataStoreStatusProvider provider = indicator.provider;
		return (provider != null) ? provider.getStatus() : null;
	}

}
