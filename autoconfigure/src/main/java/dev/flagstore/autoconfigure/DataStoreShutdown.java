package dev.flagstore.autoconfigure;

import dev.flagstore.store.DataStore;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Closes the auto-configured data store when the context closes, after the web server has drained and before the
 * connection factories it uses stop.
 *
 * <p>Spring stops lifecycle beans (Lettuce's connection factory among them, at phase 0) before it destroys beans,
 * so a store closed only on destroy could poll or probe a connection factory that is already stopped and report a
 * false outage while the application shuts down. The phase is below the web server's graceful shutdown, so
 * requests still in flight keep their store.
 *
 * <p>Only a close closes the store: the store cannot be reopened, so an explicit {@code stop()} of the context
 * (followed by {@code start()}) leaves it open and working. The context publishes {@link ContextClosedEvent} before
 * its lifecycle processor stops the beans, which is how {@link #stop()} tells a close from a stop. Events of other
 * contexts (a child context's close reaches its parent's listeners) are ignored.
 *
 * <p>When no such stop comes (a refresh that fails after the store was built publishes no close event; a context
 * stopped and then closed does not stop its beans again), {@link #destroy()} closes the store: closing is
 * idempotent, so the store is closed exactly once either way.
 */
final class DataStoreShutdown implements SmartLifecycle, ApplicationListener<ContextClosedEvent>,
		ApplicationContextAware, DisposableBean {

	/** After the web server (graceful shutdown and stop), before connection factories at phase 0. */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final @Nullable DataStore dataStore;

	private @Nullable ApplicationContext applicationContext;

	private volatile boolean running;

	/** Set once this context has started to close: from then on, a stop is the close's. */
	private volatile boolean closing;

	DataStoreShutdown(@Nullable DataStore dataStore) {
		this.dataStore = dataStore;
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) {
		this.applicationContext = applicationContext;
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (event.getApplicationContext() == this.applicationContext) {
			this.closing = true;
		}
	}

	@Override
	public boolean supportsAsyncExecution() {
		// Must see the close before the lifecycle processor's onClose stops this bean.
		return false;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.closing && this.dataStore != null) {
			this.dataStore.close();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public void destroy() {
		if (this.dataStore != null) {
			this.dataStore.close();
		}
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
