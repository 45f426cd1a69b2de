package dev.flagstore.source;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import dev.flagstore.store.ItemDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.flagstore.source.SourceTestData.FEATURES;
import static dev.flagstore.source.SourceTestData.KINDS;
import static dev.flagstore.source.SourceTestData.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The HTTP source against a real HTTP server, on fake time: each poll runs on the test's thread when the test
 * says, so every delay the source asks for is checked exactly (jitter fixed at its maximum).
 */
class HttpFlagSourceTests {

	private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

	private static final Duration POLL = Duration.ofSeconds(30);

	private final ManualScheduledExecutor scheduler = new ManualScheduledExecutor();

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
		return HttpFlagSource.builder(this.server.uri(), KINDS)
			.scheduler(this.scheduler)
			.clock(Clock.fixed(NOW, ZoneOffset.UTC))
			.jitter(() -> 1.0)
			.pollInterval(POLL)
			.requestTimeout(Duration.ofSeconds(5));
	}

	private void start() {
		start(builder());
	}

	private void start(HttpFlagSource.Builder builder) {
		this.source = builder.build();
		this.source.start(this.sink);
	}

	private void startValid() {
		this.server.serve(body(1, true), "\"e1\"");
		start();
		this.scheduler.runNext();
		assertThat(this.sink.calls).containsExactly("init", "VALID");
	}

	@Test
	void startShouldReturnAtOnceAndLeaveTheFirstPollToTheScheduler() {
		this.server.serve(body(1, true), "\"e1\"");
		start();
		assertThat(this.sink.calls).isEmpty();
		assertThat(this.server.requests).isEmpty();
		assertThat(this.scheduler.nextDelay()).isEqualTo(Duration.ZERO);
	}

	@Test
	void goodDataShouldBeWrittenWithInitThenReportedValid() {
		startValid();
		assertThat(this.sink.inits.get(0).data().get(FEATURES).items())
			.containsExactly(Map.entry("f1", new ItemDescriptor(1, new SourceTestData.Flag("f1", 1, true))));
		assertThat(this.sink.last().error()).isNull();
		assertThat(this.scheduler.nextDelay()).isEqualTo(POLL);
	}

	@Test
	void notModifiedShouldChangeNothingAndKeepPolling() {
		startValid();
		assertThat(this.server.lastRequest().ifNoneMatch()).isNull();
		this.scheduler.runNext();
		assertThat(this.server.requests).hasSize(2);
		assertThat(this.server.lastRequest().ifNoneMatch()).isEqualTo("\"e1\"");
		assertThat(this.sink.calls).containsExactly("init", "VALID");
		assertThat(this.scheduler.nextDelay()).isEqualTo(POLL);
	}

	@Test
	void changedDataShouldBeWrittenAgain() {
		startValid();
		this.server.serve(body(2, false), "\"e2\"");
		assertThat(this.scheduler.runNext()).isEqualTo(POLL);
		assertThat(this.sink.calls).containsExactly("init", "VALID", "init", "VALID");
		assertThat(this.sink.inits.get(1).data().get(FEATURES).items().get("f1"))
			.isEqualTo(new ItemDescriptor(2, new SourceTestData.Flag("f1", 2, false)));
	}

	@Test
	void anUnchangedBodyWithoutEtagShouldNotBeWrittenAgain() {
		this.server.serve(body(1, true), null);
		start();
		this.scheduler.runNext();
		this.scheduler.runNext();
		assertThat(this.server.requests).hasSize(2);
		assertThat(this.server.lastRequest().ifNoneMatch()).isNull();
		assertThat(this.sink.calls).containsExactly("init", "VALID");
	}

	@Test
	void aServerErrorShouldInterruptAndBackOffUntilItRecovers() {
		startValid();
		this.server.status(500, Map.of());
		this.scheduler.runNext();
		assertThat(this.sink.last().state()).isEqualTo(FlagSourceState.INTERRUPTED);
		FlagSourceErrorInfo error = this.sink.lastError();
		assertThat(error.kind()).isEqualTo(FlagSourceErrorKind.ERROR_RESPONSE);
		assertThat(error.statusCode()).isEqualTo(500);
		assertThat(error.message()).contains("answered HTTP 500").contains(this.server.uri().toString());
		assertThat(error.time()).isEqualTo(NOW);
		assertThat(this.scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(1));
		assertThat(this.scheduler.runNext()).isEqualTo(Duration.ofSeconds(1));
		assertThat(this.scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(2));
		this.scheduler.runNext();
		assertThat(this.scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(4));
		assertThat(this.sink.inits).hasSize(1);

		this.server.serve(body(1, true), "\"e1\"");
		this.scheduler.runNext();
		assertThat(this.sink.last().state()).isEqualTo(FlagSourceState.VALID);
		assertThat(this.sink.inits).as("304: the store already has this data").hasSize(1);
		assertThat(this.scheduler.nextDelay()).isEqualTo(POLL);

		this.server.status(502, Map.of());
		this.scheduler.runNext();
		assertThat(this.scheduler.nextDelay()).as("back-off restarts after a success").isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void theBackoffShouldStopGrowingAtItsCap() {
		this.server.status(500, Map.of());
		start(builder().maxRetryDelay(Duration.ofSeconds(5)));
		this.scheduler.runNext();
		this.scheduler.runNext();
		this.scheduler.runNext();
		this.scheduler.runNext();
		assertThat(this.scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(5));
		this.scheduler.runNext();
		assertThat(this.scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void theDefaultBackoffCapShouldBeThePollIntervalButAtLeastThirtySeconds() {
		assertThat(builder().pollInterval(Duration.ofSeconds(5)).build().maxRetryDelay())
			.isEqualTo(Duration.ofSeconds(30));
		assertThat(builder().pollInterval(Duration.ofMinutes(2)).build().maxRetryDelay())
			.isEqualTo(Duration.ofMinutes(2));
	}

	@Test
	void aFailureWhileStartingShouldBeReportedAsInterrupted() {
		this.server.status(500, Map.of());
		start();
		this.scheduler.runNext();
		// The sink keeps INITIALIZING (the seed's rule); the source reports what happened.
		assertThat(this.sink.calls).containsExactly("INTERRUPTED");
		assertThat(this.sink.inits).isEmpty();
	}

	@Test
	void retryAfterShouldBeHonouredOn503And429() {
		startValid();
		this.server.status(503, Map.of("Retry-After", "7"));
		this.scheduler.runNext();
		assertThat(this.sink.lastError().statusCode()).isEqualTo(503);
		assertThat(this.scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(7));
		this.server.status(429, Map.of("Retry-After", "100000"));
		this.scheduler.runNext();
		assertThat(this.sink.lastError().statusCode()).isEqualTo(429);
		assertThat(this.scheduler.nextDelay()).as("bounded").isEqualTo(Duration.ofMinutes(5));
		this.server.status(429, Map.of("Retry-After", "Sun, 01 Mar 2026 10:00:20 GMT"));
		this.scheduler.runNext();
		assertThat(this.scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(20));
	}

	@Test
	void retryAfterShouldBeIgnoredOnOtherStatuses() {
		startValid();
		this.server.status(500, Map.of("Retry-After", "120"));
		this.scheduler.runNext();
		assertThat(this.scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(1));
	}

	@ParameterizedTest
	@ValueSource(ints = { 401, 403, 404 })
	void aPermanentErrorStatusShouldTurnTheSourceOffAndStopPolling(int status) {
		startValid();
		this.server.status(status, Map.of());
		this.scheduler.runNext();
		assertThat(this.sink.last().state()).isEqualTo(FlagSourceState.OFF);
		assertThat(this.sink.lastError().kind()).isEqualTo(FlagSourceErrorKind.ERROR_RESPONSE);
		assertThat(this.sink.lastError().statusCode()).isEqualTo(status);
		assertThat(this.scheduler.pending()).isZero();
		this.source.resync();
		assertThat(this.scheduler.pending()).as("resync after OFF").isZero();
		assertThat(this.server.requests).hasSize(2);
	}

	@ParameterizedTest
	@ValueSource(ints = { 400, 408, 410, 418, 429, 500, 502, 503, 504, 301, 302 })
	void otherErrorStatusesShouldInterruptAndRetry(int status) {
		startValid();
		this.server.respond(exchange -> {
			exchange.getResponseHeaders().add("Location", "http://elsewhere.invalid/flags");
			FlagServer.send(exchange, status, "", Map.of());
		});
		this.scheduler.runNext();
		assertThat(this.sink.last().state()).isEqualTo(FlagSourceState.INTERRUPTED);
		assertThat(this.sink.lastError().kind()).isEqualTo(FlagSourceErrorKind.ERROR_RESPONSE);
		assertThat(this.sink.lastError().statusCode()).isEqualTo(status);
		assertThat(this.scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void garbageShouldBeInvalidDataAndKeepTheLastGoodData() {
		startValid();
		this.server.serve("<html>oops</html>", "\"e2\"");
		this.scheduler.runNext();
		assertThat(this.sink.last().state()).isEqualTo(FlagSourceState.INTERRUPTED);
		assertThat(this.sink.lastError().kind()).isEqualTo(FlagSourceErrorKind.INVALID_DATA);
		assertThat(this.sink.lastError().message()).contains("malformed JSON").contains(this.server.uri().toString());
		assertThat(this.sink.inits).hasSize(1);
		this.scheduler.runNext();
		assertThat(this.server.lastRequest().ifNoneMatch()).as("the bad body's ETag is not adopted").isEqualTo("\"e1\"");
		assertThat(this.scheduler.nextDelay()).as("invalid data backs off too").isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void garbageAfterGoodDataAndBackShouldNotRewriteTheSameData() {
		this.server.serve(body(1, true), null);
		start();
		this.scheduler.runNext();
		this.server.serve("{", null);
		this.scheduler.runNext();
		this.server.serve(body(1, true), null);
		this.scheduler.runNext();
		assertThat(this.sink.calls).containsExactly("init", "VALID", "INTERRUPTED", "VALID");
	}

	@Test
	void anUnknownKindShouldBeInvalidDataNamingIt() {
		this.server.serve("{\"features\": {}, \"experiments\": {}}", null);
		start();
		this.scheduler.runNext();
		assertThat(this.sink.lastError().kind()).isEqualTo(FlagSourceErrorKind.INVALID_DATA);
		assertThat(this.sink.lastError().message()).contains("unknown kind 'experiments'");
		assertThat(this.sink.inits).isEmpty();
	}

	@Test
	void anItemWithoutVersionShouldBeInvalidDataNamingKindAndKey() {
		this.server.serve("{\"features\": {\"f1\": {\"key\": \"f1\", \"on\": true}}}", null);
		start();
		this.scheduler.runNext();
		assertThat(this.sink.lastError().kind()).isEqualTo(FlagSourceErrorKind.INVALID_DATA);
		assertThat(this.sink.lastError().message()).contains("kind 'features', key 'f1'").contains("'version'");
	}

	@Test
	void aHalfBodyShouldBeANetworkError() {
		startValid();
		this.server.halfBody(body(2, true));
		this.scheduler.runNext();
		assertThat(this.sink.last().state()).isEqualTo(FlagSourceState.INTERRUPTED);
		assertThat(this.sink.lastError().kind()).isEqualTo(FlagSourceErrorKind.NETWORK_ERROR);
		assertThat(this.sink.inits).hasSize(1);
	}

	@Test
	void aServerThatNeverAnswersShouldTimeOut() {
		this.server.hang();
		start(builder().requestTimeout(Duration.ofMillis(300)));
		long began = System.nanoTime();
		this.scheduler.runNext();
		assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
		assertThat(this.sink.lastError().kind()).isEqualTo(FlagSourceErrorKind.NETWORK_ERROR);
		assertThat(this.sink.lastError().message()).containsIgnoringCase("timed out");
	}

	@Test
	void aBodyThatStallsShouldTimeOut() {
		this.server.stallBody(body(1, true));
		start(builder().requestTimeout(Duration.ofMillis(300)));
		long began = System.nanoTime();
		this.scheduler.runNext();
		assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
		assertThat(this.sink.lastError().kind()).isEqualTo(FlagSourceErrorKind.NETWORK_ERROR);
		assertThat(this.sink.lastError().message()).contains("timed out: no complete response within PT0.3S");
	}

	@Test
	void aStoppedServerShouldBeANetworkErrorAndItsReturnARecovery() throws IOException {
		startValid();
		this.server.stop();
		this.scheduler.runNext();
		assertThat(this.sink.last().state()).isEqualTo(FlagSourceState.INTERRUPTED);
		assertThat(this.sink.lastError().kind()).isEqualTo(FlagSourceErrorKind.NETWORK_ERROR);
		this.scheduler.runNext();
		assertThat(this.sink.lastError().kind()).isEqualTo(FlagSourceErrorKind.NETWORK_ERROR);

		this.server.restart();
		this.server.serve(body(2, true), "\"e2\"");
		this.scheduler.runNext();
		assertThat(this.sink.last().state()).isEqualTo(FlagSourceState.VALID);
		assertThat(this.sink.inits).hasSize(2);
		assertThat(this.scheduler.nextDelay()).isEqualTo(POLL);
	}

	@Test
	void aNotModifiedBeforeAnyDataShouldBeAnError() {
		this.server.respond(exchange -> exchange.sendResponseHeaders(304, -1));
		start();
		this.scheduler.runNext();
		assertThat(this.sink.lastError().kind()).isEqualTo(FlagSourceErrorKind.ERROR_RESPONSE);
		assertThat(this.sink.lastError().statusCode()).isEqualTo(304);
	}

	@Test
	void resyncShouldFetchAtOnceWithoutEtagAndWriteEvenUnchangedData() {
		startValid();
		this.source.resync();
		assertThat(this.scheduler.nextDelay()).isEqualTo(Duration.ZERO);
		assertThat(this.scheduler.pending()).isEqualTo(1);
		this.scheduler.runNext();
		assertThat(this.server.lastRequest().ifNoneMatch()).isNull();
		assertThat(this.sink.calls).containsExactly("init", "VALID", "init", "VALID");
		assertThat(this.sink.inits.get(1)).isEqualTo(this.sink.inits.get(0));
		assertThat(this.scheduler.nextDelay()).isEqualTo(POLL);
		this.scheduler.runNext();
		assertThat(this.server.lastRequest().ifNoneMatch()).as("served: back to If-None-Match").isEqualTo("\"e1\"");
	}

	@Test
	void repeatedResyncsShouldCoalesceIntoOneFetch() {
		startValid();
		for (int i = 0; i < 5; i++) {
			this.source.resync();
		}
		assertThat(this.scheduler.pending()).isEqualTo(1);
		this.scheduler.runNext();
		assertThat(this.sink.inits).hasSize(2);
		assertThat(this.scheduler.nextDelay()).isEqualTo(POLL);
	}

	@Test
	void aResyncAskedDuringAPollShouldBeServedByAnotherPollAtOnce() {
		startValid();
		this.server.respond(exchange -> {
			// The poll has sent If-None-Match: it cannot serve this resync.
			this.source.resync();
			exchange.sendResponseHeaders(304, -1);
		});
		this.scheduler.runNext();
		assertThat(this.server.lastRequest().ifNoneMatch()).isEqualTo("\"e1\"");
		assertThat(this.scheduler.nextDelay()).isEqualTo(Duration.ZERO);
		this.server.serve(body(1, true), "\"e1\"");
		this.scheduler.runNext();
		assertThat(this.server.lastRequest().ifNoneMatch()).isNull();
		assertThat(this.sink.inits).hasSize(2);
	}

	@Test
	void aResyncWhileBackingOffShouldKeepTheBackoffAndWriteOnTheNextSuccess() {
		startValid();
		this.server.status(500, Map.of());
		this.scheduler.runNext();
		this.source.resync();
		assertThat(this.scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(1));
		this.scheduler.runNext();
		assertThat(this.server.lastRequest().ifNoneMatch()).isNull();
		this.server.serve(body(1, true), "\"e1\"");
		this.scheduler.runNext();
		assertThat(this.server.lastRequest().ifNoneMatch()).as("still owed after a failed attempt").isNull();
		assertThat(this.sink.inits).as("re-written although unchanged").hasSize(2);
		assertThat(this.sink.last().state()).isEqualTo(FlagSourceState.VALID);
	}

	@Test
	void resyncBeforeStartOrAfterCloseShouldDoNothing() {
		this.server.serve(body(1, true), "\"e1\"");
		this.source = builder().build();
		this.source.resync();
		assertThat(this.scheduler.pending()).isZero();
		this.source.start(this.sink);
		this.source.close();
		this.source.resync();
		assertThat(this.scheduler.pending()).isZero();
	}

	@Test
	void headersShouldBeSentWithEveryRequest() {
		this.server.serve(body(1, true), "\"e1\"");
		start(builder().header("Authorization", "Bearer abc123").header("X-Env", "prod").header("X-Env", "eu"));
		this.scheduler.runNext();
		FlagServer.Request request = this.server.lastRequest();
		assertThat(request.header("Authorization")).isEqualTo("Bearer abc123");
		assertThat(request.headers().get("X-Env")).containsExactly("prod", "eu");
		assertThat(request.header("Accept")).isEqualTo("application/json");
	}

	@Test
	void closeShouldReportOffAndCancelTheNextPoll() {
		startValid();
		this.source.close();
		assertThat(this.sink.calls).containsExactly("init", "VALID", "OFF");
		assertThat(this.scheduler.pending()).isZero();
		this.source.close();
		assertThat(this.sink.calls).hasSize(3);
	}

	@Test
	void closeBeforeStartShouldReportNothing() {
		this.source = builder().build();
		this.source.close();
		assertThat(this.sink.calls).isEmpty();
		assertThatIllegalStateException().isThrownBy(() -> this.source.start(this.sink)).withMessageContaining("closed");
	}

	@Test
	void startTwiceShouldBeRefused() {
		start();
		assertThatIllegalStateException().isThrownBy(() -> this.source.start(this.sink))
			.withMessageContaining("already started");
	}

	@Test
	void aSinkThatThrowsShouldBeReportedAndPollingGoOn() {
		this.server.serve(body(1, true), "\"e1\"");
		this.sink.onInit = () -> {
			throw new IllegalStateException("store on fire");
		};
		start();
		this.scheduler.runNext();
		assertThat(this.sink.last().state()).isEqualTo(FlagSourceState.INTERRUPTED);
		assertThat(this.sink.lastError().kind()).isEqualTo(FlagSourceErrorKind.UNKNOWN);
		assertThat(this.sink.lastError().message()).contains("store on fire");
		assertThat(this.scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(1));
		this.sink.onInit = null;
		this.scheduler.runNext();
		assertThat(this.server.lastRequest().ifNoneMatch()).as("the failed data set was not applied").isNull();
		assertThat(this.sink.last().state()).isEqualTo(FlagSourceState.VALID);
	}

	@Test
	void theBuilderShouldRefuseBadValuesNamingThem() {
		URI url = this.server.uri();
		assertThatIllegalArgumentException().isThrownBy(() -> HttpFlagSource.builder(URI.create("ftp://h/x"), KINDS))
			.withMessageContaining("ftp://h/x");
		assertThatIllegalArgumentException().isThrownBy(() -> HttpFlagSource.builder(URI.create("/flags"), KINDS))
			.withMessageContaining("absolute");
		assertThatIllegalArgumentException().isThrownBy(() -> HttpFlagSource.builder(url, List.of()))
			.withMessageContaining("kinds");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HttpFlagSource.builder(url, KINDS).pollInterval(Duration.ofSeconds(-1)))
			.withMessageContaining("pollInterval must be positive: PT-1S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HttpFlagSource.builder(url, KINDS).requestTimeout(Duration.ZERO))
			.withMessageContaining("requestTimeout must be positive: PT0S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HttpFlagSource.builder(url, KINDS).header("Host", "evil"))
			.withMessageContaining("'Host'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HttpFlagSource.builder(url, KINDS).header("X-Api-Key", "line\nbreak-s3cr3t"))
			.withMessageContaining("'X-Api-Key'")
			.withMessageNotContaining("s3cr3t");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HttpFlagSource.builder(url, KINDS).header("if-none-match", "x"))
			.withMessageContaining("ETag");
	}

}
