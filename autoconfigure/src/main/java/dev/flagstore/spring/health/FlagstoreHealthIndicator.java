package dev.flagstore.spring.health;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusProvider;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.util.Assert;

/**
 * {@link HealthIndicator} for the flagstore data store: {@code UP} while the store is available, {@code DOWN} while
 * it is not.
 *
 * <p>It reports the last known status and never calls the store, so a probe is cheap and cannot hang on a dead
 * store; the store's own polling and heartbeat keep the status current. Details: {@code available},
 * {@code refreshNeeded}, {@code monitoringEnabled}, {@code since} (ISO-8601) and, once the store has failed,
 * {@code lastError}. Thread-safe.
 */
public class FlagstoreHealthIndicator implements HealthIndicator {

	private final DataStoreStatusProvider statusProvider;

	/**
	 * Creates an indicator for the given status.
	 * @param statusProvider the status to report; not {@code null}
	 */
	public FlagstoreHealthIndicator(DataStoreStatusProvider statusProvider) {
		Assert.notNull(statusProvider, "'statusProvider' must not be null");
		this.statusProvider = statusProvider;
	}

	@Override
	public Health health() {
		DataStoreStatus status = this.statusProvider.getStatus();
		Health.Builder builder = status.isAvailable() ? Health.up() : Health.down();
		builder.withDetail("available", status.isAvailable())
			.withDetail("refreshNeeded", status.isRefreshNeeded())
			.withDetail("monitoringEnabled", this.statusProvider.isStatusMonitoringEnabled())
			.withDetail("since", status.getSince().toString());
		String lastError = status.getLastError();
		if (lastError != null) {
			builder.withDetail("lastError", lastError);
		}
		return builder.build();
	}

}
