package dev.flagstore.autoconfigure;

import dev.flagstore.autoconfigure.endpoint.FlagstoreEndpointAutoConfiguration;
import dev.flagstore.autoconfigure.health.FlagstoreHealthContributorAutoConfiguration;
import dev.flagstore.autoconfigure.metrics.FlagstoreMetricsAutoConfiguration;
import dev.flagstore.spring.DataStoreStatusEventPublisher;
import dev.flagstore.spring.endpoint.FlagstoreEndpoint;
import dev.flagstore.spring.health.FlagstoreHealthIndicator;
import dev.flagstore.spring.metrics.FlagstoreMetrics;
import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.InMemoryDataStore;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.PersistentDataStoreWrapper;
import dev.flagstore.test.InMemoryPersistentDataStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter does not bring Actuator or Micrometer: an application without them gets the store, its status provider
 * and its events, and no health indicator or meters. Every auto-configuration of the imports file is applied, with
 * Spring Boot's health and metrics modules and Micrometer hidden from the class loader.
 */
class FlagstoreWithoutActuatorTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FlagstoreAutoConfiguration.class,
				FlagstoreHealthContributorAutoConfiguration.class, FlagstoreMetricsAutoConfiguration.class,
				FlagstoreEndpointAutoConfiguration.class))
		.withClassLoader(new FilteredClassLoader("org.springframework.boot.health", "org.springframework.boot.actuate",
				"org.springframework.boot.micrometer", "io.micrometer"))
		.withPropertyValues("flagstore.status.heartbeat-interval=0");

	@Test
	void runWithoutActuatorAndMicrometerShouldConfigureTheInMemoryStore() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(InMemoryDataStore.class)
			.hasSingleBean(DataStoreStatusProvider.class)
			.hasSingleBean(DataStoreStatusEventPublisher.class)
			.doesNotHaveBean(FlagstoreHealthIndicator.class)
			.doesNotHaveBean(FlagstoreMetrics.class)
			.doesNotHaveBean(FlagstoreEndpoint.class));
	}

	@Test
	void runWithoutActuatorAndMicrometerShouldWrapTheUserPersistentStore() {
		this.contextRunner.withBean(InMemoryPersistentDataStore.class).run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(PersistentDataStoreWrapper.class)
				.hasSingleBean(DataStoreStatusEventPublisher.class)
				.doesNotHaveBean(FlagstoreHealthIndicator.class)
				.doesNotHaveBean(FlagstoreMetrics.class);
			DataStore store = context.getBean(DataStore.class);
			assertThat(store.upsert(TestKinds.FEATURES, "flag", new ItemDescriptor(1, "on"))).isTrue();
			assertThat(store.get(TestKinds.FEATURES, "flag")).isNotNull();
		});
	}

}
