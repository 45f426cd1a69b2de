package dev.flagstore.chaos;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.flagstore.store.CacheMode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The long chaos scenarios ({@code -Pchaos}): minutes of flapping on both stores, two application instances on
 * one flapping database, the store killed during {@code init} and during reads, and latency spikes below and above
 * the client timeout. {@code chaos.duration} (default two minutes) is the length of each flapping scenario; the
 * others take a fraction of it.
 */
@Tag("chaos-long")
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class LongChaosIT {

	private static final Duration D = ChaosSettings.longDuration();

	@Test
	void redisFlappingForMinutesLosesNothing() throws Exception {
		try (RedisBackend redis = Backends.redis(null)) {
			ScenarioResult result = ScenarioRun.scenario("Redis flapping: killed or frozen every few hundred ms", redis)
				.cacheMode(CacheMode.FOREVER)
				.load(new Workload.Settings(6, 60, 0.3, 50_000_000, false, true))
				.duration(D)
				.run((chaos) -> Faults.flap(chaos, Duration.ofMillis(200), Duration.ofMillis(700),
						Duration.ofMillis(200), Duration.ofMillis(700), Faults.REDIS_KILL_OR_FREEZE));
			assertThat(result.passed()).as(result.failures()).isTrue();
		}
	}

	@Test
	void postgresFlappingForMinutesKeepsAcknowledgedWrites() throws Exception {
		try (PostgresBackend postgres = Backends.postgres()) {
			ScenarioResult result = ScenarioRun.scenario("PostgreSQL flapping: refused or blackholed every few "
					+ "hundred ms", postgres)
				.cacheMode(CacheMode.TTL)
				.load(new Workload.Settings(6, 60, 0.3, 50_000_000, true, true))
				.duration(D)
				.run((chaos) -> Faults.flap(chaos, Duration.ofMillis(200), Duration.ofMillis(700),
						Duration.ofMillis(200), Duration.ofMillis(700), Faults.PROXY_REFUSE_OR_BLACKHOLE));
			assertThat(result.passed()).as(result.failures()).isTrue();
		}
	}

	@Test
	void twoInstancesSharingOneFlappingDatabase() throws Exception {
		try (PostgresBackend postgres = Backends.postgres()) {
			ScenarioResult result = ScenarioRun.scenario("Two instances sharing one flapping PostgreSQL", postgres)
				.instances(2)
				.cacheMode(CacheMode.TTL)
				.load(new Workload.Settings(8, 80, 0.3, 50_000_000, true, true))
				.duration(D.dividedBy(2))
				.run((chaos) -> Faults.flap(chaos, Duration.ofMillis(200), Duration.ofMillis(700),
						Duration.ofMillis(200), Duration.ofMillis(700), Faults.PROXY_REFUSE));
			assertThat(result.passed()).as(result.failures()).isTrue();
		}
	}

	/**
	 * The same with FOREVER caches: each write-back goes item by item with versioned upserts, so one instance's
	 * write-back never replaces the other's newer writes (core's RecoveryRaceTests holds that race open).
	 */
	@Test
	void twoForeverInstancesSharingOneFlappingDatabase() throws Exception {
		try (PostgresBackend postgres = Backends.postgres()) {
			ScenarioResult result = ScenarioRun.scenario("Two FOREVER instances sharing one flapping PostgreSQL",
					postgres)
				.instances(2)
				.cacheMode(CacheMode.FOREVER)
				.load(new Workload.Settings(8, 80, 0.3, 50_000_000, true, true))
				.duration(D.dividedBy(4))
				.run((chaos) -> {
					Faults.flap(chaos, Duration.ofMillis(200), Duration.ofMillis(700), Duration.ofMillis(200),
							Duration.ofMillis(700), Faults.PROXY_REFUSE);
					// A last outage that ends as the load stops: no later write repairs what a write-back erased.
					Faults.refuse(chaos);
					chaos.pace(Duration.ofMillis(1000));
					Faults.restore(chaos, "refusal");
				});
			assertThat(result.passed()).as(result.failures()).isTrue();
		}
	}

	@Test
	void redisKilledDuringInitWritesTheDataSetBack() throws Exception {
		try (RedisBackend redis = Backends.redis(null)) {
			AtomicInteger failedInits = new AtomicInteger();
			ScenarioResult result = ScenarioRun.scenario("Redis killed during init", redis)
				.cacheMode(CacheMode.FOREVER)
				.scriptInitializes()
				.load(new Workload.Settings(6, 3000, 0.3, 50_000_000, false, true))
				.duration(D.dividedBy(12))
				.repetitions(3)
				.run((chaos) -> {
					if (!killedDuringInit(chaos, Faults::killRedis)) {
						failedInits.incrementAndGet();
					}
					chaos.startLoad();
					chaos.pace(Duration.ofSeconds(2));
					Faults.restartRedis(chaos);
					while (chaos.timeLeft()) {
						chaos.pace(Duration.ofMillis(200));
					}
				});
			assertThat(result.passed()).as(result.failures()).isTrue();
			assertThat(failedInits).as("init was interrupted by the kill").hasValue(3);
		}
	}

	@Test
	void postgresKilledDuringInitWritesTheDataSetBack() throws Exception {
		try (PostgresBackend postgres = Backends.postgres()) {
			AtomicInteger failedInits = new AtomicInteger();
			ScenarioResult result = ScenarioRun.scenario("PostgreSQL killed (connections refused) during init",
					postgres)
				.cacheMode(CacheMode.FOREVER)
				.scriptInitializes()
				.load(new Workload.Settings(6, 3000, 0.3, 50_000_000, false, true))
				.duration(D.dividedBy(12))
				.repetitions(3)
				.run((chaos) -> {
					if (!killedDuringInit(chaos, Faults::refuse)) {
						failedInits.incrementAndGet();
					}
					chaos.startLoad();
					chaos.pace(Duration.ofSeconds(2));
					Faults.restore(chaos, "refusal");
					while (chaos.timeLeft()) {
						chaos.pace(Duration.ofMillis(200));
					}
				});
			assertThat(result.passed()).as(result.failures()).isTrue();
			assertThat(failedInits).as("init was interrupted by the kill").hasValue(3);
		}
	}

	@Test
	void postgresKilledDuringReadsNeverAnswersAbsent() throws Exception {
		try (PostgresBackend postgres = Backends.postgres()) {
			ScenarioResult result = ScenarioRun.scenario("PostgreSQL killed during reads (1 s TTL: reads hit the "
					+ "store)", postgres)
				.cacheMode(CacheMode.TTL)
				.cacheTtl(Duration.ofSeconds(1))
				.load(new Workload.Settings(6, 200, 0.05, 50_000_000, true, false))
				.duration(D.dividedBy(12))
				.repetitions(3)
				.run((chaos) -> {
					while (chaos.timeLeft()) {
						chaos.pace(Faults.between(Duration.ofMillis(800), Duration.ofMillis(1500)));
						Faults.refuse(chaos);
						chaos.pace(Faults.between(Duration.ofMillis(800), Duration.ofMillis(1500)));
						Faults.restore(chaos, "refusal");
					}
				});
			assertThat(result.passed()).as(result.failures()).isTrue();
			assertThat(result.readFailures).as("reads missed the cache during outages and failed").isPositive();
		}
	}

	/**
	 * The default-timeouts scenario with blackholes past the clients' own timeouts: 15 s, then 35 s (past HikariCP's
	 * 30 s connection timeout and the PostgreSQL driver's 30 s login timeout HikariCP sets), then 65 s (past
	 * Lettuce's 60 s command timeout), 10 s up between. Fixed lengths: they are the clients' defaults, not a share of
	 * {@code chaos.duration}.
	 */
	@Test
	void redisBlackholedPastEveryDefaultClientTimeout() throws Exception {
		try (RedisBackend redis = Backends.redis(null)) {
			ScenarioResult result = DefaultTimeoutsScenario.scenario("Redis blackholed 15, 35 and 65 s, default client "
					+ "timeouts, 50 callers on cold keys", redis)
				.blackholes(Duration.ofSeconds(15), Duration.ofSeconds(35), Duration.ofSeconds(65))
				.run();
			assertThat(result.passed()).as(result.failures()).isTrue();
		}
	}

	@Test
	void postgresBlackholedPastEveryDefaultClientTimeout() throws Exception {
		try (PostgresBackend postgres = Backends.postgres()) {
			ScenarioResult result = DefaultTimeoutsScenario.scenario("PostgreSQL blackholed 15, 35 and 65 s, default "
					+ "client timeouts, 50 callers on cold keys", postgres)
				.blackholes(Duration.ofSeconds(15), Duration.ofSeconds(35), Duration.ofSeconds(65))
				.run();
			assertThat(result.passed()).as(result.failures()).isTrue();
		}
	}

	@Test
	void redisLatencySpikes() throws Exception {
		try (RedisBackend redis = Backends.redis(null)) {
			ScenarioResult result = ScenarioRun.scenario("Redis latency spikes (50 ms: no outage; 1.5 s: outage)",
					redis)
				.cacheMode(CacheMode.FOREVER)
				.load(new Workload.Settings(6, 60, 0.3, 50_000_000, false, true))
				.duration(D.dividedBy(4))
				// Data already in the proxy when a spike ends is still delayed by up to 1.5 s.
				.recoveryAllowance(Duration.ofMillis(1500))
				.run(LongChaosIT::latencySpikes);
			assertThat(result.passed()).as(result.failures()).isTrue();
		}
	}

	@Test
	void postgresLatencySpikes() throws Exception {
		try (PostgresBackend postgres = Backends.postgres()) {
			ScenarioResult result = ScenarioRun.scenario("PostgreSQL latency spikes (50 ms: no outage; 1.5 s: "
					+ "outage)", postgres)
				.cacheMode(CacheMode.TTL)
				.load(new Workload.Settings(6, 60, 0.3, 50_000_000, true, true))
				.duration(D.dividedBy(4))
				// Data already in the proxy when a spike ends is still delayed by up to 1.5 s.
				.recoveryAllowance(Duration.ofMillis(1500))
				.run(LongChaosIT::latencySpikes);
			assertThat(result.passed()).as(result.failures()).isTrue();
		}
	}

	/**
	 * A tenth of the client timeout each way must not be an outage (the status must stay available); three times
	 * the client timeout must be one, detected and recovered from within the bounds.
	 */
	private static void latencySpikes(ScenarioRun.Chaos chaos) {
		while (chaos.timeLeft()) {
			chaos.pace(Duration.ofMillis(1000));
			chaos.backend().proxy().setLatency(Duration.ofMillis(50));
			chaos.pace(Duration.ofMillis(1500));
			chaos.backend().proxy().setLatency(Duration.ZERO);
			chaos.pace(Duration.ofMillis(1000));
			chaos.reality().down("latency spike of 1.5 s (proxy)");
			chaos.backend().proxy().setLatency(Duration.ofMillis(1500));
			chaos.pace(Duration.ofMillis(2500));
			Faults.restore(chaos, "latency spike");
		}
	}

	/** A fault that makes the store go down. */
	@FunctionalInterface
	private interface Kill {

		void apply(ScenarioRun.Chaos chaos) throws Exception;

	}

	/**
	 * Starts {@code init} of the whole data set on another thread with latency on the proxy (so it takes a while),
	 * and kills the store while it runs. Answers whether init succeeded (it must not).
	 */
	private static boolean killedDuringInit(ScenarioRun.Chaos chaos, Kill kill) throws Exception {
		chaos.backend().proxy().setLatency(Duration.ofMillis(30));
		boolean[] succeeded = new boolean[1];
		Thread init = new Thread(() -> succeeded[0] = chaos.initAll(), "chaos-init");
		init.start();
		chaos.pace(Duration.ofMillis(120));
		kill.apply(chaos);
		init.join(TimeUnit.SECONDS.toMillis(30));
		chaos.backend().proxy().setLatency(Duration.ZERO);
		return succeeded[0];
	}

}
