package dev.flagstore.spring.metrics;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.store.InMemoryDataStore;
import dev.flagstore.test.ManualStatusProvider;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FlagstoreMetrics}.
 */
class FlagstoreMetricsTests {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	private final ManualStatusProvider provider = new ManualStatusProvider(DataStoreStatus.available(T0));

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void gaugesShouldFollowTheStatus() {
		new FlagstoreMetrics(this.provider).bindTo(this.registry);
		assertThat(gauge(FlagstoreMetrics.AVAILABLE)).isEqualTo(1);
		assertThat(gauge(FlagstoreMetrics.REFRESH_NEEDED)).isZero();
		this.provider.set(new DataStoreStatus(false, false, T0, "boom"));
		assertThat(gauge(FlagstoreMetrics.AVAILABLE)).isZero();
		assertThat(gauge(FlagstoreMetrics.REFRESH_NEEDED)).isZero();
		this.provider.set(new DataStoreStatus(true, true, T0, "boom"));
		assertThat(gauge(FlagstoreMetrics.AVAILABLE)).isEqualTo(1);
		assertThat(gauge(FlagstoreMetrics.REFRESH_NEEDED)).isEqualTo(1);
	}

	@Test
	void gaugesShouldHaveDescriptionsAndNoTags() {
		new FlagstoreMetrics(this.provider).bindTo(this.registry);
		Meter available = this.registry.get(FlagstoreMetrics.AVAILABLE).meter();
		assertThat(available.getId().getDescription()).isNotBlank();
		assertThat(available.getId().getTags()).isEmpty();
		assertThat(this.registry.get(FlagstoreMetrics.REFRESH_NEEDED).meter().getId().getDescription()).isNotBlank();
	}

	@Test
	void statusChangesShouldBeCountedByTargetState() {
		new FlagstoreMetrics(this.provider).bindTo(this.registry);
		this.provider.set(new DataStoreStatus(false, false, T0, "boom"));
		this.provider.set(new DataStoreStatus(true, true, T0, "boom"));
		this.provider.set(new DataStoreStatus(true, false, T0, "boom"));
		this.provider.set(new DataStoreStatus(false, false, T0, "boom"));
		assertThat(changes("unavailable")).isEqualTo(2);
		assertThat(changes("refresh_needed")).isEqualTo(1);
		assertThat(changes("available")).isEqualTo(1);
	}

	@Test
	void outageDurationShouldMeasureTheCurrentOutage() {
		Clock clock = Clock.fixed(T0.plusSeconds(90), ZoneOffset.UTC);
		new FlagstoreMetrics(this.provider, Map.of(), clock).bindTo(this.registry);
		assertThat(outageSeconds()).isZero();
		this.provider.set(new DataStoreStatus(false, false, T0, "boom"));
		assertThat(outageSeconds()).isEqualTo(90);
		this.provider.set(new DataStoreStatus(true, true, T0.plusSeconds(90), "boom"));
		assertThat(outageSeconds()).isZero();
	}

	@Test
	void cachesShouldBeMeasuredWithLowCardinalityTags() {
		Cache<String, String> cache = Caffeine.newBuilder().recordStats().build();
		new FlagstoreMetrics(this.provider, Map.of("items", cache)).bindTo(this.registry);
		cache.put("a", "1");
		cache.getIfPresent("a");
		cache.getIfPresent("b");
		assertThat(this.registry.get("cache.gets").tags("cache", "flagstore-items", "result", "hit").functionCounter()
			.count()).isEqualTo(1);
		assertThat(this.registry.get("cache.gets").tags("cache", "flagstore-items", "result", "miss").functionCounter()
			.count()).isEqualTo(1);
	}

	@Test
	void ofShouldMeasureInMemoryStoreWithoutCaches() {
		// tag::without-spring[]
		FlagstoreMetrics.of(new InMemoryDataStore()).bindTo(this.registry);
		// end::without-spring[]
		assertThat(gauge(FlagstoreMetrics.AVAILABLE)).isEqualTo(1);
		assertThat(this.registry.find("cache.gets").meters()).isEmpty();
	}

	@Test
	void closeShouldStopCounting() {
		FlagstoreMetrics metrics = new FlagstoreMetrics(this.provider);
		metrics.bindTo(this.registry);
		metrics.close();
		assertThat(this.provider.listenerCount()).isZero();
		this.provider.set(new DataStoreStatus(false, false, T0, "boom"));
		assertThat(changes("unavailable")).isZero();
		assertThat(gauge(FlagstoreMetrics.AVAILABLE)).isZero();
	}

	private double gauge(String name) {
		return this.registry.get(name).gauge().value();
	}

	private double changes(String state) {
		return this.registry.get(FlagstoreMetrics.STATUS_CHANGES).tag("state", state).functionCounter().count();
	}

	private double outageSeconds() {
		return this.registry.get(FlagstoreMetrics.OUTAGE_DURATION).timeGauge().value(TimeUnit.SECONDS);
	}

}
