package dev.flagstore.chaos;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import dev.flagstore.source.FlagSourceErrorInfo;
import dev.flagstore.source.FlagSourceErrorKind;
import dev.flagstore.source.FlagSourceState;
import dev.flagstore.source.FlagSourceUpdateSink;
import dev.flagstore.source.HttpFlagSource;
import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.test.TcpFaultProxy;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP flag source while its server is killed (connections refused) and hung (blackholed) again and again, and
 * the data keeps changing: the source's status stays truthful (interrupted soon after each fault, valid soon
 * after each recovery, never valid in between), and at the end the data it last wrote is the server's. The sink
 * applies the status rules of every flag source (INTERRUPTED while INITIALIZING stays INITIALIZING; OFF final).
 */
@Tag("chaos-short")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HttpSourceChaosIT {

	private static final DataKind FEATURES = DataKind.json("features", JsonNode.class);

	private static final Duration POLL = Duration.ofMillis(200);

	private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(500);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

	/** A fault is seen within a poll interval plus a request timeout; the rest is slack for a loaded machine. */
	private static final Duration DETECT = Duration.ofMillis(2500);

	/** A recovery is seen within the longest back-off plus a request; the rest is slack. */
	private static final Duration RECOVER = Duration.ofMillis(3000);

	private static final Duration FAULT = Duration.ofSeconds(3);

	@Test
	void httpServerKilledAndHungWhilePollingKeepsTheSourceStatusTruthful() throws Exception {
		AtomicInteger version = new AtomicInteger(1);
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.createContext("/flags", exchange -> {
			try (exchange) {
				int current = version.get();
				String etag = "\"v" + current + "\"";
				if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
					exchange.sendResponseHeaders(304, -1);
					return;
				}
				byte[] body = ("{\"features\": {\"f1\": {\"key\": \"f1\", \"version\": " + current + "}}}")
					.getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().add("ETag", etag);
				exchange.sendResponseHeaders(200, body.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(body);
				}
			}
		});
		ExecutorService serverThreads = Executors.newCachedThreadPool();
		server.setExecutor(serverThreads);
		server.start();
		AtomicBoolean writing = new AtomicBoolean(true);
		Thread writer = new Thread(() -> {
			while (writing.get()) {
				try {
					Thread.sleep(400);
				}
				catch (InterruptedException ex) {
					return;
				}
				version.incrementAndGet();
			}
		}, "chaos-flag-writer");
		TruthSink sink = new TruthSink();
		List<long[]> faults = new ArrayList<>();
		List<String> faultNames = new ArrayList<>();
		try (TcpFaultProxy proxy = TcpFaultProxy.start("127.0.0.1", server.getAddress().getPort())) {
			URI url = URI.create("http://" + proxy.getHost() + ":" + proxy.getPort() + "/flags");
			HttpFlagSource source = HttpFlagSource.builder(url, List.of(FEATURES))
				.pollInterval(POLL)
				.requestTimeout(REQUEST_TIMEOUT)
				.initialRetryDelay(Duration.ofMillis(100))
				.maxRetryDelay(MAX_BACKOFF)
				.build();
			try {
				source.start(sink);
				await().atMost(Duration.ofSeconds(10)).until(() -> sink.state == FlagSourceState.VALID);
				writer.start();
				for (String fault : List.of("killed", "hung", "killed", "hung")) {
					long began = System.nanoTime();
					if (fault.equals("killed")) {
						proxy.refuseConnections();
						proxy.cutConnections();
					}
					else {
						proxy.blackhole();
					}
					Thread.sleep(FAULT.toMillis());
					long ended = System.nanoTime();
					proxy.restore();
					faults.add(new long[] { began, ended });
					faultNames.add(fault);
					Thread.sleep(RECOVER.toMillis());
				}
				writing.set(false);
				writer.join(5000);
				int last = version.get();
				await().atMost(RECOVER.multipliedBy(2)).until(() -> sink.lastVersion == last);

				// Hung once more: close must not wait for the server.
				proxy.blackhole();
				Thread.sleep(POLL.toMillis() * 2);
				long closing = System.nanoTime();
				source.close();
				assertThat(Duration.ofNanos(System.nanoTime() - closing)).as("close() against a hung server")
					.isLessThan(Duration.ofSeconds(1));
				assertThat(Thread.getAllStackTraces().keySet().stream()
					.filter(thread -> thread.isAlive() && thread.getName().startsWith("flagstore-http-source-"))
					.map(Thread::getName)
					.toList()).as("source threads after close").isEmpty();
				assertThat(sink.state).isEqualTo(FlagSourceState.OFF);
			}
			finally {
				source.close();
			}
		}
		finally {
			writing.set(false);
			writer.interrupt();
			server.stop(0);
			serverThreads.shutdownNow();
		}

		List<String> violations = new ArrayList<>();
		for (int i = 0; i < faults.size(); i++) {
			long began = faults.get(i)[0];
			long ended = faults.get(i)[1];
			String name = "fault " + (i + 1) + " (server " + faultNames.get(i) + ")";
			TruthSink.Entry detected = sink.first(began, ended, FlagSourceState.INTERRUPTED);
			if (detected == null || detected.nanos - began > DETECT.toNanos()) {
				violations.add(name + ": not INTERRUPTED within " + DETECT + (detected == null ? " (never)"
						: " (after " + Duration.ofNanos(detected.nanos - began) + ")"));
			}
			else {
				if (detected.kind != FlagSourceErrorKind.NETWORK_ERROR) {
					violations.add(name + ": error kind " + detected.kind + ", not NETWORK_ERROR");
				}
				TruthSink.Entry valid = sink.first(detected.nanos, ended, FlagSourceState.VALID);
				if (valid != null) {
					violations.add(name + ": VALID " + Duration.ofNanos(valid.nanos - began)
							+ " into the fault, while the server was unreachable");
				}
			}
			long nextFault = (i + 1 < faults.size()) ? faults.get(i + 1)[0] : Long.MAX_VALUE;
			TruthSink.Entry recovered = sink.first(ended, nextFault, FlagSourceState.VALID);
			if (recovered == null || recovered.nanos - ended > RECOVER.toNanos()) {
				violations.add(name + ": not VALID within " + RECOVER + " of the recovery"
						+ (recovered == null ? " (never)" : " (after " + Duration.ofNanos(recovered.nanos - ended) + ")"));
			}
		}
		assertThat(violations).as("status timeline: %s", sink.timeline).isEmpty();
		assertThat(sink.inits.get()).as("changes written").isGreaterThan(4);
	}

	/** Applies the flag-source status rules and keeps the effective timeline and the last data written. */
	static final class TruthSink implements FlagSourceUpdateSink {

		record Entry(long nanos, FlagSourceState state, @Nullable FlagSourceErrorKind kind) {
		}

		final List<Entry> timeline = new CopyOnWriteArrayList<>();

		final AtomicInteger inits = new AtomicInteger();

		volatile FlagSourceState state = FlagSourceState.INITIALIZING;

		volatile int lastVersion = -1;

		@Override
		public void init(FullDataSet<ItemDescriptor> allData) {
			this.inits.incrementAndGet();
			this.lastVersion = allData.data().get(FEATURES).items().get("f1").version();
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
		public synchronized void updateStatus(FlagSourceState newState, @Nullable FlagSourceErrorInfo error) {
			if (this.state == FlagSourceState.OFF) {
				return;
			}
			FlagSourceState effective = (newState == FlagSourceState.INTERRUPTED
					&& this.state == FlagSourceState.INITIALIZING) ? FlagSourceState.INITIALIZING : newState;
			this.state = effective;
			this.timeline.add(new Entry(System.nanoTime(), effective, (error != null) ? error.kind() : null));
		}

		@Override
		public DataStoreStatusProvider getDataStoreStatusProvider() {
			throw new UnsupportedOperationException("not used by the HTTP source");
		}

		/** The first entry with {@code state} in {@code [from, to)}, or {@code null}. */
		@Nullable Entry first(long from, long to, FlagSourceState wanted) {
			for (Entry entry : this.timeline) {
				if (entry.nanos >= from && entry.nanos < to && entry.state == wanted) {
					return entry;
				}
			}
			return null;
		}

	}

}
