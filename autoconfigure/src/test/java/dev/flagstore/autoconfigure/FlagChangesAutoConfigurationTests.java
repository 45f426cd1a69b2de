package dev.flagstore.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.flagstore.autoconfigure.metrics.FlagstoreMetricsAutoConfiguration;
import dev.flagstore.changes.FlagChange;
import dev.flagstore.changes.FlagChange.Origin;
import dev.flagstore.changes.FlagTracker;
import dev.flagstore.internal.InertFlagTracker;
import dev.flagstore.spring.FlagChangedEvent;
import dev.flagstore.spring.FlagChangedEventPublisher;
import dev.flagstore.spring.metrics.FlagChangeMetrics;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.test.InMemoryPersistentDataStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * The flag tracker bean, the {@link FlagChangedEvent flag change events} and the change counter.
 */
class FlagChangesAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FlagstoreAutoConfiguration.class,
				FlagstoreMetricsAutoConfiguration.class))
		.withPropertyValues("flagstore.status.heartbeat-interval=0");

	@Test
	void runShouldProvideTheFlagTrackerOfTheDataStore() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(FlagTracker.class).hasSingleBean(FlagChangedEventPublisher.class);
			assertThat(context.getBean(FlagTracker.class))
				.isSameAs(context.getBean(DataStore.class).getFlagTracker());
		});
	}

	@Test
	void runWithPersistentStoreShouldProvideTheWrapperTracker() {
		this.contextRunner.withBean(InMemoryPersistentDataStore.class).run((context) -> {
			assertThat(context.getBean(FlagTracker.class))
				.isSameAs(context.getBean(DataStore.class).getFlagTracker());
			assertThat(context.getBean(FlagTracker.class)).isNotInstanceOf(InertFlagTracker.class);
		});
	}

	@Test
	void runWhenUserDefinesFlagTrackerShouldBackOff() {
		FlagTracker own = mock(FlagTracker.class);
		this.contextRunner.withBean("ownTracker", FlagTracker.class, () -> own).run((context) -> {
			assertThat(context).hasSingleBean(FlagTracker.class);
			assertThat(context.getBean(FlagTracker.class)).isSameAs(own);
		});
	}

	@Test
	void eventListenerWithAConditionOnTheKeyShouldReceiveOnlyThatFlagsChanges() {
		this.contextRunner.withUserConfiguration(CheckoutListener.class).run((context) -> {
			DataStore store = context.getBean(DataStore.class);
			store.upsert(TestKinds.FEATURES, "other", new ItemDescriptor(1, "on"));
			store.upsert(TestKinds.FEATURES, "checkout", new ItemDescriptor(1, "on"));
			store.upsert(TestKinds.FEATURES, "checkout", new ItemDescriptor(2, "off"));
			CheckoutListener listener = context.getBean(CheckoutListener.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> listener.all.size() == 3);
			assertThat(listener.checkout).extracting(FlagChange::version).containsExactly(1, 2);
			assertThat(listener.all).extracting(FlagChange::key).containsExactly("other", "checkout", "checkout");
		});
	}

	@Test
	void withMeterRegistryShouldCountChangesByOrigin() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
			assertThat(context).hasSingleBean(FlagChangeMetrics.class);
			context.getBean(DataStore.class).upsert(TestKinds.FEATURES, "a", new ItemDescriptor(1, "on"));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> registry.get(FlagChangeMetrics.CHANGES).tag("origin", "local").functionCounter()
					.count() == 1);
			assertThat(registry.get(FlagChangeMetrics.CHANGES).tag("origin", "remote").functionCounter().count())
				.isZero();
		});
	}

	@Test
	void withoutMeterRegistryShouldNotCountChanges() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(FlagChangeMetrics.class));
	}

	@Test
	void originShouldDefaultToLocal() {
		assertThat(new FlagChange(TestKinds.FEATURES, "a", 1).origin()).isEqualTo(Origin.LOCAL);
	}

	@Configuration(proxyBeanMethods = false)
	static class CheckoutListener {

		final List<FlagChange> checkout = new CopyOnWriteArrayList<>();

		final List<FlagChange> all = new CopyOnWriteArrayList<>();

		// tag::flag-changed-listener[]
		@EventListener(condition = "#event.change.key == 'checkout'")
		void checkoutChanged(FlagChangedEvent event) {
			this.checkout.add(event.getChange());
		}
		// end::flag-changed-listener[]

		@EventListener
		void anyChange(FlagChangedEvent event) {
			this.all.add(event.getChange());
		}

	}

}
