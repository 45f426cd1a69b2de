package dev.flagstore.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests that the auto-configurations are registered, and that {@link FlagstoreFailureAnalyzer} is registered (in
 * {@code META-INF/spring.factories}) and runs first: a bad value fails a real application's start-up with
 * flagstore's report rather than Boot's generic one.
 */
@ExtendWith(OutputCaptureExtension.class)
class FlagstoreFailureAnalyzerTests {

	@Test
	void autoConfigurationsShouldBeRegistered() {
		List<String> candidates = ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
			.getCandidates();
		assertThat(candidates).contains("dev.flagstore.autoconfigure.FlagstoreAutoConfiguration",
				"dev.flagstore.autoconfigure.health.FlagstoreHealthContributorAutoConfiguration",
				"dev.flagstore.autoconfigure.metrics.FlagstoreMetricsAutoConfiguration");
	}

	@Test
	void badValueShouldFailStartUpWithFlagstoreReport(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--flagstore.status.poll-interval=-1s"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: flagstore.status.poll-interval")
			.contains("Value: \"-1s\"")
			.contains("Set flagstore.status.poll-interval to a positive duration such as 500ms.");
	}

	@Test
	void nonPositiveReconnectDelayShouldFailStartUpWithFlagstoreReport(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--flagstore.redis.max-reconnect-delay=0s"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: flagstore.redis.max-reconnect-delay")
			.contains("Value: \"0s\"")
			.contains("Reason: must be a positive duration")
			.contains("Set flagstore.redis.max-reconnect-delay to a positive duration such as 1s (30s is "
					+ "Lettuce's own cap).");
	}

	@Test
	void unknownWordShouldFailStartUpWithValidWords(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--flagstore.cache.stale-values-policy=sometimes"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Set flagstore.cache.stale-values-policy to one of evict, refresh, refresh-async.");
	}

	@Test
	void missingStoreSupportShouldFailStartUpWithTheFix(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--flagstore.store.type=jdbc"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("flagstore.store.type=jdbc, but the application context has no DataSource bean.")
			.contains("Property: flagstore.store.type")
			.contains("Missing: bean of type javax.sql.DataSource")
			.contains("set spring.datasource.url");
	}

	private static void run(String... args) {
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(java.util.Map.of("spring.autoconfigure.exclude",
				"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
						+ "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"));
		application.run(args).close();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
