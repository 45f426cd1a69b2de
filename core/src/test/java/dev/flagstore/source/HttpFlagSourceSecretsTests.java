package dev.flagstore.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static dev.flagstore.source.SourceTestData.KINDS;
import static dev.flagstore.source.SourceTestData.body;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets of the HTTP source (secret-looking headers, the URL's user-info and query) never reach its log lines
 * (DEBUG included), its {@code toString()}, or the messages of its status, through every kind of failure. The
 * core tests log through slf4j-simple, which writes to {@code System.err}: the test captures that.
 */
class HttpFlagSourceSecretsTests {

	private static final String SECRET = "s3cr3t";

	private final ManualScheduledExecutor scheduler = new ManualScheduledExecutor();

	private final RecordingSink sink = new RecordingSink();

	private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

	private PrintStream originalErr;

	private FlagServer server;

	private HttpFlagSource source;

	@BeforeEach
	void capture() throws IOException {
		assertThat(SourceTestData.DEBUG_PROPERTY).isNotEmpty();
		assertThat(LoggerFactory.getLogger(HttpFlagSource.class).isDebugEnabled())
			.as("HttpFlagSource logs at DEBUG in this test JVM (set by SourceTestData before its logger exists)")
			.isTrue();
		this.server = FlagServer.start();
		this.originalErr = System.err;
		System.setErr(new PrintStream(this.captured, true, StandardCharsets.UTF_8));
	}

	@AfterEach
	void restore() {
		System.setErr(this.originalErr);
		if (this.source != null) {
			this.source.close();
		}
		this.server.close();
	}

	private String logs() {
		System.err.flush();
		return this.captured.toString(StandardCharsets.UTF_8);
	}

	private HttpFlagSource.Builder builder(URI url) {
		return HttpFlagSource.builder(url, KINDS)
			.scheduler(this.scheduler)
			.jitter(() -> 1.0)
			.requestTimeout(Duration.ofMillis(300))
			.header("Authorization", "Bearer auth-" + SECRET)
			.header("X-Api-Key", "key-" + SECRET)
			.header("Cookie", "session=cookie-" + SECRET)
			.header("X-Auth-Token", "token-" + SECRET)
			.header("X-Env", "prod");
	}

	private URI secretUrl() {
		return URI.create("http://127.0.0.1:" + this.server.port() + "/flags?sdkKey=query-" + SECRET + "&env=prod");
	}

	@Test
	void noFailureShouldShowASecretInLogsStatusOrToString() throws IOException {
		this.source = builder(secretUrl()).build();
		this.server.serve(body(1, true), "\"e1\"");
		this.source.start(this.sink);
		this.scheduler.runNext();
		FlagServer.Request request = this.server.lastRequest();
		assertThat(request.header("Authorization")).isEqualTo("Bearer auth-" + SECRET);
		assertThat(request.header("X-Api-Key")).isEqualTo("key-" + SECRET);

		List<Runnable> failures = new ArrayList<>();
		failures.add(() -> this.server.status(500, Map.of()));
		failures.add(() -> this.server.status(503, Map.of("Retry-After", "1")));
		failures.add(() -> this.server.serve("<html>" + SECRET + "</html>", null));
		// A server that echoes the credentials into a bad body: the parser's message quotes them.
		failures.add(() -> this.server.serve("Bearer auth-" + SECRET, null));
		failures.add(() -> this.server.serve("{\"features\": {\"token-" + SECRET + "\": {}}}", null));
		failures.add(() -> this.server.halfBody(body(2, true)));
		failures.add(this.server::hang);
		failures.add(this.server::stop);
		for (Runnable failure : failures) {
			failure.run();
			this.scheduler.runNext();
			assertThat(this.sink.last().state()).isEqualTo(FlagSourceState.INTERRUPTED);
		}
		this.server.restart();
		this.server.status(401, Map.of());
		this.scheduler.runNext();
		assertThat(this.sink.last().state()).isEqualTo(FlagSourceState.OFF);
		String text = this.source.toString();
		this.source.close();

		String logs = logs();
		assertThat(logs).as("the source logged").contains("HTTP flag source").contains("DEBUG");
		assertThat(logs).doesNotContain(SECRET);
		assertThat(logs).as("the OFF error is logged once").containsOnlyOnce("stopped for good");
		assertThat(text).doesNotContain(SECRET)
			.contains("X-Env=prod")
			.contains("Authorization=<redacted>")
			.contains("X-Api-Key=<redacted>")
			.contains("/flags?<query hidden>");
		assertThat(this.sink.reports).hasSizeGreaterThan(failures.size());
		for (RecordingSink.Report report : this.sink.reports) {
			if (report.error() != null) {
				assertThat(report.error().message()).doesNotContain(SECRET).doesNotContain("sdkKey");
			}
		}
		assertThat(this.sink.reports.stream().map(RecordingSink.Report::error).filter(e -> e != null)
			.map(FlagSourceErrorInfo::message)).anyMatch(message -> message.contains(Secrets.REDACTED));
	}

	@Test
	void userInfoShouldNotBeShown() {
		URI url = URI.create("http://user:pw-" + SECRET + "@127.0.0.1:" + this.server.port() + "/flags");
		this.source = builder(url).build();
		this.server.status(500, Map.of());
		this.source.start(this.sink);
		this.scheduler.runNext();
		assertThat(this.sink.last().error()).isNotNull();
		assertThat(this.sink.lastError().message()).doesNotContain(SECRET).doesNotContain("user");
		assertThat(this.source.toString()).doesNotContain(SECRET).contains("http://127.0.0.1:");
		assertThat(logs()).doesNotContain(SECRET);
	}

	@Test
	void aBadUrlShouldBeRefusedWithoutItsSecrets() {
		URI url = URI.create("ftp://user:pw-" + SECRET + "@example.com/flags?key=" + SECRET);
		try {
			HttpFlagSource.builder(url, KINDS);
		}
		catch (IllegalArgumentException ex) {
			assertThat(ex.getMessage()).contains("ftp://example.com/flags").doesNotContain(SECRET);
			return;
		}
		throw new AssertionError("an ftp URL was accepted");
	}

	@Test
	void headerNamesThatLookSecretShouldBeRecognised() {
		assertThat(List.of("Authorization", "proxy-authorization", "X-API-KEY", "apikey", "Cookie", "X-Auth-Token",
				"x-client-secret", "X-Password", "X-Session-Id", "X-Amz-Signature"))
			.allMatch(Secrets::isSecretHeader);
		assertThat(List.of("Accept", "X-Env", "User-Agent", "X-Request-Id")).noneMatch(Secrets::isSecretHeader);
	}

}
