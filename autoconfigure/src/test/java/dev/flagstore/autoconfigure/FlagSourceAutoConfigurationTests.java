package dev.flagstore.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.flagstore.autoconfigure.health.FlagstoreHealthContributorAutoConfiguration;
import dev.flagstore.autoconfigure.metrics.FlagstoreMetricsAutoConfiguration;
import dev.flagstore.source.FileFlagSource;
import dev.flagstore.source.FlagSource;
import dev.flagstore.source.FlagSourceRunner;
import dev.flagstore.source.FlagSourceState;
import dev.flagstore.source.FlagSourceStatusProvider;
import dev.flagstore.source.FlagSourceUpdateSink;
import dev.flagstore.spring.FlagSourceStatusChangedEvent;
import dev.flagstore.spring.FlagSourceStatusEventPublisher;
import dev.flagstore.spring.health.FlagSourceHealthIndicator;
import dev.flagstore.spring.metrics.FlagSourceMetrics;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The flag source's auto-configuration: which source, its runner and lifecycle, status provider, events, health
 * component, gauge, and the start-up failures of bad {@code flagstore.source.*} values.
 */
class FlagSourceAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FlagstoreAutoConfiguration.class,
				FlagstoreHealthContributorAutoConfiguration.class, FlagstoreMetricsAutoConfiguration.class))
		.withPropertyValues("flagstore.status.heartbeat-interval=0");

	@TempDir
	Path dir;

	private Path flagsFile(String json) throws IOException {
		Path file = this.dir.resolve("flags.json");
		Files.writeString(file, json);
		return file;
	}

	@Test
	void runWithoutSourceShouldHaveNoSourceBeans() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(FlagSource.class)
			.doesNotHaveBean(FlagSourceRunner.class)
			.doesNotHaveBean(FlagSourceStatusProvider.class)
			.doesNotHaveBean(FlagSourceStatusEventPublisher.class)
			.doesNotHaveBean("flagSourceHealthIndicator")
			.doesNotHaveBean(FlagSourceMetrics.class));
	}

	@Test
	void runWithUserFlagSourceShouldStartItAgainstTheStore() {
		this.contextRunner.withUserConfiguration(UserSourceConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(FlagSourceRunner.class)
				.hasSingleBean(FlagSourceStatusProvider.class)
				.hasSingleBean(FlagSourceStatusEventPublisher.class)
				.hasSingleBean(FlagSourceLifecycle.class);
			UserSource source = context.getBean(UserSource.class);
			assertThat(source.sink).as("started").isNotNull();
			assertThat(context.getBean(FlagSourceStatusProvider.class).waitFor(FlagSourceState.VALID, WAIT)).isTrue();
			assertThat(context.getBean(DataStore.class).get(TestKinds.FEATURES, "k").item()).isEqualTo("from-user");
		});
	}

	@Test
	void runWithUserFlagSourceShouldIgnoreSourceType() {
		this.contextRunner.withUserConfiguration(UserSourceConfiguration.class)
			.withPropertyValues("flagstore.source.type=file", "flagstore.source.file.paths=classpath:missing.json")
			.run((context) -> assertThat(context).hasFailed());
		// A missing path fails validation whatever the bean; with a valid one the user's source wins.
		this.contextRunner.withUserConfiguration(UserSourceConfiguration.class, KindConfiguration.class)
			.withPropertyValues("flagstore.source.type=file",
					"flagstore.source.file.paths=classpath:dev/flagstore/autoconfigure/flags.json")
			.run((context) -> assertThat(context).hasSingleBean(FlagSource.class)
				.getBean(FlagSource.class)
				.isInstanceOf(UserSource.class));
	}

	@Test
	void runWithFileSourceShouldLoadTheFileForTheApplicationsKinds() throws IOException {
		Path file = flagsFile("{\"features\": {\"a\": {\"on\": true}}}");
		this.contextRunner.withUserConfiguration(JsonKindConfiguration.class)
			.withPropertyValues("flagstore.source.type=file", "flagstore.source.file.paths=" + file,
					"flagstore.source.file.poll-interval=100ms", "flagstore.source.file.debounce=10ms")
			.run((context) -> {
				assertThat(context).hasSingleBean(FileFlagSource.class);
				assertThat(context.getBean(FlagSourceStatusProvider.class).waitFor(FlagSourceState.VALID, WAIT))
					.isTrue();
				DataStore store = context.getBean(DataStore.class);
				assertThat(store.get(JsonKindConfiguration.FEATURES, "a")).isNotNull();
				Files.writeString(file, "{\"features\": {\"b\": {\"on\": true}}}");
				await().atMost(WAIT).until(() -> store.get(JsonKindConfiguration.FEATURES, "b") != null);
				assertThat(store.get(JsonKindConfiguration.FEATURES, "a")).isNull();
			});
	}

	@Test
	void runWithFileSourceAndNoKindsShouldFailClearly() throws IOException {
		Path file = flagsFile("{}");
		this.contextRunner.withPropertyValues("flagstore.source.type=file", "flagstore.source.file.paths=" + file)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("needs the application's DataKind beans"));
	}

	@Test
	void runWithFileSourceWithoutPathsShouldFailWithTheFix() {
		this.contextRunner.withUserConfiguration(KindConfiguration.class)
			.withPropertyValues("flagstore.source.type=file")
			.run(assertFailure("Property: flagstore.source.file.paths",
					"Set flagstore.source.file.paths to one or more flag files"));
	}

	@Test
	void runWithAMissingFlagsFileShouldFailNamingIt() {
		Path missing = this.dir.resolve("nope.json");
		this.contextRunner.withUserConfiguration(KindConfiguration.class)
			.withPropertyValues("flagstore.source.type=file", "flagstore.source.file.paths=" + missing)
			.run(assertFailure("names the file " + missing.toAbsolutePath() + ", which does not exist",
					"Create " + missing));
	}

	@Test
	void runWithAMissingClasspathResourceShouldFailNamingIt() {
		this.contextRunner.withUserConfiguration(KindConfiguration.class)
			.withPropertyValues("flagstore.source.type=file", "flagstore.source.file.paths=classpath:nope.json")
			.run(assertFailure("names the classpath resource nope.json, which does not exist",
					"correct flagstore.source.file.paths"));
	}

	@Test
	void runWithANegativeFilePollIntervalShouldFail() {
		this.contextRunner.withPropertyValues("flagstore.source.file.poll-interval=-1s")
			.run(assertFailure("Property: flagstore.source.file.poll-interval",
					"Set flagstore.source.file.poll-interval to a positive duration"));
	}

	@Test
	void runWithAMalformedHttpUrlShouldFail() {
		this.contextRunner.withPropertyValues("flagstore.source.type=http", "flagstore.source.http.url=not a url")
			.run(assertFailure("Property: flagstore.source.http.url",
					"Set flagstore.source.http.url to the absolute http or https URL"));
		this.contextRunner.withPropertyValues("flagstore.source.type=http", "flagstore.source.http.url=ftp://host/x")
			.run(assertFailure("must be an absolute http or https URL", "flagstore.source.http.url"));
		this.contextRunner.withPropertyValues("flagstore.source.type=http")
			.run(assertFailure("is required with flagstore.source.type=http", "flagstore.source.http.url"));
	}

	@Test
	void runWithNegativeHttpDurationsShouldFail() {
		this.contextRunner.withPropertyValues("flagstore.source.http.poll-interval=-30s")
			.run(assertFailure("Property: flagstore.source.http.poll-interval", "positive duration such as 30s"));
		this.contextRunner.withPropertyValues("flagstore.source.http.request-timeout=0")
			.run(assertFailure("Property: flagstore.source.http.request-timeout", "positive duration such as 10s"));
	}

	@Test
	void runWithHttpSourceShouldPollTheUrlWithItsHeadersAndNeverShowTheirValues() throws IOException {
		List<String> authorizations = new CopyOnWriteArrayList<>();
		com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer
			.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/flags", (exchange) -> {
			authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
			byte[] body = "{\"features\": {\"a\": {\"version\": 4, \"on\": true}}}"
				.getBytes(java.nio.charset.StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		server.start();
		try {
			String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/flags";
			this.contextRunner.withUserConfiguration(JsonKindConfiguration.class)
				.withPropertyValues("flagstore.source.type=http", "flagstore.source.http.url=" + url,
						"flagstore.source.http.poll-interval=1s", "flagstore.source.http.request-timeout=2s",
						"flagstore.source.http.headers.Authorization=Bearer s3cr3t")
				.run((context) -> {
					assertThat(context).hasSingleBean(dev.flagstore.source.HttpFlagSource.class);
					assertThat(context.getBean(FlagSourceStatusProvider.class).waitFor(FlagSourceState.VALID, WAIT))
						.isTrue();
					assertThat(context.getBean(DataStore.class).get(JsonKindConfiguration.FEATURES, "a").version())
						.isEqualTo(4);
					assertThat(authorizations).contains("Bearer s3cr3t");
					Map<String, Object> description = context.getBean(FlagSource.class).describeConfiguration();
					assertThat(description).containsEntry("type", "http")
						.containsEntry("headers", List.of("Authorization"));
					assertThat(description.toString()).doesNotContain("s3cr3t");
					assertThat(context.getBean(FlagSource.class).toString()).doesNotContain("s3cr3t");
				});
		}
		finally {
			server.stop(0);
		}
	}

	@Test
	void httpPropertiesShouldNeverShowTheUrlsSecrets() {
		FlagstoreProperties.Source.Http http = new FlagstoreProperties.Source.Http();
		http.setUrl("https://user:pa55@flags.example.com/all?token=s3cr3t");
		assertThat(http.toString()).contains("https://flags.example.com/all?<query hidden>")
			.doesNotContain("s3cr3t")
			.doesNotContain("pa55");
		this.contextRunner
			.withPropertyValues("flagstore.source.type=http", "flagstore.source.http.url=ftp://user:pa55@host/x?token=s3cr3t")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new FlagstoreFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("flagstore.source.http.url")
					.doesNotContain("s3cr3t")
					.doesNotContain("pa55");
			});
	}

	@Test
	void runWithHttpSourceAndNoKindsShouldFailClearly() {
		this.contextRunner
			.withPropertyValues("flagstore.source.type=http", "flagstore.source.http.url=https://flags.example.com/all")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("needs the application's DataKind beans"));
	}

	@Test
	void healthShouldFollowTheSourceState() {
		this.contextRunner.withUserConfiguration(UserSourceConfiguration.class).run((context) -> {
			HealthIndicator health = context.getBean("flagSourceHealthIndicator", FlagSourceHealthIndicator.class);
			UserSource source = context.getBean(UserSource.class);
			FlagSourceStatusProvider provider = context.getBean(FlagSourceStatusProvider.class);
			provider.waitFor(FlagSourceState.VALID, WAIT);
			Health up = health.health();
			assertThat(up.getStatus()).isEqualTo(Status.UP);
			assertThat(up.getDetails()).containsEntry("state", "VALID").containsKey("since");
			source.sink.updateStatus(FlagSourceState.INTERRUPTED, dev.flagstore.source.FlagSourceErrorInfo.of(
					dev.flagstore.source.FlagSourceErrorKind.NETWORK_ERROR, "connection refused",
					java.time.Instant.EPOCH));
			Health down = health.health();
			assertThat(down.getStatus()).isEqualTo(Status.DOWN);
			assertThat(down.getDetails()).containsEntry("state", "INTERRUPTED");
			assertThat(down.getDetails().get("lastError")).isEqualTo(Map.of("kind", "NETWORK_ERROR", "message",
					"connection refused", "time", "1970-01-01T00:00:00Z"));
			context.getBean(FlagSourceRunner.class).close();
			assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void healthShouldBeUnknownWhileInitializing() {
		this.contextRunner.withUserConfiguration(SilentSourceConfiguration.class)
			.run((context) -> assertThat(context.getBean("flagSourceHealthIndicator", HealthIndicator.class)
				.health()
				.getStatus()).isEqualTo(Status.UNKNOWN));
	}

	@Test
	void healthShouldBeDisabledByProperty() {
		this.contextRunner.withUserConfiguration(UserSourceConfiguration.class)
			.withPropertyValues("management.health.flagsource.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("flagSourceHealthIndicator")
				.hasBean("flagStoreHealthIndicator"));
	}

	@Test
	void healthShouldBeAbsentWithoutActuator() {
		this.contextRunner.withUserConfiguration(UserSourceConfiguration.class)
			.withClassLoader(new FilteredClassLoader(Health.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("flagSourceHealthIndicator")
				.hasSingleBean(FlagSourceRunner.class));
	}

	@Test
	void gaugeShouldShowTheCurrentState() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
			.withUserConfiguration(UserSourceConfiguration.class, MeterRegistryConfiguration.class)
			.run((context) -> {
				context.getBean(FlagSourceStatusProvider.class).waitFor(FlagSourceState.VALID, WAIT);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get(FlagSourceMetrics.STATE).tag("state", "valid").gauge().value()).isEqualTo(1);
				for (String other : List.of("initializing", "interrupted", "off")) {
					assertThat(registry.get(FlagSourceMetrics.STATE).tag("state", other).gauge().value()).isZero();
				}
			});
	}

	@Test
	void eventsShouldReachEventListenersInOrder() {
		this.contextRunner.withUserConfiguration(UserSourceConfiguration.class, EventsConfiguration.class)
			.run((context) -> {
				UserSource source = context.getBean(UserSource.class);
				source.sink.updateStatus(FlagSourceState.INTERRUPTED, null);
				source.sink.updateStatus(FlagSourceState.VALID, null);
				List<FlagSourceStatusChangedEvent> events = context.getBean(EventsConfiguration.class).events;
				await().atMost(WAIT).until(() -> events.size() >= 3);
				assertThat(events).extracting((event) -> event.getStatus().getState())
					.containsExactly(FlagSourceState.VALID, FlagSourceState.INTERRUPTED, FlagSourceState.VALID);
				assertThat(events.get(1).getPreviousStatus()).isEqualTo(events.get(0).getStatus());
			});
	}

	@Test
	void closeShouldCloseTheSourceBeforeTheStoreAndStopStartShouldKeepItRunning() {
		List<String> order = new CopyOnWriteArrayList<>();
		this.contextRunner.withUserConfiguration(UserSourceConfiguration.class)
			.withBean(dev.flagstore.test.InMemoryPersistentDataStore.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(DataStoreShutdown.class);
				UserSource source = context.getBean(UserSource.class);
				source.order = order;
				source.store = context.getBean(DataStore.class);
				context.getSourceApplicationContext().stop();
				context.getSourceApplicationContext().start();
				assertThat(source.closes).isZero();
				assertThat(context.getBean(FlagSourceStatusProvider.class).getStatus().getState())
					.isEqualTo(FlagSourceState.VALID);
			});
		// When the source closed, the store still answered.
		assertThat(order).containsExactly("source closed, store read: from-user");
		assertThat(FlagSourceLifecycle.PHASE).isGreaterThan(DataStoreShutdown.PHASE)
			.isLessThan(org.springframework.context.SmartLifecycle.DEFAULT_PHASE - 2048);
	}

	private static ContextConsumer<AssertableApplicationContext> assertFailure(String description, String action) {
		return (context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new FlagstoreFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).as("failure analysis of %s", context.getStartupFailure()).isNotNull();
			assertThat(analysis.getDescription()).contains(description);
			assertThat(analysis.getAction()).contains(action);
		};
	}

	/** Writes one item and reports VALID when started. */
	static class UserSource implements FlagSource {

		volatile FlagSourceUpdateSink sink;

		volatile int closes;

		volatile List<String> order = new CopyOnWriteArrayList<>();

		volatile DataStore store;

		@Override
		public void start(FlagSourceUpdateSink sink) {
			this.sink = sink;
			sink.init(new dev.flagstore.store.FullDataSet<>(Map.of(TestKinds.FEATURES, new dev.flagstore.store.KeyedItems<>(
					Map.of("k", new dev.flagstore.store.ItemDescriptor(1, "from-user"))))));
			sink.updateStatus(FlagSourceState.VALID, null);
		}

		@Override
		public void close() {
			if (this.closes++ == 0 && this.store != null) {
				String read;
				try {
					read = String.valueOf(this.store.get(TestKinds.FEATURES, "k").item());
				}
				catch (RuntimeException ex) {
					read = ex.toString();
				}
				this.order.add("source closed, store read: " + read);
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserSourceConfiguration {

		@Bean
		UserSource userSource() {
			return new UserSource();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SilentSourceConfiguration {

		@Bean
		FlagSource silentSource() {
			return new FlagSource() {
				@Override
				public void start(FlagSourceUpdateSink sink) {
				}

				@Override
				public void close() {
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class KindConfiguration {

		@Bean
		DataKind features() {
			return TestKinds.FEATURES;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class JsonKindConfiguration {

		static final DataKind FEATURES = DataKind.json("features", Map.class);

		@Bean
		DataKind features() {
			return FEATURES;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EventsConfiguration {

		final List<FlagSourceStatusChangedEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void onChange(FlagSourceStatusChangedEvent event) {
			this.events.add(event);
		}

	}

}
