package dev.flagstore.store;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.dataSet;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The wrapper on fake time: an injected ticker and scheduler, and an executor that runs everything on the test's
 * thread, so the heartbeat, polling and caches are driven by the test, not by sleeping.
 */
class FakeTimeWrapperTests {

	private final FakeTicker ticker = new FakeTicker();

	private final ManualScheduler scheduler = new ManualScheduler(this.ticker);

	private final TestPersistentStore core = new TestPersistentStore();

	private final PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(this.core)
		.cacheMode(CacheMode.TTL)
		.cacheTtl(Duration.ofSeconds(15))
		.heartbeatInterval(Duration.ofSeconds(10))
		.pollInterval(Duration.ofMillis(500))
		.ticker(this.ticker)
		.scheduler(this.scheduler)
		.executor(Runnable::run)
		.build();

	@AfterEach
	void close() {
		this.store.close();
	}

	private boolean available() {
		return this.store.getStatusProvider().getStatus().isAvailable();
	}

	/**
	 * Defect 7: an idle outage was seen up to two heartbeat intervals after the last successful call (the heartbeat
	 * ran on a fixed period and skipped a store that had been busy less than an interval before). Now it is seen
	 * one interval after the last success.
	 */
	@Test
	void idleOutageShouldBeSeenOneHeartbeatIntervalAfterTheLastSuccessfulCall() {
		this.scheduler.advance(Duration.ofMillis(10_100));
		assertThat(this.store.get(FEATURES, "a")).isNull();
		int probes = this.core.calls("isStoreAvailable");
		this.core.fail();
		// The heartbeat due at 20 s finds the store busy 9.9 s ago: it probes at 20.1 s, not at 30 s.
		this.scheduler.advance(Duration.ofMillis(9_999));
		assertThat(available()).isTrue();
		this.scheduler.advance(Duration.ofMillis(1));
		assertThat(available()).isFalse();
		assertThat(this.core.calls("isStoreAvailable")).isEqualTo(probes + 1);
	}

	@Test
	void heartbeatShouldMakeNoCallWhileTheStoreIsBusy() {
		for (int second = 1; second <= 60; second++) {
			this.scheduler.advance(Duration.ofSeconds(1));
			this.store.upsert(FEATURES, "a", flag("a", second));
		}
		assertThat(this.core.calls("isStoreAvailable")).isZero();
	}

	@Test
	void pollShouldProbeEveryPollIntervalAndRecover() {
		this.core.fail();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> this.store.get(FEATURES, "a"));
		this.scheduler.advance(Duration.ofMillis(1_500));
		assertThat(this.core.calls("isStoreAvailable")).isEqualTo(3);
		this.core.recover();
		this.scheduler.advance(Duration.ofMillis(500));
		assertThat(available()).isTrue();
		assertThat(this.store.getStatusProvider().getStatus().isRefreshNeeded()).isTrue();
		this.scheduler.advance(Duration.ofSeconds(5));
		assertThat(this.core.calls("isStoreAvailable")).isEqualTo(4);
	}

	/** Defect 12: the cached "not initialized" answer lives for the TTL on the injected ticker. */
	@Test
	void notInitializedShouldBeCachedForTheTtlOnTheInjectedTicker() {
		assertThat(this.store.isInitialized()).isFalse();
		this.core.init(new FullDataSet<>(java.util.Map.of()));
		assertThat(this.store.isInitialized()).isFalse();
		assertThat(this.core.calls("isInitialized")).isOne();
		this.ticker.advance(Duration.ofSeconds(15));
		assertThat(this.store.isInitialized()).isTrue();
		assertThat(this.core.calls("isInitialized")).isEqualTo(2);
	}

	/**
	 * Defect 4: a successful init whose call began before another call failed does not end the outage: the status
	 * stays unavailable and polling goes on until the store answers a probe.
	 */
	@Test
	void initThatBeganBeforeAFailureShouldNotEndTheOutage() throws Exception {
		HeldInitStore held = new HeldInitStore();
		try (PersistentDataStoreWrapper wrapper = PersistentDataStoreWrapper.builder(held)
			.cacheMode(CacheMode.TTL)
			.heartbeatInterval(Duration.ZERO)
			.ticker(this.ticker)
			.scheduler(this.scheduler)
			.executor(Runnable::run)
			.build()) {
			Thread initializer = new Thread(() -> wrapper.init(dataSet(flag("a", 1))));
			initializer.start();
			assertThat(held.entered.await(5, TimeUnit.SECONDS)).isTrue();
			this.ticker.advance(Duration.ofMillis(10));
			held.failOnly = "get";
			assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> wrapper.get(FEATURES, "b"));
			held.release.countDown();
			initializer.join(5_000);
			assertThat(wrapper.getStatusProvider().getStatus().isAvailable()).isFalse();
			held.recover();
			this.scheduler.advance(Duration.ofMillis(500));
			assertThat(wrapper.getStatusProvider().getStatus().isAvailable()).isTrue();
			assertThat(held.calls("isStoreAvailable")).isOne();
		}
	}

	/** A store whose init waits until released. */
	static final class HeldInitStore extends TestPersistentStore {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@Override
		public void init(FullDataSet<SerializedItemDescriptor> allData) {
			this.entered.countDown();
			try {
				this.release.await(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			super.init(allData);
		}

	}

}
