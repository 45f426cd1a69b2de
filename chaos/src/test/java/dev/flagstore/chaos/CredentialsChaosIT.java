package dev.flagstore.chaos;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.flagstore.store.CacheMode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outages with credentials configured: a password-protected {@code redis-server} ({@code requirepass}), and a
 * PostgreSQL pool with the password both in its settings and in the JDBC URL (the local server trusts every
 * password, so any secret works). The secret must appear in no status {@code lastError}, health details, status
 * event, exception that reaches the application (with its causes), or log line of any logger at {@code DEBUG}.
 */
@Tag("chaos-short")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CredentialsChaosIT {

	private static final String SECRET = "Chaos-S3cret-" + UUID.randomUUID().toString().substring(0, 8);

	@Test
	void redisPasswordNeverLeaksDuringOutages() throws Exception {
		try (RedisBackend redis = Backends.redis(SECRET)) {
			ScenarioResult result = ScenarioRun.scenario("Credentials: password-protected Redis killed, frozen, "
					+ "refused", redis)
				.cacheMode(CacheMode.FOREVER)
				.secret(SECRET)
				.load(new Workload.Settings(3, 20, 0.3, 1_000_000, false, true))
				.duration(Duration.ofSeconds(6))
				.run((chaos) -> {
					chaos.pace(Duration.ofMillis(500));
					Faults.killRedis(chaos);
					chaos.pace(Duration.ofMillis(800));
					Faults.restartRedis(chaos);
					chaos.pace(Duration.ofMillis(800));
					Faults.freezeRedis(chaos);
					chaos.pace(Duration.ofMillis(1500));
					Faults.thawRedis(chaos);
					chaos.pace(Duration.ofMillis(800));
					Faults.refuse(chaos);
					chaos.pace(Duration.ofMillis(800));
					Faults.restore(chaos, "refusal");
				});
			assertThat(result.passed()).as(result.failures()).isTrue();
			assertThat(result.writeFailures).as("outages reached the application").isPositive();
		}
	}

	@Test
	void postgresPasswordInUrlNeverLeaksDuringOutages() throws Exception {
		try (PostgresBackend postgres = Backends.postgresWithPassword(SECRET)) {
			ScenarioResult result = ScenarioRun.scenario("Credentials: PostgreSQL with the password in the URL, "
					+ "refused and blackholed", postgres)
				.cacheMode(CacheMode.TTL)
				.secret(SECRET)
				.load(new Workload.Settings(3, 30, 0.3, 1_000_000, true, true))
				.duration(Duration.ofSeconds(6))
				.run((chaos) -> {
					chaos.pace(Duration.ofMillis(500));
					Faults.refuse(chaos);
					chaos.pace(Duration.ofMillis(800));
					Faults.restore(chaos, "refusal");
					chaos.pace(Duration.ofMillis(800));
					Faults.blackhole(chaos);
					chaos.pace(Duration.ofMillis(1500));
					Faults.restore(chaos, "blackhole");
				});
			assertThat(result.passed()).as(result.failures()).isTrue();
			assertThat(result.writeFailures).as("outages reached the application").isPositive();
		}
	}

}
