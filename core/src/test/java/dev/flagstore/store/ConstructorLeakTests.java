package dev.flagstore.store;

import java.time.Duration;

import dev.flagstore.status.DataStoreUpdateSink;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A build() that fails (the store's setUpdateSink throws) leaves nothing running: no heartbeat probing a store that
 * nobody can close, no pool, and the shared flagstore-clock released. (It started them before calling the store.)
 */
class ConstructorLeakTests {

	@Test
	void failedBuildShouldLeaveNoThreadsAndMakeNoStoreCalls() throws Exception {
		TestPersistentStore core = new TestPersistentStore() {
			@Override
			public void setUpdateSink(@Nullable DataStoreUpdateSink sink) {
				throw new IllegalStateException("this store cannot push status");
			}
		};
		assertThatThrownBy(() -> PersistentDataStoreWrapper.builder(core)
			.heartbeatInterval(Duration.ofMillis(50))
			.build()).isInstanceOf(IllegalStateException.class);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet().stream()
			.map(Thread::getName).filter(name -> name.startsWith("flagstore-")).toList())
			.as("flagstore threads after build() threw").isEmpty());
	}

	@Test
	void failedBuildShouldScheduleNothing() {
		TestPersistentStore core = new TestPersistentStore() {
			@Override
			public void setUpdateSink(@Nullable DataStoreUpdateSink sink) {
				throw new IllegalStateException("this store cannot push status");
			}
		};
		FakeTicker ticker = new FakeTicker();
		ManualScheduler scheduler = new ManualScheduler(ticker);
		assertThatThrownBy(() -> PersistentDataStoreWrapper.builder(core)
			.heartbeatInterval(Duration.ofMillis(50))
			.ticker(ticker)
			.scheduler(scheduler)
			.executor(Runnable::run)
			.build()).isInstanceOf(IllegalStateException.class);
		assertThat(scheduler.pending()).as("tasks scheduled by a build() that threw").isZero();
		scheduler.advance(Duration.ofMinutes(1));
		assertThat(core.calls("isStoreAvailable")).as("heartbeat probes after build() threw").isZero();
	}

}
