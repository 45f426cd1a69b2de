package dev.flagstore.store;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the stores say of their configuration, for the endpoint and the info contributor. */
class DescribeConfigurationTests {

	@Test
	void wrapperShouldDescribeItsSettingsAndItsStore() {
		PersistentDataStore core = new TestPersistentStore() {
			@Override
			public Map<String, Object> describeConfiguration() {
				return Map.of("prefix", "flags");
			}
		};
		try (PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.cacheMode(CacheMode.FOREVER)
			.cacheTtl(Duration.ofSeconds(30))
			.operationTimeout(Duration.ofMillis(750))
			.maxConcurrentCalls(4)
			.heartbeatInterval(Duration.ZERO)
			.build()) {
			Map<String, Object> description = store.describeConfiguration();
			assertThat(description).containsEntry("type", "persistent")
				.containsEntry("cacheMode", "forever")
				.containsEntry("cacheTtl", "PT30S")
				.containsEntry("operationTimeout", "PT0.75S")
				.containsEntry("maxConcurrentCalls", 4)
				.containsEntry("heartbeatInterval", "PT0S")
				.doesNotContainKey("staleValuesPolicy");
			@SuppressWarnings("unchecked")
			Map<String, Object> described = (Map<String, Object>) description.get("store");
			assertThat(described).containsEntry("class", core.getClass().getName()).containsEntry("prefix", "flags");
		}
	}

	@Test
	void aStoreWhoseDescriptionFailsShouldNotFailTheWrapper() {
		PersistentDataStore core = new TestPersistentStore() {
			@Override
			public Map<String, Object> describeConfiguration() {
				throw new IllegalStateException("secret=hunter2");
			}
		};
		try (PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(core)
			.heartbeatInterval(Duration.ZERO)
			.build()) {
			assertThat(store.describeConfiguration().get("store").toString()).contains("IllegalStateException")
				.doesNotContain("hunter2");
		}
	}

	@Test
	void inMemoryStoreShouldSayWhatItIs() {
		assertThat(new InMemoryDataStore().describeConfiguration()).isEqualTo(Map.of("type", "in-memory"));
	}

}
