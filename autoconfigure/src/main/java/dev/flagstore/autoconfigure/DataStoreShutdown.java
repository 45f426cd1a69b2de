package dev.flagstore.autoconfigure;

import dev.flagstore.store.DataStore;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Closes the auto-configured data store when the context stops, before the connection factories it uses stop.
 *
 * <p>Spring stops lifecycle beans (Lettuce's connection factory among them, at phase 0) before it destroys beans,
 * so a store closed only on destroy could poll or probe a connection factory that is already stopped and report a
 * false outage while the application shuts down. The phase is below the web server's graceful shutdown, so
 * requests still in flight keep their store.
 */
final class DataStoreShutdown implements SmartLifecycle {

	/** After the web server (graceful shutdown and stop), before connection factories at phase 0. */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final @Nullable DataStore dataStore;

	private volatile boolean running;

	DataStoreShutdown(@Nullable DataStore dataStore) {
		this.dataStore = dataStore;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.dataStore != null) {
			this.dataStore.close();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
