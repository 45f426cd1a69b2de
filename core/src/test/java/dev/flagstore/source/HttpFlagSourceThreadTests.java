package dev.flagstore.source;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static dev.flagstore.source.SourceTestData.KINDS;
import static dev.flagstore.source.SourceTestData.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP source on its own threads, in real time: start never blocks, close is prompt even against a hung
 * server and ends every thread, and the racy parts (close during a request, resync during a poll) hold their
 * invariants run after run.
 */
class HttpFlagSourceThreadTests {

	private static final Duration PROMPT = Duration.ofSeconds(1);

	private final RecordingSink sink = new RecordingSink();

	private FlagServer server;

	private HttpFlagSource source;

	@BeforeEach
	void startServer() throws IOException {
		this.server = FlagServer.start();
	}

	@AfterEach
	void stop() {
		if (this.source != null) {
			this.source.close();
		}
		this.server.close();
	}

	private HttpFlagSource.Builder builder() {
		return HttpFlagSource.builder(this.server.uri(), KINDS).pollInterval(Duration.ofHours(1));
	}

	@Test
	void startShouldReturnAtOnceAndClosePromptlyAgainstAHungServer() {
		this.server.hang();
		this.source = builder().requestTimeout(Duration.ofMinutes(5)).build();
		Duration started = timed(() -> this.source.start(this.sink));
		assertThat(started).isLessThan(Duration.ofMillis(500));
		this.server.awaitRequests(1);
		assertThat(sourceThreads()).isNotEmpty();

		Duration closed = timed(this.source::close);
		assertThat(closed).isLessThan(PROMPT);
		assertThat(sourceThreads()).as("source threads after close").isEmpty();
		assertThat(this.sink.calls).containsExactly("OFF");
	}

	@Test
	void pollsShouldRunOnTheSourcesNamedDaemonThread() {
		this.server.serve(body(1, true), "\"e1\"");
		this.source = builder().build();
		this.source.start(this.sink);
		RecordingSink.Report valid = this.sink.awaitState(FlagSourceState.VALID);
		assertThat(valid.thread().getName()).isEqualTo(this.source.threadName());
		assertThat(valid.thread().isDaemon()).isTrue();
	}

