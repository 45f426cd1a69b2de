package dev.flagstore.sample.examples;

import java.time.Duration;
import java.util.Map;

import dev.flagstore.sample.Flag;
import dev.flagstore.store.CacheMode;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.PersistentDataStoreWrapper;
import dev.flagstore.test.InMemoryPersistentDataStore;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Use it without Spring": the core builder around any {@link PersistentDataStore}, here the test
 * kit's in-memory reference store. In a package of its own, so that it compiles against the public API only.
 */
class WithoutSpringExampleTests {

	private static final Logger logger = LoggerFactory.getLogger(WithoutSpringExampleTests.class);

	@Test
	void wrapperBuiltAsTheReadmeShowsShouldWriteAndReadFlags() {
		PersistentDataStore myPersistentStore = new InMemoryPersistentDataStore();
		// tag::without-spring[]
		PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(myPersistentStore)
			.cacheMode(CacheMode.TTL)                 // TTL (default 15 s), FOREVER or NONE
			.pollInterval(Duration.ofMillis(500))     // probe an unavailable store this often
			.operationTimeout(Duration.ofSeconds(2))  // a store call past this deadline is an outage
			.maxConcurrentCalls(16)                   // at most this many store calls at once; more fail fast
			.build();
		store.getStatusProvider().addStatusListener(status -> logger.warn("flag store: {}", status));
		// end::without-spring[]
		try (store) {
			Flag flag = new Flag("dark-mode", 1, true, "Dark theme for the web app");
			store.init(new FullDataSet<>(
					Map.of(Flag.KIND, new KeyedItems<>(Map.of(flag.key(), new ItemDescriptor(1, flag))))));
			assertThat(store.get(Flag.KIND, "dark-mode")).isEqualTo(new ItemDescriptor(1, flag));
			assertThat(store.getStatusProvider().getStatus().isAvailable()).isTrue();
			assertThat(myPersistentStore.isInitialized()).isTrue();
		}
	}

}
