package dev.flagstore.spring.health;

import java.time.Instant;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.store.InMemoryDataStore;
import dev.flagstore.test.ManualStatusProvider;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FlagstoreHealthIndicator}.
 */
class FlagstoreHealthIndicatorTests {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	@Test
	void availableStoreShouldBeUpWithDetails() {
		ManualStatusProvider provider = new ManualStatusProvider(new DataStoreStatus(true, true, T0, "earlier outage"));
		Health health = new FlagstoreHealthIndicator(provider).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("available", true)
			.containsEntry("refreshNeeded", true)
			.containsEntry("monitoringEnabled", true)
			.containsEntry("since", "2026-01-01T00:00:00Z")
			.containsEntry("lastError", "earlier outage");
	}

	@Test
	void unavailableStoreShouldBeDown() {
		ManualStatusProvider provider = new ManualStatusProvider(DataStoreStatus.available(T0));
		FlagstoreHealthIndicator indicator = new FlagstoreHealthIndicator(provider);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		provider.set(new DataStoreStatus(false, false, T0.plusSeconds(1), "IOException: connection refused"));
		Health health = indicator.health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("available", false)
			.containsEntry("refreshNeeded", false)
			.containsEntry("lastError", "IOException: connection refused");
	}

	@Test
	void storeThatNeverFailedShouldHaveNoLastError() {
		Health health = new FlagstoreHealthIndicator(new ManualStatusProvider(DataStoreStatus.available(T0))).health();
		assertThat(health.getDetails()).doesNotContainKey("lastError");
	}

	@Test
	void inMemoryStoreShouldBeUpWithoutMonitoring() {
		Health health = new FlagstoreHealthIndicator(new InMemoryDataStore().getStatusProvider()).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("monitoringEnabled", false);
	}

	@Test
	void detailsShouldBeRemovableForUnauthorizedViewers() {
		Health health = new FlagstoreHealthIndicator(new ManualStatusProvider(DataStoreStatus.available(T0)))
			.health(false);
		assertThat(health.getDetails()).isEmpty();
	}

}
