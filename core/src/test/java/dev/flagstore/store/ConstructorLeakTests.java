package dev.flagstore.store;

import java.time.Duration;

import dev.flagstore.status.DataStoreUpdateSink;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Review finding: the constructor starts the pools, the shared clock and the heartbeat before it calls the store's
 * setUpdateSink; if that throws, build() fails but nothing is stopped: the heartbeat keeps probing the store (that
 * nobody can close now) on leaked threads, and the shared flagstore-clock is never released.
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
		int probes = core.calls("isStoreAvailable");
		Thread.sleep(500);
		assertThat(core.calls("isStoreAvailable")).as("heartbeat probes after build() threw").isEqualTo(probes);
		assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
			.filter(name -> name.startsWith("flagstore-")).toList()).as("flagstore threads after build() threw").isEmpty();
	}

}
