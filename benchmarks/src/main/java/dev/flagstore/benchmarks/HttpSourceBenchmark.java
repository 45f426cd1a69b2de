package dev.flagstore.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import dev.flagstore.source.FlagSourceErrorInfo;
import dev.flagstore.source.FlagSourceState;
import dev.flagstore.source.FlagSourceUpdateSink;
import dev.flagstore.source.HttpFlagSource;
import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
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
 * The HTTP flag source against a JDK {@code HttpServer} on the loopback interface, in the same JVM (so the server's
 * work is in the numbers, as it shares the cores), one poll per operation, fired by the benchmark:
 * <ul>
 * <li>{@code pollNotModified}: a poll that finds nothing new: {@code If-None-Match} answered {@code 304}, no
 * body, nothing written;</li>
 * <li>{@code pollSameBody}: the same without an {@code ETag}: the whole body is downloaded, hashed and found
 * unchanged;</li>
 * <li>{@code changeToInit}: the data changed on the server (one flag's version), and the poll that follows
 * fetches, parses and hands the full data set to {@code sink.init}: the time from a change to {@code init}, beyond
 * the wait for the next poll (on average half the poll interval).</li>
 * </ul>
 * The data are the {@code flags} first flags of {@link FlagData} (1.1 KB each on average); the sink only counts.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// The JDK server sends headers and body in two writes: without TCP_NODELAY, Nagle and delayed ACKs add ~40 ms.
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "-Dsun.net.httpserver.nodelay=true" })
@Threads(1)
public class HttpSourceBenchmark {

	/** A local server, a source polling it on demand, and a counting sink. */
	@State(Scope.Thread)
	public static class Polling {

		/** How many flags the data set holds. */
		@Param({ "10", "1000" })
		public int flags;

		private final StepScheduler scheduler = new StepScheduler();

		private final CountingSink sink = new CountingSink();

		private @Nullable HttpServer server;

		private @Nullable ExecutorService serverThreads;

		private @Nullable HttpFlagSource source;

		private byte[][] bodies = new byte[2][];

		private volatile int current;

		/** Whether the server sends an ETag. */
		private volatile boolean etags = true;

		/** Starts the server and the source, and applies the first data set. */
		@Setup
		public void setUp() throws IOException {
			this.bodies = new byte[][] { body(1), body(2) };
			HttpServer httpServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			httpServer.createContext("/flags", exchange -> {
				int version = this.current;
				String etag = "\"v" + version + "\"";
				try (exchange) {
					if (this.etags && etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
						exchange.sendResponseHeaders(304, -1);
						return;
					}
					byte[] body = this.bodies[version];
					if (this.etags) {
						exchange.getResponseHeaders().add("ETag", etag);
					}
					exchange.sendResponseHeaders(200, body.length);
					try (OutputStream out = exchange.getResponseBody()) {
						out.write(body);
					}
				}
			});
			this.serverThreads = Executors.newFixedThreadPool(2);
			httpServer.setExecutor(this.serverThreads);
			httpServer.start();
			this.server = httpServer;
			URI url = URI.create("http://127.0.0.1:" + httpServer.getAddress().getPort() + "/flags");
			HttpFlagSource built = HttpFlagSource.builder(url, List.of(FlagData.FEATURES))
				.scheduler(this.scheduler)
				.build();
			built.start(this.sink);
			this.source = built;
			poll();
			if (this.sink.inits.get() != 1 || this.sink.state != FlagSourceState.VALID) {
				throw new IllegalStateException("first poll did not apply the data: " + this.sink.state);
			}
		}

		private byte[] body(int firstFlagVersion) {
			StringBuilder json = new StringBuilder("{\"features\":{");
			int i = 0;
			for (Map.Entry<String, String> flag : FlagData.get().json().entrySet()) {
				if (i == this.flags) {
					break;
				}
				String doc = flag.getValue();
				if (i == 0) {
					doc = doc.replace("\"version\":1,", "\"version\":" + firstFlagVersion + ",");
				}
				json.append((i++ == 0) ? "" : ",").append('"').append(flag.getKey()).append("\":").append(doc);
			}
			return json.append("}}").toString().getBytes(StandardCharsets.UTF_8);
		}

		void poll() {
			this.scheduler.step();
		}

		/** Closes the source and stops the server. */
		@TearDown
		public void tearDown() {
			if (this.source != null) {
				this.source.close();
			}
			if (this.server != null) {
				this.server.stop(0);
			}
			if (this.serverThreads != null) {
				this.serverThreads.shutdownNow();
			}
		}

	}

	/**
	 * One poll answered {@code 304 Not Modified}.
	 * @param polling the state
	 * @return the number of inits so far (unchanged)
	 */
	@Benchmark
	public int pollNotModified(Polling polling) {
		polling.etags = true;
		polling.poll();
		return polling.sink.inits.get();
	}

	/**
	 * One poll of an unchanged body without {@code ETag}: downloaded, hashed, skipped.
	 * @param polling the state
	 * @return the number of inits so far (unchanged)
	 */
	@Benchmark
	public int pollSameBody(Polling polling) {
		polling.etags = false;
		polling.poll();
		return polling.sink.inits.get();
	}

	/**
	 * A change on the server, then the poll that writes it to the sink.
	 * @param polling the state
	 * @return the number of inits so far
	 */
	@Benchmark
	public int changeToInit(Polling polling) {
		polling.etags = true;
		int before = polling.sink.inits.get();
		polling.current = 1 - polling.current;
		polling.poll();
		int after = polling.sink.inits.get();
		if (after != before + 1) {
			throw new IllegalStateException("the change was not written: " + polling.sink.state);
		}
		return after;
	}

	/** Counts inits and keeps the last state. */
	static final class CountingSink implements FlagSourceUpdateSink {

		final AtomicInteger inits = new AtomicInteger();

		volatile @Nullable FlagSourceState state;

		@Override
		public void init(FullDataSet<ItemDescriptor> allData) {
			this.inits.incrementAndGet();
		}

		@Override
		public boolean upsert(DataKind kind, String key, ItemDescriptor item) {
			return true;
		}

		@Override
		public boolean delete(DataKind kind, String key, int version) {
			return true;
		}

		@Override
		public void updateStatus(FlagSourceState newState, @Nullable FlagSourceErrorInfo error) {
			this.state = newState;
		}

		@Override
		public DataStoreStatusProvider getDataStoreStatusProvider() {
			throw new UnsupportedOperationException("not used by the HTTP source");
		}

	}

}
