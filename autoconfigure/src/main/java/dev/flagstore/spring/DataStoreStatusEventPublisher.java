package dev.flagstore.spring;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;
import dev.flagstore.status.DataStoreStatusProvider;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Bridges a {@link DataStoreStatusProvider} to the application context: every status change becomes a
 * {@link DataStoreStatusChangedEvent}.
 *
 * <p>It subscribes at once, but publishes only while it runs (from the start of the lifecycle phase, when every
 * {@code @EventListener} method is registered, until the context stops). A change that happened before the start
 * is published at the start, as one event from the store's initial status to the current one, so nobody misses an
 * outage that began while the context was starting. Thread-safe: events are published one at a time, on the
 * provider's listener thread (or the thread that starts the context), in the order the changes happened.
 */
public class DataStoreStatusEventPublisher implements DataStoreStatusListener, SmartLifecycle, DisposableBean {

	private final DataStoreStatusProvider statusProvider;

	private final ApplicationEventPublisher eventPublisher;

	private final Object lock = new Object();

	/** Guarded by {@link #lock}: the status the subscribers were last told about (or the initial status). */
	private DataStoreStatus published;

	/** Guarded by {@link #lock}: the latest status seen. */
	private DataStoreStatus latest;

	/** Guarded by {@link #lock}. */
	private boolean running;

	/**
	 * Creates the bridge and subscribes it to {@code statusProvider}.
	 * @param statusProvider the status to watch; not {@code null}
	 * @param eventPublisher where to publish the events; not {@code null}
	 */
	public DataStoreStatusEventPublisher(DataStoreStatusProvider statusProvider,
			ApplicationEventPublisher eventPublisher) {
		Assert.notNull(statusProvider, "'statusProvider' must not be null");
		Assert.notNull(eventPublisher, "'eventPublisher' must not be null");
		this.statusProvider = statusProvider;
		this.eventPublisher = eventPublisher;
		this.published = statusProvider.getStatus();
		this.latest = this.published;
		statusProvider.addStatusListener(this);
	}

	@Override
	public void dataStoreStatusChanged(DataStoreStatus newStatus) {
		synchronized (this.lock) {
			this.latest = newStatus;
			if (this.running) {
				publishLatestIfChanged();
			}
		}
	}

	@Override
	public void start() {
		synchronized (this.lock) {
			this.running = true;
			// Catch up with changes from before the start; the listener keeps their order from now on.
			publishLatestIfChanged();
		}
	}

	@Override
	public void stop() {
		synchronized (this.lock) {
			this.running = false;
		}
	}

	@Override
	public boolean isRunning() {
		synchronized (this.lock) {
			return this.running;
		}
	}

	/**
	 * Stops publishing and unsubscribes from the status provider. Called when the context closes.
	 */
	@Override
	public void destroy() {
		stop();
		this.statusProvider.removeStatusListener(this);
	}

	private void publishLatestIfChanged() {
		DataStoreStatus previous = this.published;
		DataStoreStatus current = this.latest;
		if (!current.isSameStateAs(previous)) {
			this.published = current;
			this.eventPublisher.publishEvent(new DataStoreStatusChangedEvent(this.statusProvider, current, previous));
		}
	}

}
