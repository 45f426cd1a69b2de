package dev.flagstore.autoconfigure.endpoint;

import java.util.Map;

import dev.flagstore.autoconfigure.FlagstoreAutoConfiguration;
import dev.flagstore.spring.endpoint.FlagstoreEndpoint;
import dev.flagstore.spring.endpoint.FlagstoreInfoContributor;
import dev.flagstore.spring.endpoint.StatusTransitions;
import dev.flagstore.store.DataKind;
import dev.flagstore.test.InMemoryPersistentDataStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.info.InfoContributorAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** When the endpoint, its transitions and the info contributor are configured, and how a user overrides them. */
class FlagstoreEndpointAutoConfigurationTests {

	record Flag(String key) {
	}

	static final DataKind FEATURES = DataKind.json("features", Flag.class);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FlagstoreAutoConfiguration.class, EndpointAutoConfiguration.class,
				InfoContributorAutoConfiguration.class, FlagstoreEndpointAutoConfiguration.class))
		.withPropertyValues("flagstore.status.heartbeat-interval=0")
		.withBean(InMemoryPersistentDataStore.class)
		.withBean("features", DataKind.class, () -> FEATURES);

	@Test
	void notExposedShouldConfigureNoEndpoint() {
		this.contextRunner.run(context -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(FlagstoreEndpoint.class)
			.doesNotHaveBean(StatusTransitions.class));
	}

	@Test
	void exposedShouldConfigureTheEndpointWithWritesOff() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=flagstore").run(context -> {
			assertThat(context).hasSingleBean(FlagstoreEndpoint.class).hasSingleBean(StatusTransitions.class);
			FlagstoreEndpoint endpoint = context.getBean(FlagstoreEndpoint.class);
			var refused = endpoint.write("features", "a", 1, Map.of("key", "a"));
			assertThat(refused.getStatus()).isEqualTo(403);
			assertThat(refused.getBody().get("error").toString()).contains("flagstore.endpoint.write.enabled=true");
			assertThat(endpoint.delete("features", "a", 1).getStatus()).isEqualTo(403);
			assertThat(endpoint.overview()).containsKeys("configuration", "store", "caches", "kinds");
		});
	}

	@Test
	void exposedButAccessNoneShouldConfigureNoEndpoint() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=flagstore",
					"management.endpoint.flagstore.access=NONE")
			.run(context -> assertThat(context).doesNotHaveBean(FlagstoreEndpoint.class));
	}

	@Test
	void writesOnShouldWriteThroughTheStore() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=flagstore",
					"flagstore.endpoint.write.enabled=true")
			.run(context -> {
				FlagstoreEndpoint endpoint = context.getBean(FlagstoreEndpoint.class);
				assertThat(endpoint.write("features", "a", 1, Map.of("key", "a")).getStatus()).isEqualTo(200);
				assertThat(context.getBean(dev.flagstore.store.DataStore.class).get(FEATURES, "a").version())
					.isEqualTo(1);
			});
	}

	@Test
	void infoContributorShouldBeOffUnlessEnabled() {
		this.contextRunner.run(context -> assertThat(context).doesNotHaveBean(FlagstoreInfoContributor.class));
		this.contextRunner.withPropertyValues("management.info.flagstore.enabled=true")
			.run(context -> assertThat(context).hasSingleBean(FlagstoreInfoContributor.class));
	}

	@Test
	void userBeansShouldWin() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=flagstore")
			.withBean("myEndpoint", FlagstoreEndpoint.class,
					() -> new FlagstoreEndpoint(new dev.flagstore.store.InMemoryDataStore(), java.util.List::of,
							new StatusTransitions(new dev.flagstore.store.InMemoryDataStore().getStatusProvider(), null,
									java.time.Clock.systemUTC()),
							null, null, false))
			.run(context -> assertThat(context).hasSingleBean(FlagstoreEndpoint.class).hasBean("myEndpoint"));
	}

	@Test
	void withoutActuatorShouldConfigureNothing() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(FlagstoreAutoConfiguration.class, FlagstoreEndpointAutoConfiguration.class))
			.withPropertyValues("flagstore.status.heartbeat-interval=0")
			.withBean(InMemoryPersistentDataStore.class)
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.withPropertyValues("management.endpoints.web.exposure.include=flagstore",
					"management.info.flagstore.enabled=true")
			.run(context -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(FlagstoreEndpoint.class)
				.doesNotHaveBean(FlagstoreInfoContributor.class));
	}

}
