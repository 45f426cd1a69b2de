package dev.flagstore.chaos;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The fault drivers the scenarios share. Each records what it does in the scenario's {@link Reality} and leaves
 * the store up when it returns.
 */
final class Faults {

	private Faults() {
	}

	/** Random duration in [min, max). */
	static Duration between(Duration min, Duration max) {
		return Duration.ofMillis(ThreadLocalRandom.current().nextLong(min.toMillis(), max.toMillis()));
	}

	/** Kills the throwaway redis-server ({@code SIGKILL}); it is down (and empty) until {@link #restartRedis}. */
	static void killRedis(ScenarioRun.Chaos chaos) throws Exception {
		chaos.reality().down("redis-server killed (SIGKILL)");
		((RedisBackend) chaos.backend()).server().kill();
	}

	static void restartRedis(ScenarioRun.Chaos chaos) throws Exception {
		((RedisBackend) chaos.backend()).server().start();
		chaos.reality().up("redis-server restarted (empty)");
	}

	static void freezeRedis(ScenarioRun.Chaos chaos) throws Exception {
		chaos.reality().down("redis-server frozen (SIGSTOP)");
		((RedisBackend) chaos.backend()).server().freeze();
	}

	static void thawRedis(ScenarioRun.Chaos chaos) throws Exception {
		((RedisBackend) chaos.backend()).server().thaw();
		chaos.reality().up("redis-server thawed (SIGCONT)");
	}

	/** The proxy resets every connection and refuses new ones: a dead server, as the client sees it. */
	static void refuse(ScenarioRun.Chaos chaos) {
		chaos.reality().down("connections refused (proxy)");
		chaos.backend().proxy().refuseConnections();
	}

	/** The proxy forwards nothing: a hung server or a partition. */
	static void blackhole(ScenarioRun.Chaos chaos) {
		chaos.reality().down("blackhole (proxy)");
		chaos.backend().proxy().blackhole();
	}

	static void restore(ScenarioRun.Chaos chaos, String what) {
		chaos.backend().proxy().restore();
		chaos.reality().up(what + " ended");
	}

	/**
	 * Flaps the store until the scenario's time is up: down for {@code down}, up for {@code up} (each randomized
	 * between the given bounds), with the given kind of outage.
	 */
	static void flap(ScenarioRun.Chaos chaos, Duration minDown, Duration maxDown, Duration minUp, Duration maxUp,
			Outage outage) throws Exception {
		int cycle = 0;
		chaos.pace(between(minUp, maxUp));
		while (chaos.timeLeft()) {
			outage.begin(chaos, cycle);
			chaos.pace(between(minDown, maxDown));
			outage.end(chaos, cycle);
			chaos.pace(between(minUp, maxUp));
			cycle++;
		}
	}

	/** One kind of outage, begun and ended by a fault driver. */
	interface Outage {

		void begin(ScenarioRun.Chaos chaos, int cycle) throws Exception;

		void end(ScenarioRun.Chaos chaos, int cycle) throws Exception;

	}

	static final Outage REDIS_KILL = new Outage() {

		@Override
		public void begin(ScenarioRun.Chaos chaos, int cycle) throws Exception {
			killRedis(chaos);
		}

		@Override
		public void end(ScenarioRun.Chaos chaos, int cycle) throws Exception {
			restartRedis(chaos);
		}

	};

	/** Even cycles kill the server, odd ones freeze it. */
	static final Outage REDIS_KILL_OR_FREEZE = new Outage() {

		@Override
		public void begin(ScenarioRun.Chaos chaos, int cycle) throws Exception {
			if (cycle % 2 == 0) {
				killRedis(chaos);
			}
			else {
				freezeRedis(chaos);
			}
		}

		@Override
		public void end(ScenarioRun.Chaos chaos, int cycle) throws Exception {
			if (cycle % 2 == 0) {
				restartRedis(chaos);
			}
			else {
				thawRedis(chaos);
			}
		}

	};

	static final Outage PROXY_REFUSE = new Outage() {

		@Override
		public void begin(ScenarioRun.Chaos chaos, int cycle) {
			refuse(chaos);
		}

		@Override
		public void end(ScenarioRun.Chaos chaos, int cycle) {
			restore(chaos, "refusal");
		}

	};

	/** Even cycles refuse connections, odd ones blackhole them. */
	static final Outage PROXY_REFUSE_OR_BLACKHOLE = new Outage() {

		@Override
		public void begin(ScenarioRun.Chaos chaos, int cycle) {
			if (cycle % 2 == 0) {
				refuse(chaos);
			}
			else {
				blackhole(chaos);
			}
		}

		@Override
		public void end(ScenarioRun.Chaos chaos, int cycle) {
			restore(chaos, (cycle % 2 == 0) ? "refusal" : "blackhole");
		}

	};

}