	@Test
	void closingAndDroppingSourcesShouldLeaveNoThreadBehind() {
		this.server.serve(body(1, true), "\"e1\"");
		Set<Thread> before = Thread.getAllStackTraces().keySet();
		for (int i = 0; i < 5; i++) {
			HttpFlagSource one = builder().build();
			RecordingSink recording = new RecordingSink();
			one.start(recording);
			recording.awaitState(FlagSourceState.VALID);
			one.close();
			assertThat(threadsNamed(one.threadName())).as("threads of source %s after close", i).isEmpty();
		}
		// The JDK 17 client's selector thread cannot be stopped: it ends once its client is unreachable.
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			System.gc();
			Set<String> left = Thread.getAllStackTraces().keySet().stream()
				.filter(thread -> !before.contains(thread) && thread.isAlive())
				.filter(thread -> !thread.getName().startsWith("test-flag-server"))
				.filter(thread -> !thread.getName().startsWith("awaitility"))
				.map(Thread::getName)
				.collect(Collectors.toSet());
			assertThat(left).as("threads started by the sources and still alive").isEmpty();
		});
	}

	@Test
	void aPermanentErrorShouldEndTheThreadsWithoutClose() {
		this.server.status(401, Map.of());
		this.source = builder().build();
		this.source.start(this.sink);
		this.sink.awaitState(FlagSourceState.OFF);
		await().atMost(Duration.ofSeconds(5)).until(() -> threadsNamed(this.source.threadName()).isEmpty());
	}

	@Test
	void closeFromAnInterruptedThreadShouldStillStopEverythingAndKeepTheFlag() {
		this.server.hang();
		this.source = builder().build();
		this.source.start(this.sink);
		this.server.awaitRequests(1);
		Thread.currentThread().interrupt();
		try {
			this.source.close();
			assertThat(Thread.currentThread().isInterrupted()).as("caller's interrupt flag").isTrue();
		}
		finally {
			Thread.interrupted();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> sourceThreads().isEmpty());
	}

	@Test
	void closeFromTheSinkOnThePollThreadShouldNotWaitForItself() {
		this.server.serve(body(1, true), "\"e1\"");
		this.source = builder().build();
		CountDownLatch closed = new CountDownLatch(1);
		long[] took = new long[1];
		this.sink.onInit = () -> {
			took[0] = System.nanoTime();
			this.source.close();
			took[0] = System.nanoTime() - took[0];
			closed.countDown();
		};
		this.source.start(this.sink);
		await().atMost(Duration.ofSeconds(10)).until(() -> closed.getCount() == 0);
		assertThat(Duration.ofNanos(took[0])).isLessThan(Duration.ofMillis(500));
		await().atMost(Duration.ofSeconds(5)).until(() -> sourceThreads().isEmpty());
		assertThat(this.sink.calls).containsExactly("init", "OFF");
	}

	@RepeatedTest(25)
	void closeDuringARequestShouldBePromptAndFinal() throws Exception {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int answerAfterMillis = random.nextInt(0, 20);
		this.server.respond(exchange -> {
			Thread.sleep(answerAfterMillis);
			FlagServer.send(exchange, 200, body(1, true), Map.of("ETag", "\"e1\""));
		});
		this.source = builder().build();
		this.source.start(this.sink);
		Thread.sleep(random.nextInt(0, 25));
		Duration closing = timed(this.source::close);
		int callsAtClose = this.sink.calls.size();

		assertThat(closing).isLessThan(PROMPT);
		assertThat(sourceThreads()).isEmpty();
		List<String> calls = List.copyOf(this.sink.calls);
		assertThat(calls).last().isEqualTo("OFF");
		assertThat(calls).isIn(List.of("OFF"), List.of("init", "VALID", "OFF"));
		Thread.sleep(30);
		assertThat(this.sink.calls).as("no call after close returned").hasSize(callsAtClose);
	}

	@RepeatedTest(25)
	void resyncsDuringPollsShouldEachBeServedByAFullFetchAndCoalesce() throws Exception {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		this.server.respond(exchange -> {
			Thread.sleep(random.nextInt(0, 5));
			String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
			if ("\"e1\"".equals(ifNoneMatch)) {
				exchange.sendResponseHeaders(304, -1);
			}
			else {
				FlagServer.send(exchange, 200, body(1, true), Map.of("ETag", "\"e1\""));
			}
		});
		this.source = builder().build();
		this.source.start(this.sink);
		this.sink.awaitInits(1);

		int resyncs = random.nextInt(1, 6);
		int initsBefore = this.sink.inits.size();
		Thread[] callers = new Thread[resyncs];
		for (int i = 0; i < resyncs; i++) {
			int pause = random.nextInt(0, 4);
			callers[i] = new Thread(() -> {
				sleep(pause);
				Duration took = timed(this.source::resync);
				assertThat(took).isLessThan(Duration.ofMillis(200));
			});
			callers[i].start();
		}
		for (Thread caller : callers) {
			caller.join(TimeUnit.SECONDS.toMillis(5));
		}
		int initsAfterLastResync = this.sink.inits.size();
		// Each resync is served by a full fetch that starts after it: at least one more init than when the last
		// resync returned... unless the fetch that serves it was already under way, which then wrote too.
		await().atMost(Duration.ofSeconds(5)).until(() -> this.sink.inits.size() > initsBefore);
		assertThat(initsAfterLastResync).isGreaterThanOrEqualTo(initsBefore);
		Thread.sleep(50);
		int requests = this.server.requests.size();
		assertThat(requests).as("coalesced: at most one fetch per resync").isLessThanOrEqualTo(1 + 2 * resyncs);
		Thread.sleep(100);
		assertThat(this.server.requests).as("settled: no polling loop").hasSize(requests);
		assertThat(this.server.lastRequest().ifNoneMatch()).as("the last fetch served a resync").isNull();
		assertThat(this.sink.calls).doesNotContain("INTERRUPTED", "OFF");
	}

	private Set<Thread> sourceThreads() {
		return threadsNamed(this.source.threadName());
	}

	private static Set<Thread> threadsNamed(String prefix) {
		return Thread.getAllStackTraces().keySet().stream()
			.filter(thread -> thread.isAlive() && thread.getName().startsWith(prefix))
			// "-1" must not match "-10"
			.filter(thread -> thread.getName().equals(prefix) || thread.getName().startsWith(prefix + "-"))
			.collect(Collectors.toSet());
	}

	private static Duration timed(Runnable action) {
		long began = System.nanoTime();
		action.run();
		return Duration.ofNanos(System.nanoTime() - began);
	}

	private static void sleep(int millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
