package dev.flagstore.store;

import java.time.Instant;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;
import dev.flagstore.status.DataStoreStatusProvider;

/**
 * The status of a store without monitoring: always available, never changes, so listeners are never called.
 */
final class FixedStatusProvider implements DataStoreStatusProvider {

	private final DataStoreStatus status = DataStoreStatus.available(Instant.now());

	@Override
	public DataStoreStatus getStatus() {
		return this.status;
	}

	@Override
	public boolean isStatusMonitoringEnabled() {
		return false;
	}

	@Override
	public void addStatusListener(DataStoreStatusListener listener) {
		// Nothing will ever change.
	}

	@Override
	public void removeStatusListener(DataStoreStatusListener listener) {
	}

}
