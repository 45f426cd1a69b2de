package dev.flagstore.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.flagstore.spring.DataStoreStatusChangedEvent;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.test.FaultInjectingPersistentDataStore;
import dev.flagstore.test.InMemoryPersistentDataStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.RestTestClient.BodyContentSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter in a real application over HTTP: a store that fails turns {@code /actuator/health} DOWN (503), the
 * event reaches {@code @EventListener} methods and the gauge reads 0; when the store answers again, health is UP,
 * the events say a refresh is needed (then that it is done) and the gauge reads 1.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"flagstore.status.poll-interval=50ms", "flagstore.status.heartbeat-interval=100ms",
		"management.endpoints.web.exposure.include=health,metrics",
		"management.endpoint.health.show-details=always", "management.endpoint.health.probes.enabled=true",
		"management.endpoint.health.group.readiness.include=readinessState,flagStore",
		// The test class path has Spring Data Redis but no Redis server: keep Redis out of the picture.
		// Spring Security is on this module's test class path for FlagstoreEndpointSecurityTests only.
				"spring.autoconfigure.exclude=org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
		"management.health.redis.enabled=false" })
@AutoConfigureRestTestClient
class FlagstoreHttpTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);


	@Autowired
	private RestTestClient rest;

	@Autowired
	private FaultInjectingPersistentDataStore store;

	@Autowired
	private DataStore dataStore;

	@Autowired
	private MeterRegistry meterRegistry;

	@Autowired
	private StatusEvents events;

	@Autowired
	private AsyncOutageListener asyncListener;

	@Test
	void outageAndRecoveryShouldShowInHealthEventsAndMetrics() {
		assertHealth("/actuator/health", HttpStatus.OK, "UP");
		assertHealth("/actuator/health/flagStore", HttpStatus.OK, "UP");
		assertThat(gauge("flagstore.store.available")).isEqualTo(1);

		// The store goes down while the application is idle: the heartbeat notices.
		this.store.fail();
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertHealth("/actuator/health", HttpStatus.SERVICE_UNAVAILABLE, "DOWN"));
		assertHealth("/actuator/health/flagStore", HttpStatus.SERVICE_UNAVAILABLE, "DOWN")
			.jsonPath("$.details.available").isEqualTo(false)
			.jsonPath("$.details.refreshNeeded").isEqualTo(false)
			.jsonPath("$.details.monitoringEnabled").isEqualTo(true)
			.jsonPath("$.details.since").isNotEmpty()
			.jsonPath("$.details.lastError").isNotEmpty();
		assertHealth("/actuator/health/readiness", HttpStatus.SERVICE_UNAVAILABLE, "DOWN");
		assertHealth("/actuator/health/liveness", HttpStatus.OK, "UP");
		await().atMost(TIMEOUT).until(() -> this.events.outages.size() == 1);
		assertThat(this.events.outages.get(0).getStatus().isAvailable()).isFalse();
		assertThat(this.events.outages.get(0).getPreviousStatus().isAvailable()).isTrue();
		await().atMost(TIMEOUT).until(() -> this.asyncListener.getThreads().size() == 1);
		// It ran on the application's task executor, not on flagstore's listener thread.
		assertThat(this.asyncListener.getThreads()).noneMatch((name) -> name.startsWith("flagstore"));
		assertThat(gauge("flagstore.store.available")).isZero();
		this.rest.get()
			.uri("/actuator/metrics/flagstore.store.available")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.measurements[0].value")
			.isEqualTo(0.0);

		// The store answers again: available, but data written meanwhile may be lost, so a refresh is needed.
		this.store.recover();
		await().atMost(TIMEOUT).untilAsserted(() -> assertHealth("/actuator/health", HttpStatus.OK, "UP"));
		assertHealth("/actuator/health/flagStore", HttpStatus.OK, "UP").jsonPath("$.details.refreshNeeded")
			.isEqualTo(true);
		assertHealth("/actuator/health/readiness", HttpStatus.OK, "UP");
		await().atMost(TIMEOUT).until(() -> this.events.all.size() == 2);
		DataStoreStatusChangedEvent recovery = this.events.all.get(1);
		assertThat(recovery.getStatus().isAvailable()).isTrue();
		assertThat(recovery.getStatus().isRefreshNeeded()).isTrue();
		assertThat(gauge("flagstore.store.available")).isEqualTo(1);
		assertThat(gauge("flagstore.store.refresh.needed")).isEqualTo(1);

		// The data source re-syncs: the refresh is done.
		this.dataStore.init(new FullDataSet<>(Map.of()));
		await().atMost(TIMEOUT).until(() -> this.events.all.size() == 3);
		assertThat(this.events.all.get(2).getStatus().isRefreshNeeded()).isFalse();
		assertThat(gauge("flagstore.store.refresh.needed")).isZero();
		assertThat(this.events.outages).hasSize(1);
		assertThat(this.meterRegistry.get("flagstore.store.status.changes")
			.tag("state", "unavailable")
			.functionCounter()
			.count()).isEqualTo(1);
	}

	private BodyContentSpec assertHealth(String path, HttpStatus expectedCode, String expectedStatus) {
		return this.rest.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isEqualTo(expectedCode)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(expectedStatus);
	}

	private double gauge(String name) {
		return this.meterRegistry.get(name).gauge().value();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableAsync
	static class TestApplication {

		// tag::persistent-store-bean[]
		@Bean
		FaultInjectingPersistentDataStore persistentDataStore() {
			return new FaultInjectingPersistentDataStore(new InMemoryPersistentDataStore());
		}
		// end::persistent-store-bean[]

		@Bean
		StatusEvents statusEvents() {
			return new StatusEvents();
		}

		@Bean
		AsyncOutageListener asyncOutageListener() {
			return new AsyncOutageListener();
		}

	}

	static class StatusEvents {

		final List<DataStoreStatusChangedEvent> all = new CopyOnWriteArrayList<>();

		final List<DataStoreStatusChangedEvent> outages = new CopyOnWriteArrayList<>();

		// tag::event-listeners[]
		@EventListener
		void onChange(DataStoreStatusChangedEvent event) {
			this.all.add(event);
		}

		@EventListener(condition = "!#event.status.available")
		void onOutage(DataStoreStatusChangedEvent event) {
			this.outages.add(event);
		}
		// end::event-listeners[]

	}

	/**
	 * An {@code @Async} listener (a proxy, so its state is read through methods).
	 */
	public static class AsyncOutageListener {

		private final List<String> threads = new CopyOnWriteArrayList<>();

		// tag::async-listener[]
		@Async
		@EventListener(condition = "!#event.status.available")
		public void onOutage(DataStoreStatusChangedEvent event) {
			this.threads.add(Thread.currentThread().getName());
		}
		// end::async-listener[]

		public List<String> getThreads() {
			return this.threads;
		}

	}

}
