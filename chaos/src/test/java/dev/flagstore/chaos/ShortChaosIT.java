package dev.flagstore.chaos;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.flagstore.store.CacheMode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short chaos scenarios of every build (about two minutes in all): a Redis server killed under concurrent
 * upserts with a FOREVER cache, PostgreSQL hung past the client timeout, and both flapping. Each checks every
 * invariant of {@link ScenarioResult} and adds its numbers to the report ({@code target/chaos-report.md}).
 */
@Tag("chaos-short")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ShortChaosIT {

	@Test
	void redisKilledDuringConcurrentUpsertsLosesNothingWithForeverCache() throws Exception {
		try (RedisBackend redis = Backends.redis(null)) {
			ScenarioResult result = ScenarioRun.scenario("Redis killed during concurrent upserts (short)", redis)
				.cacheMode(CacheMode.FOREVER)
				.load(new Workload.Settings(6, 40, 0.4, 1_000_000, false, true))
				.duration(Duration.ofSeconds(9))
				.repetitions(2)
				.run((chaos) -> {
					while (chaos.timeLeft()) {
						chaos.pace(Faults.between(Duration.ofMillis(800), Duration.ofMillis(1500)));
						Faults.killRedis(chaos);
						chaos.pace(Faults.between(Duration.ofMillis(800), Duration.ofMillis(1500)));
						Faults.restartRedis(chaos);
					}
				});
			assertThat(result.passed()).as(result.failures()).isTrue();
			assertThat(result.writeFailures).as("the outages hit the upserts").isPositive();
		}
	}

	@Test
	void postgresBlackholedPastClientTimeoutIsAnOutageAndReadsAreServedFromCache() throws Exception {
		try (PostgresBackend postgres = Backends.postgres()) {
			ScenarioResult result = ScenarioRun.scenario("PostgreSQL blackholed past the client timeout (short)",
					postgres)
				.cacheMode(CacheMode.TTL)
				.load(new Workload.Settings(6, 60, 0.2, 1_000_000, true, true))
				.duration(Duration.ofSeconds(8))
				.repetitions(2)
				.run((chaos) -> {
					while (chaos.timeLeft()) {
						chaos.pace(Duration.ofMillis(1500));
						Faults.blackhole(chaos);
						// Five client timeouts: the store's own network timeout must end every call in flight.
						chaos.pace(Duration.ofMillis(2500));
						Faults.restore(chaos, "blackhole");
					}
				});
			assertThat(result.passed()).as(result.failures()).isTrue();
			assertThat(result.detectionMillis).as("outages detected").isNotEmpty();
		}
	}

	/**
	 * A Boot user's defaults (Lettuce's 60 s command timeout; flagstore's 2 s deadline and 16 concurrent calls; a
	 * 1 s TTL so entries expire): 50 callers reading keys the cache cannot answer while Redis is blackholed for
	 * 12 s. No caller may wait past the deadline + 50 ms, and the flagstore threads stay bounded.
	 */
	@Test
	void redisBlackholedWithDefaultClientTimeoutsKeepsCallersAndThreadsBounded() throws Exception {
		try (RedisBackend redis = Backends.redis(null)) {
			ScenarioResult result = DefaultTimeoutsScenario.scenario("Redis blackholed, default client timeouts, "
					+ "50 callers on cold keys (short)", redis)
				.blackholes(Duration.ofSeconds(12))
				.run();
			assertThat(result.passed()).as(result.failures()).isTrue();
			assertThat(result.readFailures).as("the blackhole reached the callers").isPositive();
		}
	}

	/** The same on PostgreSQL: HikariCP's 30 s connection timeout, the JDBC store's 5 s network timeout. */
	@Test
	void postgresBlackholedWithDefaultClientTimeoutsKeepsCallersAndThreadsBounded() throws Exception {
		try (PostgresBackend postgres = Backends.postgres()) {
			ScenarioResult result = DefaultTimeoutsScenario.scenario("PostgreSQL blackholed, default client timeouts, "
					+ "50 callers on cold keys (short)", postgres)
				.blackholes(Duration.ofSeconds(12))
				.run();
			assertThat(result.passed()).as(result.failures()).isTrue();
			assertThat(result.readFailures).as("the blackhole reached the callers").isPositive();
		}
	}

	@Test
	void redisFlappingEveryFewHundredMillisecondsLosesNothing() throws Exception {
		try (RedisBackend redis = Backends.redis(null)) {
			ScenarioResult result = ScenarioRun.scenario("Redis flapping (kill/restart, short)", redis)
				.cacheMode(CacheMode.FOREVER)
				.load(new Workload.Settings(6, 40, 0.3, 1_000_000, false, true))
				.duration(Duration.ofSeconds(15))
				.run((chaos) -> Faults.flap(chaos, Duration.ofMillis(200), Duration.ofMillis(500),
						Duration.ofMillis(200), Duration.ofMillis(600), Faults.REDIS_KILL));
			assertThat(result.passed()).as(result.failures()).isTrue();
		}
	}

	@Test
	void postgresFlappingEveryFewHundredMillisecondsKeepsAcknowledgedWrites() throws Exception {
		try (PostgresBackend postgres = Backends.postgres()) {
			ScenarioResult result = ScenarioRun.scenario("PostgreSQL flapping (refused connections, short)", postgres)
				.cacheMode(CacheMode.TTL)
				.load(new Workload.Settings(6, 60, 0.3, 1_000_000, true, true))
				.duration(Duration.ofSeconds(15))
				.run((chaos) -> Faults.flap(chaos, Duration.ofMillis(200), Duration.ofMillis(500),
						Duration.ofMillis(200), Duration.ofMillis(600), Faults.PROXY_REFUSE));
			assertThat(result.passed()).as(result.failures()).isTrue();
		}
	}

}
