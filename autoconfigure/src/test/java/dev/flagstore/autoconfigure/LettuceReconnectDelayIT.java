package dev.flagstore.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.test.RedisServerProcess;
import io.lettuce.core.event.connection.ReconnectAttemptEvent;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * A real Redis crash through Spring Boot's Redis auto-configuration and flagstore's, configured by properties only,
 * as an application would be: after the server has been down long enough for Lettuce's default back-off to grow to
 * several seconds, the status is available again within {@code poll-interval} plus
 * {@code flagstore.redis.max-reconnect-delay} (plus a margin) of the server's restart. The test starts and kills a
 * {@code redis-server} of its own ({@link RedisServerProcess}), so the shared server is never touched.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LettuceReconnectDelayIT {

	private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

	private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

	/** Scheduling slack: Lettuce's reconnect timer ticks every 100 ms, a probe takes a round trip, and so on. */
	private static final Duration MARGIN = Duration.ofMillis(1500);

	/**
	 * How long the server stays down. Lettuce's default back-off (1, 2, 4 ... ms, each rounded up to its timer's
	 * 100 ms tick) makes its attempts about 5.0 s, 9.1 s and 17.3 s into an outage. A restart after 12 s falls in the
	 * middle of the long wait, so without the cap (or with max-reconnect-delay=30s) recovery takes about 5 s and this
	 * test fails; a restart after 8 s would be found by the 9.1 s attempt and prove nothing.
	 */
	private static final Duration OUTAGE = Duration.ofSeconds(12);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, FlagstoreAutoConfiguration.class));

	private RedisServerProcess server;

	@BeforeEach
	void startServer() throws Exception {
		this.server = RedisServerProcess.create();
		this.server.start();
	}

	@AfterEach
	void stopServer() throws Exception {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void statusShouldRecoverWithinPollIntervalAndMaxReconnectDelayOfRestart() {
		this.contextRunner
			.withPropertyValues("spring.data.redis.host=" + this.server.host(),
					"spring.data.redis.port=" + this.server.port(), "spring.data.redis.timeout=1s",
					"spring.data.redis.connect-timeout=1s", "flagstore.store.type=redis",
					"flagstore.status.poll-interval=" + POLL_INTERVAL.toMillis() + "ms",
					"flagstore.status.heartbeat-interval=1s", "flagstore.store.operation-timeout=2s",
					"flagstore.redis.max-reconnect-delay=" + MAX_RECONNECT_DELAY.toMillis() + "ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DataStore dataStore = context.getBean(DataStore.class);
				DataStoreStatusProvider statusProvider = context.getBean(DataStoreStatusProvider.class);
				List<String> reconnectAttempts = new CopyOnWriteArrayList<>();
				long start = System.nanoTime();
				var subscription = context.getBean(ClientResources.class)
					.eventBus()
					.get()
					.filter(ReconnectAttemptEvent.class::isInstance)
					.cast(ReconnectAttemptEvent.class)
					.subscribe((event) -> reconnectAttempts.add(String.format("#%d at %d ms (delay %d ms)",
							event.getAttempt(), millisSince(start), event.getDelay().toMillis())));
				try {
					dataStore.init(new FullDataSet<>(Map.of()));
					assertThat(statusProvider.getStatus().isAvailable()).isTrue();

					this.server.kill();
					long killed = System.nanoTime();
					assertThatException()
						.isThrownBy(() -> dataStore.upsert(TestKinds.FEATURES, "flag", new ItemDescriptor(1, "on")));
					assertThat(statusProvider.getStatus().isAvailable()).isFalse();
					Thread.sleep(Math.max(0, OUTAGE.toMillis() - millisSince(killed)));

					this.server.start();
					long restarted = System.nanoTime();
					Duration limit = POLL_INTERVAL.plus(MAX_RECONNECT_DELAY).plus(MARGIN);
					await().atMost(limit.plusSeconds(20))
						.pollInterval(Duration.ofMillis(10))
						.until(() -> statusProvider.getStatus().isAvailable());
					Duration recovery = Duration.ofMillis(millisSince(restarted));
					System.out.printf("LettuceReconnectDelayIT: outage %d ms, recovered %d ms after the restart "
							+ "(limit %d ms); reconnect attempts (server killed at %d ms): %s%n",
							(restarted - killed) / 1_000_000, recovery.toMillis(), limit.toMillis(),
							(killed - start) / 1_000_000, reconnectAttempts);
					assertThat(recovery)
						.as("recovery after the restart; reconnect attempts since the context started: %s",
								reconnectAttempts)
						.isLessThanOrEqualTo(limit);
				}
				finally {
					subscription.dispose();
				}
			});
	}

	private static long millisSince(long nanoTime) {
		return (System.nanoTime() - nanoTime) / 1_000_000;
	}

}
