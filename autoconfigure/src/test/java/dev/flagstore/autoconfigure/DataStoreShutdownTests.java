package dev.flagstore.autoconfigure;

import java.util.concurrent.atomic.AtomicReference;

import dev.flagstore.store.DataStore;
import dev.flagstore.test.FaultInjectingPersistentDataStore;
import dev.flagstore.test.InMemoryPersistentDataStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The auto-configured store is closed when the context closes: after the web server, before connection factories
 * such as Lettuce's (lifecycle phase 0), so it never probes a stopped connection during shutdown.
 */
class DataStoreShutdownTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FlagstoreAutoConfiguration.class))
		.withUserConfiguration(StoreAndConnectionConfiguration.class);

	@Test
	void storeShouldBeClosedBeforeConnectionFactoriesStop() {
		AtomicReference<DataStore> store = new AtomicReference<>();
		this.contextRunner.run(context -> {
			assertThat(context).hasSingleBean(DataStoreShutdown.class);
			store.set(context.getBean(DataStore.class));
			assertThat(store.get().get(TestKinds.FEATURES, "a")).isNull();
		});
		// The phase-0 bean saw the store already closed when it stopped.
		assertThatIllegalStateException().isThrownBy(() -> store.get().get(TestKinds.FEATURES, "a"));
		assertThat(StoreAndConnectionConfiguration.storeClosedWhenConnectionStopped).hasValue(Boolean.TRUE);
	}

	@Test
	void shutdownShouldBeBetweenTheWebServerAndConnectionFactories() {
		assertThat(DataStoreShutdown.PHASE).isLessThan(SmartLifecycle.DEFAULT_PHASE - 2048).isGreaterThan(0);
	}

	@Test
	void userDataStoreShouldBeLeftToTheContext() {
		this.contextRunner.withBean("myStore", DataStore.class, dev.flagstore.store.InMemoryDataStore::new)
			.run(context -> assertThat(context.getBean(DataStoreShutdown.class)).extracting("dataStore").isNull());
	}

	@Configuration(proxyBeanMethods = false)
	static class StoreAndConnectionConfiguration {

		static final AtomicReference<Boolean> storeClosedWhenConnectionStopped = new AtomicReference<>();

		@Bean
		FaultInjectingPersistentDataStore persistentDataStore() {
			return new FaultInjectingPersistentDataStore(new InMemoryPersistentDataStore());
		}

		/** Stands in for Lettuce's connection factory, a SmartLifecycle at phase 0. */
		@Bean
		SmartLifecycle connectionFactory(DataStore dataStore) {
			return new SmartLifecycle() {

				private volatile boolean running;

				@Override
				public void start() {
					this.running = true;
				}

				@Override
				public void stop() {
					boolean closed;
					try {
						dataStore.get(TestKinds.FEATURES, "a");
						closed = false;
					}
					catch (IllegalStateException ex) {
						closed = true;
					}
					storeClosedWhenConnectionStopped.set(closed);
					this.running = false;
				}

				@Override
				public boolean isRunning() {
					return this.running;
				}

				@Override
				public int getPhase() {
					return 0;
				}
			};
		}

	}

}
