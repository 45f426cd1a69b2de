package dev.flagstore.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.flagstore.autoconfigure.FlagstoreProperties.StoreType;
import dev.flagstore.autoconfigure.health.FlagstoreHealthContributorAutoConfiguration;
import dev.flagstore.autoconfigure.metrics.FlagstoreMetricsAutoConfiguration;
import dev.flagstore.spring.DataStoreStatusChangedEvent;
import dev.flagstore.spring.DataStoreStatusEventPublisher;
import dev.flagstore.spring.health.FlagstoreHealthIndicator;
import dev.flagstore.spring.jdbc.JdbcPersistentDataStore;
import dev.flagstore.spring.metrics.FlagstoreMetrics;
import dev.flagstore.spring.redis.RedisPersistentDataStore;
import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;
import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.store.CacheMode;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.InMemoryDataStore;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.PersistentDataStoreWrapper;
import dev.flagstore.store.StaleValuesPolicy;
import dev.flagstore.test.FaultInjectingPersistentDataStore;
import dev.flagstore.test.FaultInjectingPersistentDataStore.Operation;
import dev.flagstore.test.InMemoryPersistentDataStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link FlagstoreAutoConfiguration}, {@link FlagstoreHealthContributorAutoConfiguration} and
 * {@link FlagstoreMetricsAutoConfiguration}.
 */
class FlagstoreAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FlagstoreAutoConfiguration.class,
				FlagstoreHealthContributorAutoConfiguration.class, FlagstoreMetricsAutoConfiguration.class))
		// No background store calls unless a test asks for them.
		.withPropertyValues("flagstore.status.heartbeat-interval=0");

	// Beans and store selection

	@Test
	void runWithoutPersistentStoreShouldUseInMemoryStore() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(DataStore.class)
				.hasSingleBean(InMemoryDataStore.class)
				.doesNotHaveBean(PersistentDataStore.class)
				.hasSingleBean(DataStoreStatusProvider.class)
				.hasSingleBean(DataStoreStatusEventPublisher.class);
			DataStoreStatusProvider provider = context.getBean(DataStoreStatusProvider.class);
			assertThat(provider).isSameAs(context.getBean(DataStore.class).getStatusProvider());
			assertThat(provider.isStatusMonitoringEnabled()).isFalse();
			assertThat(provider.getStatus().isAvailable()).isTrue();
		});
	}

	@Test
	void runWithUserPersistentStoreShouldWrapIt() {
		this.contextRunner.withUserConfiguration(PersistentStoreConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(PersistentDataStoreWrapper.class).doesNotHaveBean(InMemoryDataStore.class);
			PersistentDataStoreWrapper store = context.getBean(PersistentDataStoreWrapper.class);
			assertThat(store.getCacheMode()).isEqualTo(CacheMode.TTL);
			assertThat(store.getCaches()).containsOnlyKeys("items", "all-items");
			assertThat(context.getBean(DataStoreStatusProvider.class)).isSameAs(store.getStatusProvider());
			assertThat(context.getBean(DataStoreStatusProvider.class).isStatusMonitoringEnabled()).isTrue();
			store.upsert(TestKinds.FEATURES, "flag", new ItemDescriptor(1, "on"));
			assertThat(context.getBean(FaultInjectingPersistentDataStore.class).get(TestKinds.FEATURES, "flag"))
				.isNotNull();
		});
	}

	@Test
	void runWithUserDataStoreShouldBackOff() {
		this.contextRunner.withUserConfiguration(PersistentStoreConfiguration.class, UserDataStoreConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(DataStore.class).doesNotHaveBean(PersistentDataStoreWrapper.class);
				assertThat(context.getBean(DataStore.class)).isSameAs(context.getBean("userDataStore"));
				assertThat(context.getBean(DataStoreStatusProvider.class))
					.isSameAs(context.getBean(DataStore.class).getStatusProvider());
			});
	}

	@Test
	void runWithUserStatusProviderShouldBackOff() {
		this.contextRunner.withUserConfiguration(UserStatusProviderConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(DataStoreStatusProvider.class);
			assertThat(context.getBean(DataStoreStatusProvider.class)).isSameAs(context.getBean("userStatusProvider"));
			assertThat(context.getBean(FlagstoreHealthIndicator.class).health().getStatus()).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void runWithUserEventPublisherShouldBackOff() {
		this.contextRunner.withUserConfiguration(UserEventPublisherConfiguration.class)
			.run((context) -> assertThat(context).getBean(DataStoreStatusEventPublisher.class)
				.isSameAs(context.getBean("userEventPublisher")));
	}

	@Test
	void closingContextShouldCloseStoreExactlyOnce() {
		FaultInjectingPersistentDataStore[] store = new FaultInjectingPersistentDataStore[1];
		PersistentDataStoreWrapper[] wrapper = new PersistentDataStoreWrapper[1];
		this.contextRunner.withUserConfiguration(PersistentStoreConfiguration.class).run((context) -> {
			store[0] = context.getBean(FaultInjectingPersistentDataStore.class);
			wrapper[0] = context.getBean(PersistentDataStoreWrapper.class);
			assertThat(store[0].getCloseCount()).isZero();
		});
		assertThat(store[0].getCloseCount()).isEqualTo(1);
		// The wrapper was closed too: it refuses calls.
		assertThatIllegalStateException()
			.isThrownBy(() -> wrapper[0].get(TestKinds.FEATURES, "flag"));
	}

	// Properties

	@Test
	void defaultPropertiesShouldMatchTheDocumentedDefaults() {
		this.contextRunner.run((context) -> {
			FlagstoreProperties properties = context.getBean(FlagstoreProperties.class);
			assertThat(properties.getStore().getType()).isEqualTo(StoreType.NONE);
			assertThat(properties.getStore().getOperationTimeout()).isEqualTo(Duration.ofSeconds(2));
			assertThat(properties.getCache().getMode()).isEqualTo(CacheMode.TTL);
			assertThat(properties.getCache().getTtl()).isEqualTo(Duration.ofSeconds(15));
			assertThat(properties.getCache().getStaleValuesPolicy()).isEqualTo(StaleValuesPolicy.EVICT);
			assertThat(properties.getStatus().getPollInterval()).isEqualTo(Duration.ofMillis(500));
			assertThat(properties.getRedis().getPrefix()).isEqualTo("flagstore");
			assertThat(properties.getRedis().getMaxReconnectDelay()).isEqualTo(Duration.ofSeconds(1));
			assertThat(properties.getJdbc().getTablePrefix()).isEqualTo("flagstore_");
			assertThat(properties.getJdbc().getInitializeSchema()).isEqualTo(DatabaseInitializationMode.EMBEDDED);
		});
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FlagstoreAutoConfiguration.class))
			.run((context) -> assertThat(context.getBean(FlagstoreProperties.class).getStatus().getHeartbeatInterval())
				.isEqualTo(Duration.ofSeconds(10)));
	}

	@Test
	void everyPropertyShouldBind() {
		this.contextRunner
			.withPropertyValues("flagstore.store.operation-timeout=3s", "flagstore.cache.mode=forever",
					"flagstore.cache.ttl=1m", "flagstore.status.poll-interval=50ms",
					"flagstore.status.heartbeat-interval=30s", "flagstore.redis.prefix=app1",
					"flagstore.redis.max-reconnect-delay=250ms", "flagstore.jdbc.table-prefix=app1_",
					"flagstore.jdbc.initialize-schema=never")
			.run((context) -> {
				FlagstoreProperties properties = context.getBean(FlagstoreProperties.class);
				assertThat(properties.getStore().getOperationTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(properties.getCache().getMode()).isEqualTo(CacheMode.FOREVER);
				assertThat(properties.getCache().getTtl()).isEqualTo(Duration.ofMinutes(1));
				assertThat(properties.getStatus().getPollInterval()).isEqualTo(Duration.ofMillis(50));
				assertThat(properties.getStatus().getHeartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
				assertThat(properties.getRedis().getPrefix()).isEqualTo("app1");
				assertThat(properties.getRedis().getMaxReconnectDelay()).isEqualTo(Duration.ofMillis(250));
				assertThat(properties.getJdbc().getTablePrefix()).isEqualTo("app1_");
				assertThat(properties.getJdbc().getInitializeSchema()).isEqualTo(DatabaseInitializationMode.NEVER);
			});
		this.contextRunner.withPropertyValues("flagstore.cache.stale-values-policy=refresh-async")
			.run((context) -> assertThat(context.getBean(FlagstoreProperties.class).getCache().getStaleValuesPolicy())
				.isEqualTo(StaleValuesPolicy.REFRESH_ASYNC));
		this.contextRunner.withPropertyValues("flagstore.store.type=none", "flagstore.store.operation-timeout=0")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void cachePropertiesShouldConfigureTheWrapper() {
		this.contextRunner.withUserConfiguration(PersistentStoreConfiguration.class)
			.withPropertyValues("flagstore.cache.mode=none")
			.run((context) -> {
				PersistentDataStoreWrapper store = context.getBean(PersistentDataStoreWrapper.class);
				assertThat(store.getCacheMode()).isEqualTo(CacheMode.NONE);
				assertThat(store.getCaches()).isEmpty();
			});
		this.contextRunner.withUserConfiguration(PersistentStoreConfiguration.class)
			.withPropertyValues("flagstore.cache.ttl=0")
			.run((context) -> assertThat(context.getBean(PersistentDataStoreWrapper.class).getCacheMode())
				.isEqualTo(CacheMode.NONE));
	}

	@Test
	void pollIntervalShouldDriveRecovery() {
		this.contextRunner.withUserConfiguration(PersistentStoreConfiguration.class, EventCollectorConfiguration.class)
			.withPropertyValues("flagstore.status.poll-interval=20ms")
			.run((context) -> {
				FaultInjectingPersistentDataStore store = context.getBean(FaultInjectingPersistentDataStore.class);
				DataStore dataStore = context.getBean(DataStore.class);
				DataStoreStatusProvider provider = context.getBean(DataStoreStatusProvider.class);
				store.fail();
				assertThatException()
					.isThrownBy(() -> dataStore.get(TestKinds.FEATURES, "missing"));
				assertThat(provider.getStatus().isAvailable()).isFalse();
				store.recover();
				await().atMost(Duration.ofSeconds(5)).until(() -> provider.getStatus().isAvailable());
				assertThat(provider.getStatus().isRefreshNeeded()).isTrue();
			});
	}

	@Test
	void heartbeatIntervalShouldNoticeAnIdleOutage() {
		this.contextRunner.withUserConfiguration(PersistentStoreConfiguration.class)
			.withPropertyValues("flagstore.status.heartbeat-interval=20ms")
			.run((context) -> {
				context.getBean(FaultInjectingPersistentDataStore.class).fail();
				DataStoreStatusProvider provider = context.getBean(DataStoreStatusProvider.class);
				await().atMost(Duration.ofSeconds(5)).until(() -> !provider.getStatus().isAvailable());
			});
	}

	@Test
	void operationTimeoutShouldTurnAHungStoreIntoAnOutage() {
		this.contextRunner.withUserConfiguration(PersistentStoreConfiguration.class)
			.withPropertyValues("flagstore.store.operation-timeout=100ms")
			.run((context) -> {
				FaultInjectingPersistentDataStore store = context.getBean(FaultInjectingPersistentDataStore.class);
				DataStore dataStore = context.getBean(DataStore.class);
				store.hang(Operation.GET);
				try {
					long start = System.nanoTime();
					assertThatException().isThrownBy(() -> dataStore.get(TestKinds.FEATURES, "flag"));
					assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
					assertThat(context.getBean(DataStoreStatusProvider.class).getStatus().isAvailable()).isFalse();
				}
				finally {
					store.recover();
				}
			});
	}

	@Test
	void maxConcurrentCallsShouldBoundTheStoreCallsInFlight() {
		this.contextRunner.withUserConfiguration(PersistentStoreConfiguration.class)
			.withPropertyValues("flagstore.store.max-concurrent-calls=1", "flagstore.cache.mode=none",
					"flagstore.store.operation-timeout=5s")
			.run((context) -> {
				FaultInjectingPersistentDataStore store = context.getBean(FaultInjectingPersistentDataStore.class);
				DataStore dataStore = context.getBean(DataStore.class);
				store.hang(Operation.GET);
				Thread first = new Thread(() -> {
					try {
						dataStore.get(TestKinds.FEATURES, "first");
					}
					catch (RuntimeException expected) {
					}
				});
				first.start();
				try {
					await().atMost(Duration.ofSeconds(5)).until(() -> store.getHungCallCount() == 1);
					assertThatException().isThrownBy(() -> dataStore.get(TestKinds.FEATURES, "second"))
						.withMessageContaining("flagstore.store.max-concurrent-calls");
					assertThat(context.getBean(DataStoreStatusProvider.class).getStatus().isAvailable()).isTrue();
				}
				finally {
					store.recover();
					first.join(5000);
				}
			});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			flagstore.store.operation-timeout=-1s   | flagstore.store.operation-timeout   | positive duration such as 2s
			flagstore.cache.ttl=-5s                 | flagstore.cache.ttl                 | positive duration such as 15s
			flagstore.store.max-concurrent-calls=0  | flagstore.store.max-concurrent-calls | positive number such as 16
			flagstore.store.max-concurrent-calls=-3 | flagstore.store.max-concurrent-calls | positive number such as 16
			flagstore.status.poll-interval=0        | flagstore.status.poll-interval      | positive duration such as 500ms
			flagstore.status.poll-interval=-1ms     | flagstore.status.poll-interval      | positive duration such as 500ms
			flagstore.status.heartbeat-interval=-1s | flagstore.status.heartbeat-interval | positive duration such as 10s
			flagstore.redis.prefix=                 | flagstore.redis.prefix              | non-empty key prefix
			flagstore.redis.prefix=a b              | flagstore.redis.prefix              | non-empty key prefix
			flagstore.redis.max-reconnect-delay=0   | flagstore.redis.max-reconnect-delay | positive duration such as 1s
			flagstore.redis.max-reconnect-delay=-1s | flagstore.redis.max-reconnect-delay | positive duration such as 1s
			flagstore.redis.max-reconnect-delay=x   | flagstore.redis.max-reconnect-delay | a duration such as 500ms
			flagstore.jdbc.table-prefix=x;drop      | flagstore.jdbc.table-prefix         | letters, digits and underscores
			flagstore.cache.mode=weekly             | flagstore.cache.mode                | one of ttl, forever, none
			flagstore.cache.stale-values-policy=lru | flagstore.cache.stale-values-policy | one of evict, refresh, refresh-async
			flagstore.store.type=mongo              | flagstore.store.type                | one of none, redis, jdbc
			flagstore.jdbc.initialize-schema=maybe  | flagstore.jdbc.initialize-schema    | one of always, embedded, never
			flagstore.cache.ttl=soon                | flagstore.cache.ttl                 | a duration such as 500ms
			""")
	void invalidValueShouldFailWithActionableMessage(String property, String name, String action) {
		this.contextRunner.withPropertyValues(property).run(assertFailure(name, action));
	}

	@Test
	void refreshPolicyWithoutTtlCacheShouldFail() {
		this.contextRunner.withPropertyValues("flagstore.cache.mode=forever", "flagstore.cache.stale-values-policy=refresh")
			.run(assertFailure("flagstore.cache.stale-values-policy", "set flagstore.cache.mode to ttl"));
		this.contextRunner.withPropertyValues("flagstore.cache.ttl=0", "flagstore.cache.stale-values-policy=refresh-async")
			.run(assertFailure("flagstore.cache.stale-values-policy", "set flagstore.cache.mode to ttl"));
	}

	// Store selection: Redis

	@Test
	void redisTypeShouldConfigureRedisStore() {
		this.contextRunner.withUserConfiguration(RedisConnectionFactoryConfiguration.class)
			.withPropertyValues("flagstore.store.type=redis", "flagstore.redis.prefix=app1")
			.run((context) -> assertThat(context).hasSingleBean(RedisPersistentDataStore.class)
				.hasSingleBean(PersistentDataStoreWrapper.class));
	}

	@Test
	void userPersistentStoreShouldWinOverStoreType() {
		this.contextRunner.withUserConfiguration(PersistentStoreConfiguration.class, RedisConnectionFactoryConfiguration.class)
			.withPropertyValues("flagstore.store.type=redis")
			.run((context) -> {
				assertThat(context).hasSingleBean(PersistentDataStore.class)
					.doesNotHaveBean(RedisPersistentDataStore.class)
					.hasSingleBean(PersistentDataStoreWrapper.class);
			});
		this.contextRunner.withUserConfiguration(PersistentStoreConfiguration.class)
			.withPropertyValues("flagstore.store.type=jdbc")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(JdbcPersistentDataStore.class));
	}

	// Events

	@Test
	void statusChangesShouldBePublishedAsEvents() {
		this.contextRunner.withUserConfiguration(PersistentStoreConfiguration.class, EventCollectorConfiguration.class)
			.withPropertyValues("flagstore.status.poll-interval=20ms")
			.run((context) -> {
				FaultInjectingPersistentDataStore store = context.getBean(FaultInjectingPersistentDataStore.class);
				DataStore dataStore = context.getBean(DataStore.class);
				EventCollector events = context.getBean(EventCollector.class);
				store.fail();
				assertThatException()
					.isThrownBy(() -> dataStore.get(TestKinds.FEATURES, "flag"));
				await().atMost(Duration.ofSeconds(5)).until(() -> events.outages.size() == 1);
				DataStoreStatusChangedEvent outage = events.outages.get(0);
				assertThat(outage.getStatus().isAvailable()).isFalse();
				assertThat(outage.getStatus().getLastError()).contains("store is down");
				assertThat(outage.getPreviousStatus().isAvailable()).isTrue();
				store.recover();
				await().atMost(Duration.ofSeconds(5)).until(() -> events.all.size() == 2);
				assertThat(events.all.get(1).getStatus().isAvailable()).isTrue();
				assertThat(events.all.get(1).getStatus().isRefreshNeeded()).isTrue();
				assertThat(events.all.get(1).getPreviousStatus().isAvailable()).isFalse();
				dataStore.init(new FullDataSet<>(Map.of()));
				await().atMost(Duration.ofSeconds(5)).until(() -> events.all.size() == 3);
				assertThat(events.all.get(2).getStatus().isRefreshNeeded()).isFalse();
				assertThat(events.outages).hasSize(1);
			});
	}

	@Test
	void foreverCacheShouldRecoverWithoutRefreshNeeded() {
		this.contextRunner.withUserConfiguration(PersistentStoreConfiguration.class, EventCollectorConfiguration.class)
			.withPropertyValues("flagstore.status.poll-interval=20ms", "flagstore.cache.mode=forever")
			.run((context) -> {
				FaultInjectingPersistentDataStore store = context.getBean(FaultInjectingPersistentDataStore.class);
				DataStore dataStore = context.getBean(DataStore.class);
				EventCollector events = context.getBean(EventCollector.class);
				dataStore.init(new FullDataSet<>(Map.of()));
				store.fail();
				assertThatException()
					.isThrownBy(() -> dataStore.upsert(TestKinds.FEATURES, "flag",
							new ItemDescriptor(1, "on")));
				store.recover();
				await().atMost(Duration.ofSeconds(5)).until(() -> events.all.size() == 2);
				assertThat(events.all.get(1).getStatus().isAvailable()).isTrue();
				assertThat(events.all.get(1).getStatus().isRefreshNeeded()).isFalse();
				// The write made during the outage reached the store on recovery.
				assertThat(store.get(TestKinds.FEATURES, "flag")).isNotNull();
			});
	}

	// Health

	@Test
	void healthIndicatorShouldReportStatus() {
		this.contextRunner.withUserConfiguration(PersistentStoreConfiguration.class).run((context) -> {
			assertThat(context).hasBean("flagStoreHealthIndicator");
			HealthIndicator indicator = context.getBean("flagStoreHealthIndicator", HealthIndicator.class);
			Health health = indicator.health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("available", true)
				.containsEntry("refreshNeeded", false)
				.containsEntry("monitoringEnabled", true)
				.containsKey("since");
		});
	}

	@Test
	void healthIndicatorShouldBeDisabledByProperty() {
		this.contextRunner.withPropertyValues("management.health.flagstore.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FlagstoreHealthIndicator.class)
				.hasSingleBean(DataStore.class));
	}

	@Test
	void userHealthIndicatorWithSameNameShouldWin() {
		this.contextRunner.withUserConfiguration(UserHealthIndicatorConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(HealthIndicator.class)
				.doesNotHaveBean(FlagstoreHealthIndicator.class));
	}

	// Metrics

	@Test
	void withoutMeterRegistryShouldNotConfigureMetrics() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(FlagstoreMetrics.class));
	}

	@Test
	void withMeterRegistryShouldBindMetrics() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
			.withUserConfiguration(PersistentStoreConfiguration.class, MeterRegistryConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(FlagstoreMetrics.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get(FlagstoreMetrics.AVAILABLE).gauge().value()).isEqualTo(1);
				assertThat(registry.get(FlagstoreMetrics.REFRESH_NEEDED).gauge().value()).isZero();
				assertThat(registry.get(FlagstoreMetrics.OUTAGE_DURATION).timeGauge().value()).isZero();
				assertThat(registry.get(FlagstoreMetrics.STATUS_CHANGES).tag("state", "unavailable").functionCounter()
					.count()).isZero();
				assertThat(registry.find("cache.gets").tag("cache", "flagstore-items").meters()).isNotEmpty();
			});
	}

	@Test
	void userMetricsShouldWin() {
		this.contextRunner.withUserConfiguration(MeterRegistryConfiguration.class, UserMetricsConfiguration.class)
			.run((context) -> assertThat(context).getBean(FlagstoreMetrics.class)
				.isSameAs(context.getBean("userMetrics")));
	}

	private static ContextConsumer<AssertableApplicationContext> assertFailure(String description, String action) {
		return (context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new FlagstoreFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).as("failure analysis of %s", context.getStartupFailure()).isNotNull();
			assertThat(analysis.getDescription()).contains(description);
			assertThat(analysis.getAction()).contains(action);
		};
	}

	@Configuration(proxyBeanMethods = false)
	static class PersistentStoreConfiguration {

		@Bean
		FaultInjectingPersistentDataStore persistentDataStore() {
			return new FaultInjectingPersistentDataStore(new InMemoryPersistentDataStore());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserDataStoreConfiguration {

		@Bean
		DataStore userDataStore() {
			return new InMemoryDataStore();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserStatusProviderConfiguration {

		@Bean
		DataStoreStatusProvider userStatusProvider() {
			DataStoreStatus down = new DataStoreStatus(false, false, Instant.now(), "down");
			return new DataStoreStatusProvider() {

				@Override
				public DataStoreStatus getStatus() {
					return down;
				}

				@Override
				public boolean isStatusMonitoringEnabled() {
					return true;
				}

				@Override
				public void addStatusListener(DataStoreStatusListener listener) {
				}

				@Override
				public void removeStatusListener(DataStoreStatusListener listener) {
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserEventPublisherConfiguration {

		@Bean
		DataStoreStatusEventPublisher userEventPublisher(DataStoreStatusProvider provider,
				ApplicationEventPublisher publisher) {
			return new DataStoreStatusEventPublisher(provider, publisher);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserHealthIndicatorConfiguration {

		@Bean
		HealthIndicator flagStoreHealthIndicator() {
			return () -> Health.up().build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserMetricsConfiguration {

		@Bean
		FlagstoreMetrics userMetrics(DataStoreStatusProvider provider) {
			return new FlagstoreMetrics(provider);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RedisConnectionFactoryConfiguration {

		@Bean
		RedisConnectionFactory redisConnectionFactory() {
			return mock(RedisConnectionFactory.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EventCollectorConfiguration {

		@Bean
		EventCollector eventCollector() {
			return new EventCollector();
		}

	}

	static class EventCollector {

		final List<DataStoreStatusChangedEvent> all = new CopyOnWriteArrayList<>();

		final List<DataStoreStatusChangedEvent> outages = new CopyOnWriteArrayList<>();

		@EventListener
		void onStatusChange(DataStoreStatusChangedEvent event) {
			this.all.add(event);
		}

		@EventListener(condition = "!#event.status.available")
		void onOutage(DataStoreStatusChangedEvent event) {
			this.outages.add(event);
		}

	}

}
